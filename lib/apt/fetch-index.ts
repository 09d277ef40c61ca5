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

function subjectOf(vr: VerifiedRelease, t: Pick<IndexTarget, 'file'>): string {
  return redactUrl(new URL(t.file.path, vr.baseUrls[0]).toString());
}

async function fetchForm(vr: VerifiedRelease, form: Omit<IndexTarget, 'alternatives'>, ctx: AptClientContext): Promise<Digest> {
  const subject = subjectOf(vr, form);
  const digest = parseDigest(`sha256:${form.file.sha256}`);
  try {
    await ctx.fetcher.fetchVerified(form.urls, { sha256: digest, size: form.file.size, subject }, ctx.signal ? { signal: ctx.signal } : {});
    return digest;
  } catch (err) {
    if (!(err instanceof SlipwayError)) throw err;
    const release = `the ${vr.file} of ${vr.repository.suite}`;
    if (err.code === 'ERR_FETCH_DIGEST_MISMATCH' || err.code === 'ERR_FETCH_TOO_LARGE') {
      const reason = err.message.split(`${subject}: `).join('').split(`GET ${subject} `).join('');
      throw new SlipwayError('ERR_APT_HASH_MISMATCH', `${subject}: does not match ${release} (${form.file.size} bytes, sha256 ${form.file.sha256}): ${reason}`, {
        cause: err,
        hint: 'the mirror is inconsistent or mid-update; try again later or another mirror',
      });
    }
    if (err.code === 'ERR_FETCH_HTTP') {
      throw new SlipwayError('ERR_APT_INDEX_MISSING', `${subject}: listed in ${release} but not served: ${err.message}`, { cause: err, hint: 'the mirror is incomplete; try another mirror' });
    }
    throw err;
  }
}

/**
 * fetchIndex downloads `target` of `vr` into the cache, verified against the size and SHA256
 * the Release lists; when that form is wrong or missing on every mirror, the other forms the
 * Release lists are tried in turn. Throws the first form's error when none works:
 * ERR_APT_HASH_MISMATCH (wrong or too many bytes), ERR_APT_INDEX_MISSING (listed but not
 * served), ERR_FETCH_OFFLINE (offline and not cached) and fetch errors; in every case
 * nothing wrong enters the cache.
 */
export async function fetchIndex(vr: VerifiedRelease, target: IndexTarget, ctx: AptClientContext): Promise<FetchedIndex> {
  let first: unknown;
  for (const form of [target, ...target.alternatives]) {
    try {
      const digest = await fetchForm(vr, form, ctx);
      return { ...form, alternatives: [], digest, subject: subjectOf(vr, form) };
    } catch (err) {
      first ??= err;
      // Offline, another form may be the one an earlier online run fell back to and cached.
      const next = err instanceof SlipwayError && (err.code === 'ERR_APT_HASH_MISMATCH' || err.code === 'ERR_APT_INDEX_MISSING' || err.code === 'ERR_FETCH_OFFLINE');
      if (!next) throw err;
    }
  }
  throw first;
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
