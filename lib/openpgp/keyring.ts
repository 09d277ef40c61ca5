/**
 * Keyrings: the user's signed-by files, binary (`.gpg`, concatenated transferable public
 * keys as `gpg --export` writes them) or ASCII-armored (`.asc`, one or more PUBLIC KEY
 * BLOCKs). GnuPG keybox files (`.kbx`, the format of pubring.kbx) are recognised and refused.
 */
import { armoredText, readArmor } from './armor.js';
import { readCertificates, type Certificate, type SignedSubkey, type SignedUserId } from './certificate.js';
import { equalBytes } from './bytes.js';
import { evaluateCertificate, sameSignature } from './key-evaluation.js';
import type { Keyring, KeyringKey } from './keyring-types.js';
import { MAX_KEYRING_BYTES } from './limits.js';
import { PgpError } from './pgp-error.js';
import type { SignaturePacket } from './signature-packet.js';

const KEYBOX_MAGIC = [0x4b, 0x42, 0x58, 0x66]; // "KBXf" at offset 8 of a keybox's first blob

/**
 * parseKeyring reads a keyring from binary or armored `data` and verifies every
 * self-signature, binding and revocation in it (see {@link KeyringKey}); `subject` names it
 * in errors. Throws a PgpError (ERR_PGP_MALFORMED) when the data is a keybox, a secret
 * key, not OpenPGP at all, larger than {@link MAX_KEYRING_BYTES}, holds a key that is not
 * version 4, or holds no key.
 */
export function parseKeyring(data: Uint8Array | string, subject: string): Keyring {
  const bytes = keyringBytes(data, subject);
  const certs = readCertificates(bytes, subject);
  if (certs.length === 0) throw new PgpError(subject, 'holds no public key');
  return { keys: certs.map(evaluateCertificate) };
}

function keyringBytes(data: Uint8Array | string, subject: string): Uint8Array {
  if (typeof data !== 'string' && data.length >= 12 && KEYBOX_MAGIC.every((b, i) => data[8 + i] === b)) {
    throw new PgpError(subject, 'is a GnuPG keybox (.kbx), not an OpenPGP keyring', { hint: 'export the keys with `gpg --export KEYID > key.gpg` (binary) or `gpg --armor --export KEYID > key.asc`' });
  }
  const text = armoredText(data);
  if (text === undefined) return checkSize(data as Uint8Array, subject);
  if (text.trim() === '') throw new PgpError(subject, 'is empty');
  const blocks = readArmor(text, subject);
  const other = blocks.find((b) => b.label !== 'PUBLIC KEY BLOCK');
  if (other) {
    const hint = other.label.includes('PRIVATE') ? 'export the public key with `gpg --armor --export KEYID`' : undefined;
    throw new PgpError(subject, `holds a "BEGIN PGP ${other.label}" armor block; a keyring holds PUBLIC KEY BLOCKs only`, hint ? { hint } : {});
  }
  return checkSize(new Uint8Array(Buffer.concat(blocks.map((b) => b.data))), subject);
}

function checkSize(bytes: Uint8Array, subject: string): Uint8Array {
  if (bytes.length > MAX_KEYRING_BYTES) throw new PgpError(subject, `keyring has ${bytes.length} bytes (at most ${MAX_KEYRING_BYTES} are accepted)`);
  return bytes;
}

/**
 * mergeKeyrings combines keyrings into one, in order; a key in several of them (same
 * fingerprint) becomes one key with the union of their packets, judged again, as GnuPG
 * merges an imported key: a revocation in any copy revokes it.
 */
export function mergeKeyrings(...rings: Keyring[]): Keyring {
  const byFingerprint = new Map<string, Certificate>();
  for (const key of rings.flatMap((r) => r.keys)) {
    const seen = byFingerprint.get(key.fingerprint);
    byFingerprint.set(key.fingerprint, seen ? mergeCertificates(seen, key.certificate) : key.certificate);
  }
  const keys: KeyringKey[] = [];
  const done = new Set<string>();
  for (const key of rings.flatMap((r) => r.keys)) {
    if (done.has(key.fingerprint)) continue;
    done.add(key.fingerprint);
    const cert = byFingerprint.get(key.fingerprint)!;
    keys.push(cert === key.certificate ? key : evaluateCertificate(cert));
  }
  return { keys };
}

function unionSignatures(a: readonly SignaturePacket[], b: readonly SignaturePacket[]): SignaturePacket[] {
  return [...a, ...b.filter((s) => !a.some((t) => sameSignature(s, t)))];
}

function mergeCertificates(a: Certificate, b: Certificate): Certificate {
  const userIds: SignedUserId[] = [...a.userIds];
  for (const u of b.userIds) {
    const i = userIds.findIndex((x) => x.attribute === u.attribute && equalBytes(x.body, u.body));
    if (i < 0) userIds.push(u);
    else userIds[i] = { ...userIds[i]!, signatures: unionSignatures(userIds[i]!.signatures, u.signatures) };
  }
  const subkeys: SignedSubkey[] = [...a.subkeys];
  for (const s of b.subkeys) {
    const i = subkeys.findIndex((x) => x.key.fingerprint === s.key.fingerprint);
    if (i < 0) subkeys.push(s);
    else subkeys[i] = { ...subkeys[i]!, signatures: unionSignatures(subkeys[i]!.signatures, s.signatures) };
  }
  return { primary: a.primary, direct: unionSignatures(a.direct, b.direct), userIds, subkeys };
}
