/**
 * downloadToStore: fetch a URL with undici into a ContentStore, verified by sha256 before the
 * blob becomes visible. A blob already in the store is not fetched again.
 */
import { getGlobalDispatcher, interceptors, request, type Dispatcher } from 'undici';
import { SlipwayError, type Digest } from '../core/index.js';
import type { ContentStore } from './content-store.js';

/** DownloadOptions carry the transport and the expectation. */
export interface DownloadOptions {
  /** The undici dispatcher to use (tests inject one); the global one when absent. */
  readonly dispatcher?: Dispatcher;
  readonly signal?: AbortSignal;
  /** Attempts for transient failures (network errors, 5xx, digest mismatch from truncation). */
  readonly attempts?: number;
}

/** redactUrl drops credentials, query and fragment from a URL for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}

/** downloadToStore stores the body of `url`, which must hash to `digest`, and returns the digest. */
export async function downloadToStore(url: string, digest: Digest, store: ContentStore, opts: DownloadOptions = {}): Promise<Digest> {
  if (await store.has(digest)) return digest;
  const attempts = opts.attempts ?? 3;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await downloadOnce(url, digest, store, opts);
      return digest;
    } catch (err) {
      last = err;
      const transient = err instanceof SlipwayError ? err.transient : false;
      if (!transient || opts.signal?.aborted || attempt === attempts) break;
      await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
    }
  }
  throw last;
}

async function downloadOnce(url: string, digest: Digest, store: ContentStore, opts: DownloadOptions): Promise<void> {
  const shown = redactUrl(url);
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: 'GET',
      dispatcher: (opts.dispatcher ?? getGlobalDispatcher()).compose(interceptors.redirect({ maxRedirections: 5 })),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (opts.signal?.aborted) throw new SlipwayError('ERR_ABORTED', `GET ${shown}: aborted`, { cause: err });
    throw new SlipwayError('ERR_FETCH_NETWORK', `GET ${shown}: ${(err as Error).message}`, { cause: err, hint: 'check the network and the URL' });
  }
  if (res.statusCode >= 400) {
    await res.body.dump();
    const code = res.statusCode >= 500 ? 'ERR_FETCH_NETWORK' : 'ERR_FETCH_HTTP';
    throw new SlipwayError(code, `GET ${shown}: HTTP ${res.statusCode}`, { hint: res.statusCode === 404 ? 'check the URL' : 'try again later' });
  }
  try {
    await store.put(res.body, {
      expect: { digest, subject: shown, code: 'ERR_FETCH_DIGEST_MISMATCH', hint: 'the server sent other bytes than the pinned sha256; check the URL and sha256' },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (err instanceof SlipwayError) throw err;
    throw new SlipwayError('ERR_FETCH_NETWORK', `GET ${shown}: body: ${(err as Error).message}`, { cause: err });
  }
}
