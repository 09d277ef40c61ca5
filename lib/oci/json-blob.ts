/**
 * JsonBlob: a small JSON document (config, manifest, index) held in memory as canonical bytes.
 */
import { Readable } from 'node:stream';
import { canonicalJsonBytes, sha256Digest, type Blob, type Descriptor, type JsonValue } from '../core/index.js';

/** JsonBlob is a Blob whose bytes are in memory, with the parsed value beside them. */
export interface JsonBlob<T = unknown> extends Blob {
  readonly bytes: Buffer;
  readonly value: T;
}

/** jsonBlob encodes `value` as canonical JSON and describes it with `mediaType`. */
export function jsonBlob<T>(mediaType: string, value: T, extra: Partial<Pick<Descriptor, 'annotations' | 'platform'>> = {}): JsonBlob<T> {
  const bytes = canonicalJsonBytes(value as unknown as JsonValue);
  return bytesBlob(bytes, { mediaType, digest: sha256Digest(bytes), size: bytes.length, ...extra }, value);
}

/** bytesBlob wraps bytes already encoded (e.g. read from disk) with their descriptor. */
export function bytesBlob<T>(bytes: Buffer, descriptor: Descriptor, value: T): JsonBlob<T> {
  return { descriptor, bytes, value, open: async () => Readable.from([bytes]) };
}
