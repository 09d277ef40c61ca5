/**
 * The engine behind Fetcher and downloadToStore: URLs tried in order, transient failures
 * retried with exponential backoff, bodies streamed through a meter into the content store
 * (verified before they become visible) or into a bounded buffer.
 */
import { pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { SlipwayError, type Digest } from '../core/index.js';
import type { ContentStore } from './content-store.js';
import { redactUrl } from './redact-url.js';
import { abortedError, classifyFailure, combineFailures, type UrlFailure } from './fetch-error.js';
import type { FetchProgress } from './fetch-progress.js';
import type { Limiter } from './limiter.js';
import { MeterStream } from './meter-stream.js';
import { openSource, type OpenedSource } from './open-source.js';

/** FetchCore is the shared state of one Fetcher: transport, limits, policy, listener, totals. */
export interface FetchCore {
  readonly store: ContentStore;
  /** dispatcher composed with the redirect interceptor, made on first use (undici loads then). */
  readonly dispatcher: () => Promise<Dispatcher>;
  readonly limiter: Limiter;
  /** attempts per URL, at least 1. */
  readonly attempts: number;
  /** backoffMs before the first retry; doubled for each further one; 0 retries at once. */
  readonly backoffMs: number;
  /** random draws jitter in [0, 1). */
  readonly random: () => number;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly onProgress: ((e: FetchProgress) => void) | undefined;
  readonly totals: { files: number; bytes: number; cachedFiles: number; retries: number };
}

/** emit reports `e`; a throwing listener cannot break a download (progress is advisory). */
export function emit(core: FetchCore, e: FetchProgress): void {
  try {
    core.onProgress?.(e);
  } catch {
    // ignored on purpose
  }
}

type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failures: UrlFailure[] };

/**
 * tryEach runs `once` on each URL in order until one succeeds, retrying transient failures up
 * to `core.attempts` times per URL. ERR_ABORTED and errors that are not fetch errors (a full
 * disk) end it at once; otherwise it returns every URL's last failure.
 */
async function tryEach<T>(core: FetchCore, urls: readonly string[], subject: string, signal: AbortSignal | undefined, once: (url: string, shown: string) => Promise<T>): Promise<Outcome<T>> {
  const failures: UrlFailure[] = [];
  for (const url of urls) {
    const shown = redactUrl(url);
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortedError(subject, signal.reason);
      try {
        return { ok: true, value: await core.limiter.run(() => once(url, shown), signal ? { signal } : {}) };
      } catch (err) {
        const f = classifyFailure(err, shown, subject, signal);
        if (!(f.error instanceof SlipwayError) || f.error.code === 'ERR_ABORTED') throw f.error;
        if (f.retry && attempt < core.attempts) {
          core.totals.retries++;
          emit(core, { type: 'retry', url: shown, subject, attempt: attempt + 1, error: f.error.message });
          await backoff(core, attempt, subject, signal);
          continue;
        }
        failures.push({ ...f, url: shown, attempts: attempt });
        break;
      }
    }
  }
  return { ok: false, failures };
}

async function backoff(core: FetchCore, attempt: number, subject: string, signal: AbortSignal | undefined): Promise<void> {
  if (core.backoffMs <= 0) return;
  // Full exponential step, with up to half of it taken off at random so clients spread out.
  const ms = core.backoffMs * 2 ** (attempt - 1) * (1 - core.random() / 2);
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (err) {
    throw abortedError(subject, err);
  }
}

/** tooLarge says that GET `shown` `what` (e.g. "sent more than") the allowed size, named by `allowed`. */
function tooLarge(subject: string, shown: string, what: string, allowed: string): SlipwayError {
  return new SlipwayError('ERR_FETCH_TOO_LARGE', `${subject}: GET ${shown} ${what} ${allowed}`, {
    hint: 'the server has another (newer or wrong) file than expected; try again later or another mirror',
  });
}

/**
 * metered starts reading `src` through a MeterStream capped at `limit` bytes (refusing at once a
 * body that announces more); when the meter fails, the pipeline destroys the body, which
 * aborts the request.
 */
