/**
 * ContentStore: a content-addressed directory of blobs, `<root>/sha256/<hex>`.
 *
 * A blob enters only through a temporary file in the same directory whose bytes were hashed
 * (and, when an expectation is given, verified) on the way in, then renamed to its digest:
 * readers never see a partial or wrong blob, and two processes may fill one store at once.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestStream, VerifyStream, digestHex, discardTempFile, tempPathFor, type Digest, type OpenOptions, type VerifyExpectation } from '../core/index.js';

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

  /**
   * put stores the bytes of `source`, verified against `expect` when given, and returns their
   * digest and size. Nothing is stored when verification or the source fails.
   */
  async put(source: Readable, opts: { expect?: VerifyExpectation; signal?: AbortSignal } = {}): Promise<{ digest: Digest; size: number }> {
    const dir = join(this.root, 'sha256');
    await mkdir(dir, { recursive: true });
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
