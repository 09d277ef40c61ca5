/**
 * updateRepositories: what `apt-get update` does, in userspace and without writing anything
 * unverified — every repository suite's Release is acquired and verified, then every index it
 * must provide is fetched by hash. The first failure cancels the rest.
 */
import { setMaxListeners } from 'node:events';
import { SlipwayError } from '../core/index.js';
import { acquireRelease, commitRelease, type VerifiedRelease } from './acquire-release.js';
import type { AptClientContext } from './client-context.js';
import { fetchIndex } from './fetch-index.js';
import { selectIndexTargets, type IndexSelection } from './index-targets.js';
import type { SnapshotIndex } from './load-packages.js';
import type { AptRepository } from './repository.js';

/** AptSnapshot is the verified state of a set of repositories: their Releases and cached indices. */
export interface AptSnapshot {
  /** releases, one per repository suite, in the order of the repositories given. */
  readonly releases: readonly VerifiedRelease[];
  /** indices in repository order, then component, then architecture as selected. */
  readonly indices: readonly SnapshotIndex[];
}

/**
 * allOrCancel runs `jobs` concurrently; on the first failure it aborts the others, waits
 * until every job has settled (so cancelled downloads have removed their temporary files
 * before the caller sees the error) and rethrows that failure.
 */
async function allOrCancel<T>(jobs: readonly ((signal: AbortSignal) => Promise<T>)[], outer: AbortSignal | undefined): Promise<T[]> {
  const controller = new AbortController();
  // Every job and each of its downloads listens on this one signal.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let failed: { readonly error: unknown } | undefined;
  try {
    const settled = await Promise.allSettled(
      jobs.map((job) =>
        job(controller.signal).catch((error: unknown) => {
          if (failed === undefined) {
            failed = { error };
            controller.abort(error);
          }
          throw error;
        }),
      ),
    );
    if (failed !== undefined) throw failed.error;
    return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
}

/**
 * updateRepositories acquires and verifies the Release of every repository in `repos`, then
 * fetches the indices `want` selects (see {@link selectIndexTargets}) into the cache. Errors
 * are those of {@link acquireRelease}, {@link selectIndexTargets} and {@link fetchIndex}; the
 * first one is thrown, the remaining work is cancelled, and nothing unverified is cached.
 * Releases are committed as the repositories' latest only when everything succeeded.
 */
export async function updateRepositories(repos: readonly AptRepository[], want: IndexSelection, ctx: AptClientContext): Promise<AptSnapshot> {
  if (repos.length === 0) throw new SlipwayError('ERR_APT_SOURCES_INVALID', 'no apt repositories configured', { hint: 'add apt.sources to the config' });
  const withSignal = (signal: AbortSignal): AptClientContext => ({ ...ctx, signal });
  const releases = await allOrCancel(
    repos.map((repo) => (signal: AbortSignal) => acquireRelease(repo, withSignal(signal), { commit: false })),
    ctx.signal,
  );
  const targets = releases.flatMap((release) => selectIndexTargets(release, want).map((target) => ({ release, target })));
  const fetched = await allOrCancel(
    targets.map(({ release, target }) => async (signal: AbortSignal) => ({ release, index: await fetchIndex(release, target, withSignal(signal)) })),
    ctx.signal,
  );
  for (const release of releases) await commitRelease(release, ctx);
  return { releases, indices: fetched };
}
