/**
 * openTarStream: deterministic tar encoding of layer entries with tar-stream.
 *
 * Every header is normalised: mtime from the build clock, no user or group names, numeric ids
 * only. Names or link targets that do not fit ustar, and sizes or ids past ustar's octal
 * fields, get PAX extended headers (POSIX.1-2001 pax format), whose own header is fixed
 * (`PaxHeader`, same mode/ids/mtime), so the output depends on the entries alone.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { SlipwayError } from '../core/index.js';
import { tarName, type LayerEntry } from './layer-entry.js';

/** Largest value ustar's 11-digit octal size field holds. */
const USTAR_MAX_SIZE = 0o77777777777;
/** Largest value ustar's 7-digit octal uid/gid fields hold. */
const USTAR_MAX_ID = 0o7777777;

/** TarOptions fix what every header shares. */
export interface TarOptions {
  /** mtime of every entry, whole seconds since the epoch (SOURCE_DATE_EPOCH). */
  readonly mtime: number;
  readonly signal?: AbortSignal;
}

const TYPE_MAP = {
  file: 'file',
  directory: 'directory',
  symlink: 'symlink',
  hardlink: 'link',
  'character-device': 'character-device',
  'block-device': 'block-device',
  fifo: 'fifo',
} as const;

/**
 * openTarStream encodes `entries`, in the order given, as a tar stream ending with the two
 * zero blocks. Bodies are pulled one entry at a time; each body must be exactly `size` bytes.
 */
export function openTarStream(entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>, opts: TarOptions): Readable {
  const pack = tar.pack();
  (async () => {
    for await (const entry of entries) {
      opts.signal?.throwIfAborted();
      await writeEntry(pack, entry, opts);
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  // streamx streams are async iterable; Readable.from keeps backpressure and propagates errors.
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

async function writeEntry(pack: tar.Pack, entry: LayerEntry, opts: TarOptions): Promise<void> {
  const pax: Record<string, string> = {};
  if (entry.size > USTAR_MAX_SIZE) pax['size'] = String(entry.size);
  if (entry.uid > USTAR_MAX_ID) pax['uid'] = String(entry.uid);
  if (entry.gid > USTAR_MAX_ID) pax['gid'] = String(entry.gid);
  const header: Partial<tar.Header> & { name: string } = {
    name: tarName(entry.path, entry.type),
    type: TYPE_MAP[entry.type],
    mode: entry.mode & 0o7777,
    uid: entry.uid > USTAR_MAX_ID ? 0 : entry.uid,
    gid: entry.gid > USTAR_MAX_ID ? 0 : entry.gid,
    size: entry.type === 'file' ? entry.size : 0,
    mtime: new Date(opts.mtime * 1000),
    uname: '',
    gname: '',
  };
  if (entry.linkname !== undefined) header.linkname = entry.type === 'hardlink' ? entry.linkname.replace(/^\/+/, '') : entry.linkname;
  if (entry.devmajor !== undefined) header.devmajor = entry.devmajor;
  if (entry.devminor !== undefined) header.devminor = entry.devminor;
  if (Object.keys(pax).length) header.pax = pax;
  // tar-stream replaces a falsy mode with its default; a file-type bit (masked off by the
  // encoder) keeps a real mode of 0 as 0.
  if (header.mode === 0) header.mode = 0o100000;
  if (entry.type !== 'file' || entry.size === 0) {
    // An empty buffer also ends the body of a zero-length file.
    await new Promise<void>((resolve, reject) => pack.entry(header as tar.Header, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
    return;
  }
  if (!entry.open) throw new SlipwayError('ERR_INTERNAL', `${entry.path}: regular file without an opener`);
  const body = await entry.open({ signal: opts.signal });
  let done: (err?: Error | null) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    done = (err) => (err ? reject(err) : resolve());
  });
  const sink = pack.entry(header as tar.Header, (err) => done(err));
  // Both settle (or the first failure wins) so that neither rejection goes unhandled.
  await Promise.all([pipeline(body, new SizeCheck(entry.path, entry.size), sink as unknown as NodeJS.WritableStream), finished]);
}

/** SizeCheck fails when a body is longer or shorter than its entry's declared size. */
class SizeCheck extends Transform {
  #seen = 0;
  constructor(
    readonly path: string,
    readonly expected: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.expected) cb(this.#error());
    else cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    cb(this.#seen === this.expected ? null : this.#error());
  }

  #error(): SlipwayError {
    return new SlipwayError('ERR_INPUT_MALFORMED', `${this.path}: content is ${this.#seen === this.expected ? '' : 'not '}${this.expected} bytes as declared (file changed while building?)`, {
      hint: 'make sure inputs do not change during the build',
    });
  }
}
