/**
 * slipway's public API: load or write an image config, build it into an OCI image, inspect
 * what was written. Everything the CLI does is one of these calls.
 *
 * May import build, frontend, plan, oci and core; nothing else is exposed by package.json.
 */
import { buildImage, updateApt, type AptUpdateOptions, type AptUpdateResult, type BuildOptions, type BuildResult } from './build/index.js';
import { loadConfigFile } from './frontend/index.js';

export { buildImage, DEFAULT_PATH, runtimeConfigJson } from './build/index.js';
export type { BuildOptions, BuildProgress, BuildResult, BuiltImage } from './build/index.js';
export { updateApt, debianArchitecture } from './build/index.js';
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
