/**
 * Redirects: undici's redirect interceptor, with a guard in front of each hop that refuses a
 * redirect to a scheme other than http: or https: (file:, ftp:, ...) with an error that names
 * the scheme. Undici refuses such a hop too, but with an "Invalid URL protocol" argument error
 * that looks like a network failure; this one is permanent (see fetch-error.ts).
 */
import type { Dispatcher } from 'undici';

type Handler = Dispatcher.DispatchHandler;
type Args<K extends keyof Handler> = Parameters<NonNullable<Handler[K]>>;

/** MAX_REDIRECTS is how many redirects one request follows. */
export const MAX_REDIRECTS = 5;

/** REDIRECT_STATUSES are the statuses undici follows (RFC 9110 §15.4). */
const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);

/** RedirectSchemeError is a redirect (`status`) to a URL whose scheme (`scheme`, e.g. `file:`) is not http: or https:. */
export class RedirectSchemeError extends Error {
  constructor(
    readonly status: number,
    readonly scheme: string,
  ) {
    super(`redirected to an unsupported scheme (${scheme})`);
    this.name = 'RedirectSchemeError';
  }
}

/** schemeOf is the scheme `location` resolves to against `opts`' URL; undefined when it does not parse (undici reports that). */
function schemeOf(location: string, opts: Dispatcher.DispatchOptions): string | undefined {
  try {
    return new URL(location, new URL(opts.path, opts.origin ?? undefined)).protocol;
  } catch {
    return undefined;
  }
}

/** SchemeGuard passes every callback on to `inner`, except that a redirect to another scheme fails the request. */
class SchemeGuard implements Handler {
  constructor(
    private readonly opts: Dispatcher.DispatchOptions,
    private readonly inner: Handler,
  ) {}

  onRequestStart(...args: Args<'onRequestStart'>): void {
    this.inner.onRequestStart?.(...args);
  }

  onRequestUpgrade(...args: Args<'onRequestUpgrade'>): void {
    this.inner.onRequestUpgrade?.(...args);
  }

  onResponseStart(...[controller, statusCode, headers, statusMessage]: Args<'onResponseStart'>): void {
    const location = headers['location'];
    if (REDIRECT_STATUSES.has(statusCode) && typeof location === 'string') {
      const scheme = schemeOf(location, this.opts);
      // Thrown where undici's own redirect handler throws for this case: the request fails with it.
      if (scheme !== undefined && scheme !== 'http:' && scheme !== 'https:') throw new RedirectSchemeError(statusCode, scheme);
    }
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(...args: Args<'onResponseData'>): void {
    this.inner.onResponseData?.(...args);
  }

  onResponseEnd(...args: Args<'onResponseEnd'>): void {
    this.inner.onResponseEnd?.(...args);
  }

  onResponseError(...args: Args<'onResponseError'>): void {
    this.inner.onResponseError?.(...args);
  }
}

const refuseOtherSchemes: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) => dispatch(opts, new SchemeGuard(opts, handler));

/**
 * followRedirects composes `dispatcher` with undici's redirect interceptor (at most
 * {@link MAX_REDIRECTS} hops) and, inside it, the guard that fails a hop to another scheme
 * with a {@link RedirectSchemeError}.
 */
export async function followRedirects(dispatcher: Dispatcher): Promise<Dispatcher> {
  const { interceptors } = await import('undici');
  // compose applies interceptors in order, the last outermost: the guard sees each hop's
  // response before the redirect handler acts on it.
  return dispatcher.compose(refuseOtherSchemes, interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
}
