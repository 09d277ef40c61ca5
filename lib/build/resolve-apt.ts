/**
 * resolveApt: the plan's `apt.packages` resolved for each platform against the verified
 * indices of `apt.sources`, as a lockfile; and the lockfile beside a config: its path,
 * reading, writing, and whether it still fits the config.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { loadPackageIndex, type AptRepository, type PackageRecord } from '../apt/index.js';
import { sha256Digest, SlipwayError, writeFileAtomic, type Warning } from '../core/index.js';
import { redactUrl } from '../fetch/index.js';
import { formatPlatform, type ImagePlan } from '../plan/index.js';
import {
  describeRequestChange,
  formatLockfile,
  LOCKFILE_VERSION,
  parseLockfile,
  resolvePackages,
  type LockedPackage,
  type Lockfile,
  type LockRequest,
  type Resolution,
} from '../resolve/index.js';
import { openAptSession, type AptSession, type AptUpdateOptions } from './apt-session.js';
import { resolutionKey, type ResolutionCache } from './resolution-cache.js';


/** AptResolveResult is a resolution of every platform and its lockfile. */
export interface AptResolveResult {
  readonly lockfile: Lockfile;
  /** resolutions per platform, in the lockfile's order. */
  readonly resolutions: readonly Resolution[];
  readonly warnings: readonly Warning[];
}

/** keyIdentity names a signed-by key portably: fingerprints as they are, files and inline keys by the digest of their bytes. */
async function keyIdentity(k: AptRepository['keys'][number]): Promise<string> {
  if (k.kind === 'fingerprint') return `${k.fingerprint}${k.exact ? '!' : ''}`;
  if (k.kind === 'url') return k.fingerprint;
  if (k.kind === 'inline') return sha256Digest(k.armored).slice(0, 23);
  try {
    return sha256Digest(await readFile(k.path)).slice(0, 23);
  } catch {
    return 'unreadable-keyring';
  }
}

async function sourceLine(r: AptRepository): Promise<string> {
  const keys = r.trusted ? [] : await Promise.all(r.keys.map(keyIdentity));
  const opts = [
    r.trusted ? 'trusted' : '',
    keys.length ? `signed-by=${keys.join(',')}` : '',
    r.architectures ? `arch=${r.architectures.join(',')}` : '',
    r.types.join('+') === 'deb' ? '' : `types=${r.types.join(',')}`,
  ].filter(Boolean);
  return `${redactUrl(r.uris[0] ?? '')} ${r.suite} ${r.components.join(' ')}${opts.length ? ` [${opts.join(' ')}]` : ''}`.trim();
}

/**
 * lockRequestOf renders what in the plan decides the resolution: packages, options, sources
 * (with the identity of their keys: fingerprints, or the digest of a keyring's bytes, so a lock
 * holds no host path) and platforms.
 */
export async function lockRequestOf(plan: ImagePlan, repos: readonly AptRepository[], platforms: readonly string[]): Promise<LockRequest> {
  const apt = plan.apt!;
  return {
    packages: apt.packages.map((p) => (p.version === undefined ? p.name : `${p.name}=${p.version}`)),
    recommends: apt.recommends,
    essential: apt.essential,
    exclude: [...apt.exclude],
    sources: await Promise.all(repos.map(sourceLine)),
    platforms: [...platforms],
  };
}

function lockedPackage(r: PackageRecord): LockedPackage {
  return {
    name: r.name,
    version: r.version,
    architecture: r.architecture,
    source: r.source,
    sourceVersion: r.sourceVersion,
    repository: { uri: r.origin.uri, suite: r.origin.suite, component: r.origin.component },
    filename: r.filename,
    size: r.size,
    sha256: r.sha256,
    release: r.origin.releaseDigest ?? '',
    signedBy: r.origin.signedBy ?? [],
  };
}

/**
 * resolveApt verifies the plan's sources, loads their indices and resolves `apt.packages`
 * for each platform. Throws ERR_CONFIG_MISSING_KEY without an apt section, the apt client's
 * errors, and the resolver's ResolveError (the message names the platform).
 */
export async function resolveApt(plan: ImagePlan, opts: AptUpdateOptions = {}): Promise<AptResolveResult> {
  const session = await openAptSession(plan, opts);
  try {
    return await resolveInSession(plan, session);
  } finally {
    await session.close();
  }
}

/**
 * resolveInSession is {@link resolveApt} over an open session (whose fetcher the caller may go
 * on using). With `cache`, a resolution of the same request over the same verified Releases and
 * indices is taken from it without loading any index (then `resolutions` is empty).
 */
