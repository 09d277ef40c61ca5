/**
 * Atomic file writes: bytes go to a temporary name in the destination's directory and are
 * renamed into place only when complete, so a reader never sees a half-written file and a
 * failure leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile, open } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** TEMP_PREFIX starts the name of every temporary file slipway creates beside a destination. */
export const TEMP_PREFIX = '.slipway-tmp-';

/** tempPathFor is a fresh, unique temporary name in the same directory as `path`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `${TEMP_PREFIX}${basename(path)}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** writeFileAtomic writes `data` to `path` via a temporary file and rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await writeFile(tmp, data, { signal: opts.signal });
    await fsyncPath(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * writeStreamAtomic pipes `source` through `transforms` into `path` atomically. When any
 * stage fails (including a verifying transform), the temporary file is removed.
 */
export async function writeStreamAtomic(
  path: string,
  source: Readable,
  opts: { signal?: AbortSignal; transforms?: NodeJS.ReadWriteStream[] } = {},
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  const sink = createWriteStream(tmp);
  try {
    const stages: (NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream)[] = [source, ...(opts.transforms ?? []), sink];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    await (pipeline as (...args: any[]) => Promise<void>)(...stages, { signal: opts.signal });
    await fsyncPath(tmp);
    await rename(tmp, path);
  } catch (err) {
    await discardTempFile(sink, tmp);
    throw err;
  }
}

/**
 * discardTempFile removes the temporary file behind `sink` after a failed write. A pipeline
 * can reject before the file stream has finished opening, and the open would then create the
 * file after an immediate `rm`; so this waits for the stream to close first.
 */
export async function discardTempFile(sink: WriteStream, tmp: string): Promise<void> {
  if (!sink.closed) {
    // A write still in flight fails once the stream is destroyed; that error is expected here.
    sink.on('error', () => undefined);
    sink.destroy();
    await new Promise<void>((resolve) => sink.once('close', () => resolve()));
  }
  await rm(tmp, { force: true });
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
