/**
 * Fetch failures: the HttpError class, how any failure of one attempt is classified (retry
 * it? was it "not found"?), and the one error reported when every URL failed.
 */
import { SlipwayError, type ErrorCode, type SlipwayErrorOptions } from '../core/index.js';
import { RedirectSchemeError } from './redirects.js';

/**
 * HttpError is a failure status from a server for `GET url` (url redacted): ERR_FETCH_HTTP
 * for 3xx and 4xx, ERR_FETCH_NETWORK (transient) for 5xx and 429. A `file:` URL naming a
 * missing file is reported as status 404, so callers fall back alike for both.
 */
export class HttpError extends SlipwayError {
  readonly method = 'GET';
  readonly url: string;
  readonly status: number;

  constructor(url: string, status: number, problem: string, opts: SlipwayErrorOptions = {}) {
    super(status >= 500 || status === 429 ? 'ERR_FETCH_NETWORK' : 'ERR_FETCH_HTTP', `GET ${url}: ${problem}`, opts);
    this.name = 'HttpError';
    this.url = url;
    this.status = status;
  }

  /** notFound tells whether the resource does not exist there (404 Not Found, 410 Gone). */
  get notFound(): boolean {
    return this.status === 404 || this.status === 410;
  }
}

/** httpError makes the HttpError for a response with `status`. */
export function httpError(url: string, status: number): HttpError {
  if (status === 404 || status === 410) return new HttpError(url, status, `HTTP ${status} (not found)`, { hint: 'check the URL; the file is not on this server' });
  if (status >= 500 || status === 429) return new HttpError(url, status, `HTTP ${status}`, { hint: 'the server is failing or busy; try again later' });
  if (status >= 300 && status < 400) return new HttpError(url, status, `HTTP ${status} (redirect not followed: more than 5 redirects, or no Location)`);
  return new HttpError(url, status, `HTTP ${status}`, { hint: status === 401 || status === 403 ? 'the server refuses access: check credentials' : 'check the URL' });
}

/** AttemptFailure is one failed attempt, classified. */
export interface AttemptFailure {
  readonly error: Error;
  /** retry: a transient failure that may succeed on the same URL. */
  readonly retry: boolean;
  /** notFound: the URL answered 404/410 (or names no file). */
  readonly notFound: boolean;
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN',
  'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ERR_STREAM_PREMATURE_CLOSE',
]);
const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH$)/;
const TIMEOUTS: Readonly<Record<string, string>> = {
  UND_ERR_HEADERS_TIMEOUT: 'no response headers within the timeout',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled for longer than the timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
};

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** abortedError is ERR_ABORTED for `subject`. */
export function abortedError(subject: string, cause?: unknown): SlipwayError {
  return new SlipwayError('ERR_ABORTED', `${subject}: aborted`, cause === undefined ? {} : { cause });
}

/**
 * classifyFailure turns whatever one attempt at `GET url` threw into a coded error and says
 * whether to retry. Other errors (the local filesystem of the store, a bug) pass through
 * unchanged and end the fetch: they are not the network's fault.
 */
export function classifyFailure(err: unknown, url: string, subject: string, signal: AbortSignal | undefined): AttemptFailure {
  if (signal?.aborted) return { error: abortedError(subject, err), retry: false, notFound: false };
  if (err instanceof SlipwayError) {
    return { error: err, retry: err.transient, notFound: err instanceof HttpError && err.notFound };
  }
  if (err instanceof RedirectSchemeError) {
    const error = new HttpError(url, err.status, err.message, { cause: err, hint: 'only http: and https: redirects are followed; use another mirror or the URL the server redirects to' });
    return { error, retry: false, notFound: false };
  }
  const code = errorCode(err) || errorCode((err as { cause?: unknown } | null)?.cause);
  const message = err instanceof Error ? err.message : String(err);
  if (TLS_CODE.test(code)) {
    const error = new SlipwayError('ERR_FETCH_NETWORK', `GET ${url}: TLS: ${message} (${code})`, {
      cause: err,
      hint: "the server's certificate is not trusted here: add its CA to the system's CA store, or name its PEM file with NODE_EXTRA_CA_CERTS (or a whole CA bundle with SSL_CERT_FILE); or check the host name",
    });
    return { error, retry: false, notFound: false };
  }
  if (code.startsWith('UND_ERR') || NETWORK_CODES.has(code)) {
    const what = TIMEOUTS[code] ?? message;
    return { error: new SlipwayError('ERR_FETCH_NETWORK', `GET ${url}: ${what}`, { cause: err, hint: 'check the network and the URL' }), retry: true, notFound: false };
  }
  return { error: err instanceof Error ? err : new Error(message), retry: false, notFound: false };
}

/** UrlFailure is the last failure at one URL after all its attempts. */
export interface UrlFailure extends AttemptFailure {
  readonly url: string;
  readonly attempts: number;
}

/**
 * combineFailures is the error when every URL failed: with one URL, its own error; with
 * several, one error naming each URL and what happened there, whose code is that of the first
 * failure other than "not found" (ERR_FETCH_HTTP when each URL answered 404/410).
 */
export function combineFailures(subject: string, failures: readonly UrlFailure[]): Error {
  const only = failures.length === 1 ? failures[0] : undefined;
  if (only) return only.error;
  const significant = failures.find((f) => !f.notFound);
  const code: ErrorCode = significant?.error instanceof SlipwayError ? significant.error.code : significant ? 'ERR_FETCH_NETWORK' : 'ERR_FETCH_HTTP';
  const lines = failures.map((f) => {
    const msg = f.error.message.startsWith('GET ') ? f.error.message : `GET ${f.url}: ${f.error.message}`;
    return f.attempts > 1 ? `${msg} (${f.attempts} attempts)` : msg;
  });
  const cause = (significant ?? failures[0])?.error;
  const hint = cause instanceof SlipwayError ? cause.hint : undefined;
  return new SlipwayError(code, `${subject}: every URL failed: ${lines.join('; ')}`, { cause, ...(hint ? { hint } : {}) });
}
