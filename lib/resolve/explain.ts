/**
 * explainPackage: why a resolution holds a package — the chain of relations from a requested
 * (or essential) package down to it, as `slipway why` prints it.
 */
import type { Resolution } from './resolve-packages.js';

/** WhyStep is one link: `parent` pulled in `name` through `field: relation`. */
export interface WhyStep {
  readonly name: string;
  readonly version: string;
  /** how: `requested`, `essential`, or `Depends: libc6 (>= 2.34)` of `parent`. */
  readonly how: string;
  readonly parent?: string;
}

/**
 * explainPackage returns the chain for `name` in `resolution`, from the package itself up to
 * the requested one (first step: the package); undefined when the resolution does not hold it.
 */
export function explainPackage(resolution: Resolution, name: string): WhyStep[] | undefined {
  const byName = new Map(resolution.packages.map((p) => [p.name, p]));
  const steps: WhyStep[] = [];
  const seen = new Set<string>();
  let current = byName.get(name);
  if (current === undefined) return undefined;
  while (current !== undefined && !seen.has(current.name)) {
    seen.add(current.name);
    const r = current.reason;
    if (r.kind !== 'relation') {
      steps.push({ name: current.name, version: current.version, how: r.kind });
      break;
    }
    steps.push({ name: current.name, version: current.version, how: `${r.field}: ${r.relation}`, parent: r.parent });
    current = byName.get(r.parent.split(' ')[0]!);
  }
  return steps;
}