function metered(core: FetchCore, src: OpenedSource, shown: string, subject: string, limit: number, expectedBytes: number | undefined): MeterStream {
  const extra = expectedBytes === undefined ? {} : { expectedBytes };
  const allowed = expectedBytes === undefined ? `the limit of ${limit} bytes` : `the expected ${limit} bytes`;
  const meter = new MeterStream(
    limit,
    (bytes, received) => emit(core, { type: 'bytes', url: shown, subject, bytes, received, ...extra }),
    () => tooLarge(subject, shown, 'sent more than', allowed),
  );
  if (src.length !== undefined && src.length > limit) {
    src.body.once('error', () => undefined); // undici reports the destroy as an error event
    src.body.destroy();
    throw tooLarge(subject, shown, `announces ${src.length} bytes, more than`, allowed);
  }
  emit(core, { type: 'start', url: shown, subject, ...extra });
  pipeline(src.body, meter, () => undefined);
  return meter;
}

function finished(core: FetchCore, shown: string, subject: string, bytes: number): void {
  core.totals.files++;
  core.totals.bytes += bytes;
  emit(core, { type: 'done', url: shown, subject, bytes });
}

/** StoreExpectation is what a download into the store must be: sha256, size in bytes when known, and its name in messages. */
export interface StoreExpectation {
  readonly sha256: Digest;
  readonly size?: number;
  readonly subject: string;
}

/**
 * fetchIntoStore puts the blob `expect` describes into the store from the first URL that
 * serves it, unless it is there already. Bytes pass VerifyStream inside ContentStore.put, so
 * nothing wrong is ever stored; with a size, a body longer than it is cut off at once.
 */
export async function fetchIntoStore(core: FetchCore, urls: readonly string[], expect: StoreExpectation, signal?: AbortSignal): Promise<Digest> {
  const { sha256: digest, size, subject } = expect;
  if (await core.store.has(digest)) {
    core.totals.cachedFiles++;
    emit(core, { type: 'cached', subject, bytes: size ?? 0 });
    return digest;
  }
  const outcome = await tryEach(core, urls, subject, signal, async (url, shown) => {
    if (await core.store.has(digest)) {
      // Filled meanwhile, by another download of the same blob.
      core.totals.cachedFiles++;
      emit(core, { type: 'cached', subject, bytes: size ?? 0 });
      return;
    }
    const src = await openSource(url, shown, { dispatcher: await core.dispatcher(), userAgent: core.userAgent, timeoutMs: core.timeoutMs, ...(signal ? { signal } : {}) });
    const meter = metered(core, src, shown, subject, size ?? Number.MAX_SAFE_INTEGER, size);
    await core.store.put(meter, {
      expect: { digest, ...(size === undefined ? {} : { size }), subject, code: 'ERR_FETCH_DIGEST_MISMATCH', hint: 'the server sent other bytes than expected; try again later or another mirror' },
      ...(signal ? { signal } : {}),
    });
    finished(core, shown, subject, meter.received);
  });
  if (!outcome.ok) throw combineFailures(subject, outcome.failures);
  return digest;
}

/** BufferRequest is what {@link fetchIntoBuffer} may read. */
export interface BufferRequest {
  readonly maxBytes: number;
  readonly subject: string;
  readonly signal?: AbortSignal;
  readonly allowNotFound?: boolean;
}

/**
 * fetchIntoBuffer reads the body of the first URL that serves one, at most `maxBytes`. With
 * `allowNotFound`, resolves undefined when every URL answered 404/410.
 */
export async function fetchIntoBuffer(core: FetchCore, urls: readonly string[], req: BufferRequest): Promise<Buffer | undefined> {
  const { subject, signal } = req;
  const outcome = await tryEach(core, urls, subject, signal, async (url, shown) => {
    const src = await openSource(url, shown, { dispatcher: await core.dispatcher(), userAgent: core.userAgent, timeoutMs: core.timeoutMs, ...(signal ? { signal } : {}) });
    const meter = metered(core, src, shown, subject, req.maxBytes, undefined);
    const chunks: Buffer[] = [];
    for await (const chunk of meter) chunks.push(chunk as Buffer);
    finished(core, shown, subject, meter.received);
    return Buffer.concat(chunks);
  });
  if (outcome.ok) return outcome.value;
  if (req.allowNotFound && outcome.failures.every((f) => f.notFound)) return undefined;
  throw combineFailures(subject, outcome.failures);
}
