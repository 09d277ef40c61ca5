/**
 * verifySignature against signatures that gpg makes, with gpgv (or gpg --verify at a faked
 * time) as the oracle for every verdict.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gpgVerdicts, makeGpgHome, parseColonListing, type GpgHome } from '../../fixtures/gpg-home.js';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { stripClearsign } from '../apt/index.js';
import { goodSignatures, mergeKeyrings, parseKeyring, verifySignature, type Keyring, type SignatureStatus } from './index.js';

const RELEASE = [
  'Origin: Test',
  'Suite: stable',
  '-----BEGIN PGP SIGNATURE----- (dash-escaped)',
  'From the start of a line',
  'trailing blanks   ',
  'a tab\t',
  '',
  'SHA256:',
  ' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 42 main/binary-amd64/Packages',
  '',
].join('\n');
const PAST = '20200201T000000!';
const PAST_NOW = new Date(Date.UTC(2020, 5, 1));

interface Keys {
  readonly a: string; // ed25519, with a signing subkey
  readonly aSub: string;
  readonly b: string; // rsa2048
  readonly c: string; // ed25519, not in the keyring
  readonly expired: string; // ed25519 made in 2020, expired in 2021
  readonly oldNoExpiry: string; // ed25519 made in 2020, no expiry
  readonly revoked: string;
  readonly p256: string;
  readonly p521: string;
  readonly brainpool: string;
  readonly dsa: string;
  readonly certifyOnly: string; // key flags changed to certify only after signing
}

describe('verifySignature with gpg as signer and oracle', () => {
  let home: GpgHome;
  let keys: Keys;
  let ring: Keyring;
  let ringFile: string;
  const data = (): string => join(home.dir, 'Release');

  before(async () => {
    if (!hasTool('gpg') || !hasTool('gpgv')) return;
    home = await makeGpgHome();
    const gen = (uid: string, algo: string, expire = 'never', extra: string[] = []): string => {
      home.gpg([...extra, '--quick-gen-key', `${uid} <${uid}@example.invalid>`, algo, 'sign', expire]);
      return parseColonListing(home.gpg(['--with-colons', '--list-keys', `<${uid}@example.invalid>`]))[0]!.fingerprint;
    };
    const a = gen('a', 'ed25519');
    home.gpg(['--quick-add-key', a, 'ed25519', 'sign', 'never']);
    const aSub = parseColonListing(home.gpg(['--with-colons', '--with-subkey-fingerprint', '--list-keys', a]))[0]!.subkeys.find((s) => s.capabilities.includes('s'))!.fingerprint;
    keys = {
      a, aSub, b: gen('b', 'rsa2048'), c: gen('c', 'ed25519'), expired: gen('expired', 'ed25519', '1y', ['--faked-system-time', PAST]),
      oldNoExpiry: gen('old', 'ed25519', 'never', ['--faked-system-time', PAST]), revoked: gen('revoked', 'ed25519'),
      p256: gen('p256', 'nistp256'), p521: gen('p521', 'nistp521'), brainpool: gen('brainpool', 'brainpoolP256r1'), dsa: gen('dsa', 'dsa2048'), certifyOnly: gen('certonly', 'ed25519'),
    };
    writeFileSync(data(), RELEASE);
    // Signatures that need the key as it was: made now, before revoking or restricting it.
    sign('revoked.sig', ['-u', keys.revoked, '--detach-sign']);
    sign('certonly.sig', ['-u', keys.certifyOnly, '--detach-sign']);
    home.gpg(['--output', join(home.dir, 'before-revoke.gpg'), '--export', keys.revoked]);
    const rev = readFileSync(join(home.dir, 'openpgp-revocs.d', `${keys.revoked}.rev`), 'utf8').replace(/^:-----BEGIN/m, '-----BEGIN');
    writeFileSync(join(home.dir, 'revoke.asc'), rev);
    home.gpg(['--import', join(home.dir, 'revoke.asc')]);
    const edit = spawnSync('gpg', ['--batch', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', '--expert', '--command-fd', '0', '--edit-key', keys.certifyOnly], {
      input: 'change-usage\nS\nQ\nsave\n', env: { ...process.env, GNUPGHOME: home.dir }, encoding: 'utf8',
    });
    assert.equal(edit.status, 0, edit.stderr);
    ringFile = join(home.dir, 'ring.gpg');
    const inRing = Object.entries(keys).filter(([k]) => k !== 'c' && k !== 'aSub').map(([, f]) => f);
    home.gpg(['--output', ringFile, '--export', ...inRing]);
    ring = parseKeyring(readFileSync(ringFile), 'ring.gpg');
  });
  after(async () => home?.close());

  function sign(out: string, args: string[]): string {
    const file = join(home.dir, out);
    home.gpg(['--output', file, ...args, data()]);
    return file;
  }

  /** oracle returns gpgv's verdicts (gpg --verify at a faked time when `now` is given). */
  function oracle(sigFile: string, dataFile: string | undefined, now?: Date): SignatureStatus[] {
    const files = dataFile ? [sigFile, dataFile] : [sigFile];
    if (!now) return gpgVerdicts(home.gpgv(['--keyring', ringFile, ...files]).stdout) as SignatureStatus[];
    const faked = `${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}!`;
    return gpgVerdicts(home.tryGpg(['--no-default-keyring', '--keyring', ringFile, '--faked-system-time', faked, '--status-fd', '1', '--verify', ...files]).stdout) as SignatureStatus[];
  }

  interface Case {
    readonly name: string;
    readonly make: () => string;
    readonly expect: SignatureStatus[];
    readonly clearsigned?: boolean;
    readonly now?: Date;
    readonly tamper?: boolean;
    readonly signer?: () => [string, string]; // [fingerprint, primary fingerprint] of the first check
    readonly hash?: string;
  }
  const cases: Case[] = [
    { name: 'ed25519 clearsigned (InRelease)', make: () => sign('c1.asc', ['-u', `${keys.a}!`, '--clearsign']), clearsigned: true, expect: ['good'], signer: () => [keys.a, keys.a], hash: 'SHA256' },
    { name: 'ed25519 clearsigned, one byte of text changed', make: () => sign('c2.asc', ['-u', keys.a, '--clearsign']), clearsigned: true, tamper: true, expect: ['bad'] },
    { name: 'ed25519 detached, armored', make: () => sign('d1.asc', ['-u', keys.a, '--armor', '--detach-sign']), expect: ['good'] },
    { name: 'ed25519 detached, binary, SHA512', make: () => sign('d2.sig', ['-u', keys.a, '--digest-algo', 'SHA512', '--detach-sign']), expect: ['good'], hash: 'SHA512' },
    { name: 'ed25519 detached, text mode (class 0x01)', make: () => sign('d3.sig', ['-u', keys.a, '--textmode', '--detach-sign']), expect: ['good'] },
    { name: 'detached, one byte of data changed', make: () => sign('d4.sig', ['-u', keys.a, '--detach-sign']), tamper: true, expect: ['bad'] },
    { name: 'SHA1 digest', make: () => sign('d5.sig', ['-u', keys.a, '--digest-algo', 'SHA1', '--detach-sign']), expect: ['weak-hash'], hash: 'SHA1' },
    { name: 'signing subkey', make: () => sign('d6.sig', ['-u', `${keys.aSub}!`, '--detach-sign']), expect: ['good'], signer: () => [keys.aSub, keys.a] },
    { name: 'key not in the keyring', make: () => sign('d7.sig', ['-u', keys.c, '--detach-sign']), expect: ['no-key'] },
    { name: 'two signers, one unknown (-u a -u c)', make: () => sign('d8.asc', ['-u', keys.a, '-u', keys.c, '--clearsign']), clearsigned: true, expect: ['good', 'no-key'] },
    { name: 'three signers (ed25519, RSA, ECDSA)', make: () => sign('d9.sig', ['-u', keys.a, '-u', keys.b, '-u', keys.p256, '--detach-sign']), expect: ['good', 'good', 'good'] },
    { name: 'RSA 2048 clearsigned, SHA384', make: () => sign('r1.asc', ['-u', keys.b, '--digest-algo', 'SHA384', '--clearsign']), clearsigned: true, expect: ['good'], hash: 'SHA384' },
    { name: 'RSA 2048 tampered', make: () => sign('r2.sig', ['-u', keys.b, '--detach-sign']), tamper: true, expect: ['bad'] },
    { name: 'RSA SHA224', make: () => sign('r3.sig', ['-u', keys.b, '--digest-algo', 'SHA224', '--detach-sign']), expect: ['good'], hash: 'SHA224' },
    { name: 'ECDSA P-256', make: () => sign('e1.sig', ['-u', keys.p256, '--detach-sign']), expect: ['good'] },
    { name: 'ECDSA P-521 clearsigned, SHA512', make: () => sign('e2.asc', ['-u', keys.p521, '--digest-algo', 'SHA512', '--clearsign']), clearsigned: true, expect: ['good'] },
    { name: 'ECDSA P-521 tampered', make: () => sign('e3.sig', ['-u', keys.p521, '--detach-sign']), tamper: true, expect: ['bad'] },
    { name: 'ECDSA brainpoolP256r1', make: () => sign('e4.sig', ['-u', keys.brainpool, '--detach-sign']), expect: ['good'] },
    { name: 'ECDSA brainpoolP256r1 tampered', make: () => sign('e5.sig', ['-u', keys.brainpool, '--detach-sign']), tamper: true, expect: ['bad'] },
    { name: 'DSA 2048', make: () => sign('s1.sig', ['-u', keys.dsa, '--detach-sign']), expect: ['good'] },
    { name: 'DSA 2048 tampered', make: () => sign('s2.sig', ['-u', keys.dsa, '--detach-sign']), tamper: true, expect: ['bad'] },
    { name: 'expired key', make: () => sign('x1.sig', ['--faked-system-time', PAST, '-u', keys.expired, '--detach-sign']), expect: ['expired-key'] },
    { name: 'expired key, judged while it was valid (now in 2020)', make: () => sign('x2.sig', ['--faked-system-time', PAST, '-u', keys.expired, '--detach-sign']), now: PAST_NOW, expect: ['good'] },
    { name: 'old signature, no expiry', make: () => sign('x3.sig', ['--faked-system-time', PAST, '-u', keys.oldNoExpiry, '--detach-sign']), expect: ['good'] },
    { name: 'signature expired (1 day)', make: () => sign('x4.sig', ['--faked-system-time', PAST, '--default-sig-expire', '1d', '-u', keys.oldNoExpiry, '--detach-sign']), expect: ['expired-signature'] },
    { name: 'revoked key', make: () => join(home.dir, 'revoked.sig'), expect: ['revoked-key'] },
    { name: 'key no longer allowed to sign', make: () => join(home.dir, 'certonly.sig'), expect: ['not-signing-key'] },
  ];

  for (const c of cases) {
    it(c.name, (t) => {
      if (!requireTool(t, 'gpg', 'gpgv')) return;
      const sigFile = c.make();
      let text: string;
      let signature: Uint8Array | string;
      let oracleData: string | undefined = data();
      if (c.clearsigned) {
        let message = readFileSync(sigFile, 'utf8');
        if (c.tamper) message = message.replace('Suite: stable', 'Suite: stabl3');
        const parts = stripClearsign(message, 'InRelease');
        text = parts.text;
        signature = parts.signature;
        writeFileSync(`${sigFile}.checked`, message);
        oracleData = undefined;
      } else {
        text = RELEASE;
        if (c.tamper) {
          text = RELEASE.replace('Suite: stable', 'Suite: stabl3');
          oracleData = join(home.dir, `${c.name.replace(/\W+/g, '-')}.data`);
          writeFileSync(oracleData, text);
        }
        signature = readFileSync(sigFile);
      }
      const checks = verifySignature(text, signature, ring, { subject: 'Release', cleartext: c.clearsigned === true, ...(c.now ? { now: c.now } : {}) });
      const statuses = checks.map((x) => x.status);
      assert.deepEqual(statuses, c.expect, checks.map((x) => x.reason).join('; '));
      assert.deepEqual(statuses, oracle(c.clearsigned ? `${sigFile}.checked` : sigFile, oracleData, c.now), 'gpg agrees');
      for (const x of checks) {
        assert.match(x.keyId, /^[0-9A-F]{16}$/);
        assert.ok(x.created.getTime() > Date.UTC(2019, 0, 1), 'creation time read');
        assert.ok(x.reason.length > 10);
      }
      if (c.signer) assert.deepEqual([checks[0]!.fingerprint, checks[0]!.primaryFingerprint], c.signer());
      if (c.hash) assert.equal(checks[0]!.hashAlgorithm, c.hash);
      assert.equal(goodSignatures(checks).length, statuses.filter((s) => s === 'good').length);
    });
  }

  it('the same signature as binary and armored gives the same verdicts', (t) => {
    if (!requireTool(t, 'gpg', 'gpgv')) return;
    const bin = readFileSync(sign('same.sig', ['-u', keys.a, '-u', keys.b, '--detach-sign']));
    const armored = home.gpg(['--enarmor', '--output', '-', join(home.dir, 'same.sig')]).replaceAll('ARMORED FILE', 'SIGNATURE');
    const v = (s: Uint8Array | string) => verifySignature(RELEASE, s, ring, { subject: 'Release' }).map((c) => [c.status, c.fingerprint]);
    assert.deepEqual(v(armored), v(bin));
    assert.deepEqual(v(bin).map((x) => x[0]), ['good', 'good']);
  });

  it('a revocation in one copy of a key revokes the merged key (mergeKeyrings)', (t) => {
    if (!requireTool(t, 'gpg', 'gpgv')) return;
    const before = parseKeyring(readFileSync(join(home.dir, 'before-revoke.gpg')), 'before.gpg');
    const sig = readFileSync(join(home.dir, 'revoked.sig'));
    const status = (r: Keyring) => verifySignature(RELEASE, sig, r, { subject: 'Release' }).map((c) => c.status);
    assert.deepEqual(status(before), ['good']);
    assert.deepEqual(status(mergeKeyrings(before, ring)), ['revoked-key']);
    assert.deepEqual(status(mergeKeyrings(ring, before)), ['revoked-key']);
    assert.equal(mergeKeyrings(before, ring).keys.filter((k) => k.fingerprint === keys.revoked).length, 1);
  });

  it('the keyring as gpg lists it (subkey can sign, cross-certified; certify-only key cannot)', (t) => {
    if (!requireTool(t, 'gpg')) return;
    const a = ring.keys.find((k) => k.fingerprint === keys.a)!;
    assert.deepEqual(a.subkeys.map((s) => [s.fingerprint, s.canSign, s.crossCertified]), [[keys.aSub, true, true]]);
    assert.equal(ring.keys.find((k) => k.fingerprint === keys.certifyOnly)!.canSign, false);
    assert.ok(ring.keys.find((k) => k.fingerprint === keys.revoked)!.revoked);
    assert.deepEqual(ring.keys.find((k) => k.fingerprint === keys.b)!.bits, 2048);
  });
});
