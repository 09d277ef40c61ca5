/**
 * Fetcher: verified downloads into a ContentStore and small unverified reads, over http(s)
 * (undici, keep-alive, redirects) and `file:` URLs, with mirror fallback, retries with
 * backoff, bounded concurrency, offline mode, progress events and totals.
 */
import type { Agent, buildConnector, Dispatcher } from 'undici';
import { SlipwayError, type Digest } from '../core/index.js';
import { systemSecureContext } from './ca-bundle.js';
import type { ContentStore } from './content-store.js';
import { fetchIntoBuffer, fetchIntoStore, type FetchCore } from './fetch-core.js';
import type { FetchProgress, FetchStats } from './fetch-progress.js';
import { Limiter } from './limiter.js';
import { isFileUrl } from './open-source.js';
import { followRedirects } from './redirects.js';

export { MAX_REDIRECTS } from './redirects.js';

/** FetcherOptions configure a {@link Fetcher}. Every field but `store` is optional. */
export interface FetcherOptions {
  /** store receives verified blobs and answers cache hits. */
  readonly store: ContentStore;
  /**
   * dispatcher is the undici transport (tests inject one). Default: a keep-alive Agent made
   * by the Fetcher and closed by {@link Fetcher.close}, whose https connections trust
   * {@link systemCaCertificates}: Node's roots, the system CA bundle ($SSL_CERT_FILE first)
   * and NODE_EXTRA_CA_CERTS. An injected dispatcher keeps its own trust.
   */
  readonly dispatcher?: Dispatcher;
  /** env is where the default Agent reads SSL_CERT_FILE and NODE_EXTRA_CA_CERTS (default process.env); unused with `dispatcher`. */
  readonly env?: NodeJS.ProcessEnv;
  /** concurrency is how many downloads run at once (default 8). */
  readonly concurrency?: number;
  /** attempts is how often one URL is tried on transient failures (default 4). */
  readonly attempts?: number;
  /** backoffMs is the wait before the first retry, doubled for each further one, with jitter (default 250; 0 for none). */
  readonly backoffMs?: number;
  /** random is the jitter source, values in [0, 1) (default Math.random; `() => 0` for none). */
  readonly random?: () => number;
  /** timeoutMs bounds the wait for response headers and any pause in a body (default 30000). */
  readonly timeoutMs?: number;
  /** offline forbids the network: only the store and `file:` URLs are used. */
  readonly offline?: boolean;
  /** onProgress receives {@link FetchProgress} events; it must be quick, and what it throws is ignored. */
  readonly onProgress?: (e: FetchProgress) => void;
  /** userAgent is sent with every request (default `slipway`). */
  readonly userAgent?: string;
}

/** FetchExpectation is what a verified fetch must deliver: sha256, size in bytes, and its name in messages. */
export interface FetchExpectation {
  readonly sha256: Digest;
  readonly size: number;
  readonly subject: string;
}

/** FetchBytesOptions bound an unverified read. */
export interface FetchBytesOptions {
  /** maxBytes is the largest body accepted; more fails with ERR_FETCH_TOO_LARGE. */
  readonly maxBytes: number;
  /** subject names the file in messages. */
  readonly subject: string;
  readonly signal?: AbortSignal;
  /** allowNotFound makes 404/410 on every URL resolve undefined instead of failing. */
  readonly allowNotFound?: boolean;
}

/**
 * systemTrustConnector opens connections as undici's default connector does, with https
 * trusting {@link systemCaCertificates} for `env`. The TLS context is made on the first
 * https connection (once per process), so a Fetcher that only reads http or files pays nothing.
 */
function systemTrustConnector(build: typeof buildConnector, timeoutMs: number, env: NodeJS.ProcessEnv): buildConnector.connector {
  const plain = build({ timeout: timeoutMs });
  let secure: buildConnector.connector | undefined;
  return (options, callback) => {
    if (options.protocol !== 'https:') return plain(options, callback);
    secure ??= build({ timeout: timeoutMs, secureContext: systemSecureContext(env) });
    return secure(options, callback);
  };
}

function offlineError(subject: string): SlipwayError {
  return new SlipwayError('ERR_FETCH_OFFLINE', `${subject}: not in the cache, and offline mode forbids the network`, {
    hint: 'run once without --offline (online) to fill the cache',
  });
}

/**
 * Fetcher downloads through one shared limiter and transport. URLs are tried in order (404 or
 * 410 on one moves to the next); network errors, timeouts, 5xx, 429, truncated bodies and
 * wrong bytes are retried up to `attempts` times per URL with exponential backoff; when
 * every URL fails, the error names each URL and what happened there. Close it when done.
 */
