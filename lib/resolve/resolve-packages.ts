/**
 * resolvePackages: the package set `apt-get install --no-install-recommends` would choose on
 * an empty system, for one architecture, from the loaded indices: requests are marked in
 * order (each protected), then their dependencies depth first (DepCache), then what nothing
 * needs is swept away again; a broken result is explained rather than repaired.
 */
import type { PackageIndex, PackageRecord } from '../apt/index.js';
import { closestName } from '../core/index.js';
import { sweepGarbage } from './auto-remove.js';
import { candidateOf, DepCache, type Reason } from './dep-cache.js';
import type { Relation } from './relation.js';
import { ResolveError, type RejectedCandidate } from './resolve-error.js';
import { providesSatisfy, satisfies, Universe, type Package, type Version } from './universe.js';

/** PackageRequest is one requested package: `name`, or `name=version` for an exact version. */
export interface PackageRequest {
  readonly name: string;
  /** version pins the version (apt's `name=version`; a trailing `*` matches a prefix). */
  readonly version?: string;
}

/** ResolveOptions say for which architecture and what else to install. */
export interface ResolveOptions {
  /** architecture is the Debian architecture (amd64, arm64, armhf, ...). */
  readonly architecture: string;
  /** recommends installs Recommends too (default false, as --no-install-recommends). */
  readonly recommends?: boolean;
  /** essential adds every package with `Essential: yes` (a minimal Debian base), before the requests. */
  readonly essential?: boolean;
  /** exclude names packages that must never be installed (their dependents take another alternative or fail). */
  readonly exclude?: readonly string[];
  /** stats, when given, receives how many marking attempts did work (tests bound the work by it). */
  readonly stats?: { attempts: number };
}

/** ResolvedPackage is one package of a resolution, with why it is there. */
export interface ResolvedPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly record: PackageRecord;
  /** reason: requested, essential, or the relation of another package that pulled it in. */
  readonly reason: Reason | { readonly kind: 'essential' };
}

/** Resolution is the chosen package set of one architecture, sorted by name. */
export interface Resolution {
  readonly architecture: string;
  readonly packages: readonly ResolvedPackage[];
}

/** parsePackageRequest reads `name` or `name=version` (as apt-get takes them). */
export function parsePackageRequest(text: string): PackageRequest {
  const eq = text.indexOf('=');
  return eq < 0 ? { name: text.trim().toLowerCase() } : { name: text.slice(0, eq).trim().toLowerCase(), version: text.slice(eq + 1).trim() };
}

function matchesVersion(v: Version, wanted: string): boolean {
  if (wanted.endsWith('*')) return v.version.toLowerCase().startsWith(wanted.slice(0, -1).toLowerCase());
  return v.version.toLowerCase() === wanted.toLowerCase();
}

/** requestedPackage finds the package for a request: real, or a virtual name whose candidates all belong to one package (apt's "selecting X instead of V"). */
function requestedPackage(u: Universe, cache: DepCache, req: PackageRequest): Package {
  const pkg = u.package(req.name);
  if (pkg !== undefined) return pkg;
  const providers = u.providers(req.name).filter((p) => cache.state(p.version.pkg).candidate === p.version);
  const owners = [...new Set(providers.map((p) => p.version.pkg))];
  if (owners.length === 1) return owners[0]!;
  if (owners.length > 1) {
    throw new ResolveError('ERR_RESOLVE_VIRTUAL', req.name, `is a virtual package provided by ${owners.map((p) => p.name).sort().join(', ')}`, { hint: 'name the one you want in apt.packages' });
  }
  if (u.knows(req.name)) {
    throw new ResolveError('ERR_RESOLVE_VIRTUAL', req.name, `is a virtual package with no installable provider for ${u.architecture}`, { hint: 'check the name, the architecture and the sources' });
  }
  const suggestion = closestName(req.name, u.names());
  throw new ResolveError('ERR_RESOLVE_UNKNOWN_PACKAGE', req.name, `is not in any configured repository for ${u.architecture}`, {
    hint: suggestion ? `did you mean "${suggestion}"?` : 'check the name and the sources (apt.sources)',
  });
}

function chainOf(cache: DepCache, name: string): string[] {
  const chain: string[] = [];
  const seen = new Set<string>();
  let current: string | undefined = name;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const v = cache.installedVersion(current);
    const why = v === undefined ? undefined : cache.marked().find((m) => m.version === v)?.why;
    if (why === undefined || why.kind !== 'relation') break;
    chain.push(`${why.parent} (${why.field}: ${why.relation})`);
    current = why.parent.split(' ')[0];
  }
  return chain;
}

