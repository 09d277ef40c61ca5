/**
 * verifySignature against signatures that openpgp.js (a second, independent implementation;
 * devDependency, tests only) makes, with openpgp.js's own verification as the oracle.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import { stripClearsign } from '../apt/index.js';
import { mergeKeyrings, parseKeyring, verifySignature, type Keyring, type SignatureStatus } from './index.js';

const TEXT = 'Origin: Test\nSuite: stable\n- dash line\ntrailing blanks  \n\nSHA256:\n 00 1 main/Packages';
const DAY = 24 * 3600;

interface Signer {
  readonly name: string;
  readonly options: Omit<Parameters<typeof openpgp.generateKey>[0], 'userIDs' | 'format'>;
  readonly algorithm: string;
}

const SIGNERS: Signer[] = [
  { name: 'EdDSA legacy (ed25519Legacy)', options: { type: 'ecc', curve: 'ed25519Legacy' }, algorithm: 'eddsa' },
  { name: 'Ed25519 (RFC 9580 algorithm 27)', options: { type: 'curve25519' }, algorithm: 'ed25519' },
  { name: 'RSA 2048', options: { type: 'rsa', rsaBits: 2048 }, algorithm: 'rsa' },
  { name: 'ECDSA P-384', options: { type: 'ecc', curve: 'nistP384' }, algorithm: 'ecdsa' },
];

interface Made {
  readonly privateKey: openpgp.PrivateKey;
  readonly publicKey: openpgp.PublicKey;
  readonly ring: Keyring;
}

async function makeKey(name: string, options: Signer['options']): Promise<Made> {
  const { privateKey, publicKey } = await openpgp.generateKey({ ...options, userIDs: [{ name, email: `${name.replace(/\W+/g, '')}@example.invalid` }], format: 'object' });
  return { privateKey, publicKey, ring: parseKeyring(publicKey.armor(), `${name}.asc`) };
}

/** theirVerdict is openpgp.js's own judgement of a detached signature: good or not. */
async function theirVerdict(key: openpgp.PublicKey, data: Uint8Array, signature: Uint8Array, date?: Date): Promise<boolean> {
  const result = await openpgp.verify({
    message: await openpgp.createMessage({ binary: data }), signature: await openpgp.readSignature({ binarySignature: signature }), verificationKeys: key, format: 'binary',
    ...(date ? { date } : {}),
  });
  try {
    return await result.signatures[0]!.verified;
  } catch {
    return false;
  }
}

