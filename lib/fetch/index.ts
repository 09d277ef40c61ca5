/**
 * fetch: bytes from URLs and files into the content-addressed cache, verified before they
 * become visible. HTTP goes through undici with an injectable Dispatcher. Imports only core.
 */
export * from './cache-dir.js';
export * from './content-store.js';
export * from './download.js';
