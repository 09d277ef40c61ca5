/**
 * Keyrings: the user's signed-by files, binary (`.gpg`, concatenated transferable public
 * keys as `gpg --export` writes them) or ASCII-armored (`.asc`, one or more PUBLIC KEY
 * BLOCKs). GnuPG keybox files (`.kbx`, the format of pubring.kbx) are recognised and refused.
 */
import { armoredText, readArmor } from './armor.js';
import { readCertificates } from './certificate.js';
import { evaluateCertificate } from './key-evaluation.js';
import type { Keyring, KeyringKey } from './keyring-types.js';
import { MAX_CERTIFICATE_SIGNATURES, MAX_KEYRING_BYTES } from './limits.js';
import { groupByFingerprint, mergeCertificates } from './merge-certificates.js';
import { PgpError } from './pgp-error.js';

const KEYBOX_MAGIC = [0x4b, 0x42, 0x58, 0x66]; // "KBXf" at offset 8 of a keybox's first blob

/**
 * parseKeyring reads a keyring from binary or armored `data` and verifies every
 * self-signature, binding and revocation in it (see {@link KeyringKey}); `subject` names it
 * in errors. Copies of one key in the file (same fingerprint) become one key, merged as
 * {@link mergeKeyrings} merges them; a key keeps only the signatures that verified. Throws a
 * PgpError (ERR_PGP_MALFORMED) when the data is a keybox, a secret key, not OpenPGP at all,
 * larger than {@link MAX_KEYRING_BYTES}, holds a key that is not version 4, holds no key, or
 * holds a key with more than {@link MAX_CERTIFICATE_SIGNATURES} distinct signatures.
 */
export function parseKeyring(data: Uint8Array | string, subject: string): Keyring {
  const bytes = keyringBytes(data, subject);
  const certs = readCertificates(bytes, subject);
  if (certs.length === 0) throw new PgpError(subject, 'holds no public key');
  // Copies of one key are merged before any signature is verified, so each distinct
  // signature is verified once however often the file repeats it.
  return { keys: groupByFingerprint(certs, (c) => c.primary.fingerprint).map((copies) => evaluateCertificate(mergeCertificates(copies, subject))) };
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
 * merges an imported key: a revocation in any copy revokes it. Linear in the packets (see
 * {@link mergeCertificates}); throws a PgpError (ERR_PGP_MALFORMED) when the copies of one
 * key hold more than {@link MAX_CERTIFICATE_SIGNATURES} distinct signatures.
 */
export function mergeKeyrings(...rings: Keyring[]): Keyring {
  // The same key object in several keyrings (a keyring merged with itself) is one copy.
  const distinct = [...new Set(rings.flatMap((r) => r.keys))];
  const keys = groupByFingerprint(distinct, (k) => k.fingerprint).map((copies) =>
    copies.length === 1 ? copies[0]! : evaluateCertificate(mergeCertificates(copies.map((k) => k.certificate), 'merged keyrings')),
  );
  return { keys };
}
