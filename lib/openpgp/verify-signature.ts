/**
 * Verifying detached and cleartext signatures (RFC 4880 §5.2.4 and §7, RFC 9580 §5.2.4) over
 * a keyring, as strictly as gpgv under apt: the issuer must be in the keyring, the hash and
 * signature must verify, the key (and its primary) must be unexpired and unrevoked at `now`,
 * the signature unexpired, the key allowed to sign, and the hash not SHA-1 or weaker.
 */
import { hashAlgorithmName, hashAlgorithm } from './hash-algorithms.js';
import { issuedBy } from './key-evaluation.js';
import type { Keyring, KeyringKey, SubKey } from './keyring-types.js';
import { armoredText, dearmor } from './armor.js';
import { MAX_SIGNATURE_BYTES, MAX_SIGNATURE_PACKET_BYTES, MAX_SIGNATURE_PACKETS } from './limits.js';
import { PacketTag, readPackets } from './packets.js';
import { PgpError } from './pgp-error.js';
import { canonicalText, checkHash } from './signature-hash.js';
import { parseSignature, SignatureType, type SignaturePacket } from './signature-packet.js';

/** SignatureStatus is the verdict on one signature; only `good` means it may be trusted. */
export type SignatureStatus =
  | 'good' | 'bad' | 'no-key' | 'expired-key' | 'revoked-key' | 'expired-signature' | 'weak-hash' | 'not-signing-key' | 'unsupported';

/** SignatureCheck is the verdict on one signature packet. */
export interface SignatureCheck {
  readonly status: SignatureStatus;
  /** keyId is the issuer key ID the signature names (16 uppercase hex digits); empty when it names none. */
  readonly keyId: string;
  /** fingerprint is the fingerprint of the key or subkey in the keyring that made the signature. */
  readonly fingerprint?: string;
  /** primaryFingerprint is the fingerprint of the primary key of {@link SignatureCheck.fingerprint}. */
  readonly primaryFingerprint?: string;
  /** created is the signature's creation time (the Unix epoch when it has none). */
  readonly created: Date;
  /** hashAlgorithm is GnuPG's name of the hash (`SHA256`, `SHA1`, ...). */
  readonly hashAlgorithm: string;
  /** reason says in one sentence why the signature has its status. */
  readonly reason: string;
}

/** VerifyOptions tune {@link verifySignature}. */
export interface VerifyOptions {
  /** subject names the signed file (a path or URL) in errors. */
  readonly subject: string;
  /** now is when key and signature expiry are judged (default: the current time), as gpgv judges them. */
  readonly now?: Date;
  /**
   * cleartext says `data` is the signed text of a cleartext-signed message (InRelease) as
   * `stripClearsign` returns it: dash-escaping undone and no line ending before the
   * signature. Trailing spaces and tabs are then dropped from each line and line endings
   * become CRLF before hashing (RFC 4880 §7.1), whatever the signature's class.
   */
  readonly cleartext?: boolean;
}

/**
 * verifySignature checks every signature packet in `signature` (binary, or armored
 * `BEGIN PGP SIGNATURE` blocks) over `data` against `keyring` and returns one check per
 * packet, in order. Signature classes 0x00 (binary) and 0x01 (canonical text) are
 * verified. Throws a PgpError (ERR_PGP_MALFORMED) naming `opts.subject` only when the
 * signature cannot be parsed, holds other packets, no signature, or is too large.
 */
export function verifySignature(data: Uint8Array | string, signature: Uint8Array | string, keyring: Keyring, opts: VerifyOptions): SignatureCheck[] {
  const subject = opts.subject;
  const packets = signaturePackets(signature, subject);
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const materials = new Map<boolean, Uint8Array[]>();
  const material = (text: boolean): Uint8Array[] => {
    const asText = text || opts.cleartext === true;
    let m = materials.get(asText);
    if (!m) materials.set(asText, (m = [asText ? canonicalText(bytes, opts.cleartext === true) : bytes]));
    return m;
  };
  const now = opts.now ?? new Date();
  return packets.map(({ body, offset }) => {
    const sig = parseSignature(body, subject, `signature at offset ${offset}`);
    if ('unsupported' in sig) return { status: 'unsupported', keyId: '', created: new Date(0), hashAlgorithm: '', reason: `signature ${sig.unsupported}` };
    return checkOne(sig, keyring, material(sig.type === SignatureType.text), now);
  });
}

/** goodSignatures returns the checks whose status is `good`. */
export function goodSignatures(checks: readonly SignatureCheck[]): SignatureCheck[] {
  return checks.filter((c) => c.status === 'good');
}

