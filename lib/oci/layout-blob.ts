/**
 * Blobs on their way into a layout or archive: opened through a {@link VerifyStream}, and
 * stored in a content-addressed `blobs/<alg>/<encoded>` directory by temporary file and
 * rename (go-containerregistry pkg/v1/layout/write.go does the same).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { VerifyStream, writeStreamAtomic, type Blob, type Digest, type OpenOptions } from '../core/index.js';
import { pullThrough } from './pull-through.js';

/** blobName is a blob's path inside a layout, `/`-separated: `blobs/<alg>/<encoded>`. */
export function blobName(digest: Digest): string {
  const i = digest.indexOf(':');
  return `blobs/${digest.slice(0, i)}/${digest.slice(i + 1)}`;
}

/** blobPath is where a blob with `digest` lives under the layout directory `layoutDir`. */
export function blobPath(layoutDir: string, digest: Digest): string {
  return join(layoutDir, ...blobName(digest).split('/'));
}

/**
 * openVerifiedBlob opens `blob` through a VerifyStream, so the stream fails before its end
 * when the bytes differ from the descriptor's size or digest. The blob is opened only when
 * the stream is first read; destroying the stream closes it.
 */
export async function openVerifiedBlob(blob: Blob, opts: OpenOptions = {}): Promise<Readable> {
  const d = blob.descriptor;
  return pullThrough(() => blob.open(opts), () => [new VerifyStream({ digest: d.digest, size: d.size, subject: `blob ${d.digest}` })]);
}

/**
 * writeLayoutBlob stores `blob` in the layout at `layoutDir` unless a file of the right size is
 * already there (content-addressed: same name, same bytes). Returns whether it wrote. The bytes
 * are verified on their way to a temporary file beside the blob; on any failure that file is
 * removed and nothing is renamed.
 */
export async function writeLayoutBlob(layoutDir: string, blob: Blob, opts: OpenOptions = {}): Promise<boolean> {
  const path = blobPath(layoutDir, blob.descriptor.digest);
  const present = await stat(path).catch(() => undefined);
  if (present?.isFile() && present.size === blob.descriptor.size) return false;
  const signal = opts.signal ? { signal: opts.signal } : {};
  const source = await openVerifiedBlob(blob, signal);
  try {
    await writeStreamAtomic(path, source, signal);
  } finally {
    // The pipeline destroys the source on failure, but not when writeStreamAtomic fails before it.
    source.destroy();
  }
  return true;
}
