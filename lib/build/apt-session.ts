/**
 * openAptSession: what every apt step of a build shares — the plan's platforms and their
 * Debian architectures, its repositories, and one apt client context (fetcher, cache,
 * clock, warnings) — set up once, closed once.
 */
import { resolve } from 'node:path';
import { aptStateDir, updateRepositories, type AptClientContext, type AptRepository, type AptSnapshot } from '../apt/index.js';
import { SlipwayError, type Warning } from '../core/index.js';
import { ContentStore, defaultCacheDir, Fetcher, type FetchProgress } from '../fetch/index.js';
import { formatPlatform, type ImagePlan, type Platform } from '../plan/index.js';
import { aptRepositoriesFromPlan } from './apt-repositories.js';
import { debianArchitecture } from './debian-architecture.js';
import { selectPlatforms } from './select-platforms.js';

/** AptUpdateOptions: the cache, the network and where progress and warnings go. */
export interface AptUpdateOptions {
  /** cacheDir holds downloads and verified Releases (default: the user cache directory). */
  readonly cacheDir?: string;
  /** offline: use the cache alone; a miss is ERR_FETCH_OFFLINE. */
  readonly offline?: boolean;
  /** now: the time Releases and keys are judged at (default: the current time). */
  readonly now?: Date;
  /** platforms to fetch indices for instead of the plan's (`os/arch[/variant]`). */
  readonly platforms?: readonly string[];
  /** hostRoot is the root whose etc/apt `system` sources come from (default `/`). */
  readonly hostRoot?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (e: FetchProgress) => void;
  readonly onWarning?: (w: Warning) => void;
}

/** AptSession is an open apt client for one plan; close it when done. */
export interface AptSession {
  readonly platforms: readonly Platform[];
  /** archs are the Debian architectures of `platforms`, in the same order. */
  readonly archs: readonly string[];
  readonly repos: readonly AptRepository[];
  readonly ctx: AptClientContext;
  readonly fetcher: Fetcher;
  /** warnings raised so far (also passed to `onWarning`). */
  readonly warnings: readonly Warning[];
  /** update verifies the repositories and fetches the indices of every architecture. */
  update(): Promise<AptSnapshot>;
  close(): Promise<void>;
}

/**
 * openAptSession checks the plan (ERR_CONFIG_MISSING_KEY without an apt section,
 * ERR_CONFIG_INVALID_VALUE for a platform Debian does not build for) and reads its sources.
 */
export async function openAptSession(plan: ImagePlan, opts: AptUpdateOptions): Promise<AptSession> {
  const apt = plan.apt;
  if (apt === undefined) throw new SlipwayError('ERR_CONFIG_MISSING_KEY', `${plan.file ?? 'the plan'}: has no apt section`, { hint: 'add apt.sources (and apt.packages) to the config' });
  const platforms = selectPlatforms(plan, opts.platforms);
  const archs = platforms.map((p) => {
    const arch = debianArchitecture(p);
    if (arch === undefined) throw new SlipwayError('ERR_CONFIG_INVALID_VALUE', `platform ${formatPlatform(p)} has no Debian architecture`, { hint: 'build for a platform Debian supports' });
    return arch;
  });
  const repos = await aptRepositoriesFromPlan(apt, { ...(opts.hostRoot ? { hostRoot: opts.hostRoot } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  const cacheDir = resolve(opts.cacheDir ?? defaultCacheDir());
  const store = new ContentStore(resolve(cacheDir, 'blobs'));
  const fetcher = new Fetcher({ store, offline: opts.offline ?? false, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const warnings: Warning[] = [];
  const ctx: AptClientContext = {
    fetcher,
    store,
    stateDir: aptStateDir(cacheDir),
    ...(opts.offline ? { offline: true } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onWarning: (w: Warning) => {
      warnings.push(w);
      opts.onWarning?.(w);
    },
  };
  return {
    platforms,
    archs,
    repos,
    ctx,
    fetcher,
    warnings,
    update: () => updateRepositories(repos, { architectures: [...new Set(archs)] }, ctx),
    close: () => fetcher.close(),
  };
}
