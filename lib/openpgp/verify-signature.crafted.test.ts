/**
 * verifySignature on packets no signer makes on request, written by fixtures/openpgp-writer.ts
 * and judged by gpgv as the oracle. Every signature carries the issuer key ID subpacket (16)
 * as gpg does: GnuPG 2.2 does not take a self-signature's issuer from the fingerprint
 * subpacket (33) alone, while slipway (like RFC 9580) does. Cases: v3 signatures, a signing subkey without back-signature,
 * critical unknown subpackets, SHA-1 and MD5, signatures without issuer or dated before
 * their key, and self-signatures made with MD5, and with SHA-1 before and after 2019-01-19.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gpgVerdicts, makeGpgHome, type GpgHome } from '../../fixtures/gpg-home.js';
import {
  certificate, keyMaterial, makeKey, packet, signV3, signV4, sub, subpacket, userIdMaterial, type HashName, type TestKey,
} from '../../fixtures/openpgp-writer.js';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { parseKeyring, verifySignature, type Keyring, type SignatureStatus } from './index.js';

const T0 = Date.UTC(2024, 0, 1) / 1000;
const DATA = new TextEncoder().encode('Origin: crafted\nSuite: test\n');
const UID = 'crafted <crafted@example.invalid>';

/** selfCertify makes a positive certification (0x13) of UID by `key` at `t` with `hash`. */
function selfCertify(key: TestKey, t: number, hash: HashName = 'sha256', flags = 0x03): Uint8Array {
  return signV4(key, 0x13, new Uint8Array(Buffer.concat([keyMaterial(key), userIdMaterial(UID)])), [sub.created(t), sub.issuerFingerprint(key), sub.keyFlags(flags)], [sub.issuer(key)], hash);
}

/** bind makes a subkey binding (0x18) for a signing subkey, with a back-signature (0x19) when `backSig`. */
function bind(primary: TestKey, subkey: TestKey, t: number, backSig: boolean): Uint8Array {
  const material = new Uint8Array(Buffer.concat([keyMaterial(primary), keyMaterial(subkey)]));
  const hashed = [sub.created(t), sub.issuerFingerprint(primary), sub.keyFlags(0x02)];
  if (backSig) hashed.push(sub.embedded(signV4(subkey, 0x19, material, [sub.created(t), sub.issuerFingerprint(subkey)], [sub.issuer(subkey)])));
  return signV4(primary, 0x18, material, hashed, [sub.issuer(primary)]);
}

function dataSig(key: TestKey, opts: { t?: number; hash?: HashName; hashed?: Uint8Array[]; unhashed?: Uint8Array[]; type?: number } = {}): Uint8Array {
  const hashed = opts.hashed ?? [sub.created(opts.t ?? T0 + 100), sub.issuerFingerprint(key)];
  return packet(2, signV4(key, opts.type ?? 0x00, DATA, hashed, opts.unhashed ?? [sub.issuer(key)], opts.hash ?? 'sha256'));
}

