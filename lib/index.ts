/**
 * slipway's public API: load or write an image config, build it into an OCI image, inspect
 * what was written. Everything the CLI does is one of these calls.
 *
 * May import build, frontend, plan, oci and core; nothing else is exposed by package.json.
 */
import {
  buildImage,
  explainPackage,
  lockDifferences,
  lockfilePath,
  readLockfile,
  resolveApt,
  updateApt,
  writeLockfile,
  type AptResolveResult,
  type AptUpdateOptions,
  type AptUpdateResult,
  type BuildOptions,
  type BuildResult,
  type WhyStep,
} from './build/index.js';
import { SlipwayError } from './core/index.js';
import { loadConfigFile } from './frontend/index.js';

export { buildImage, DEFAULT_PATH, runtimeConfigJson } from './build/index.js';
export type { BuildOptions, BuildProgress, BuildResult, BuiltImage } from './build/index.js';
export { updateApt, debianArchitecture, resolveApt, lockfilePath, readLockfile, writeLockfile, lockDifferences, explainPackage, formatLockfile } from './build/index.js';
export type { AptResolveResult, Lockfile, LockedPackage, WhyStep, Resolution, ResolvedPackage } from './build/index.js';
export type { AptUpdateOptions, AptUpdateResult, AptRepositoryReport } from './build/index.js';
export type { FetchProgress, FetchStats } from './build/index.js';
export { configJsonSchema, loadConfigFile, parseConfigText, planFromSpec } from './frontend/index.js';
export type { ImageSpec, PlanFromSpecOptions, AptSpec, AptSourceSpec, AptRepositorySpec, AptKeySpec, AptKeyUrlSpec } from './frontend/index.js';
export * from './plan/index.js';
export { formatDestination, parseDestination, readOciImage, MediaType } from './oci/index.js';
export type { Destination, ImageConfig, ImageIndex, ImageManifest, ImageReport, ImageSummary, LayerSummary } from './oci/index.js';
export { ConfigError, DigestMismatchError, SlipwayError, errorCodes, isSlipwayError } from './core/index.js';
export type { ConfigLocation, Descriptor, Digest, ErrorCode, Warning } from './core/index.js';

/** buildFromConfig loads the image config file at `path` and builds it: the CLI's `slipway build`. */
export async function buildFromConfig(path: string, opts: BuildOptions = {}): Promise<BuildResult> {
  const plan = await loadConfigFile(path, opts.signal ? { signal: opts.signal } : {});
  return buildImage(plan, opts);
}

/**
 * updateAptFromConfig loads the image config file at `path` and verifies and fetches the apt
 * repositories it names, for its platforms: the CLI's `slipway update`.
 */
export async function updateAptFromConfig(path: string, opts: AptUpdateOptions = {}): Promise<AptUpdateResult> {
  const plan = await loadConfigFile(path, opts.signal ? { signal: opts.signal } : {});
  return updateApt(plan, opts);
}

/** resolveFromConfig resolves the `apt.packages` of the config at `path` for its platforms, downloading no package: the CLI's `slipway resolve`. */
export async function resolveFromConfig(path: string, opts: AptUpdateOptions = {}): Promise<AptResolveResult> {
  const plan = await loadConfigFile(path, opts.signal ? { signal: opts.signal } : {});
  return resolveApt(plan, opts);
}

/** LockResult says where the lockfile is and what changed against the one before (empty: nothing, or there was none). */
export interface LockResult {
  readonly path: string;
  readonly changes: readonly string[];
  readonly written: boolean;
}

/**
 * lockFromConfig resolves the config at `path` and writes `<name>.lock.json` beside it: the
 * CLI's `slipway lock`. With `check`, writes nothing and throws ERR_LOCK_STALE (naming what
 * changed) when the lock is missing or differs from a fresh resolution.
 */
export async function lockFromConfig(path: string, opts: AptUpdateOptions & { check?: boolean } = {}): Promise<LockResult> {
  if (opts.platforms !== undefined && opts.platforms.length > 0) {
    throw new SlipwayError('ERR_USAGE', 'lock covers every platform of the config; --platform would leave the others out of the lock', { hint: 'edit platforms in the config instead' });
  }
  const lockPath = lockfilePath(path);
  const fresh = (await resolveFromConfig(path, opts)).lockfile;
  let changes: string[] = [];
  let existing = true;
  try {
    changes = lockDifferences(await readLockfile(lockPath), fresh);
  } catch (err) {
    if (!(err instanceof SlipwayError) || err.code !== 'ERR_LOCK_MISSING') throw err;
    existing = false;
  }
  if (opts.check) {
    if (!existing) throw new SlipwayError('ERR_LOCK_STALE', `${lockPath}: no lockfile`, { hint: 'run slipway lock CONFIG' });
    if (changes.length > 0) throw new SlipwayError('ERR_LOCK_STALE', `${lockPath}: stale: ${changes.join('; ')}`, { hint: 'run slipway lock CONFIG to update it' });
    return { path: lockPath, changes, written: false };
  }
  await writeLockfile(lockPath, fresh);
  return { path: lockPath, changes, written: true };
}

/** WhyResult is the chain that pulled a package in, per platform that has it. */
export interface WhyResult {
  readonly package: string;
  readonly platforms: readonly { readonly platform: string; readonly steps: readonly WhyStep[] | undefined }[];
}

/** whyFromConfig explains why package `name` is in the resolution of the config at `path`: the CLI's `slipway why`. */
export async function whyFromConfig(path: string, name: string, opts: AptUpdateOptions = {}): Promise<WhyResult> {
  const { lockfile, resolutions } = await resolveFromConfig(path, opts);
  return { package: name, platforms: resolutions.map((r, i) => ({ platform: lockfile.platforms[i]!.platform, steps: explainPackage(r, name) })) };
}
