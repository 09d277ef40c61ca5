/**
 * The shapes every content-addressed object shares (OCI image-spec descriptor.md):
 * a Descriptor says what a blob is; a Blob can be opened, as often as needed.
 */
import type { Readable } from 'node:stream';
import type { Digest } from './digest.js';

/** DescriptorPlatform is the `platform` member of a descriptor in an image index. */
export interface DescriptorPlatform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
}

/** Descriptor points at a blob by media type, digest and size (OCI image-spec descriptor.md). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  /** Size in bytes of the blob as stored (compressed, for layers). */
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: DescriptorPlatform;
}

/** OpenOptions are accepted by every opener. */
export interface OpenOptions {
  readonly signal?: AbortSignal;
}

/** Blob is content-addressed bytes that can be read again at any time. */
export interface Blob {
  readonly descriptor: Descriptor;
  /** open returns a fresh stream of exactly `descriptor.size` bytes. */
  open(opts?: OpenOptions): Promise<Readable>;
}

/** Layer is a filesystem changeset blob; `diffId` is the sha256 of its uncompressed tar. */
export interface Layer extends Blob {
  readonly diffId: Digest;
}