export async function resolveInSession(plan: ImagePlan, session: AptSession, cache?: ResolutionCache): Promise<AptResolveResult> {
  const apt = plan.apt!;
  const snapshot = await session.update();
  const request = await lockRequestOf(plan, session.repos, session.platforms.map(formatPlatform));
  const key = cache ? resolutionKey(request, session.archs, snapshot.indices) : undefined;
  const hit = key !== undefined ? await cache!.get(key, request) : undefined;
  if (hit) return { lockfile: hit, resolutions: [], warnings: session.warnings };
  const requests = apt.packages.map((p) => (p.version === undefined ? { name: p.name } : { name: p.name, version: p.version }));
  const resolutions: Resolution[] = [];
  for (const [i, p] of session.platforms.entries()) {
    const architecture = session.archs[i]!;
    const index = await loadPackageIndex(snapshot.indices, architecture, session.ctx);
    try {
      resolutions.push(resolvePackages(requests, index, { architecture, recommends: apt.recommends, essential: apt.essential, exclude: apt.exclude }));
    } catch (err) {
      if (err instanceof SlipwayError) err.message = `${formatPlatform(p)}: ${err.message}`;
      throw err;
    }
  }
  const lockfile: Lockfile = {
    lockfileVersion: LOCKFILE_VERSION,
    inputs: sha256Digest(JSON.stringify(request)),
    request,
    platforms: resolutions.map((r, i) => ({ platform: formatPlatform(session.platforms[i]!), architecture: r.architecture, packages: r.packages.map((p) => lockedPackage(p.record)) })),
  };
  if (key !== undefined) await cache!.put(key, lockfile);
  return { lockfile, resolutions, warnings: session.warnings };
}

/** lockfilePath is the lockfile beside config `configPath`: `slipway.yaml` → `slipway.lock.json`. */
export function lockfilePath(configPath: string): string {
  const name = basename(configPath, extname(configPath));
  return join(dirname(resolve(configPath)), `${name}.lock.json`);
}

/** readLockfile reads the lockfile at `path`; ERR_LOCK_MISSING when there is none, ERR_LOCK_INVALID when it does not parse. */
export async function readLockfile(path: string): Promise<Lockfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SlipwayError('ERR_LOCK_MISSING', `${path}: no lockfile`, { hint: 'run slipway lock CONFIG first' });
    throw new SlipwayError('ERR_LOCK_INVALID', `${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return parseLockfile(text, path);
}

/** writeLockfile writes `lock` to `path` atomically and returns its text. */
export async function writeLockfile(path: string, lock: Lockfile): Promise<string> {
  const text = formatLockfile(lock);
  await writeFileAtomic(path, text);
  return text;
}

/**
 * lockDifferences says how an existing lock differs from a fresh resolution: what changed in
 * the request, else which packages changed version (the repositories moved on). Empty when
 * the lock is current.
 */
export function lockDifferences(locked: Lockfile, fresh: Lockfile): string[] {
  const request = describeRequestChange(locked.request, fresh.request);
  if (request.length > 0) return request;
  const out: string[] = [];
  for (const fp of fresh.platforms) {
    const lp = locked.platforms.find((p) => p.platform === fp.platform);
    const before = new Map((lp?.packages ?? []).map((p) => [p.name, p]));
    const after = new Map(fp.packages.map((p) => [p.name, p]));
    for (const [n, p] of after) {
      const b = before.get(n);
      if (b === undefined || b.version !== p.version) out.push(`${fp.platform}: ${n} ${b?.version ?? '(new)'} -> ${p.version}`);
      else if (b.sha256 !== p.sha256 || b.size !== p.size || b.filename !== p.filename || b.architecture !== p.architecture) {
        out.push(`${fp.platform}: ${n} ${p.version} was republished with other bytes (sha256 ${b.sha256} -> ${p.sha256})`);
      } else if (JSON.stringify(b.repository) !== JSON.stringify(p.repository)) {
        out.push(`${fp.platform}: ${n} ${p.version} now comes from ${p.repository.uri} ${p.repository.suite}/${p.repository.component}`);
      }
      // A newer Release listing the same bytes is not staleness: the files are pinned by sha256,
      // and a change of signing keys shows in the request's sources.
    }
    for (const [n, p] of before) if (!after.has(n)) out.push(`${fp.platform}: ${n} ${p.version} -> (removed)`);
  }
  return out;
}
