/**
 * Signature packets (RFC 4880 §5.2, RFC 9580 §5.2): versions 3 and 4 with their subpackets.
 * Only what verification needs is kept; subpackets outside the hashed area are trusted only
 * for the issuer (which the signature check itself confirms) and embedded back-signatures.
 */
import { ByteReader, toHex } from './bytes.js';
import { PgpError } from './pgp-error.js';

/** SignatureType names the signature classes this module evaluates (RFC 9580 §5.2.1). */
export const SignatureType = {
  binary: 0x00,
  text: 0x01,
  certGeneric: 0x10,
  certPositive: 0x13,
  subkeyBinding: 0x18,
  primaryKeyBinding: 0x19,
  directKey: 0x1f,
  keyRevocation: 0x20,
  subkeyRevocation: 0x28,
  certRevocation: 0x30,
} as const;

/** SignaturePacket is a parsed version 3 or 4 signature. */
export interface SignaturePacket {
  readonly version: 3 | 4;
  /** type is the signature class (0x00 binary document, 0x01 text, 0x13 user ID certification, ...). */
  readonly type: number;
  readonly publicKeyAlgorithmId: number;
  readonly hashAlgorithmId: number;
  /** created is the signature creation time; undefined when a v4 signature lacks the hashed subpacket. */
  readonly created: Date | undefined;
  /** expiresAfter is the hashed signature expiration time in seconds after creation (0 or undefined: never). */
  readonly expiresAfter: number | undefined;
  /** keyExpiresAfter is the hashed key expiration time in seconds after key creation (0 or undefined: never). */
  readonly keyExpiresAfter: number | undefined;
  /** keyFlags is the first byte of the hashed key flags subpacket (0x02: may sign). */
  readonly keyFlags: number | undefined;
  /** issuerKeyId is the issuer key ID (16 uppercase hex digits), from subpacket 16 or the fingerprint. */
  readonly issuerKeyId: string | undefined;
  /** issuerFingerprint is the v4 issuer fingerprint (subpacket 33), 40 uppercase hex digits. */
  readonly issuerFingerprint: string | undefined;
  /** unsupportedCritical is the type of a critical hashed subpacket this module does not understand. */
  readonly unsupportedCritical: number | undefined;
  /** embedded are the embedded signature bodies (subpacket 32), e.g. a primary key binding back-signature. */
  readonly embedded: readonly Uint8Array[];
  /** hashedPart is what the signature hashes after the signed data: v3 class and time, v4 version to end of hashed subpackets. */
  readonly hashedPart: Uint8Array;
  /** left16 are the first two bytes of the signed hash. */
  readonly left16: Uint8Array;
  /** values are the algorithm-specific signature values (MPI values, or raw bytes for Ed25519/Ed448). */
  readonly values: readonly Uint8Array[];
  /** raw is the whole packet body, for telling copies of one signature apart. */
  readonly raw: Uint8Array;
}

/** UnsupportedSignature is a signature packet of a version this module does not verify. */
export interface UnsupportedSignature {
  readonly version: number;
  readonly unsupported: string;
}

/** Subpacket types GnuPG handles when marked critical (RFC 9580 §5.2.3.7); notations and policy URIs are not. */
const CRITICAL_OK = new Set([2, 3, 4, 5, 6, 7, 9, 11, 12, 16, 21, 22, 23, 25, 27, 28, 29, 30, 32, 33, 34, 35, 37, 39]);

/**
 * parseSignature parses a signature packet body. Versions other than 3 and 4 come back as
 * {@link UnsupportedSignature}. Throws a PgpError (ERR_PGP_MALFORMED) naming `subject` and
 * `where` when the body is truncated or its subpacket lengths are inconsistent.
 */
