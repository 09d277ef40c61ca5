/**
 * Normalisation: a validated ImageSpec made into an ImagePlan, with defaults filled in,
 * names resolved to ids, image paths normalised and host paths made absolute.
 */
import { DEFAULT_GROUPED_MAX, DEFAULT_KEEP, parsePlatform, type ImagePlan, type LayerPlan, type Platform } from '../plan/index.js';
import { configSchema } from './config-schema.js';
import type { ImageSpec } from './image-spec.js';
import type { Locator } from './locate.js';
import { normaliseAccounts } from './normalise-accounts.js';
import { normaliseApt } from './normalise-apt.js';
import { normaliseFiles } from './normalise-files.js';
import { normaliseRuntime } from './normalise-runtime.js';

/** DEFAULT_PLATFORMS is what a config without `platforms:` builds for. */
export const DEFAULT_PLATFORMS: readonly string[] = ['linux/amd64'];

/**
 * planFromValue validates `value` (a parsed YAML document or a TypeScript object) against
 * the config schema and normalises it into an ImagePlan. `baseDir` is the absolute host
 * directory relative inputs are resolved against; problems are reported through `loc`.
 */
export function planFromValue(value: unknown, baseDir: string, loc: Locator): ImagePlan {
  const spec = configSchema.validate(value, [], loc.report);
  return normaliseSpec(spec, baseDir, loc);
}

/** normaliseSpec makes an already validated ImageSpec into an ImagePlan. */
export function normaliseSpec(spec: ImageSpec, baseDir: string, loc: Locator): ImagePlan {
  const accounts = normaliseAccounts(spec, loc);
  const platforms: Platform[] = (spec.platforms ?? DEFAULT_PLATFORMS).map((p) => parsePlatform(p)!);
  return {
    platforms,
    base: { kind: 'scratch' },
    contents: normaliseFiles(spec.files ?? [], baseDir, accounts, loc),
    users: accounts.users,
    groups: accounts.groups,
    config: normaliseRuntime(spec.config, accounts),
    annotations: Object.fromEntries(Object.entries(spec.annotations ?? {})),
    compression: spec.compression ?? 'gzip',
    ...compressionLevel(spec, loc),
    layers: normaliseLayers(spec.layers),
    paths: { exclude: [...(spec.paths?.exclude ?? [])], keep: [...(spec.paths?.keep ?? DEFAULT_KEEP)] },
    ...(spec.apt !== undefined ? { apt: normaliseApt(spec.apt, baseDir, loc) } : {}),
  };
}

function normaliseLayers(spec: ImageSpec['layers']): LayerPlan {
  const strategy = typeof spec === 'string' ? spec : spec?.strategy ?? 'grouped';
  if (strategy !== 'grouped') return { kind: strategy };
  return { kind: 'grouped', max: (typeof spec === 'object' ? spec.max : undefined) ?? DEFAULT_GROUPED_MAX };
}

function compressionLevel(spec: ImageSpec, loc: Locator): { compressionLevel?: number } {
  const level = spec['compression-level'];
  if (level === undefined) return {};
  const compression = spec.compression ?? 'gzip';
  const max = compression === 'gzip' ? 9 : compression === 'zstd' ? 19 : 0;
  if (level > max) {
    throw loc.report({
      code: 'ERR_CONFIG_INVALID_VALUE',
      path: ['compression-level'],
      target: 'value',
      problem: compression === 'none' ? 'is set, but compression is none' : `${level} is above ${max}, the highest ${compression} level`,
      hint: compression === 'none' ? 'remove compression-level, or choose compression: gzip or zstd' : `use a level from 1 to ${max}`,
    });
  }
  return { compressionLevel: level };
}
