import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { listKeyring, makeGpgHome, type ColonKey, type GpgHome } from '../../fixtures/gpg-home.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mergeKeyrings, parseKeyring, publicKeyAlgorithmName, type KeyringKey, type SubKey } from './index.js';

const KEYRINGS = '/usr/share/keyrings';
const hostKeyrings = existsSync(KEYRINGS) ? readdirSync(KEYRINGS).filter((n) => /^debian-archive-.*\.gpg$/.test(n)).sort() : [];

/** needHostKeyrings skips (or fails under CI=true) when the host has no Debian archive keyrings. */
function needHostKeyrings(t: TestContext): boolean {
  if (hostKeyrings.includes('debian-archive-keyring.gpg')) return true;
  const msg = `no ${KEYRINGS}/debian-archive-keyring.gpg (install debian-archive-keyring)`;
  if (process.env['CI'] === 'true') throw new Error(`${msg}; CI=true requires it`);
  t.skip(msg);
  return false;
}

const seconds = (d: Date | undefined): number | undefined => (d === undefined ? undefined : d.getTime() / 1000);

/** sameKey asserts that our reading of a key equals gpg's colon record. */
function sameKey(ours: KeyringKey | SubKey, gpg: ColonKey, where: string): void {
  assert.equal(ours.fingerprint, gpg.fingerprint, `${where} fingerprint`);
  assert.equal(ours.keyId, gpg.keyId, `${where} key ID`);
  assert.equal(ours.algorithm, publicKeyAlgorithmName(gpg.algorithmId), `${where} algorithm`);
  assert.equal(ours.bits, gpg.bits, `${where} bits`);
  assert.equal(ours.curve, gpg.curve, `${where} curve`);
  assert.equal(seconds(ours.created), gpg.created, `${where} created`);
  assert.equal(seconds(ours.expires), gpg.expires, `${where} expires`);
  assert.equal(ours.revoked !== undefined, gpg.validity === 'r', `${where} revoked`);
  assert.equal(ours.canSign, gpg.capabilities.includes('s'), `${where} can sign`);
}

