/**
 * selectPlatforms: the platforms a run builds — the plan's, or those named on the command line.
 */
import { SlipwayError } from '../core/index.js';
import { formatPlatform, parsePlatform, type ImagePlan, type Platform } from '../plan/index.js';

/**
 * selectPlatforms returns `names` parsed (ERR_USAGE for an unknown or repeated one), or the
 * plan's platforms when `names` is empty or absent.
 */
export function selectPlatforms(plan: ImagePlan, names: readonly string[] | undefined): Platform[] {
  if (!names || names.length === 0) return [...plan.platforms];
  const seen = new Set<string>();
  return names.map((name) => {
    const p = parsePlatform(name);
    if (!p) throw new SlipwayError('ERR_USAGE', `--platform ${name}: unknown platform`, { hint: 'use os/arch[/variant], e.g. linux/amd64 or linux/arm/v7' });
    const key = formatPlatform(p);
    if (seen.has(key)) throw new SlipwayError('ERR_USAGE', `--platform ${name}: ${key} is named twice`, { hint: 'name each platform once' });
    seen.add(key);
    return p;
  });
}
