/**
 * Judging a certificate as GnuPG does: which self-signatures, bindings and revocations verify,
 * and what the newest valid ones say about expiry and signing capability. Signatures by
 * other keys (third-party certifications, designated revokers) are not evaluated.
 */
import type { Certificate, SignedSubkey, SignedUserId } from './certificate.js';
import { keySignatureHashAllowed } from './hash-algorithms.js';
import { algorithmCanSign, type PublicKeyPacket } from './public-key.js';
import { checkHash, keyMaterial, userIdMaterial } from './signature-hash.js';
import { parseSignature, SignatureType, type SignaturePacket } from './signature-packet.js';
import type { KeyringKey, SubKey } from './keyring-types.js';

const FLAG_SIGN = 0x02;

/** issuedBy tells whether `sig` names `key` as its issuer (by fingerprint, or key ID when it has none). */
export function issuedBy(sig: SignaturePacket, key: PublicKeyPacket): boolean {
  if (sig.issuerFingerprint !== undefined) return sig.issuerFingerprint === key.fingerprint;
  return sig.issuerKeyId === key.keyId;
}

/**
 * selfSignatureValid tells whether `sig` is a valid signature by `signer` over `material`:
 * issued by it, of an allowed hash for a key signature, not older than `notBefore` (the
 * signed key's creation), no unknown critical subpacket, and cryptographically good.
 */
function selfSignatureValid(sig: SignaturePacket, signer: PublicKeyPacket, material: Uint8Array[], notBefore: Date): boolean {
  if (!issuedBy(sig, signer) && !(sig.issuerKeyId === undefined && sig.version === 4 && sig.type === SignatureType.primaryKeyBinding)) return false;
  if (sig.created === undefined || sig.created.getTime() < notBefore.getTime()) return false;
  if (sig.unsupportedCritical !== undefined || !keySignatureHashAllowed(sig.hashAlgorithmId)) return false;
  const verdict = checkHash(signer, sig, material);
  return 'ok' in verdict && verdict.ok;
}

function newest(sigs: readonly SignaturePacket[]): SignaturePacket | undefined {
  let best: SignaturePacket | undefined;
  for (const s of sigs) if (!best || s.created!.getTime() >= best.created!.getTime()) best = s;
  return best;
}

function earliestRevocation(sigs: readonly SignaturePacket[]): Date | undefined {
  let t: number | undefined;
  for (const s of sigs) if (t === undefined || s.created!.getTime() < t) t = s.created!.getTime();
  return t === undefined ? undefined : new Date(t);
}

/** UserIdState is what the newest valid self-signature on one user ID says. */
interface UserIdState {
  /** created is the time of the newest valid self-certification or revocation. */
  readonly created: number;
  readonly revoked: boolean;
  readonly keyFlags: number | undefined;
  readonly keyExpiresAfter: number | undefined;
}

type Valid = (sig: SignaturePacket, material: Uint8Array[]) => boolean;

/**
 * evaluateCertificate verifies every self-signature of `cert` and summarises the key as
 * GnuPG does: the newest valid direct-key signature's key flags and (non-zero) expiration
 * win; otherwise flags and expiration come from the user ID whose newest valid
 * self-signature is the most recent among those that carry them. A user ID whose newest
 * valid self-signature is a revocation is revoked. Any valid key revocation revokes the key.
 * The key's `certificate` keeps only the signatures that verified (and the user IDs and
 * subkeys that have one): the others never count, so a merge need not carry them. Each
 * signature is verified once.
 */
export function evaluateCertificate(cert: Certificate): KeyringKey {
  const primary = cert.primary;
  const pk = keyMaterial(primary);
  const valid: Valid = (sig, material) => selfSignatureValid(sig, primary, material, primary.created);
  const directValid = cert.direct.filter((s) => (s.type === SignatureType.directKey || s.type === SignatureType.keyRevocation) && valid(s, pk));
  const direct = newest(directValid.filter((s) => s.type === SignatureType.directKey));
  const revocations = directValid.filter((s) => s.type === SignatureType.keyRevocation);
  const { states, userIds, kept: keptUserIds } = evaluateUserIds(cert, pk, valid);
  const isValid = direct !== undefined || states.length > 0;
  const flags = direct?.keyFlags || latestState(states, (u) => u.keyFlags)?.keyFlags;
  const expiresAfter = direct?.keyExpiresAfter || latestState(states, (u) => u.keyExpiresAfter)?.keyExpiresAfter;
  const judged = cert.subkeys.map((s) => evaluateSubkey(primary, s));
  const subkeys = judged.map((j) => j.subkey).filter((s): s is SubKey => s !== undefined);
  const keptSubkeys = judged.map((j) => j.kept).filter((s): s is SignedSubkey => s !== undefined);
  return {
    fingerprint: primary.fingerprint, keyId: primary.keyId, algorithm: primary.algorithm, bits: primary.bits, curve: primary.curve,
    created: primary.created, expires: expiresAfter ? new Date(primary.created.getTime() + expiresAfter * 1000) : undefined,
    revoked: earliestRevocation(revocations), valid: isValid,
    canSign: isValid && algorithmCanSign(primary.algorithmId) && (!flags || (flags & FLAG_SIGN) !== 0),
    userIds, subkeys, publicKey: primary,
    certificate: { primary, direct: directValid, userIds: keptUserIds, subkeys: keptSubkeys },
  };
}

