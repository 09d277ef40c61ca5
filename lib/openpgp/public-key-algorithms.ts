/**
 * The public-key half of signature verification over node:crypto: RSA PKCS#1 v1.5
 * (RFC 9580 §5.2.3.1), DSA (§5.2.3.2), ECDSA (§5.2.3.2 with RFC 6637), EdDSA with the legacy
 * Ed25519 encoding (§5.2.3.3) and native Ed25519/Ed448 (§5.2.3.4, §5.2.3.5). Keys become
 * node KeyObjects through JWK (RSA, EdDSA) or DER SubjectPublicKeyInfo (DSA, ECDSA).
 */
import { createPublicKey, createVerify, verify, type KeyObject } from 'node:crypto';
import { leftPad, stripZeros, toBase64Url } from './bytes.js';
import type { PublicKeyPacket } from './public-key.js';
import type { SignaturePacket } from './signature-packet.js';

/** RawVerdict is the public-key verdict: the signature values match, do not, or cannot be checked (with why). */
export type RawVerdict = { readonly ok: boolean } | { readonly unsupported: string };

const keyObjects = new WeakMap<PublicKeyPacket, KeyObject | string>();

/**
 * verifyRaw checks the signature values of `sig` against `key`. `signed` is everything the
 * signature hashes (data, then the signature's trailer) and `digest` its hash under
 * `nodeHash`; RSA, DSA and ECDSA hash `signed` again inside node, EdDSA signs `digest`.
 */
export function verifyRaw(key: PublicKeyPacket, sig: SignaturePacket, signed: readonly Uint8Array[], digest: Uint8Array, nodeHash: string): RawVerdict {
  if (!sameFamily(key.algorithmId, sig.publicKeyAlgorithmId)) {
    return { ok: false };
  }
  const keyObject = keyObjectOf(key);
  if (typeof keyObject === 'string') return { unsupported: keyObject };
  const p = key.params;
  const v = sig.values;
  try {
    switch (p.kind) {
      case 'rsa': {
        const s = leftPad(v[0]!, stripZeros(p.n).length);
        return { ok: s !== undefined && streamVerify(nodeHash, signed, { key: keyObject }, s) };
      }
      case 'dsa': {
        const rs = concatPadded(v, stripZeros(p.q).length);
        return { ok: rs !== undefined && streamVerify(nodeHash, signed, { key: keyObject, dsaEncoding: 'ieee-p1363' }, rs) };
      }
      case 'ec': {
        const size = Math.ceil(p.curve!.bits / 8);
        if (key.algorithmId === 22) {
          const rs = concatPadded(v, 32);
          return { ok: rs !== undefined && verify(null, digest, keyObject, rs) };
        }
        const rs = concatPadded(v, size);
        return { ok: rs !== undefined && streamVerify(nodeHash, signed, { key: keyObject, dsaEncoding: 'ieee-p1363' }, rs) };
      }
      case 'native':
        return { ok: verify(null, digest, keyObject, v[0]!) };
      default:
        return { unsupported: `cannot verify ${key.algorithm} signatures` };
    }
  } catch {
    // OpenSSL refuses values it cannot use (e.g. an RSA signature not below the modulus): not a valid signature.
    return { ok: false };
  }
}

/** sameFamily: RSA keys (1, 3) make RSA signatures (1, 3); otherwise the numbers must match. */
function sameFamily(keyAlgorithm: number, sigAlgorithm: number): boolean {
  const rsa = (n: number): boolean => n === 1 || n === 3;
  return keyAlgorithm === sigAlgorithm || (rsa(keyAlgorithm) && rsa(sigAlgorithm));
}

function streamVerify(nodeHash: string, signed: readonly Uint8Array[], key: { key: KeyObject; dsaEncoding?: 'ieee-p1363' }, signature: Uint8Array): boolean {
  const verifier = createVerify(nodeHash);
  for (const chunk of signed) verifier.update(chunk);
  return verifier.verify(key, signature);
}

