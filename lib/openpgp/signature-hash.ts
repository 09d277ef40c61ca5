/**
 * What a signature hashes (RFC 4880 §5.2.4, RFC 9580 §5.2.4): the signed material (document,
 * canonical text, key, user ID, subkey), then the signature's own trailer. Also the hash
 * check itself: the left 16 bits, then the public-key verdict.
 */
import { createHash } from 'node:crypto';
import { uint32 } from './bytes.js';
import { hashAlgorithm } from './hash-algorithms.js';
import { verifyRaw, type RawVerdict } from './public-key-algorithms.js';
import type { PublicKeyPacket } from './public-key.js';
import type { SignaturePacket } from './signature-packet.js';

/** keyMaterial is how a key enters a signature's hash: 0x99, two-byte length, packet body. */
export function keyMaterial(key: PublicKeyPacket): Uint8Array[] {
  return [Uint8Array.of(0x99, key.body.length >> 8, key.body.length & 0xff), key.body];
}

/** userIdMaterial is how a user ID (0xB4) or user attribute (0xD1) enters a v4 signature's hash; v3 hashes the bare body. */
export function userIdMaterial(sig: SignaturePacket, body: Uint8Array, attribute: boolean): Uint8Array[] {
  if (sig.version === 3) return [body];
  return [Uint8Array.of(attribute ? 0xd1 : 0xb4), uint32(body.length), body];
}

/** trailer is what follows the signed material in the hash: v3 class and time; v4 hashed part, 0x04 0xFF and its length. */
export function trailer(sig: SignaturePacket): Uint8Array[] {
  if (sig.version === 3) return [sig.hashedPart];
  return [sig.hashedPart, Uint8Array.of(0x04, 0xff), uint32(sig.hashedPart.length)];
}

/**
 * canonicalText converts line endings to CRLF for a text signature (class 0x01, RFC 9580
 * §5.2.1.2). With `cleartext`, `text` is the signed text of a cleartext message (RFC 4880
 * §7.1, dash-escaping undone, without the line ending before the signature): trailing
 * spaces and tabs are removed from every line as well. A lone CR is not a line ending.
 */
export function canonicalText(text: Uint8Array, cleartext: boolean): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  let n = 0;
  let lineStart = 0;
  const endLine = (end: number, newline: boolean): void => {
    let e = end;
    if (e > lineStart && text[e - 1] === 0x0d) e--;
    if (cleartext) while (e > lineStart && (text[e - 1] === 0x20 || text[e - 1] === 0x09)) e--;
    out.set(text.subarray(lineStart, e), n);
    n += e - lineStart;
    if (newline) {
      out[n++] = 0x0d;
      out[n++] = 0x0a;
    }
  };
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== 0x0a) continue;
    endLine(i, true);
    lineStart = i + 1;
  }
  if (cleartext) endLine(text.length, false);
  else {
    out.set(text.subarray(lineStart), n);
    n += text.length - lineStart;
  }
  return out.subarray(0, n);
}

/**
 * checkHash hashes `material` and the trailer of `sig`, compares the left 16 bits, then
 * checks the signature values with `key`. `unsupported` when the hash or key algorithm
 * cannot be verified here.
 */
export function checkHash(key: PublicKeyPacket, sig: SignaturePacket, material: readonly Uint8Array[]): RawVerdict {
  const nodeHash = hashAlgorithm(sig.hashAlgorithmId)?.nodeName;
  if (nodeHash === undefined) return { unsupported: `hash algorithm ${sig.hashAlgorithmId} is not supported` };
  const signed = [...material, ...trailer(sig)];
  const h = createHash(nodeHash);
  for (const chunk of signed) h.update(chunk);
  const digest = h.digest();
  if (digest[0] !== sig.left16[0] || digest[1] !== sig.left16[1]) return { ok: false };
  return verifyRaw(key, sig, signed, digest, nodeHash);
}