function relevant(cache: DepCache, parent: string): RejectedCandidate[] {
  return cache.rejections.filter((r) => r.parent === parent);
}

/** MAX_FIX_PASSES bounds the repair passes, as apt's problem resolver makes at most 20. */
const MAX_FIX_PASSES = 20;

/**
 * fixByInstall is the part of apt's problem resolver that matters on an empty system
 * (algorithms.cc, FixByInstall): a marked package whose dependency group became unmet (a
 * Conflicts of a later package unmarked what satisfied it) gets another solution of that
 * group marked, in CompareProviders order. Whatever stays broken is reported by checkBroken.
 */
function fixByInstall(cache: DepCache, u: Universe): void {
  // A solution that would break a Conflicts/Breaks with what is marked is undone by apt; skip it.
  const clashes = (sol: Version) =>
    sol.deps.some((g) => (g.kind === 'Conflicts' || g.kind === 'Breaks') && g.members.some((rel) => conflictingMarked(cache, u, sol, rel) !== undefined)) ||
    cache.marked().some(({ version: m }) => m.deps.some((g) => (g.kind === 'Conflicts' || g.kind === 'Breaks') && g.members.some((rel) => hits(u, m, rel, sol))));
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    let changed = false;
    for (const { version: v } of cache.marked()) {
      if (cache.installedVersion(v.pkg.name) !== v) continue;
      for (const g of v.deps) {
        if (g.kind !== 'Depends' && g.kind !== 'Pre-Depends') continue;
        if (g.members.some((rel) => cache.depInstall(rel))) continue;
        for (const sol of cache.sortedSolutions(g)) {
          if (cache.state(sol.pkg).candidate !== sol || clashes(sol)) continue;
          if (cache.markInstall(sol.pkg, true, 0, false, { kind: 'relation', parent: `${v.pkg.name} ${v.version}`, field: g.kind, relation: g.text })) {
            changed = true;
            break;
          }
        }
      }
    }
    if (!changed) return;
  }
}

/** checkBroken throws when a marked package's Depends are unmet or a Conflicts/Breaks holds among marked packages. */
function checkBroken(cache: DepCache, u: Universe, garbage: ReadonlySet<string>): void {
  for (const { version: v } of cache.marked()) {
    // Leftovers the sweep drops are not installed, so their state does not matter (as in apt).
    if (garbage.has(v.pkg.name)) continue;
    for (const g of v.deps) {
      if (g.kind === 'Depends' || g.kind === 'Pre-Depends') {
        if (!g.members.some((rel) => cache.depInstall(rel))) {
          throw new ResolveError('ERR_RESOLVE_UNSATISFIABLE', `${v.pkg.name} ${v.version}`, `${g.kind}: ${g.text} cannot be satisfied`, {
            chain: chainOf(cache, v.pkg.name),
            rejected: relevant(cache, v.pkg.name),
            hint: 'pin another version, add a repository that has the dependency, or drop the package',
          });
        }
      } else if (g.kind === 'Conflicts' || g.kind === 'Breaks') {
        for (const rel of g.members) {
          const hit = conflictingMarked(cache, u, v, rel);
          if (hit !== undefined && !garbage.has(hit.pkg.name)) {
            const hitWhy = chainOf(cache, hit.pkg.name).join(' <- ') || 'requested';
            throw new ResolveError('ERR_RESOLVE_CONFLICT', `${v.pkg.name} ${v.version}`, `${g.kind}: ${g.text}, but ${hit.pkg.name} ${hit.version} is chosen too (${hit.pkg.name} is there because: ${hitWhy})`, {
              chain: chainOf(cache, v.pkg.name),
              rejected: relevant(cache, v.pkg.name),
              hint: 'request one of the two only, or exclude one with apt.exclude',
            });
          }
        }
      }
    }
  }
}

/** hits tells whether negative relation `rel` of `self` is satisfied by version `v` (directly or through its Provides). */
function hits(u: Universe, self: Version, rel: Relation, v: Version): boolean {
  if (v.pkg === self.pkg) return false;
  if (v.pkg.name === rel.name && satisfies(v, rel)) return true;
  return v.provides.some((p) => p.name === rel.name && providesSatisfy(p, v, rel));
}

function conflictingMarked(cache: DepCache, u: Universe, self: Version, rel: Relation): Version | undefined {
  const t = cache.installedVersion(rel.name);
  if (t !== undefined && t.pkg !== self.pkg && satisfies(t, rel)) return t;
  for (const p of u.providers(rel.name)) {
    if (p.version.pkg === self.pkg) continue;
    if (cache.installedVersion(p.version.pkg.name) === p.version && providesSatisfy(p.provide, p.version, rel)) return p.version;
  }
  return undefined;
}

