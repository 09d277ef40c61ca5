/**
 * The TypeScript frontend: an ImageSpec object validated with the same schema as the YAML
 * file and normalised into an ImagePlan.
 */
import { isAbsolute } from 'node:path';
import type { ImagePlan } from '../plan/index.js';
import type { ImageSpec } from './image-spec.js';
import { createLocator, type Position } from './locate.js';
import { planFromValue } from './normalise.js';

/** PlanFromSpecOptions are the options of {@link planFromSpec}. */
export interface PlanFromSpecOptions {
  /** Absolute host directory that relative inputs (src patterns, tarball paths) resolve against. */
  readonly baseDir: string;
  /** Names the origin of the spec in errors and item locations, and becomes the plan's `file`. */
  readonly file?: string;
  /** Gives the 1-based line and column of a key path, when the caller knows them. */
  readonly locate?: (keyPath: (string | number)[]) => Position | undefined;
}

/**
 * planFromSpec validates `spec` with the config schema (so problems are the same
 * ConfigErrors a YAML file gets, located by key path) and normalises it into an ImagePlan.
 */
export function planFromSpec(spec: ImageSpec, opts: PlanFromSpecOptions): ImagePlan {
  if (!isAbsolute(opts.baseDir)) throw new TypeError(`planFromSpec: baseDir must be absolute, got ${JSON.stringify(opts.baseDir)}`);
  const locate = opts.locate;
  const loc = createLocator(opts.file, locate ? (path) => locate([...path]) : undefined);
  const plan = planFromValue(spec, opts.baseDir, loc);
  return opts.file !== undefined ? { ...plan, file: opts.file } : plan;
}
