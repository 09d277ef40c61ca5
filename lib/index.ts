/**
 * slipway's public API: load or write an image config, build it into an OCI image, inspect
 * what was written. Everything the CLI does is one of these calls.
 *
 * May import build, frontend, plan, oci and core; nothing else is exposed by package.json.
 */
import { buildImage, type BuildOptions, type BuildResult } from './build/index.js';
import { loadConfigFile } from './frontend/index.js';

export { buildImage, DEFAULT_PATH, runtimeConfigJson } from './build/index.js';
export type { BuildOptions, BuildProgress, BuildResult, BuiltImage } from './build/index.js';
export { configJsonSchema, loadConfigFile, parseConfigText, planFromSpec } from './frontend/index.js';
export type { ImageSpec, PlanFromSpecOptions } from './frontend/index.js';
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
