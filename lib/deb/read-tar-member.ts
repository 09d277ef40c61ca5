/**
 * readTarMember: the entries of one compressed tar member of a .deb (control.tar or
 * data.tar), streamed through the decompressor and tar-stream with the decompressed bytes
 * counted against a cap, so a decompression bomb stops as soon as it passes the cap.
 */
import type { Readable as NodeReadable } from 'node:stream';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { openDecompressor } from '../core/index.js';
import { asDebError, debUnsafe } from './deb-error.js';

/** TarEntry is one entry as tar-stream hands it on: a streamx Readable with its header. */
type TarEntry = tar.ExtractEvents['entry'][1];

/** MemberCompression is how a .deb member is compressed, as openDecompressor names it. */
export type MemberCompression = 'gzip' | 'xz' | 'zstd' | 'none';

/** TarMemberOptions say what the member is, how it is compressed and how far it may expand. */
export interface TarMemberOptions {
  readonly subject: string;
  /** The member's name, e.g. `data.tar.xz`. */
  readonly member: string;
  readonly compression: MemberCompression;
  /** Cap on the decompressed tar (bytes); passing it is ERR_DEB_UNSAFE. */
  readonly maxBytes: number;
  /** Name of the cap in messages, e.g. `MAX_DEB_DATA_BYTES`. */
  readonly capName: string;
  /** The path being read, named when the cap is passed. */
  readonly current: () => string;
}

/** TarItem is one tar entry: its header and (for entries with data) its body. */
export interface TarItem {
  readonly header: tar.Header;
  /** The entry's data, absent when it has none; drain it before pulling the next item (what is left is skipped). */
  readonly body?: NodeReadable;
}

/**
 * readTarMember yields the entries of the tar in `src`, in archive order. Codec and tar
 * errors are ERR_DEB_MALFORMED naming the member; errors of `src` (a truncated ar member,
 * an abort) and of the cap pass through as they are. Stopping early destroys the pipeline.
 */
export async function* readTarMember(src: NodeReadable, opts: TarMemberOptions): AsyncGenerator<TarItem, void, undefined> {
  const { subject, member } = opts;
  const extract = tar.extract();
  const cap = new ByteCap(opts.maxBytes, () => debUnsafe(subject, `${member} ${opts.current()}`, `expands beyond ${opts.maxBytes} bytes (${opts.capName}): a decompression bomb or an unexpectedly large package`));
  const reading = pipeline(src, openDecompressor(opts.compression), cap, extract as unknown as NodeJS.WritableStream);
  let failure: unknown;
  reading.catch((err: unknown) => (failure ??= err));
  let current: EntryBody | undefined;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      // tar-stream gives directories and empty entries no data to wait for (a directory
      // stating a size would never end): no body, nothing to wait for.
      if (!h.size || h.type === 'directory') {
        entry.resume();
        yield { header: h };
        continue;
      }
      current = new EntryBody(entry, (err) => asDebError(failure ?? err, subject, `${member} ${opts.current()}`));
      let resumed = false;
      try {
        yield { header: h, body: current.body };
        resumed = true;
      } finally {
        // Stopped here: destroy the body before the loop's exit destroys the tar under it.
        if (!resumed) current.body.destroy();
      }
      await current.finish();
      current = undefined;
    }
    await reading;
  } catch (err) {
    extract.destroy();
    const settled = await reading.then(() => undefined, (e: unknown) => e);
    throw asDebError(failure ?? settled ?? err, subject, member);
  } finally {
    current?.body.destroy();
    if (!extract.destroyed) extract.destroy();
  }
}

/** ByteCap passes bytes through and fails once more than `max` have passed. */
class ByteCap extends Transform {
  #count = 0;
  readonly #max: number;
  readonly #error: () => Error;

  constructor(max: number, error: () => Error) {
    super();
    this.#max = max;
    this.#error = error;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#count += chunk.length;
    if (this.#count > this.#max) cb(this.#error());
    else cb(null, chunk);
  }
}

/**
 * EntryBody adapts a tar-stream entry (a streamx stream) to a Node Readable with
 * backpressure; {@link finish} drains whatever the consumer left so the tar can go on.
 */
class EntryBody {
  readonly body: Readable;
  readonly #entry: TarEntry;
  readonly #ended: Promise<void>;
  #done = false;
  #discard = false;

  constructor(entry: TarEntry, wrap: (err: unknown) => Error) {
    this.#entry = entry;
    this.body = new Readable({
      highWaterMark: 64 * 1024,
      read: () => void entry.resume(),
      destroy: (err, cb) => {
        this.#discard = true;
        cb(err);
      },
    });
    this.#ended = new Promise<void>((resolve, reject) => {
      entry.on('end', () => {
        this.#done = true;
        if (!this.#discard) this.body.push(null);
        resolve();
      });
      entry.on('error', (err: unknown) => {
        const e = wrap(err);
        this.body.destroy(e);
        reject(e);
      });
      entry.on('close', () => {
        if (this.#done) return;
        const e = wrap(new Error('the tar entry ended early'));
        this.body.destroy(e);
        reject(e);
      });
    });
    this.#ended.catch(() => undefined);
    // The failure also ends the iteration; a consumer that is not reading the body must not crash on it.
    this.body.on('error', () => undefined);
    entry.on('data', (chunk: unknown) => {
      if (!this.#discard && !this.body.push(chunk)) entry.pause();
    });
  }

  /** finish waits for the entry's end, discarding data the consumer did not read. */
  async finish(): Promise<void> {
    if (!this.#done) {
      this.#discard = true;
      this.#entry.resume();
    }
    await this.#ended;
  }
}
