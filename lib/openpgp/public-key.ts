/**
 * Public key packets (RFC 4880 §5.5.2, RFC 9580 §5.5.2): version 4 keys, their algorithm
 * parameters, fingerprints and key IDs. Version 3, 5 and 6 keys are refused.
 */
import { createHash } from 'node:crypto';
import { ByteReader, bitLength, toHex } from './bytes.js';
import { PgpError } from './pgp-error.js';

/** PublicKeyAlgorithm names an OpenPGP public-key algorithm (RFC 9580 §9.1); `unknown-<n>` otherwise. */
export type PublicKeyAlgorithm =
  | 'rsa' | 'rsa-encrypt-only' | 'rsa-sign-only' | 'elgamal' | 'dsa' | 'ecdh' | 'ecdsa'
  | 'elgamal-sign' | 'eddsa' | 'x25519' | 'x448' | 'ed25519' | 'ed448' | `unknown-${number}`;

const ALGORITHMS: Readonly<Record<number, PublicKeyAlgorithm>> = {
  1: 'rsa', 2: 'rsa-encrypt-only', 3: 'rsa-sign-only', 16: 'elgamal', 17: 'dsa', 18: 'ecdh', 19: 'ecdsa',
  20: 'elgamal-sign', 22: 'eddsa', 25: 'x25519', 26: 'x448', 27: 'ed25519', 28: 'ed448',
};

/** publicKeyAlgorithmName names algorithm number `id` (`rsa`, `eddsa`, ...). */
export function publicKeyAlgorithmName(id: number): PublicKeyAlgorithm {
  return ALGORITHMS[id] ?? `unknown-${id}`;
}

/** SIGNING_ALGORITHMS are the algorithms a key may sign with (ElGamal signing is deprecated and not among them). */
const SIGNING_ALGORITHMS = new Set([1, 3, 17, 19, 22, 27, 28]);

/** algorithmCanSign tells whether keys of algorithm `id` can make signatures at all. */
export function algorithmCanSign(id: number): boolean {
  return SIGNING_ALGORITHMS.has(id);
}

/** Curve is an elliptic curve named by OID in ECDSA, EdDSA and ECDH keys. */
export interface Curve {
  /** name is GnuPG's curve name (`ed25519`, `nistp256`, ...). */
  readonly name: string;
  /** oid is the DER content of the curve's object identifier, in hex. */
  readonly oid: string;
  /** bits is the curve's size as GnuPG prints it (255 for Curve25519). */
  readonly bits: number;
}

const CURVES: readonly Curve[] = [
  { name: 'ed25519', oid: '2b06010401da470f01', bits: 255 },
  { name: 'cv25519', oid: '2b060104019755010501', bits: 255 },
  { name: 'nistp256', oid: '2a8648ce3d030107', bits: 256 },
  { name: 'nistp384', oid: '2b81040022', bits: 384 },
  { name: 'nistp521', oid: '2b81040023', bits: 521 },
  { name: 'brainpoolP256r1', oid: '2b2403030208010107', bits: 256 },
  { name: 'brainpoolP384r1', oid: '2b240303020801010b', bits: 384 },
  { name: 'brainpoolP512r1', oid: '2b240303020801010d', bits: 512 },
  { name: 'secp256k1', oid: '2b8104000a', bits: 256 },
  { name: 'ed448', oid: '2b6571', bits: 448 },
  { name: 'cv448', oid: '2b656f', bits: 448 },
];

/** PublicKeyParams are a key's algorithm-specific values (big-endian integers without MPI headers). */
export type PublicKeyParams =
  | { readonly kind: 'rsa'; readonly n: Uint8Array; readonly e: Uint8Array }
  | { readonly kind: 'dsa'; readonly p: Uint8Array; readonly q: Uint8Array; readonly g: Uint8Array; readonly y: Uint8Array }
  | { readonly kind: 'elgamal'; readonly p: Uint8Array; readonly g: Uint8Array; readonly y: Uint8Array }
  | { readonly kind: 'ec'; readonly oid: string; readonly curve: Curve | undefined; readonly point: Uint8Array }
  | { readonly kind: 'native'; readonly key: Uint8Array }
  | { readonly kind: 'opaque' };

