/**
 * The apt packages of a build: from the lockfile beside the config (`--locked`: nothing is
 * resolved, and a config that asks for something the lock does not say fails), or resolved
 * afresh; then every .deb fetched by the size and SHA256 the lock (or index) names, into the
 * cache; apt-layers.ts turns them into layers.
 */
import { releaseBaseUrl, type AptRepository } from '../apt/index.js';
import { parseDigest, sha256Digest, SlipwayError } from '../core/index.js';
import { defaultCacheDir, redactUrl } from '../fetch/index.js';
import { resolve } from 'node:path';
import { ResolutionCache } from './resolution-cache.js';
import { formatPlatform, type ImagePlan, type Platform } from '../plan/index.js';
import { describeRequestChange, type LockedPackage, type Lockfile } from '../resolve/index.js';
import { openAptSession, type AptUpdateOptions } from './apt-session.js';
import { lockfilePath, lockRequestOf, readLockfile, resolveInSession } from './resolve-apt.js';

/** AptPackagesOptions: locked or not, and the cache and network (as for `slipway update`). */
export interface AptPackagesOptions extends Omit<AptUpdateOptions, 'platforms' | 'now'> {
  readonly locked?: boolean;
}

/** AptPackages are the packages of each platform built, fetched and verified in the cache. */
export interface AptPackages {
  /** byPlatform: the packages of each platform (by `os/arch[/variant]`), sorted by name. */
  readonly byPlatform: ReadonlyMap<string, readonly LockedPackage[]>;
}

/** packagesDigest identifies a platform's package set (name, version, architecture, sha256 of each). */
export function packagesDigest(packages: readonly LockedPackage[]): string {
  return sha256Digest(JSON.stringify(packages.map((p) => [p.name, p.version, p.architecture, p.sha256])));
}

async function lockedPackages(plan: ImagePlan, repos: readonly AptRepository[], platforms: readonly string[], lockPath: string): Promise<Lockfile> {
  const lock = await readLockfile(lockPath);
  const current = await lockRequestOf(plan, repos, lock.request.platforms);
  const changes = describeRequestChange(lock.request, current);
  const missing = platforms.filter((p) => !lock.platforms.some((l) => l.platform === p));
  if (missing.length > 0) changes.push(`platforms not in the lock: ${missing.join(', ')}`);
  if (changes.length > 0) {
    throw new SlipwayError('ERR_LOCK_STALE', `${lockPath}: the config asks for what the lock does not say: ${changes.join('; ')}`, { hint: 'run slipway lock CONFIG, review the diff of the lockfile, then build again' });
  }
  return lock;
}

function debUrls(pkg: LockedPackage, repos: readonly AptRepository[]): string[] {
  const repo = repos.find((r) => redactUrl(r.uris[0] ?? '') === pkg.repository.uri && r.suite === pkg.repository.suite);
  if (repo === undefined) {
    throw new SlipwayError('ERR_LOCK_STALE', `${pkg.name} ${pkg.version}: its repository ${pkg.repository.uri} ${pkg.repository.suite} is no longer in apt.sources`, { hint: 'run slipway lock CONFIG' });
  }
  // Filename is relative to the repository URI, or to the directory of a flat repository.
  return repo.uris.map((u) => new URL(pkg.filename, repo.suite.endsWith('/') ? releaseBaseUrl(u, repo.suite) : u).toString());
}

/**
 * aptPackagesForBuild returns the packages of every platform in `platforms`, each .deb in the
 * cache, verified; undefined when the plan installs no apt package. Errors: ERR_LOCK_MISSING,
 * ERR_LOCK_INVALID, ERR_LOCK_STALE (locked), the resolver's and the apt client's errors, and
 * ERR_FETCH_* / ERR_APT_HASH_MISMATCH-like mismatches for a .deb that is not what was locked.
 */
export async function aptPackagesForBuild(plan: ImagePlan, platforms: readonly Platform[], opts: AptPackagesOptions = {}): Promise<AptPackages | undefined> {
  const apt = plan.apt;
  if (apt === undefined || (apt.packages.length === 0 && !apt.essential)) return undefined;
  const names = platforms.map(formatPlatform);
  // One session: the sources are read once, and one fetcher serves the indices and the .debs.
  const session = await openAptSession(plan, { ...opts, platforms: names });
  try {
    let lock: Lockfile;
    if (opts.locked) {
      if (plan.file === undefined) throw new SlipwayError('ERR_LOCK_MISSING', 'a locked build needs a config file, beside which the lockfile lies', { hint: 'build from a config file' });
      lock = await lockedPackages(plan, session.repos, names, lockfilePath(plan.file));
    } else {
      // A rebuild over unchanged repositories takes its resolution from the cache, without loading the indices.
      lock = (await resolveInSession(plan, session, new ResolutionCache(resolve(opts.cacheDir ?? defaultCacheDir())))).lockfile;
    }
    const byPlatform = new Map<string, readonly LockedPackage[]>();
    const jobs: Promise<unknown>[] = [];
    for (const name of names) {
      const packages = lock.platforms.find((p) => p.platform === name)!.packages;
      byPlatform.set(name, packages);
      for (const pkg of packages) {
        const subject = `${pkg.name} ${pkg.version} (${pkg.filename})`;
        jobs.push(session.fetcher.fetchVerified(debUrls(pkg, session.repos), { sha256: parseDigest(`sha256:${pkg.sha256}`), size: pkg.size, subject }, opts.signal ? { signal: opts.signal } : {}));
      }
    }
    const settled = await Promise.allSettled(jobs);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return { byPlatform };
  } finally {
    await session.close();
  }
}