export function parseSignature(body: Uint8Array, subject: string, where: string): SignaturePacket | UnsupportedSignature {
  const fail = (problem: string): never => {
    throw new PgpError(subject, `${where}: ${problem}`);
  };
  const r = new ByteReader(body, fail);
  const version = r.u8('signature version');
  if (version === 3) return parseV3(r, body, fail);
  if (version !== 4) return { version, unsupported: `is a version ${version} signature; only versions 3 and 4 are supported` };
  const type = r.u8('signature type');
  const publicKeyAlgorithmId = r.u8('public-key algorithm');
  const hashAlgorithmId = r.u8('hash algorithm');
  const hashed = r.take(r.u16('hashed subpackets length'), 'hashed subpackets');
  const hashedPart = body.subarray(0, r.pos);
  const unhashed = r.take(r.u16('unhashed subpackets length'), 'unhashed subpackets');
  const left16 = r.take(2, 'hash prefix');
  const values = readValues(r, publicKeyAlgorithmId);
  const s: Mutable = { created: undefined, expiresAfter: undefined, keyExpiresAfter: undefined, keyFlags: undefined, issuerKeyId: undefined, issuerFingerprint: undefined, unsupportedCritical: undefined, embedded: [] };
  readSubpackets(hashed, true, s, fail);
  readSubpackets(unhashed, false, s, fail);
  if (s.issuerFingerprint !== undefined) s.issuerKeyId = s.issuerFingerprint.slice(-16);
  return { version: 4, type, publicKeyAlgorithmId, hashAlgorithmId, ...s, hashedPart, left16, values, raw: body };
}

type Mutable = {
  -readonly [K in 'created' | 'expiresAfter' | 'keyExpiresAfter' | 'keyFlags' | 'issuerKeyId' | 'issuerFingerprint' | 'unsupportedCritical']: SignaturePacket[K];
} & { embedded: Uint8Array[] };

function parseV3(r: ByteReader, body: Uint8Array, fail: (problem: string) => never): SignaturePacket {
  if (r.u8('v3 hashed length') !== 5) fail('v3 signature hashed length is not 5');
  const hashedPart = r.take(5, 'v3 signature class and time');
  const issuerKeyId = toHex(r.take(8, 'v3 issuer key ID'));
  const publicKeyAlgorithmId = r.u8('public-key algorithm');
  const hashAlgorithmId = r.u8('hash algorithm');
  const left16 = r.take(2, 'hash prefix');
  const values = readValues(r, publicKeyAlgorithmId);
  const created = new Date(new ByteReader(hashedPart.subarray(1), fail).u32('time') * 1000);
  return {
    version: 3, type: hashedPart[0]!, publicKeyAlgorithmId, hashAlgorithmId, created, expiresAfter: undefined, keyExpiresAfter: undefined,
    keyFlags: undefined, issuerKeyId, issuerFingerprint: undefined, unsupportedCritical: undefined, embedded: [], hashedPart, left16, values, raw: body,
  };
}

/** readValues reads the signature values: MPIs, or the fixed-size native Ed25519 (64) and Ed448 (114) signatures. */
function readValues(r: ByteReader, algorithmId: number): Uint8Array[] {
  if (algorithmId === 27) return [r.take(64, 'Ed25519 signature')];
  if (algorithmId === 28) return [r.take(114, 'Ed448 signature')];
  const values: Uint8Array[] = [];
  // RSA has one MPI, DSA/ECDSA/EdDSA two; an unknown algorithm's values are not interpreted.
  const known = [1, 2, 3, 16, 17, 19, 20, 22].includes(algorithmId);
  if (!known) return [r.rest()];
  const count = algorithmId <= 3 ? 1 : 2;
  for (let i = 0; i < count; i++) values.push(r.mpi(`signature value ${i + 1}`));
  return values;
}

function readSubpackets(area: Uint8Array, hashed: boolean, s: Mutable, fail: (problem: string) => never): void {
  const r = new ByteReader(area, (p) => fail(`subpacket ${p}`));
  while (r.remaining > 0) {
    const o1 = r.u8('length');
    let length: number;
    if (o1 < 192) length = o1;
    else if (o1 < 255) length = ((o1 - 192) << 8) + r.u8('length') + 192;
    else length = r.u32('length');
    if (length === 0) fail('subpacket has length 0 (no type)');
    const data = r.take(length, 'body');
    const critical = (data[0]! & 0x80) !== 0;
    const type = data[0]! & 0x7f;
    const v = data.subarray(1);
    const u32 = (): number => new ByteReader(v, (p) => fail(`subpacket ${type} ${p}`)).u32('value');
    if (hashed && critical && !CRITICAL_OK.has(type)) s.unsupportedCritical ??= type;
    if (type === 16 && v.length === 8) s.issuerKeyId ??= toHex(v);
    else if (type === 33 && v[0] === 4 && v.length === 21) s.issuerFingerprint ??= toHex(v.subarray(1));
    else if (type === 32) s.embedded.push(v);
    if (!hashed) continue;
    if (type === 2) s.created = new Date(u32() * 1000);
    else if (type === 3) s.expiresAfter = u32();
    else if (type === 9) s.keyExpiresAfter = u32();
    else if (type === 27 && v.length > 0) s.keyFlags = v[0]!;
  }
}