/**
 * resolvePackages chooses the packages to install for `requests` from `index`, as apt 2.6
 * does on an empty system (docs/resolver.md). Throws a ResolveError: ERR_RESOLVE_UNKNOWN_PACKAGE
 * (with a close name), ERR_RESOLVE_VIRTUAL, ERR_RESOLVE_UNSATISFIABLE (with the chain and the
 * rejected candidates) or ERR_RESOLVE_CONFLICT.
 */
export function resolvePackages(requests: readonly PackageRequest[], index: PackageIndex, opts: ResolveOptions): Resolution {
  const u = new Universe(index, opts.architecture);
  const cache = new DepCache(u, { recommends: opts.recommends ?? false });
  for (const name of opts.exclude ?? []) {
    const pkg = u.package(name);
    if (pkg !== undefined) cache.state(pkg).candidate = null;
  }
  const essentials = opts.essential ? essentialRequests(u, index).filter((r) => !opts.exclude?.includes(r.name)) : [];
  const all: PackageRequest[] = [...essentials, ...requests];
  const pkgs: Package[] = [];
  for (const req of all) {
    const pkg = requestedPackage(u, cache, req);
    if (req.version !== undefined) {
      const v = pkg.versions.find((x) => matchesVersion(x, req.version!));
      if (v === undefined) {
        throw new ResolveError('ERR_RESOLVE_UNSATISFIABLE', `${req.name}=${req.version}`, `no such version; the repositories have ${pkg.versions.map((x) => x.version).join(', ')}`, {
          hint: 'pin a version the repositories have, or drop the pin',
        });
      }
      cache.setCandidate(v);
    } else if (pkgs.includes(pkg)) {
      // As apt-get: each argument sets the candidate, so a later plain name undoes an earlier pin.
      const c = candidateOf(pkg);
      if (c !== null) cache.setCandidate(c);
    }
    if (opts.exclude?.includes(pkg.name)) throw new ResolveError('ERR_RESOLVE_UNSATISFIABLE', pkg.name, 'is both requested and excluded', { hint: 'remove it from apt.exclude or from the packages' });
    if (cache.state(pkg).candidate === null) throw new ResolveError('ERR_RESOLVE_UNSATISFIABLE', pkg.name, `has no installable version for ${opts.architecture}`);
    cache.protect(pkg);
    cache.markInstall(pkg, false, 0, true);
    if (!pkgs.includes(pkg)) pkgs.push(pkg);
  }
  try {
    for (const pkg of pkgs) cache.markInstall(pkg, true, 0, true);
    fixByInstall(cache, u);
  } finally {
    if (opts.stats) opts.stats.attempts = cache.attempts;
  }
  const garbage = sweepGarbage(cache, u);
  checkBroken(cache, u, garbage);
  const essentialNames = new Set(essentials.map((r) => r.name));
  const kept = new Map(cache.marked().filter((m) => !garbage.has(m.version.pkg.name)).map((m) => [m.version.pkg.name, m.version]));
  const reasonOf = (m: { version: Version; why: Reason | undefined }): Reason | undefined => {
    if (m.why?.kind !== 'relation' || kept.has(m.why.parent.split(' ')[0]!)) return m.why;
    // The package that first pulled it in was dropped again; name one that is installed and needs it.
    for (const parent of kept.values()) {
      for (const g of parent.deps) {
        if (g.kind === 'Conflicts' || g.kind === 'Breaks') continue;
        if (g.members.some((rel) => (rel.name === m.version.pkg.name && satisfies(m.version, rel)) || m.version.provides.some((p) => p.name === rel.name && providesSatisfy(p, m.version, rel)))) {
          return { kind: 'relation', parent: `${parent.pkg.name} ${parent.version}`, field: g.kind, relation: g.text };
        }
      }
    }
    return m.why;
  };
  const packages: ResolvedPackage[] = cache
    .marked()
    .filter((m) => !garbage.has(m.version.pkg.name))
    .map((m) => ({
      name: m.version.pkg.name,
      version: m.version.version,
      architecture: m.version.record.architecture,
      record: m.version.record,
      reason: essentialNames.has(m.version.pkg.name) && !requests.some((r) => r.name === m.version.pkg.name) ? { kind: 'essential' as const } : (reasonOf(m) ?? { kind: 'requested' as const }),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { architecture: opts.architecture, packages };
}

function essentialRequests(u: Universe, index: PackageIndex): PackageRequest[] {
  const names: string[] = [];
  for (const name of index.names()) {
    const pkg = u.package(name);
    const cand = pkg === undefined ? null : candidateOf(pkg);
    if (cand?.record.essential) names.push(name);
  }
  return names.sort().map((name) => ({ name }));
}
