/**
 * downloadToStore: fetch a URL with undici into a ContentStore, verified by sha256 before the
 * blob becomes visible. A blob already in the store is not fetched again. Used by the build
 * for tarballs pinned by sha256 alone (no size); the same engine as {@link Fetcher}.
 */
import type { Dispatcher } from 'undici';
import type { Digest } from '../core/index.js';
import type { ContentStore } from './content-store.js';
import { fetchIntoStore } from './fetch-core.js';
import { Limiter } from './limiter.js';
import { redactUrl } from './redact-url.js';
import { followRedirects } from './redirects.js';

/** DownloadOptions carry the transport and the expectation. */
export interface DownloadOptions {
  /** The undici dispatcher to use (tests inject one); the global one when absent. */
  readonly dispatcher?: Dispatcher;
  readonly signal?: AbortSignal;
  /** Attempts for transient failures (network errors, 5xx, digest mismatch from truncation); default 3. */
  readonly attempts?: number;
}

/**
 * downloadToStore stores the body of `url`, which must hash to `digest`, and returns the
 * digest. Wrong bytes fail with a DigestMismatchError (ERR_FETCH_DIGEST_MISMATCH) naming the
 * redacted URL; nothing unverified is stored.
 */
export async function downloadToStore(url: string, digest: Digest, store: ContentStore, opts: DownloadOptions = {}): Promise<Digest> {
  const core = {
    store,
    dispatcher: async () => followRedirects(opts.dispatcher ?? (await import('undici')).getGlobalDispatcher()),
    limiter: new Limiter(1),
    attempts: opts.attempts ?? 3,
    backoffMs: 200,
    random: Math.random,
    timeoutMs: 30_000,
    userAgent: 'slipway',
    onProgress: undefined,
    totals: { files: 0, bytes: 0, cachedFiles: 0, retries: 0 },
  };
  return fetchIntoStore(core, [url], { sha256: digest, subject: redactUrl(url) }, opts.signal);
}
