/**
 * ContentStore: a content-addressed directory of blobs, `<root>/sha256/<hex>`.
 *
 * A blob enters only through a temporary file in the same directory whose bytes were hashed
 * (and, when an expectation is given, verified) on the way in, then renamed to its digest:
 * readers never see a partial or wrong blob, and two processes may fill one store at once.
 * A process killed mid-write (SIGKILL) leaves its temporary file behind; the first write of a
 * later process removes those older than {@link STALE_TEMP_AGE_MS}.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream, TEMP_PREFIX, VerifyStream, digestHex, discardTempFile, tempPathFor, type Digest, type OpenOptions, type VerifyExpectation } from '../core/index.js';

/**
 * STALE_TEMP_AGE_MS is the age (by mtime) past which a temporary file in a store is taken to
 * be left by a dead process and removed: 24 hours, far longer than any write that is still
 * going on (a live write touches its file's mtime with every chunk).
 */
export const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

/** swept holds, per directory, the sweep of stale temporary files this process ran there (once). */
const swept = new Map<string, Promise<void>>();

/**
 * removeStaleTemps removes the temporary files (names starting with TEMP_PREFIX) in `dir`
 * whose mtime is older than {@link STALE_TEMP_AGE_MS} before `now`. Best effort: a file that
 * cannot be read or removed (or is removed by another process meanwhile) is left alone.
 */
async function removeStaleTemps(dir: string, now: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const path = join(dir, name);
    try {
      const st = await stat(path);
      if (st.isFile() && now - st.mtimeMs > STALE_TEMP_AGE_MS) await rm(path, { force: true });
    } catch {
      // best effort
    }
  }
}

/** ContentStore keeps blobs by sha256 digest under `root`. */
export class ContentStore {
  /** root is the directory holding `sha256/<hex>` blobs (an OCI layout's `blobs/` has the same shape). */
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** path is where the blob with `digest` is (or would be) stored. */
  path(digest: Digest): string {
    return join(this.root, digest.slice(0, digest.indexOf(':')), digestHex(digest));
  }

  /** has tells whether the blob is present. */
  async has(digest: Digest): Promise<boolean> {
    try {
      return (await stat(this.path(digest))).isFile();
    } catch {
      return false;
    }
  }

  /** open reads a stored blob. */
  async open(digest: Digest, opts: OpenOptions = {}): Promise<Readable> {
    return createReadStream(this.path(digest), opts.signal ? { signal: opts.signal } : {});
  }

  /** remove deletes a blob, e.g. a package that verified by hash but turned out unreadable. */
  async remove(digest: Digest): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** #sweepOnce removes stale temporary files from `dir` the first time this process writes there. */
  #sweepOnce(dir: string): Promise<void> {
    let sweep = swept.get(dir);
    if (!sweep) swept.set(dir, (sweep = removeStaleTemps(dir, Date.now())));
    return sweep;
  }

  /**
   * put stores the bytes of `source`, verified against `expect` when given, and returns their
   * digest and size. Nothing is stored when verification or the source fails. The first put
   * of the process into this directory first removes stale temporary files (see
   * {@link STALE_TEMP_AGE_MS}).
   */
  async put(source: Readable, opts: { expect?: VerifyExpectation; signal?: AbortSignal } = {}): Promise<{ digest: Digest; size: number }> {
    const dir = join(this.root, 'sha256');
    await mkdir(dir, { recursive: true });
    await this.#sweepOnce(dir);
    const tmp = tempPathFor(join(dir, 'incoming'));
    const hash = new DigestStream();
    const sink = createWriteStream(tmp);
    try {
      const stages: NodeJS.ReadWriteStream[] = opts.expect ? [new VerifyStream(opts.expect), hash] : [hash];
      await pipeline([source, ...stages, sink], opts.signal ? { signal: opts.signal } : {});
      const final = this.path(hash.digest);
      if (await this.has(hash.digest)) await rm(tmp, { force: true });
      else await rename(tmp, final);
      return { digest: hash.digest, size: hash.size };
    } catch (err) {
      await discardTempFile(sink, tmp);
      throw err;
    }
  }
}
