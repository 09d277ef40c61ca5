/**
 * OpenPGP packet framing (RFC 4880 §4.2, RFC 9580 §4.2): old- and new-format headers with
 * their length encodings. Partial body lengths and indeterminate lengths belong to data
 * packets (literal, compressed, encrypted), never to keys or signatures, so they are refused.
 */
import { PgpError } from './pgp-error.js';

/** Packet is one packet: its tag and body, and where its header starts in the input. */
export interface Packet {
  /** tag is the packet type (2 signature, 6 public key, 13 user ID, 14 public subkey, ...). */
  readonly tag: number;
  /** body is the packet's content after its header (a view into the input). */
  readonly body: Uint8Array;
  /** offset is the byte offset of the packet's header in the input. */
  readonly offset: number;
}

/** PacketTag names the packet types this module reads or refuses by name. */
export const PacketTag = {
  signature: 2,
  secretKey: 5,
  publicKey: 6,
  secretSubkey: 7,
  marker: 10,
  trust: 12,
  userId: 13,
  publicSubkey: 14,
  userAttribute: 17,
} as const;

/**
 * readPackets splits `bytes` into packets, in order. A packet body longer than
 * `maxBodyBytes(tag)` is refused before it is read. Throws a PgpError (ERR_PGP_MALFORMED)
 * naming `subject` and the offset when a byte is not a packet header, a length runs past the
 * end, or a length form is not allowed for key and signature packets.
 */
export function readPackets(bytes: Uint8Array, subject: string, maxBodyBytes: (tag: number) => number): Packet[] {
  const packets: Packet[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const offset = pos;
    const fail = (problem: string): never => {
      throw new PgpError(subject, `packet at offset ${offset}: ${problem}`);
    };
    const first = bytes[pos++]!;
    if ((first & 0x80) === 0) fail(`byte 0x${first.toString(16).padStart(2, '0')} is not an OpenPGP packet header`);
    const need = (n: number): void => {
      if (pos + n > bytes.length) fail('header is truncated');
    };
    let tag: number;
    let length: number;
    if (first & 0x40) {
      tag = first & 0x3f;
      need(1);
      const o1 = bytes[pos++]!;
      if (o1 < 192) length = o1;
      else if (o1 < 224) {
        need(1);
        length = ((o1 - 192) << 8) + bytes[pos++]! + 192;
      } else if (o1 === 255) {
        need(4);
        length = bytes[pos]! * 0x1000000 + ((bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
        pos += 4;
      } else return fail(`has a partial body length, which a tag ${tag} packet may not have`);
    } else {
      tag = (first >> 2) & 0x0f;
      const kind = first & 3;
      if (kind === 3) return fail(`has an indeterminate length, which a tag ${tag} packet may not have`);
      const n = 1 << kind;
      need(n);
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + bytes[pos++]!;
    }
    if (tag === 0) fail('has the reserved tag 0');
    const max = maxBodyBytes(tag);
    if (length > max) fail(`tag ${tag} packet has ${length} bytes (at most ${max} are accepted)`);
    if (pos + length > bytes.length) fail(`tag ${tag} packet of ${length} bytes is truncated (${bytes.length - pos} left)`);
    packets.push({ tag, body: bytes.subarray(pos, pos + length), offset });
    pos += length;
  }
  return packets;
}