/** PublicKeyPacket is a parsed version 4 public key or subkey packet. */
export interface PublicKeyPacket {
  readonly version: 4;
  /** created is the key's creation time (whole seconds). */
  readonly created: Date;
  /** algorithmId is the OpenPGP public-key algorithm number. */
  readonly algorithmId: number;
  readonly algorithm: PublicKeyAlgorithm;
  /** bits is the key size as GnuPG prints it (modulus or prime bits, curve size); undefined for unknown algorithms. */
  readonly bits: number | undefined;
  /** curve is GnuPG's name of the key's curve, for ECC keys on a known curve. */
  readonly curve: string | undefined;
  readonly params: PublicKeyParams;
  /** fingerprint is SHA-1 over 0x99, the two-byte body length and the body: 40 uppercase hex digits. */
  readonly fingerprint: string;
  /** keyId is the last 16 hex digits of the fingerprint. */
  readonly keyId: string;
  /** body is the packet body, hashed into every signature over the key. */
  readonly body: Uint8Array;
}

const NATIVE_KEY_BYTES: Readonly<Record<number, number>> = { 25: 32, 26: 56, 27: 32, 28: 57 };
const NATIVE_BITS: Readonly<Record<number, number>> = { 25: 255, 26: 448, 27: 255, 28: 448 };

/**
 * parsePublicKey parses a public key or subkey packet body. Throws a PgpError
 * (ERR_PGP_MALFORMED) naming `subject` for versions other than 4 and for parameters that
 * do not parse; keys of an unknown algorithm parse with opaque parameters.
 */
export function parsePublicKey(body: Uint8Array, subject: string, where: string): PublicKeyPacket {
  const fail = (problem: string): never => {
    throw new PgpError(subject, `${where}: ${problem}`);
  };
  const r = new ByteReader(body, fail);
  const version = r.u8('key version');
  if (version !== 4) {
    const hint = version === 6 || version === 5 ? 'slipway reads version 4 keys (RFC 4880), as GnuPG 2.2 and apt do' : 'version 3 (PGP 2) keys are obsolete and insecure';
    fail(`is a version ${version} key; only version 4 keys are supported (${hint})`);
  }
  const created = new Date(r.u32('key creation time') * 1000);
  const algorithmId = r.u8('key algorithm');
  const params = parseParams(r, algorithmId, fail);
  if (params.kind !== 'opaque' && r.remaining !== 0) fail(`has ${r.remaining} bytes after its key material`);
  const digest = createHash('sha1').update(Uint8Array.of(0x99, body.length >> 8, body.length & 0xff)).update(body).digest();
  const fingerprint = toHex(digest);
  const curve = params.kind === 'ec' ? params.curve : undefined;
  return {
    version: 4, created, algorithmId, algorithm: publicKeyAlgorithmName(algorithmId), params, fingerprint,
    keyId: fingerprint.slice(-16), body, curve: curve?.name ?? (algorithmId === 27 ? 'ed25519' : algorithmId === 28 ? 'ed448' : undefined),
    bits: keyBits(params, algorithmId),
  };
}

function parseParams(r: ByteReader, id: number, fail: (problem: string) => never): PublicKeyParams {
  switch (id) {
    case 1: case 2: case 3:
      return { kind: 'rsa', n: r.mpi('RSA modulus n'), e: r.mpi('RSA exponent e') };
    case 17:
      return { kind: 'dsa', p: r.mpi('DSA p'), q: r.mpi('DSA q'), g: r.mpi('DSA g'), y: r.mpi('DSA y') };
    case 16: case 20:
      return { kind: 'elgamal', p: r.mpi('ElGamal p'), g: r.mpi('ElGamal g'), y: r.mpi('ElGamal y') };
    case 18: case 19: case 22: {
      const oidLength = r.u8('curve OID length');
      if (oidLength === 0 || oidLength === 0xff) fail(`curve OID length ${oidLength} is reserved`);
      const oid = toHex(r.take(oidLength, 'curve OID')).toLowerCase();
      const point = r.mpi('EC point');
      if (id === 18) {
        const kdfLength = r.u8('ECDH KDF parameters length');
        r.take(kdfLength, 'ECDH KDF parameters');
      }
      return { kind: 'ec', oid, curve: CURVES.find((c) => c.oid === oid), point };
    }
    case 25: case 26: case 27: case 28:
      return { kind: 'native', key: r.take(NATIVE_KEY_BYTES[id]!, 'key material') };
    default:
      return { kind: 'opaque' };
  }
}

function keyBits(params: PublicKeyParams, id: number): number | undefined {
  switch (params.kind) {
    case 'rsa': return bitLength(params.n);
    case 'dsa': case 'elgamal': return bitLength(params.p);
    case 'ec': return params.curve?.bits;
    case 'native': return NATIVE_BITS[id];
    case 'opaque': return undefined;
  }
}