describe('parseKeyring against gpg --list-keys (host keyrings)', () => {
  let home: GpgHome | undefined;
  before(async () => {
    home = await makeGpgHome();
  });
  after(async () => home?.close());

  it('finds the host keyrings', (t) => {
    if (!needHostKeyrings(t)) return;
    assert.ok(hostKeyrings.length >= 1);
  });

  for (const name of hostKeyrings) {
    it(`${name}: every key and subkey as gpg lists it`, (t) => {
      if (!requireTool(t, 'gpg')) return;
      const copy = join(home!.dir, name);
      copyFileSync(join(KEYRINGS, name), copy);
      const expected = listKeyring(home!, copy);
      const ring = parseKeyring(readFileSync(copy), name);
      assert.ok(expected.length > 0, 'gpg lists keys');
      assert.deepEqual(ring.keys.map((k) => k.fingerprint), expected.map((k) => k.fingerprint));
      ring.keys.forEach((key, i) => {
        const want = expected[i]!;
        sameKey(key, want, key.fingerprint);
        assert.equal(key.valid, true, `${key.fingerprint} valid`);
        assert.deepEqual(key.userIds, want.userIds, `${key.fingerprint} user IDs`);
        assert.deepEqual(key.subkeys.map((s) => s.fingerprint), want.subkeys.map((s) => s.fingerprint), `${key.fingerprint} subkeys`);
        key.subkeys.forEach((sub, j) => sameKey(sub, want.subkeys[j]!, `${key.fingerprint} subkey ${sub.fingerprint}`));
      });
    });
  }

  it('reads the same keys from the armored export of a keyring (gpg --armor --export)', (t) => {
    if (!needHostKeyrings(t) || !requireTool(t, 'gpg')) return;
    const copy = join(home!.dir, 'archive.gpg');
    copyFileSync(join(KEYRINGS, 'debian-archive-keyring.gpg'), copy);
    const armored = home!.gpg(['--no-default-keyring', '--keyring', copy, '--armor', '--export']);
    assert.match(armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    const fromArmor = parseKeyring(armored, 'archive.asc');
    const fromBinary = parseKeyring(readFileSync(copy), 'archive.gpg');
    const summary = (k: KeyringKey): unknown => [k.fingerprint, seconds(k.expires), k.canSign, k.subkeys.map((s) => [s.fingerprint, seconds(s.expires), s.canSign])];
    assert.deepEqual(fromArmor.keys.map(summary), fromBinary.keys.map(summary));
    // The same text as bytes, and two blocks one after the other, read alike: the second
    // block's copies merge into the first's keys, as `gpg --import` merges them.
    assert.equal(parseKeyring(Buffer.from(armored), 'archive.asc').keys.length, fromBinary.keys.length);
    assert.deepEqual(parseKeyring(`${armored}\n${armored}`, 'twice.asc').keys.map(summary), fromBinary.keys.map(summary));
  });
});

describe('mergeKeyrings', () => {
  it('unions keyrings and collapses a key found in several of them', (t) => {
    if (!needHostKeyrings(t)) return;
    const read = (n: string) => parseKeyring(readFileSync(join(KEYRINGS, n)), n);
    const all = read('debian-archive-keyring.gpg');
    const parts = hostKeyrings.filter((n) => n !== 'debian-archive-keyring.gpg' && n !== 'debian-archive-removed-keys.gpg').map(read);
    const merged = mergeKeyrings(...parts, all);
    assert.deepEqual(new Set(merged.keys.map((k) => k.fingerprint)), new Set([...parts.flatMap((r) => r.keys), ...all.keys].map((k) => k.fingerprint)));
    assert.equal(merged.keys.length, new Set(merged.keys.map((k) => k.fingerprint)).size, 'no duplicates');
    const once = all.keys[0]!;
    const twice = mergeKeyrings(all, all).keys.find((k) => k.fingerprint === once.fingerprint)!;
    assert.deepEqual([twice.expires, twice.canSign, twice.userIds, twice.subkeys.length], [once.expires, once.canSign, once.userIds, once.subkeys.length]);
  });
});

describe('parseKeyring rejects what is not a public keyring', () => {
  it('a GnuPG keybox (.kbx) with ERR_PGP_MALFORMED and an export hint', async (t) => {
    if (!requireTool(t, 'gpg')) return;
    const home = await makeGpgHome();
    try {
      home.gpg(['--quick-gen-key', 'kbx <kbx@example.invalid>', 'ed25519', 'sign', 'never']);
      const kbx = readFileSync(join(home.dir, 'pubring.kbx'));
      assert.throws(() => parseKeyring(kbx, 'pubring.kbx'), (err: Error & { code?: string; subject?: string; hint?: string }) => {
        assert.equal(err.code, 'ERR_PGP_MALFORMED');
        assert.equal(err.subject, 'pubring.kbx');
        assert.match(err.message, /^pubring\.kbx: .*keybox/);
        assert.match(err.hint ?? '', /gpg --export/);
        return true;
      });
      // A secret key export is refused too, binary and armored.
      const secret = home.gpg(['--armor', '--export-secret-keys']);
      assert.throws(() => parseKeyring(secret, 'secret.asc'), { code: 'ERR_PGP_MALFORMED', subject: 'secret.asc' });
      const secretBin = join(home.dir, 'secret.gpg');
      home.gpg(['--output', secretBin, '--export-secret-keys']);
      assert.throws(() => parseKeyring(readFileSync(secretBin), 'secret.gpg'), { code: 'ERR_PGP_MALFORMED', subject: 'secret.gpg' });
    } finally {
      await home.close();
    }
  });

  const cases: [string, Uint8Array | string][] = [
    ['an empty file', new Uint8Array(0)],
    ['text without armor', 'hello\n'],
    ['an armored signature', '-----BEGIN PGP SIGNATURE-----\n\nwnUEARYKAB0WIQQ=\n-----END PGP SIGNATURE-----\n'],
    ['a user ID packet without key', Uint8Array.of(0xcd, 0x01, 0x41)],
    ['a literal data packet', Uint8Array.of(0xcb, 0x01, 0x62)],
  ];
  for (const [name, data] of cases) {
    it(`${name} with ERR_PGP_MALFORMED`, () => {
      assert.throws(() => parseKeyring(data, 'k.gpg'), { code: 'ERR_PGP_MALFORMED', subject: 'k.gpg' });
    });
  }

  it('a version 6 key (made by openpgp.js) as unsupported, saying so', async () => {
    const openpgp = await import('openpgp');
    const { publicKey } = await openpgp.generateKey({ userIDs: [{ name: 'v6' }], type: 'curve25519', config: { v6Keys: true }, format: 'binary' });
    assert.throws(() => parseKeyring(publicKey, 'v6.gpg'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_PGP_MALFORMED');
      assert.match(err.message, /^v6\.gpg: .*version 6 key; only version 4 keys are supported/);
      return true;
    });
  });
});