describe('verifySignature on crafted packets, gpgv as the oracle', () => {
  let home: GpgHome;
  let ring: Keyring;
  let ringFile: string;
  const k: Record<string, TestKey> = {};
  const sigs: Record<string, Uint8Array> = {};

  before(async () => {
    k['primary'] = makeKey('ed25519', T0);
    k['crossed'] = makeKey('ed25519', T0 + 1);
    k['uncrossed'] = makeKey('ed25519', T0 + 2);
    k['rsa'] = makeKey('rsa', T0);
    k['sha1Old'] = makeKey('ed25519', Date.UTC(2018, 0, 1) / 1000);
    k['sha1New'] = makeKey('ed25519', Date.UTC(2020, 0, 1) / 1000);
    k['md5Self'] = makeKey('ed25519', T0);
    k['stranger'] = makeKey('ed25519', T0);
    const p = k['primary']!;
    const keyring = Buffer.concat([
      certificate(p, UID, selfCertify(p, T0 + 10), [
        { key: k['crossed']!, binding: bind(p, k['crossed']!, T0 + 10, true) },
        { key: k['uncrossed']!, binding: bind(p, k['uncrossed']!, T0 + 10, false) },
      ]),
      certificate(k['rsa']!, UID, selfCertify(k['rsa']!, T0 + 10)),
      certificate(k['sha1Old']!, UID, selfCertify(k['sha1Old']!, Date.UTC(2018, 5, 1) / 1000, 'sha1')),
      certificate(k['sha1New']!, UID, selfCertify(k['sha1New']!, Date.UTC(2020, 5, 1) / 1000, 'sha1')),
      certificate(k['md5Self']!, UID, selfCertify(k['md5Self']!, T0 + 10, 'md5')),
    ]);
    ring = parseKeyring(keyring, 'crafted.gpg');
    Object.assign(sigs, {
      primary: dataSig(p),
      crossedSubkey: dataSig(k['crossed']!),
      uncrossedSubkey: dataSig(k['uncrossed']!),
      criticalUnknown: dataSig(p, { hashed: [sub.created(T0 + 100), sub.issuerFingerprint(p), subpacket(99, Uint8Array.of(1), true)] }),
      nonCriticalUnknown: dataSig(p, { hashed: [sub.created(T0 + 100), sub.issuerFingerprint(p), subpacket(99, Uint8Array.of(1))] }),
      md5: dataSig(p, { hash: 'md5' }),
      sha1: dataSig(k['rsa']!, { hash: 'sha1' }),
      beforeKey: dataSig(p, { t: T0 - 100 }),
      noIssuer: dataSig(p, { hashed: [sub.created(T0 + 100)], unhashed: [] }),
      unhashedIssuer: dataSig(p, { hashed: [sub.created(T0 + 100)], unhashed: [sub.issuer(p)] }),
      v3Rsa: packet(2, signV3(k['rsa']!, 0x00, T0 + 100, DATA)),
      keyClass: dataSig(p, { type: 0x13 }),
      sha1SelfSigBefore2019: dataSig(k['sha1Old']!),
      sha1SelfSigAfter2019: dataSig(k['sha1New']!),
      md5SelfSig: dataSig(k['md5Self']!),
      stranger: dataSig(k['stranger']!),
      expiredSig: dataSig(p, { hashed: [sub.created(T0 + 100), sub.issuerFingerprint(p), sub.sigExpires(3600)] }),
    });
    if (!hasTool('gpgv')) return;
    home = await makeGpgHome();
    ringFile = join(home.dir, 'crafted.gpg');
    writeFileSync(ringFile, keyring);
    writeFileSync(join(home.dir, 'data'), DATA);
  });
  after(async () => home?.close());

  /** gpgvSays runs gpgv on one crafted signature. */
  function gpgvSays(name: string): string[] {
    const file = join(home.dir, `${name}.sig`);
    writeFileSync(file, sigs[name]!);
    return gpgVerdicts(home.gpgv(['--keyring', ringFile, file, join(home.dir, 'data')]).stdout);
  }

  const table: [string, SignatureStatus][] = [
    ['primary', 'good'],
    ['crossedSubkey', 'good'],
    ['uncrossedSubkey', 'not-signing-key'],
    ['criticalUnknown', 'bad'],
    ['nonCriticalUnknown', 'good'],
    ['md5', 'weak-hash'],
    ['sha1', 'weak-hash'],
    ['beforeKey', 'bad'],
    ['noIssuer', 'no-key'],
    ['unhashedIssuer', 'good'],
    ['v3Rsa', 'good'],
    ['keyClass', 'unsupported'],
    ['sha1SelfSigBefore2019', 'good'],
    ['sha1SelfSigAfter2019', 'good'],
    ['md5SelfSig', 'no-key'],
    ['stranger', 'no-key'],
    ['expiredSig', 'expired-signature'],
  ];
  for (const [name, ours] of table) {
    it(`${name}: ${ours}, as gpgv says`, (t) => {
      const checks = verifySignature(DATA, sigs[name]!, ring, { subject: 'Release' });
      assert.deepEqual(checks.map((c) => c.status), [ours], checks[0]?.reason);
      if (!requireTool(t, 'gpgv')) return;
      // gpgv finds no usable key where the only self-signature uses MD5 ("bad public key").
      assert.deepEqual(gpgvSays(name), name === 'md5SelfSig' ? ['unsupported'] : [ours]);
    });
  }
});