function signaturePackets(signature: Uint8Array | string, subject: string): { body: Uint8Array; offset: number }[] {
  const text = armoredText(signature);
  if (text !== undefined && text.length > 4 * MAX_SIGNATURE_BYTES) throw new PgpError(subject, `armored signature has ${text.length} characters (at most ${4 * MAX_SIGNATURE_BYTES} are accepted)`);
  const bytes = text === undefined ? (signature as Uint8Array) : new Uint8Array(Buffer.concat(dearmor(text, subject, 'SIGNATURE')));
  if (bytes.length > MAX_SIGNATURE_BYTES) throw new PgpError(subject, `signature has ${bytes.length} bytes (at most ${MAX_SIGNATURE_BYTES} are accepted)`);
  const packets = readPackets(bytes, subject, (tag) => (tag === PacketTag.signature ? MAX_SIGNATURE_PACKET_BYTES : bytes.length));
  const out: { body: Uint8Array; offset: number }[] = [];
  for (const p of packets) {
    if (p.tag === PacketTag.signature) out.push({ body: p.body, offset: p.offset });
    else if (p.tag !== PacketTag.marker) {
      throw new PgpError(subject, `packet at offset ${p.offset}: is a tag ${p.tag} packet; a detached signature holds signature packets only`);
    }
  }
  if (out.length === 0) throw new PgpError(subject, 'holds no signature packet');
  if (out.length > MAX_SIGNATURE_PACKETS) throw new PgpError(subject, `holds ${out.length} signature packets (at most ${MAX_SIGNATURE_PACKETS} are accepted)`);
  return out;
}

interface Candidate {
  readonly key: KeyringKey;
  readonly sub: SubKey | undefined;
}

function candidates(sig: SignaturePacket, keyring: Keyring): Candidate[] {
  const out: Candidate[] = [];
  for (const key of keyring.keys) {
    if (issuedBy(sig, key.publicKey)) out.push({ key, sub: undefined });
    for (const sub of key.subkeys) if (issuedBy(sig, sub.publicKey)) out.push({ key, sub });
  }
  return out;
}

function checkOne(sig: SignaturePacket, keyring: Keyring, material: Uint8Array[], now: Date): SignatureCheck {
  const base = { keyId: sig.issuerKeyId ?? '', created: sig.created ?? new Date(0), hashAlgorithm: hashAlgorithmName(sig.hashAlgorithmId) };
  const verdict = (status: SignatureStatus, reason: string, c?: Candidate): SignatureCheck => ({
    status, ...base, ...(c ? { fingerprint: (c.sub ?? c.key).fingerprint, primaryFingerprint: c.key.fingerprint } : {}), reason,
  });
  if (sig.type !== SignatureType.binary && sig.type !== SignatureType.text) {
    return verdict('unsupported', `signature of class 0x${sig.type.toString(16).padStart(2, '0')} is not a signature over a document`);
  }
  if (sig.created === undefined) return verdict('bad', 'signature has no creation time in its hashed area');
  if (sig.issuerKeyId === undefined) return verdict('no-key', 'signature names no issuer key');
  const found = candidates(sig, keyring);
  if (found.length === 0) return verdict('no-key', `no key ${sig.issuerFingerprint ?? sig.issuerKeyId} in the keyring`);
  let first: SignatureCheck | undefined;
  for (const c of found) {
    const check = judge(sig, c, material, now, (status, reason) => verdict(status, reason, c));
    if (check.status === 'good') return check;
    first ??= check;
  }
  return first!;
}

type Verdict = (status: SignatureStatus, reason: string) => SignatureCheck;

function judge(sig: SignaturePacket, c: Candidate, material: Uint8Array[], now: Date, verdict: Verdict): SignatureCheck {
  const signer = c.sub ?? c.key;
  const who = `${c.sub ? `subkey ${c.sub.fingerprint} of ` : ''}key ${c.key.fingerprint}${c.key.userIds[0] ? ` ("${c.key.userIds[0]}")` : ''}`;
  if (!c.key.valid) return verdict('no-key', `${who} has no valid self-signature, so it is not used`);
  if (sig.unsupportedCritical !== undefined) return verdict('bad', `signature by ${who} has a critical subpacket of type ${sig.unsupportedCritical} that is not understood, so it is invalid (RFC 9580 §5.2.3.7)`);
  const hash = hashAlgorithm(sig.hashAlgorithmId);
  const result = checkHash(signer.publicKey, sig, material);
  if ('unsupported' in result) {
    if (hash?.weak) return verdict('weak-hash', `signature by ${who} uses the weak hash ${hash.name}`);
    return verdict('unsupported', `signature by ${who} cannot be verified: ${result.unsupported}`);
  }
  if (!result.ok) return verdict('bad', `BAD signature by ${who}: the signed data or the signature was changed`);
  if (hash?.weak) return verdict('weak-hash', `signature by ${who} uses the weak hash ${hash.name}, which is not accepted`);
  const created = sig.created!;
  if (created.getTime() < signer.created.getTime()) return verdict('bad', `signature by ${who} is dated before its key was created`);
  const revoked = c.key.revoked ?? c.sub?.revoked;
  if (revoked) return verdict('revoked-key', `${who} was revoked on ${revoked.toISOString()}`);
  for (const k of c.sub ? [c.key, c.sub] : [c.key]) {
    if (k.expires && k.expires.getTime() <= now.getTime()) return verdict('expired-key', `${who} expired on ${k.expires.toISOString()}`);
  }
  if (sig.expiresAfter && created.getTime() + sig.expiresAfter * 1000 <= now.getTime()) {
    return verdict('expired-signature', `signature by ${who} expired on ${new Date(created.getTime() + sig.expiresAfter * 1000).toISOString()}`);
  }
  if (!signer.canSign) {
    const why = c.sub && !c.sub.crossCertified
      ? 'is not allowed to sign: its binding lacks the sign flag, or it is not cross-certified (no valid back-signature)'
      : 'is not allowed to sign (key flags)';
    return verdict('not-signing-key', `${who} ${why}`);
  }
  return verdict('good', `good signature by ${who}`);
}
