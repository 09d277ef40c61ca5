/**
 * writeLayer: entries → deterministic tar → compressed blob, hashed in passing.
 *
 * diffId is the sha256 of the uncompressed tar, digest the sha256 of the stored blob (OCI
 * image-spec config.md "Layer DiffID", descriptor.md). The blob lands in a content-addressed
 * directory `<blobsDir>/sha256/<hex>` through a temporary file and rename; a blob already
 * present is left as it is.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { DigestStream, digestHex, discardTempFile, tempPathFor, type Digest, type Layer, type OpenOptions } from '../core/index.js';
import { createCompressor, type Compression } from './compress.js';
import type { LayerEntry } from './layer-entry.js';
import { openTarStream } from './tar-writer.js';

/** LayerOptions say how a layer is encoded and where its blob goes. */
export interface LayerOptions {
  readonly compression: Compression;
  /** The descriptor's media type; the caller (oci) knows which matches `compression`. */
  readonly mediaType: string;
  /** Directory holding blobs as `sha256/<hex>`. */
  readonly blobsDir: string;
  /** mtime of every entry, in whole seconds since the epoch. */
  readonly mtime: number;
  readonly level?: number;
  readonly signal?: AbortSignal;
  /** Annotations for the layer's descriptor. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * writeLayer encodes `entries` (already in their final order) as one layer and stores it.
 * Each entry's body is read once, in order.
 */
export async function writeLayer(entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>, opts: LayerOptions): Promise<Layer> {
  const dir = join(opts.blobsDir, 'sha256');
  await mkdir(dir, { recursive: true });
  const tmp = tempPathFor(join(dir, 'layer'));
  const tarHash = new DigestStream();
  const blobHash = new DigestStream();
  const sink = createWriteStream(tmp);
  try {
    await pipeline(
      openTarStream(entries, { mtime: opts.mtime, ...(opts.signal ? { signal: opts.signal } : {}) }),
      tarHash,
      createCompressor(opts.compression, opts.level !== undefined ? { level: opts.level } : {}),
      blobHash,
      sink,
      { signal: opts.signal },
    );
    const path = join(dir, digestHex(blobHash.digest));
    if (await exists(path)) await rm(tmp, { force: true });
    else await rename(tmp, path);
    return blobLayer(path, {
      mediaType: opts.mediaType,
      digest: blobHash.digest,
      size: blobHash.size,
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    }, tarHash.digest);
  } catch (err) {
    await discardTempFile(sink, tmp);
    throw err;
  }
}

/** blobLayer is a Layer whose bytes are the file at `path`. */
export function blobLayer(path: string, descriptor: Layer['descriptor'], diffId: Digest): Layer {
  return {
    descriptor,
    diffId,
    open: async (o: OpenOptions = {}) => createReadStream(path, o.signal ? { signal: o.signal } : {}),
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
