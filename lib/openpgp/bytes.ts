/** Byte helpers for OpenPGP packets: a bounds-checked reader, hex and base64url. */
import { MAX_MPI_BITS } from './limits.js';

/** ByteReader reads big-endian fields from `bytes`; every read past the end calls `fail`. */
export class ByteReader {
  /** pos is the offset of the next byte to read. */
  pos = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly fail: (problem: string) => never,
  ) {}

  /** remaining is the count of unread bytes. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** u8 reads one byte. */
  u8(what: string): number {
    return this.take(1, what)[0]!;
  }

  /** u16 reads a two-byte big-endian number. */
  u16(what: string): number {
    const b = this.take(2, what);
    return (b[0]! << 8) | b[1]!;
  }

  /** u32 reads a four-byte big-endian number (unsigned). */
  u32(what: string): number {
    const b = this.take(4, what);
    return ((b[0]! << 24) >>> 0) + ((b[1]! << 16) | (b[2]! << 8) | b[3]!);
  }

  /** take returns the next `n` bytes as a view (not a copy). */
  take(n: number, what: string): Uint8Array {
    if (n > this.remaining) this.fail(`${what} is truncated (needs ${n} bytes, ${this.remaining} left)`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** rest returns every unread byte. */
  rest(): Uint8Array {
    return this.take(this.remaining, 'rest');
  }

  /**
   * mpi reads a multiprecision integer (RFC 4880 §3.2: a two-byte bit count, then the
   * big-endian value) and returns its value bytes; at most {@link MAX_MPI_BITS} bits.
   */
  mpi(what: string): Uint8Array {
    const bits = this.u16(`${what} length`);
    if (bits > MAX_MPI_BITS) this.fail(`${what} has ${bits} bits (at most ${MAX_MPI_BITS} are accepted)`);
    return this.take((bits + 7) >> 3, what);
  }
}

/** toHex renders bytes as uppercase hex, as GnuPG prints fingerprints. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** toBase64Url renders bytes as unpadded base64url, for JWK members. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** stripZeros drops leading zero bytes (an MPI's value may carry them). */
export function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/** leftPad returns `bytes` without leading zeros, left-padded with zeros to `size`; undefined when longer. */
export function leftPad(bytes: Uint8Array, size: number): Uint8Array | undefined {
  const v = stripZeros(bytes);
  if (v.length > size) return undefined;
  const out = new Uint8Array(size);
  out.set(v, size - v.length);
  return out;
}

/** bitLength is the number of significant bits of a big-endian unsigned integer. */
export function bitLength(bytes: Uint8Array): number {
  const v = stripZeros(bytes);
  if (v.length === 0) return 0;
  return (v.length - 1) * 8 + (32 - Math.clz32(v[0]!));
}

/** equalBytes compares two byte arrays. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** uint32 renders `n` as four big-endian bytes. */
export function uint32(n: number): Uint8Array {
  return Uint8Array.of((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}
