/**
 * Index files into the cache and back out: each index is fetched by the size and SHA256 its
 * verified Release lists (so nothing else can enter the cache), and read back decompressed,
 * checked against the Release's entry for the uncompressed file while it streams.
 */
import type { Readable } from 'node:stream';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { openDecompressor, parseDigest, SlipwayError, VerifyStream, type Digest } from '../core/index.js';
import { redactUrl } from '../fetch/index.js';
import type { VerifiedRelease } from './acquire-release.js';
import type { AptClientContext } from './client-context.js';
import type { IndexTarget } from './index-targets.js';

/** MAX_INDEX_BYTES caps a decompressed index whose Release lists no uncompressed size. */
export const MAX_INDEX_BYTES = 2 * 1024 * 1024 * 1024;

/** FetchedIndex is an index target whose verified bytes are in the cache. */
export interface FetchedIndex extends IndexTarget {
  /** digest of the cached (compressed) file. */
  readonly digest: Digest;
  /** subject names the index in messages: its canonical URL on the first mirror. */
  readonly subject: string;
}

function subjectOf(vr: VerifiedRelease, t: IndexTarget): string {
  return redactUrl(new URL(t.file.path, vr.baseUrls[0]).toString());
}

/**
 * fetchIndex downloads `target` of `vr` into the cache, verified against the size and SHA256
 * the Release lists. Throws ERR_APT_HASH_MISMATCH (wrong or too many bytes on every mirror
 * and attempt), ERR_APT_INDEX_MISSING (listed but not on any mirror), ERR_FETCH_OFFLINE
 * (offline and not cached) and fetch errors; in every case nothing enters the cache.
 */
export async function fetchIndex(vr: VerifiedRelease, target: IndexTarget, ctx: AptClientContext): Promise<FetchedIndex> {
  const subject = subjectOf(vr, target);
  const digest = parseDigest(`sha256:${target.file.sha256}`);
  try {
    await ctx.fetcher.fetchVerified(target.urls, { sha256: digest, size: target.file.size, subject }, ctx.signal ? { signal: ctx.signal } : {});
  } catch (err) {
    if (!(err instanceof SlipwayError)) throw err;
    const release = `the ${vr.file} of ${vr.repository.suite}`;
    if (err.code === 'ERR_FETCH_DIGEST_MISMATCH' || err.code === 'ERR_FETCH_TOO_LARGE') {
      const reason = err.message.split(`${subject}: `).join('').split(`GET ${subject} `).join('');
      throw new SlipwayError('ERR_APT_HASH_MISMATCH', `${subject}: does not match ${release} (${target.file.size} bytes, sha256 ${target.file.sha256}): ${reason}`, {
        cause: err,
        hint: 'the mirror is inconsistent or mid-update; try again later or another mirror',
      });
    }
    if (err.code === 'ERR_FETCH_HTTP') {
      throw new SlipwayError('ERR_APT_INDEX_MISSING', `${subject}: listed in ${release} but not served: ${err.message}`, { cause: err, hint: 'the mirror is incomplete; try another mirror' });
    }
    throw err;
  }
  return { ...target, digest, subject };
}

/**
 * openIndex streams a fetched index decompressed. When the Release lists the uncompressed
 * file, its size and SHA256 are checked as it streams (ERR_APT_HASH_MISMATCH before the end),
 * which also bounds a decompression bomb; otherwise output is capped at MAX_INDEX_BYTES.
 */
export async function openIndex(index: FetchedIndex, ctx: Pick<AptClientContext, 'store' | 'signal'>): Promise<Readable> {
  const raw = await ctx.store.open(index.digest, ctx.signal ? { signal: ctx.signal } : {});
  if (index.compression === 'none') return raw;
  const verify = index.uncompressed
    ? new VerifyStream({
        digest: parseDigest(`sha256:${index.uncompressed.sha256}`),
        size: index.uncompressed.size,
        subject: `${index.subject} (decompressed)`,
        code: 'ERR_APT_HASH_MISMATCH',
        hint: 'the index does not decompress to what the Release lists; try another mirror',
      })
    : new SizeCap(MAX_INDEX_BYTES, index.subject);
  const decompressor = openDecompressor(index.compression);
  // pipeline destroys every stage on an error anywhere; the last stage carries it to the reader.
  return pipeline(raw, decompressor, verify, () => undefined);
}


/** SizeCap fails a stream that passes more than `max` bytes. */
class SizeCap extends Transform {
  #seen = 0;
  constructor(
    private readonly max: number,
    private readonly subject: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.max) cb(new SlipwayError('ERR_APT_MALFORMED', `${this.subject}: decompresses to more than ${this.max} bytes`));
    else cb(null, chunk);
  }
}
