/**
 * Deterministic tar for the archives slipway writes (oci-archive, docker-archive): every
 * header has the same owner (0:0, no names), mode (0644 files, 0755 directories, 0777
 * symlinks) and mtime, so the bytes depend on the entries alone.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { writeStreamAtomic, type OpenOptions } from '../core/index.js';

/** ArchiveEntry is one member of an archive: a file with its bytes or opener, a directory or a symlink. */
export type ArchiveEntry =
  | { readonly type: 'directory'; readonly name: string }
  | { readonly type: 'symlink'; readonly name: string; readonly linkname: string }
  | { readonly type: 'file'; readonly name: string; readonly bytes: Buffer }
  | {
      readonly type: 'file';
      readonly name: string;
      /** Size in bytes of the body. */
      readonly size: number;
      /** open returns exactly `size` bytes; callers verify what it yields (digest, size) in the stream. */
      readonly open: (opts?: OpenOptions) => Promise<Readable>;
    };

/** ArchiveOptions fix what every header shares. */
export interface ArchiveOptions {
  /** mtime of every entry, whole seconds since the epoch (SOURCE_DATE_EPOCH); default 0. */
  readonly mtime?: number;
  readonly signal?: AbortSignal;
}

const MODES = { file: 0o644, directory: 0o755, symlink: 0o777 } as const;

/**
 * openArchiveStream encodes `entries`, in the order given, as a tar stream. Bodies are opened
 * one entry at a time, when the entry is reached.
 */
export function openArchiveStream(entries: Iterable<ArchiveEntry> | AsyncIterable<ArchiveEntry>, opts: ArchiveOptions = {}): Readable {
  const pack = tar.pack();
  (async () => {
    for await (const entry of entries) {
      opts.signal?.throwIfAborted();
      await packEntry(pack, entry, opts);
    }
    pack.finalize();
  })().catch((err: unknown) => pack.destroy(err as Error));
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

async function packEntry(pack: tar.Pack, entry: ArchiveEntry, opts: ArchiveOptions): Promise<void> {
  const header: Partial<tar.Header> & { name: string } = {
    name: entry.name,
    type: entry.type,
    mode: MODES[entry.type],
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: new Date((opts.mtime ?? 0) * 1000),
    size: entry.type === 'file' ? ('bytes' in entry ? entry.bytes.length : entry.size) : 0,
    ...(entry.type === 'symlink' ? { linkname: entry.linkname } : {}),
  };
  if (entry.type !== 'file' || 'bytes' in entry) {
    const body = entry.type === 'file' ? entry.bytes : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => pack.entry(header as tar.Header, body, (err) => (err ? reject(err) : resolve())));
    return;
  }
  const body = await entry.open(opts.signal ? { signal: opts.signal } : {});
  let done: (err?: Error | null) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    done = (err) => (err ? reject(err) : resolve());
  });
  const sink = pack.entry(header as tar.Header, (err) => done(err));
  // Both awaited together: when the body fails, the entry's callback fails too, and that
  // rejection must not go unhandled.
  await Promise.all([pipeline(body, sink as unknown as NodeJS.WritableStream), finished]);
}

/**
 * writeArchiveFile writes the archive of `entries` to `file` atomically: through a temporary
 * file in the same directory, renamed into place only when complete.
 */
export async function writeArchiveFile(file: string, entries: Iterable<ArchiveEntry> | AsyncIterable<ArchiveEntry>, opts: ArchiveOptions = {}): Promise<void> {
  await writeStreamAtomic(file, openArchiveStream(entries, opts), opts.signal ? { signal: opts.signal } : {});
}
