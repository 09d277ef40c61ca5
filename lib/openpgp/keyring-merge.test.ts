/**
 * Copies of one key and junk signatures: a keyring that repeats a certificate many times, or
 * pads it with signature packets that parse but never verify, must cost work linear in its
 * size. Checked by counting what is kept (one key, each distinct valid signature once, no
 * junk) and by the cap on distinct signatures per key, never by timing; gpg, importing the
 * same file, is the oracle for what the key is.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeGpgHome, parseColonListing } from '../../fixtures/gpg-home.js';
import { keyMaterial, makeKey, packet, signV4, sub, userIdMaterial, type TestKey } from '../../fixtures/openpgp-writer.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { MAX_CERTIFICATE_SIGNATURES, mergeKeyrings, parseKeyring, type KeyringKey } from './index.js';

const T0 = Date.UTC(2024, 0, 1) / 1000;
const UID = 'merge <merge@example.invalid>';
const cat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

const primary = makeKey('ed25519', T0);
const subkey = makeKey('ed25519', T0 + 1);
/** forger signs junk that names `primary` as issuer: it parses, its hash prefix matches, and it never verifies. */
const forger = makeKey('ed25519', T0);
const uidMaterial = cat(keyMaterial(primary), userIdMaterial(UID));
const subMaterial = cat(keyMaterial(primary), keyMaterial(subkey));

function certify(by: TestKey, t: number, extra: Uint8Array[] = []): Uint8Array {
  return packet(2, signV4(by, 0x13, uidMaterial, [sub.created(t), sub.issuerFingerprint(primary), sub.keyFlags(0x03), ...extra], [sub.issuer(primary)]));
}

function bindSubkey(by: TestKey, t: number, type = 0x18): Uint8Array {
  const hashed = type === 0x18 ? [sub.created(t), sub.issuerFingerprint(primary), sub.keyFlags(0x0c)] : [sub.created(t), sub.issuerFingerprint(primary)];
  return packet(2, signV4(by, type, subMaterial, hashed, [sub.issuer(primary)]));
}

/** junk is `n` distinct forged certifications, numbered from `from`. */
function junk(from: number, n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => certify(forger, T0 + 1000 + from + i));
}

const GOOD_CERTIFICATION = certify(primary, T0 + 10);
const GOOD_BINDING = bindSubkey(primary, T0 + 10);

/** copy is one transferable public key with the good signatures and `extra` signatures on the user ID. */
function copy(extra: readonly Uint8Array[], subkeySigs: readonly Uint8Array[] = [GOOD_BINDING]): Uint8Array {
  return cat(packet(6, primary.body), packet(13, new TextEncoder().encode(UID)), GOOD_CERTIFICATION, ...extra, packet(14, subkey.body), ...subkeySigs);
}

/** signatureCount is how many signatures a key's certificate keeps. */
function signatureCount(key: KeyringKey): number {
  const c = key.certificate;
  return c.direct.length + c.userIds.reduce((n, u) => n + u.signatures.length, 0) + c.subkeys.reduce((n, s) => n + s.signatures.length, 0);
}

const summary = (k: KeyringKey): unknown => [k.fingerprint, k.valid, k.canSign, k.userIds, k.revoked, k.subkeys.map((s) => [s.fingerprint, s.revoked !== undefined])];

