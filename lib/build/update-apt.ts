/**
 * updateApt: `apt-get update` for an image plan — every repository of `apt.sources` has its
 * Release verified and the indices for the plan's platforms fetched into the cache; the
 * result says what was verified, by which keys, and how many packages each platform sees.
 */
import { resolve } from 'node:path';
import { aptStateDir, loadPackageIndex, repositoryName, updateRepositories, type AptSnapshot } from '../apt/index.js';
import { SlipwayError, type Warning } from '../core/index.js';
import { ContentStore, defaultCacheDir, Fetcher, redactUrl, type FetchProgress, type FetchStats } from '../fetch/index.js';
import { formatPlatform, type ImagePlan } from '../plan/index.js';
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

/** AptRepositoryReport is what was verified for one repository suite. */
export interface AptRepositoryReport {
  /** repository as `URI SUITE` (credentials removed). */
  readonly repository: string;
  readonly file: 'InRelease' | 'Release';
  /** digest of the verified InRelease/Release bytes. */
  readonly digest: string;
  /** date of the Release (RFC 3339), when it has one. */
  readonly date?: string;
  readonly validUntil?: string;
  /** signedBy: primary fingerprints of the keys with good signatures (empty for a trusted source). */
  readonly signedBy: readonly string[];
  readonly fromCache: boolean;
  /** indices fetched: path as the Release lists it, with size and sha256. */
  readonly indices: readonly { readonly path: string; readonly size: number; readonly sha256: string }[];
}

/** AptUpdateResult is the outcome of {@link updateApt}. */
export interface AptUpdateResult {
  readonly repositories: readonly AptRepositoryReport[];
  /** platforms: per platform, its Debian architecture and how many package records it sees. */
  readonly platforms: readonly { readonly platform: string; readonly architecture: string; readonly packages: number }[];
  readonly warnings: readonly Warning[];
  readonly fetched: FetchStats;
}

function iso(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function report(snapshot: AptSnapshot): AptRepositoryReport[] {
  return snapshot.releases.map((vr) => {
    const date = iso(vr.release.date);
    const validUntil = iso(vr.release.validUntil);
    return {
      repository: repositoryName({ uris: [redactUrl(vr.mirrors[0]!)], suite: vr.repository.suite }),
      file: vr.file,
      digest: vr.digest,
      ...(date ? { date } : {}),
      ...(validUntil ? { validUntil } : {}),
      signedBy: [...new Set(vr.signers.map((s) => s.primaryFingerprint))].sort(),
      fromCache: vr.fromCache,
      indices: snapshot.indices.filter((i) => i.release === vr).map(({ index }) => ({ path: index.file.path, size: index.file.size, sha256: index.file.sha256 })),
    };
  });
}

/**
 * updateApt verifies and fetches what `plan.apt` names for the plan's platforms. Throws
 * ERR_CONFIG_MISSING_KEY when the plan has no apt section or a platform has no Debian
 * architecture, and the errors of the apt client (see updateRepositories).
 */
export async function updateApt(plan: ImagePlan, opts: AptUpdateOptions = {}): Promise<AptUpdateResult> {
  if (plan.apt === undefined) throw new SlipwayError('ERR_CONFIG_MISSING_KEY', `${plan.file ?? 'the plan'}: has no apt section`, { hint: 'add apt.sources to the config' });
  const platforms = selectPlatforms(plan, opts.platforms);
  const archs = platforms.map((p) => {
    const arch = debianArchitecture(p);
    if (arch === undefined) throw new SlipwayError('ERR_CONFIG_INVALID_VALUE', `platform ${formatPlatform(p)} has no Debian architecture`, { hint: 'build for a platform Debian supports' });
    return arch;
  });
  const cacheDir = resolve(opts.cacheDir ?? defaultCacheDir());
  const store = new ContentStore(resolve(cacheDir, 'blobs'));
  const warnings: Warning[] = [];
  const fetcher = new Fetcher({ store, offline: opts.offline ?? false, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  try {
    const repos = await aptRepositoriesFromPlan(plan.apt, { ...(opts.hostRoot ? { hostRoot: opts.hostRoot } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    const ctx = {
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
    const snapshot = await updateRepositories(repos, { architectures: [...new Set(archs)] }, ctx);
    const counts = [];
    for (const [i, p] of platforms.entries()) {
      const index = await loadPackageIndex(snapshot.indices, archs[i]!, ctx);
      counts.push({ platform: formatPlatform(p), architecture: archs[i]!, packages: index.size });
    }
    return { repositories: report(snapshot), platforms: counts, warnings, fetched: fetcher.stats() };
  } finally {
    await fetcher.close();
  }
}