/**
 * evaluateUserIds judges each user ID by its valid self-certifications and revocations; user
 * attributes (photo IDs) are not judged, as they say nothing about the key's use.
 */
function evaluateUserIds(cert: Certificate, pk: Uint8Array[], valid: Valid): { states: UserIdState[]; userIds: string[]; kept: SignedUserId[] } {
  const states: UserIdState[] = [];
  const userIds: string[] = [];
  const kept: SignedUserId[] = [];
  const isSelf = (s: SignaturePacket): boolean => (s.type >= SignatureType.certGeneric && s.type <= SignatureType.certPositive) || s.type === SignatureType.certRevocation;
  for (const uid of cert.userIds) {
    if (uid.attribute) continue;
    const good = uid.signatures.filter((s) => isSelf(s) && valid(s, [...pk, ...userIdMaterial(s, uid.body, false)]));
    const latest = newest(good);
    if (!latest) continue;
    kept.push({ body: uid.body, attribute: false, signatures: good });
    const revoked = latest.type === SignatureType.certRevocation;
    states.push({ created: latest.created!.getTime(), revoked, keyFlags: revoked ? undefined : latest.keyFlags, keyExpiresAfter: revoked ? undefined : latest.keyExpiresAfter });
    if (!revoked) userIds.push(new TextDecoder().decode(uid.body));
  }
  return { states, userIds, kept };
}

/** latestState is the user ID state with the newest signature among those where `pick` is non-zero. */
function latestState(states: readonly UserIdState[], pick: (u: UserIdState) => number | undefined): UserIdState | undefined {
  let best: UserIdState | undefined;
  for (const u of states) if (pick(u) && (!best || u.created > best.created)) best = u;
  return best;
}

/**
 * evaluateSubkey judges a subkey by its newest valid binding signature; `subkey` is undefined
 * when none verifies. A signing subkey must carry a valid primary key binding back-signature
 * (0x19), as GnuPG requires ("not cross-certified" otherwise). `kept` is the subkey with its
 * valid bindings and revocations, undefined when it has neither (a revocation is kept even
 * without a binding here: another copy of the key may bring the binding).
 */
function evaluateSubkey(primary: PublicKeyPacket, sub: SignedSubkey): { subkey: SubKey | undefined; kept: SignedSubkey | undefined } {
  const key = sub.key;
  const material = [...keyMaterial(primary), ...keyMaterial(key)];
  const byPrimary = (s: SignaturePacket): boolean => selfSignatureValid(s, primary, material, key.created);
  const good = sub.signatures.filter((s) => (s.type === SignatureType.subkeyBinding || s.type === SignatureType.subkeyRevocation) && byPrimary(s));
  const kept = good.length > 0 ? { key, signatures: good } : undefined;
  const binding = newest(good.filter((s) => s.type === SignatureType.subkeyBinding));
  if (!binding) return { subkey: undefined, kept };
  const revocations = good.filter((s) => s.type === SignatureType.subkeyRevocation);
  const signUsage = algorithmCanSign(key.algorithmId) && (!binding.keyFlags || (binding.keyFlags & FLAG_SIGN) !== 0);
  const crossCertified = signUsage && binding.embedded.some((body) => backSignatureValid(body, key, material));
  const subkey: SubKey = {
    fingerprint: key.fingerprint, keyId: key.keyId, algorithm: key.algorithm, bits: key.bits, curve: key.curve, created: key.created,
    expires: binding.keyExpiresAfter ? new Date(key.created.getTime() + binding.keyExpiresAfter * 1000) : undefined, revoked: earliestRevocation(revocations), canSign: signUsage && crossCertified, crossCertified, publicKey: key,
  };
  return { subkey, kept };
}

function backSignatureValid(body: Uint8Array, subkey: PublicKeyPacket, material: Uint8Array[]): boolean {
  let sig;
  try {
    sig = parseSignature(body, 'embedded signature', 'back-signature');
  } catch {
    return false;
  }
  if ('unsupported' in sig || sig.type !== SignatureType.primaryKeyBinding) return false;
  return selfSignatureValid(sig, subkey, material, subkey.created);
}