describe('parseKeyring and mergeKeyrings on copies and junk', { timeout: 120_000 }, () => {
  const COPIES = 64;
  const JUNK_PER_COPY = 40;
  const shared = junk(0, 8);
  // Every copy repeats the good signatures and the shared junk, and brings junk of its own.
  const floodedWith = (copies: number, perCopy: number): Uint8Array => cat(...Array.from({ length: copies }, (_, i) => copy([...shared, ...junk(100 + i * perCopy, perCopy)])));
  const flooded = floodedWith(COPIES, JUNK_PER_COPY);
  const clean = parseKeyring(copy([]), 'clean.gpg');

  it('merges the copies in one file into one key that keeps only the signatures that verify', () => {
    const ring = parseKeyring(flooded, 'flooded.gpg');
    assert.equal(ring.keys.length, 1);
    const key = ring.keys[0]!;
    assert.deepEqual(summary(key), summary(clean.keys[0]!));
    assert.deepEqual(summary(key), [primary.fingerprint, true, true, [UID], undefined, [[subkey.fingerprint, false]]]);
    assert.equal(signatureCount(key), 2, 'the certification and the binding, once each; no junk');
    assert.deepEqual(key.certificate.userIds[0]!.signatures.map((s) => Buffer.from(s.raw).equals(GOOD_CERTIFICATION.subarray(6))), [true]);
  });

  it('merging a keyring with itself many times keeps one copy of each signature', () => {
    const ring = parseKeyring(flooded, 'flooded.gpg');
    const again = parseKeyring(flooded, 'flooded-again.gpg');
    const merged = mergeKeyrings(...Array.from({ length: 200 }, (_, i) => (i % 2 ? ring : again)), clean);
    assert.equal(merged.keys.length, 1);
    assert.equal(signatureCount(merged.keys[0]!), 2);
    assert.deepEqual(summary(merged.keys[0]!), summary(clean.keys[0]!));
  });

  it('unions distinct valid signatures from many keyrings, each once, and judges the newest', () => {
    const N = 300;
    const day = 86_400;
    const rings = Array.from({ length: N }, (_, i) => parseKeyring(copy([certify(primary, T0 + 100 + i, [sub.keyExpires((i + 1) * day)])]), `k${i}.gpg`));
    const merged = mergeKeyrings(...rings, ...rings);
    assert.equal(merged.keys.length, 1);
    assert.equal(merged.keys[0]!.certificate.userIds[0]!.signatures.length, N + 1);
    // The newest certification, from the last keyring, sets the expiry.
    assert.equal(merged.keys[0]!.expires?.getTime(), (T0 + N * day) * 1000);
  });

  it('keeps a subkey revocation from a copy without the binding, so the merge still revokes', () => {
    const revocation = bindSubkey(primary, T0 + 20, 0x28);
    const withBinding = parseKeyring(copy([]), 'a.gpg');
    const withRevocation = parseKeyring(copy([], [revocation]), 'b.gpg');
    assert.deepEqual(withRevocation.keys[0]!.subkeys, [], 'no binding here: no usable subkey');
    assert.equal(withRevocation.keys[0]!.certificate.subkeys[0]!.signatures.length, 1, 'the revocation is kept');
    const merged = mergeKeyrings(withBinding, withRevocation).keys[0]!;
    assert.notEqual(merged.subkeys[0]!.revoked, undefined);
    assert.notEqual(parseKeyring(cat(copy([]), copy([], [revocation])), 'ab.gpg').keys[0]!.subkeys[0]!.revoked, undefined);
  });

  it(`refuses a key with more than MAX_CERTIFICATE_SIGNATURES (${MAX_CERTIFICATE_SIGNATURES}) distinct signatures, counting copies once`, () => {
    const atCap = junk(0, MAX_CERTIFICATE_SIGNATURES - 2); // plus the certification and the binding
    const ok = parseKeyring(cat(copy(atCap), copy(atCap)), 'at-cap.gpg');
    assert.equal(ok.keys.length, 1);
    assert.equal(signatureCount(ok.keys[0]!), 2);
    const over = cat(copy(atCap), copy(junk(MAX_CERTIFICATE_SIGNATURES, 1)));
    assert.throws(() => parseKeyring(over, 'over.gpg'), (err: Error & { code?: string; subject?: string; hint?: string }) => {
      assert.equal(err.code, 'ERR_PGP_MALFORMED');
      assert.equal(err.subject, 'over.gpg');
      assert.equal(err.message, `over.gpg: key ${primary.fingerprint} has more than ${MAX_CERTIFICATE_SIGNATURES} distinct signatures (at most ${MAX_CERTIFICATE_SIGNATURES} are accepted per key)`);
      assert.match(err.hint ?? '', /export-minimal/);
      return true;
    });
  });

  it('reads a flooded file as gpg does after importing it', async (t) => {
    if (!requireTool(t, 'gpg')) return;
    const home = await makeGpgHome();
    try {
      // Smaller than the others: gpg itself is slow on junk.
      const small = floodedWith(8, 8);
      const file = join(home.dir, 'flooded.gpg');
      writeFileSync(file, small);
      home.tryGpg(['--import', file]); // exits non-zero: it reports the junk it skipped
      const listed = parseColonListing(home.gpg(['--with-colons', '--fixed-list-mode', '--with-fingerprint', '--with-subkey-fingerprint', '--list-keys']));
      const ours = parseKeyring(small, 'flooded.gpg').keys;
      assert.equal(listed.length, 1);
      assert.deepEqual(ours.map((k) => [k.fingerprint, k.userIds, k.subkeys.map((s) => s.fingerprint)]), listed.map((k) => [k.fingerprint, k.userIds, k.subkeys.map((s) => s.fingerprint)]));
      assert.equal(listed[0]!.capabilities.includes('s'), ours[0]!.canSign);
    } finally {
      await home.close();
    }
  });
});
