/**
 * AptClientContext: what every apt client call needs — the fetcher and cache, where verified
 * Release files and their state live, the clock, and where warnings go.
 */
import { join } from 'node:path';
import type { Warning } from '../core/index.js';
import type { ContentStore, Fetcher } from '../fetch/index.js';

/** AptClientContext is passed to every apt client call. */
export interface AptClientContext {
  /** fetcher downloads with retries, mirrors fallback and verification. */
  readonly fetcher: Fetcher;
  /** store is the content-addressed cache the fetcher fills (verified blobs only). */
  readonly store: ContentStore;
  /** stateDir keeps the last verified Release of each repository and fetched keys (`<cache>/apt`). */
  readonly stateDir: string;
  /** offline: use only what is cached; a miss is ERR_FETCH_OFFLINE. */
  readonly offline?: boolean;
  /** now is the time Valid-Until, key expiry and rollback are judged at; the current time when absent. */
  readonly now?: Date;
  readonly signal?: AbortSignal;
  /** onWarning receives oddities that do not stop the build (`W_APT_*`). */
  readonly onWarning?: (warning: Warning) => void;
}

/** aptStateDir is the apt state directory inside a slipway cache directory. */
export function aptStateDir(cacheDir: string): string {
  return join(cacheDir, 'apt');
}

/** nowOf returns the context's clock reading. */
export function nowOf(ctx: Pick<AptClientContext, 'now'>): Date {
  return ctx.now ?? new Date();
}