function concatPadded(values: readonly Uint8Array[], size: number): Uint8Array | undefined {
  const r = values[0] && leftPad(values[0], size);
  const s = values[1] && leftPad(values[1], size);
  if (r === undefined || s === undefined) return undefined;
  const out = new Uint8Array(size * 2);
  out.set(r, 0);
  out.set(s, size);
  return out;
}

/** keyObjectOf builds (once per key) the node KeyObject of `key`, or says why it cannot. */
function keyObjectOf(key: PublicKeyPacket): KeyObject | string {
  let k = keyObjects.get(key);
  if (k === undefined) {
    try {
      k = buildKeyObject(key);
    } catch (err) {
      k = `${key.algorithm} key material is not usable (${(err as Error).message})`;
    }
    keyObjects.set(key, k);
  }
  return k;
}

function buildKeyObject(key: PublicKeyPacket): KeyObject | string {
  const p = key.params;
  switch (p.kind) {
    case 'rsa':
      if (key.algorithmId === 2) return 'an encrypt-only RSA key cannot sign';
      return createPublicKey({ key: { kty: 'RSA', n: toBase64Url(stripZeros(p.n)), e: toBase64Url(stripZeros(p.e)) }, format: 'jwk' });
    case 'dsa':
      return createPublicKey({ key: dsaSpki(p.p, p.q, p.g, p.y), format: 'der', type: 'spki' });
    case 'ec':
      if (p.curve === undefined) return `curve OID ${p.oid} is not supported`;
      if (key.algorithmId === 22) {
        if (p.curve.name !== 'ed25519' || p.point.length !== 33 || p.point[0] !== 0x40) return `EdDSA on ${p.curve.name} in this encoding is not supported`;
        return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(p.point.subarray(1)) }, format: 'jwk' });
      }
      if (key.algorithmId !== 19) return `${key.algorithm} keys cannot sign`;
      if (p.point[0] !== 0x04) return 'ECDSA point is not in uncompressed form';
      return createPublicKey({ key: ecSpki(p.oid, p.point), format: 'der', type: 'spki' });
    case 'native':
      if (key.algorithmId === 27) return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(p.key) }, format: 'jwk' });
      if (key.algorithmId === 28) return createPublicKey({ key: { kty: 'OKP', crv: 'Ed448', x: toBase64Url(p.key) }, format: 'jwk' });
      return `${key.algorithm} keys cannot sign`;
    default:
      return `${key.algorithm} signatures are not supported`;
  }
}

// Minimal DER (ITU-T X.690) for SubjectPublicKeyInfo (RFC 5280 §4.1; DSA RFC 3279 §2.3.2; EC RFC 5480 §2).

function der(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  out.set(content, 1 + len.length);
  return out;
}

function cat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function derInteger(value: Uint8Array): Uint8Array {
  const v = stripZeros(value);
  return der(0x02, v.length === 0 || v[0]! & 0x80 ? cat(Uint8Array.of(0), v) : v);
}

const OID_DSA = Uint8Array.from(Buffer.from('2a8648ce380401', 'hex'));
const OID_EC_PUBLIC_KEY = Uint8Array.from(Buffer.from('2a8648ce3d0201', 'hex'));

function dsaSpki(p: Uint8Array, q: Uint8Array, g: Uint8Array, y: Uint8Array): Buffer {
  const algorithm = der(0x30, cat(der(0x06, OID_DSA), der(0x30, cat(derInteger(p), derInteger(q), derInteger(g)))));
  return Buffer.from(der(0x30, cat(algorithm, der(0x03, cat(Uint8Array.of(0), derInteger(y))))));
}

function ecSpki(curveOid: string, point: Uint8Array): Buffer {
  const algorithm = der(0x30, cat(der(0x06, OID_EC_PUBLIC_KEY), der(0x06, Uint8Array.from(Buffer.from(curveOid, 'hex')))));
  return Buffer.from(der(0x30, cat(algorithm, der(0x03, cat(Uint8Array.of(0), point)))));
}