export class Fetcher {
  /** store is where verified blobs go. */
  readonly store: ContentStore;
  readonly #core: FetchCore;
  #ownAgent: Agent | undefined;
  #dispatcher: Promise<Dispatcher> | undefined;
  readonly #offline: boolean;
  #closed = false;

  constructor(opts: FetcherOptions) {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const attempts = opts.attempts ?? 4;
    if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`Fetcher: attempts must be a positive integer, got ${attempts}`);
    // The transport is made on the first network request, so a build served from the cache never loads undici.
    const makeDispatcher = async (): Promise<Dispatcher> => {
      if (opts.dispatcher) return followRedirects(opts.dispatcher);
      const { Agent, buildConnector } = await import('undici');
      this.#ownAgent = new Agent({ keepAliveTimeout: 10_000, connect: systemTrustConnector(buildConnector, timeoutMs, opts.env ?? process.env) });
      return followRedirects(this.#ownAgent);
    };
    this.store = opts.store;
    this.#offline = opts.offline ?? false;
    this.#core = {
      store: opts.store,
      dispatcher: () => (this.#dispatcher ??= makeDispatcher()),
      limiter: new Limiter(opts.concurrency ?? 8),
      attempts,
      backoffMs: opts.backoffMs ?? 250,
      random: opts.random ?? Math.random,
      timeoutMs,
      userAgent: opts.userAgent ?? 'slipway',
      onProgress: opts.onProgress,
      totals: { files: 0, bytes: 0, cachedFiles: 0, retries: 0 },
    };
  }

  /** stats returns the totals so far. */
  stats(): FetchStats {
    return { ...this.#core.totals };
  }

  /**
   * fetchVerified makes sure the blob `expect` describes is in the store and returns its
   * digest. A stored blob is used at once (online or offline: a `cached` event). Otherwise
   * the body of the first URL that serves it is streamed through VerifyStream into the store;
   * a body longer than `expect.size` is cut off as soon as the excess arrives
   * (ERR_FETCH_TOO_LARGE), wrong bytes fail with ERR_FETCH_DIGEST_MISMATCH, and nothing
   * wrong is ever stored. Offline, only `file:` URLs are read (else ERR_FETCH_OFFLINE).
   */
  async fetchVerified(urls: readonly string[], expect: FetchExpectation, opts: { signal?: AbortSignal } = {}): Promise<Digest> {
    this.#usable(urls);
    if (!expect.sha256.startsWith('sha256:')) throw new TypeError(`Fetcher.fetchVerified: ${expect.subject}: the store keeps sha256 blobs, got ${expect.sha256}`);
    if (!Number.isSafeInteger(expect.size) || expect.size < 0) throw new TypeError(`Fetcher.fetchVerified: ${expect.subject}: size must be a byte count, got ${expect.size}`);
    if (this.#offline && !(await this.store.has(expect.sha256))) {
      const local = urls.filter(isFileUrl);
      if (local.length === 0) throw offlineError(expect.subject);
      return fetchIntoStore(this.#core, local, expect, opts.signal);
    }
    return fetchIntoStore(this.#core, urls, expect, opts.signal);
  }

  /**
   * fetchBytes reads a small file whose digest is not known in advance (InRelease, Release,
   * Release.gpg, a key by URL) into memory, at most `maxBytes` (ERR_FETCH_TOO_LARGE beyond).
   * With `allowNotFound`, resolves undefined when every URL answered 404/410, so a caller can
   * fall back (InRelease → Release). Nothing is cached: offline it fails with
   * ERR_FETCH_OFFLINE unless a URL is `file:`.
   */
  async fetchBytes(urls: readonly string[], opts: FetchBytesOptions): Promise<Buffer | undefined> {
    this.#usable(urls);
    const usable = this.#offline ? urls.filter(isFileUrl) : urls;
    if (usable.length === 0) throw offlineError(opts.subject);
    return fetchIntoBuffer(this.#core, usable, opts);
  }

  /** close releases the Agent the Fetcher made (an injected dispatcher is left open). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#dispatcher?.catch(() => undefined);
    await this.#ownAgent?.close();
  }

  #usable(urls: readonly string[]): void {
    if (this.#closed) throw new Error('Fetcher: used after close()');
    if (urls.length === 0) throw new TypeError('Fetcher: no URL to fetch from');
  }
}
