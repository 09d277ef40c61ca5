/**
 * fetch: bytes from URLs and files into the content-addressed cache, verified before they
 * become visible. HTTP goes through undici with an injectable Dispatcher; `file:` URLs are
 * read locally. {@link Fetcher} adds mirror fallback, retries, a shared concurrency limit,
 * offline mode and progress. Imports only core; must not know about apt, OCI or the build.
 */
export * from './cache-dir.js';
export { systemCaCertificates, SYSTEM_CA_BUNDLES } from './ca-bundle.js';
export * from './content-store.js';
export * from './download.js';
export * from './redact-url.js';
export * from './limiter.js';
export * from './fetch-progress.js';
export { HttpError } from './fetch-error.js';
export { Fetcher, MAX_REDIRECTS, type FetcherOptions, type FetchExpectation, type FetchBytesOptions } from './fetcher.js';
