/**
 * apt packages: the validated package keys of the `apt:` section made into the plan's
 * packages, recommends, essential and exclude, with defaults filled in and every package
 * name listed once.
 */
import type { AptPackagePlan, AptPlan } from '../plan/index.js';
import { splitPackageRequest } from './apt-package-fields.js';
import type { AptSpec } from './image-spec.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import type { Locator } from './locate.js';

/** AptPackagesPlan is the part of an AptPlan that says what to install. */
export type AptPackagesPlan = Omit<AptPlan, 'sources'>;

/** where renders `path` for a message, with its line and column when known: `apt.packages[0] (line 3, column 7)`. */
function where(path: KeyPath, loc: Locator): string {
  const { line, column } = loc.at(path);
  return `${formatKeyPath(path)}${line !== undefined ? ` (line ${line}, column ${column ?? 1})` : ''}`;
}

/** Throws at the first name of the list at `apt.<key>` that repeats an earlier one, naming both items. */
function checkRepeats(names: readonly string[], key: 'packages' | 'exclude', loc: Locator, hint: (first: number, again: number) => string): void {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    const j = first.get(name);
    if (j === undefined) {
      first.set(name, i);
      return;
    }
    throw loc.report({
      code: 'ERR_CONFIG_INVALID_VALUE',
      path: ['apt', key, i],
      target: 'value',
      problem: `package ${JSON.stringify(name)} is listed twice: also at ${where(['apt', key, j], loc)}`,
      hint: hint(j, i),
    });
  });
}

/** Throws at the first excluded name that is also requested in `packages`, naming both items. */
function checkExcludedRequests(packages: readonly AptPackagePlan[], exclude: readonly string[], loc: Locator): void {
  exclude.forEach((name, i) => {
    const j = packages.findIndex((p) => p.name === name);
    if (j < 0) return;
    throw loc.report({
      code: 'ERR_CONFIG_INVALID_VALUE',
      path: ['apt', 'exclude', i],
      target: 'value',
      problem: `package ${JSON.stringify(name)} is excluded but requested at ${where(['apt', 'packages', j], loc)}`,
      hint: 'remove it from apt.exclude or from apt.packages: an excluded package is never installed',
    });
  });
}

/**
 * normaliseAptPackages turns the package keys of a validated `apt:` section into plan fields:
 * packages split into name and version (in the order written), flags defaulted to false,
 * exclude defaulted to none. Throws ERR_CONFIG_INVALID_VALUE when a name repeats in
 * `packages` or in `exclude`, or is in both; the error is at the later item and names the other.
 */
export function normaliseAptPackages(spec: AptSpec, loc: Locator): AptPackagesPlan {
  const packages: AptPackagePlan[] = (spec.packages ?? []).map((text, i) => {
    const { name, version } = splitPackageRequest(text);
    return { name, ...(version !== undefined ? { version } : {}), at: loc.at(['apt', 'packages', i]) };
  });
  checkRepeats(
    packages.map((p) => p.name),
    'packages',
    loc,
    (j, i) =>
      packages[j]!.version !== undefined || packages[i]!.version !== undefined
        ? 'list each package once: keep the one item with the version you want (name=version), or the name alone for the candidate version'
        : 'list each package once: remove one of the two',
  );
  const exclude = [...(spec.exclude ?? [])];
  checkRepeats(exclude, 'exclude', loc, () => 'list each package once: remove one of the two');
  checkExcludedRequests(packages, exclude, loc);
  return {
    packages,
    recommends: spec.recommends ?? false,
    essential: spec.essential ?? false,
    exclude,
    database: spec.database ?? 'dpkg',
    ...(spec['merged-usr'] !== undefined ? { mergedUsr: spec['merged-usr'] } : {}),
  };
}
