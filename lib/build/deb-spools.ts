/**
 * DebSpools: the packages of one build, read once each. A package is read from the content
 * store when its contents are not cached yet (and its files' bytes spooled on the way), or
 * when a layer that is not cached needs its bytes. Spools live in a temporary directory of
 * the cache and are removed by {@link DebSpools.close}.
 */
import { mkdir, mkdtemp, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseDigest, SlipwayError } from '../core/index.js';
import { STALE_TEMP_AGE_MS, type ContentStore } from '../fetch/index.js';
import type { DebContents } from './deb-contents.js';
import { DebReadPool } from './deb-read-pool.js';
import type { DebContentsCache } from './deb-contents-cache.js';

/** SpooledDeb names one .deb of the build. */
export interface SpooledDeb {
  readonly sha256: string;
  /** What errors call it: `curl 7.88.1-10+deb12u5 (amd64)`. */
  readonly subject: string;
}

interface Spool {
  readonly path: string;
  readonly offsets: readonly (number | undefined)[];
  /** One handle per spool, opened on first read: thousands of small files are read by position, not each opened. */
  handle?: Promise<FileHandle>;
}

/** Bodies up to this size are read in one call; larger ones in chunks of it. */
const READ_CHUNK = 1024 * 1024;

/** DebSpools reads packages from `store`, caching what it learns in `cache`. */
export class DebSpools {
  readonly #store: ContentStore;
  readonly #cache: DebContentsCache;
  readonly #tmpRoot: string;
  readonly #signal: AbortSignal | undefined;
  #dir: Promise<string> | undefined;
  readonly #spools = new Map<string, Promise<Spool>>();
  readonly #pool = new DebReadPool();

  constructor(store: ContentStore, cache: DebContentsCache, tmpRoot: string, signal?: AbortSignal) {
    this.#store = store;
    this.#cache = cache;
    this.#tmpRoot = tmpRoot;
    this.#signal = signal;
  }

  #tmpDir(): Promise<string> {
    // The first package to read starts the workers: the resolution's indices are garbage by now, and are collected first.
    if (this.#dir === undefined) collectGarbage();
    this.#dir ??= mkdir(this.#tmpRoot, { recursive: true })
      .then(() => sweepStaleSpools(this.#tmpRoot))
      .then(() => mkdtemp(join(this.#tmpRoot, 'spool-')));
    return this.#dir;
  }

  /** contents returns what the package holds: from the cache, else read (and spooled) now. */
  async contents(deb: SpooledDeb): Promise<DebContents> {
    const cached = await this.#cache.get(deb.sha256);
    if (cached) return cached;
    const { contents } = await this.#read(deb);
    return contents;
  }

  async #read(deb: SpooledDeb): Promise<{ contents: DebContents; spool: Spool }> {
    const path = join(await this.#tmpDir(), deb.sha256);
    const digest = parseDigest(`sha256:${deb.sha256}`);
    let contents: DebContents;
    try {
      contents = await this.#pool.read({ blob: this.#store.path(digest), sha256: deb.sha256, subject: deb.subject, spool: path }, this.#signal);
    } catch (err) {
      // A package that is not a readable, safe .deb leaves the cache: nothing wrong stays there.
      if (err instanceof SlipwayError && (err.code === 'ERR_DEB_MALFORMED' || err.code === 'ERR_DEB_UNSAFE')) await this.#store.remove(digest);
      throw err;
    }
    const spool = { path, offsets: contents.records.map((r) => r.offset) };
    this.#spools.set(deb.sha256, Promise.resolve(spool));
    await this.#cache.put(contents);
    return { contents, spool };
  }

  /** open returns the bytes of record `index` (`size` bytes) of the package, spooling it first if needed. */
  async open(deb: SpooledDeb, index: number, size: number): Promise<Readable> {
    let spool = this.#spools.get(deb.sha256);
    if (!spool) {
      spool = this.#read(deb).then((r) => r.spool);
      this.#spools.set(deb.sha256, spool);
    }
    const s = await spool;
    const offset = s.offsets[index];
    if (offset === undefined) throw new Error(`internal: ${deb.subject} record ${index} has no spooled bytes`);
    if (size === 0) return Readable.from([]);
    s.handle ??= open(s.path, 'r');
    const fh = await s.handle;
    return Readable.from(readRange(fh, offset, size), { objectMode: false });
  }

  /** rest ends the reading workers (and frees their memory) once every package is read; a later read starts them again. */
  async rest(): Promise<void> {
    await this.#pool.close();
  }

  /** close removes the spools. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#spools.values());
    await this.#pool.close();
    for (const s of this.#spools.values()) {
      const handle = (await s.catch(() => undefined))?.handle;
      if (handle) await (await handle.catch(() => undefined))?.close();
    }
    if (this.#dir) await rm(await this.#dir, { recursive: true, force: true });
  }
}

/** readRange reads `size` bytes at `offset` of `fh`, by position (the handle is shared). */
async function* readRange(fh: FileHandle, offset: number, size: number): AsyncGenerator<Buffer> {
  let at = offset;
  const end = offset + size;
  while (at < end) {
    const n = Math.min(READ_CHUNK, end - at);
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await fh.read(buf, 0, n, at);
    if (bytesRead !== n) throw new Error(`internal: spool ended early at ${at + bytesRead} of ${end}`);
    at += n;
    yield buf;
  }
}

/** sweepStaleSpools removes spool directories a killed build left behind (older than a day: a running build's are young). */
async function sweepStaleSpools(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names.filter((n) => n.startsWith('spool-'))) {
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_TEMP_AGE_MS) await rm(path, { recursive: true, force: true });
  }
}

/**
 * collectGarbage runs a full collection when the host process exposes `gc` (the CLI does): the
 * parsed package indices (100+ MiB) die at the end of resolution, and V8 would otherwise keep
 * them through the package phase, where the main thread allocates little. Only builds that
 * read packages pay for it; a rebuild from the cache does not.
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === 'function') gc();
}