describe('verifySignature with openpgp.js as signer and oracle', () => {
  const made = new Map<string, Made>();
  let other: Made;
  before(async () => {
    for (const s of SIGNERS) made.set(s.name, await makeKey(s.name, s.options));
    other = await makeKey('other', { type: 'ecc', curve: 'ed25519Legacy' });
  });

  for (const s of SIGNERS) {
    describe(s.name, () => {
      it('the key reads with the algorithm and fingerprint openpgp.js gives it', () => {
        const m = made.get(s.name)!;
        const key = m.ring.keys[0]!;
        assert.equal(key.fingerprint, m.publicKey.getFingerprint().toUpperCase());
        assert.equal(key.keyId, m.publicKey.getKeyID().toHex().toUpperCase());
        assert.equal(key.algorithm, s.algorithm);
        assert.equal(key.canSign, true);
        assert.equal(key.created.getTime(), m.publicKey.getCreationTime().getTime());
        assert.deepEqual(key.subkeys.map((k) => k.fingerprint), m.publicKey.getSubkeys().map((k) => k.getFingerprint().toUpperCase()));
      });

      it('cleartext signature: good; tampered: bad', async () => {
        const m = made.get(s.name)!;
        const message = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: TEXT }), signingKeys: m.privateKey });
        const parts = stripClearsign(message, 'InRelease');
        const check = (text: string): SignatureStatus[] => verifySignature(text, parts.signature, m.ring, { subject: 'InRelease', cleartext: true }).map((c) => c.status);
        assert.deepEqual(check(parts.text), ['good']);
        assert.deepEqual(check(parts.text.replace('stable', 'stabl3')), ['bad']);
        const theirs = await openpgp.verify({ message: await openpgp.readCleartextMessage({ cleartextMessage: message }), verificationKeys: m.publicKey });
        assert.equal(await theirs.signatures[0]!.verified, true, 'openpgp.js agrees');
      });

      it('detached binary and armored signature: good, and bad when one byte changes, as openpgp.js judges', async () => {
        const m = made.get(s.name)!;
        const data = new TextEncoder().encode(TEXT);
        const sig = await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: m.privateKey, detached: true, format: 'binary' });
        const armored = await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: m.privateKey, detached: true });
        const checks = verifySignature(data, sig, m.ring, { subject: 'Release' });
        assert.deepEqual(checks.map((c) => c.status), ['good']);
        assert.equal(checks[0]!.primaryFingerprint, m.ring.keys[0]!.fingerprint);
        assert.deepEqual(verifySignature(data, armored, m.ring, { subject: 'Release' }).map((c) => c.status), ['good']);
        const changed = data.slice();
        changed[3] = changed[3]! ^ 1;
        assert.deepEqual(verifySignature(changed, sig, m.ring, { subject: 'Release' }).map((c) => c.status), ['bad']);
        assert.equal(await theirVerdict(m.publicKey, data, sig), true);
        assert.equal(await theirVerdict(m.publicKey, changed, sig), false);
      });
    });
  }

  it('a signature by a key not in the keyring: no-key; after merging that key in: good', async () => {
    const m = made.get(SIGNERS[0]!.name)!;
    const sig = await openpgp.sign({ message: await openpgp.createMessage({ text: TEXT }), signingKeys: other.privateKey, detached: true });
    assert.deepEqual(verifySignature(TEXT, sig, m.ring, { subject: 'Release' }).map((c) => c.status), ['no-key']);
    assert.deepEqual(verifySignature(TEXT, sig, mergeKeyrings(m.ring, other.ring), { subject: 'Release' }).map((c) => c.status), ['good']);
  });

  it('a signature by several keys at once: one check per signature, in order', async () => {
    const a = made.get(SIGNERS[0]!.name)!;
    const b = made.get(SIGNERS[2]!.name)!;
    const message = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: TEXT }), signingKeys: [a.privateKey, other.privateKey, b.privateKey] });
    const parts = stripClearsign(message, 'InRelease');
    const checks = verifySignature(parts.text, parts.signature, mergeKeyrings(a.ring, b.ring), { subject: 'InRelease', cleartext: true });
    assert.deepEqual(checks.map((c) => [c.status, c.primaryFingerprint]), [
      ['good', a.ring.keys[0]!.fingerprint],
      ['no-key', undefined],
      ['good', b.ring.keys[0]!.fingerprint],
    ]);
  });

  it('a key made with an expiry in the past: expired-key now, good while it was valid', async () => {
    const created = new Date(Date.UTC(2020, 0, 1));
    const signedAt = new Date(Date.UTC(2020, 0, 2));
    const m = await makeKey('expired', { type: 'ecc', curve: 'ed25519Legacy', date: created, keyExpirationTime: 30 * DAY });
    const key = m.ring.keys[0]!;
    assert.equal(key.expires?.getTime(), created.getTime() + 30 * DAY * 1000);
    const data = new TextEncoder().encode(TEXT);
    const sig = await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: m.privateKey, detached: true, format: 'binary', date: signedAt });
    const at = (now?: Date): SignatureStatus[] => verifySignature(data, sig, m.ring, { subject: 'Release', ...(now ? { now } : {}) }).map((c) => c.status);
    // gpgv (and so apt) judges key expiry now, where openpgp.js judges it at signing time; gpgv is the
    // oracle for that in verify-signature.gpg.test.ts. Here openpgp.js confirms the signature itself.
    assert.deepEqual(at(), ['expired-key']);
    assert.deepEqual(at(new Date(Date.UTC(2020, 0, 10))), ['good']);
    assert.equal(await theirVerdict(m.publicKey, data, sig, new Date(Date.UTC(2020, 0, 10))), true, 'openpgp.js: valid then');
    assert.deepEqual(at(new Date(Date.UTC(2020, 1, 1))), ['expired-key']);
  });
});
