/**
 * FetchProgress and FetchStats: what a Fetcher reports while it works and in total. URLs in
 * events are redacted (no credentials, query or fragment).
 */

/**
 * FetchProgress is one event of a download, in order per attempt: `start`, `bytes`*, then
 * `done` on success; a failed attempt that will be tried again is followed by `retry`, and
 * the next attempt starts afresh with `start` (its `received` counts from 0 again). A blob
 * already in the store gives a single `cached` event. Sizes are in bytes.
 */
export type FetchProgress =
  | { readonly type: 'start'; readonly url: string; readonly subject: string; readonly expectedBytes?: number }
  | { readonly type: 'bytes'; readonly url: string; readonly subject: string; readonly bytes: number; readonly received: number; readonly expectedBytes?: number }
  | { readonly type: 'done'; readonly url: string; readonly subject: string; readonly bytes: number }
  | { readonly type: 'cached'; readonly subject: string; readonly bytes: number }
  | { readonly type: 'retry'; readonly url: string; readonly subject: string; readonly attempt: number; readonly error: string };

/** FetchStats are a Fetcher's totals since it was made. */
export interface FetchStats {
  /** files downloaded completely (and, for verified fetches, verified). */
  readonly files: number;
  /** bytes of those complete downloads (failed attempts not counted). */
  readonly bytes: number;
  /** cachedFiles is how many verified fetches were answered from the store. */
  readonly cachedFiles: number;
  /** retries is how many attempts were repeated after a transient failure. */
  readonly retries: number;
}
