/**
 * Universe: the packages of one architecture as apt's cache sees them — versions of each
 * package sorted as apt sorts them, the candidate version by pin priority and version,
 * providers of virtual names in apt's order, parsed relations, and the package IDs apt's
 * cache builder would give (its last tie-breaker). Built lazily over a PackageIndex, so that
 * only the packages a resolution touches are ever parsed.
 */
import type { PackageIndex, PackageRecord } from '../apt/index.js';
import { compareVersions } from './debian-version.js';
import { parseRelations, satisfiesVersion, type Relation } from './relation.js';

/** DEFAULT_PIN is apt's priority of an index without NotAutomatic/ButAutomaticUpgrades. */
export const DEFAULT_PIN = 500;

/** RelationKind names the fields the resolver reads, in the order apt stores them. */
export type RelationKind = 'Pre-Depends' | 'Depends' | 'Conflicts' | 'Breaks' | 'Recommends';

/** DepGroup is one OR group of a version's relations. */
export interface DepGroup {
  readonly kind: RelationKind;
  readonly members: readonly Relation[];
  /** text is the group as written, for explanations. */
  readonly text: string;
}

/** Version is one version of a package: its record, pin and (parsed on first use) relations. */
export interface Version {
  readonly pkg: Package;
  readonly record: PackageRecord;
  readonly version: string;
  readonly pin: number;
  /** deps are the OR groups in apt's stored order: Pre-Depends, Depends, Conflicts, Breaks, Recommends. */
  readonly deps: readonly DepGroup[];
  /** provides are the Provides relations (name, optional `= version`). */
  readonly provides: readonly Relation[];
}

/** Package is every version of one name for the architecture, highest first. */
export interface Package {
  readonly name: string;
  /** architecture is the universe's (native) architecture; `all` versions count as native, as in apt. */
  readonly architecture: string;
  readonly versions: readonly Version[];
}

const KINDS: readonly [RelationKind, keyof PackageRecord][] = [
  ['Pre-Depends', 'preDepends'],
  ['Depends', 'depends'],
  ['Conflicts', 'conflicts'],
  ['Breaks', 'breaks'],
  ['Recommends', 'recommends'],
];

/** PRIORITY_RANK is apt's numeric Priority (lower sorts first); a missing field is 0. */
const PRIORITY_RANK: Readonly<Record<string, number>> = { required: 1, important: 2, standard: 3, optional: 4, extra: 5 };

/** priorityRank is the numeric Priority of a record as apt stores it (missing 0, unknown 5). */
export function priorityRank(record: PackageRecord): number {
  if (record.priority === undefined) return 0;
  return PRIORITY_RANK[record.priority.toLowerCase()] ?? 5;
}

class LazyVersion implements Version {
  #deps: DepGroup[] | undefined;
  #provides: Relation[] | undefined;
  constructor(
    readonly pkg: Package,
    readonly record: PackageRecord,
    readonly pin: number,
  ) {}

  get version(): string {
    return this.record.version;
  }

  get deps(): readonly DepGroup[] {
    if (this.#deps === undefined) {
      const out: DepGroup[] = [];
      for (const [kind, key] of KINDS) {
        const text = this.record[key] as string | undefined;
        if (text === undefined) continue;
        const groups = parseRelations(text, { field: kind });
        const parts = text.split(',');
        groups.forEach((members, i) => out.push({ kind, members, text: (parts[i] ?? '').trim() }));
      }
      this.#deps = out;
    }
    return this.#deps;
  }

  get provides(): readonly Relation[] {
    this.#provides ??= this.record.provides === undefined ? [] : parseRelations(this.record.provides, { field: 'Provides' }).map((g) => g[0]!);
    return this.#provides;
  }
}

/**
 * Universe answers the resolver's questions about one architecture's packages. Records of
 * other architectures than `architecture` and `all` are ignored, as apt ignores them for a
 * single-architecture system.
 */
/** ID_CACHE keeps the package IDs of an index per architecture: one pass over every record, done once. */
const ID_CACHE = new WeakMap<PackageIndex, Map<string, Map<string, number>>>();

export class Universe {
  readonly architecture: string;
  readonly #index: PackageIndex;
  readonly #packages = new Map<string, Package | null>();
  #ids: Map<string, number> | undefined;

  constructor(index: PackageIndex, architecture: string) {
    this.#index = index;
    this.architecture = architecture;
  }

  /** package returns the package `name` (undefined when the name has no record for this architecture). */
  package(name: string): Package | undefined {
    let pkg = this.#packages.get(name);
    if (pkg === undefined) {
      const records = this.#index.byName(name).filter((r) => r.architecture === this.architecture || r.architecture === 'all');
      pkg = records.length === 0 ? null : this.#build(name, records);
      this.#packages.set(name, pkg);
    }
    return pkg ?? undefined;
  }

  #build(name: string, records: readonly PackageRecord[]): Package {
    const versions: LazyVersion[] = [];
    const pkg: Package = { name, architecture: this.architecture, versions };
    for (const r of records) {
      // One version per (version, file): apt merges identical records from several indices.
      const same = versions.find((v) => v.record.version === r.version && v.record.sha256 === r.sha256);
      const pin = r.origin.pin ?? DEFAULT_PIN;
      if (same !== undefined) {
        if (pin > same.pin) versions[versions.indexOf(same)] = new LazyVersion(pkg, same.record, pin);
        continue;
      }
      versions.push(new LazyVersion(pkg, r, pin));
    }
    // Highest version first; equal version strings keep parse order (a stable sort).
    versions.sort((a, b) => compareVersions(b.version, a.version));
    return pkg;
  }

  /** providers returns the versions whose Provides names `name`, in apt's order (reverse parse order). */
  providers(name: string): { readonly version: Version; readonly provide: Relation }[] {
    const out: { version: Version; provide: Relation }[] = [];
    const records = this.#index.byProvides(name);
    for (let i = records.length - 1; i >= 0; i--) {
      const r = records[i]!;
      if (r.architecture !== this.architecture && r.architecture !== 'all') continue;
      const version = this.package(r.name)?.versions.find((v) => v.record === r || (v.record.version === r.version && v.record.sha256 === r.sha256));
      if (version === undefined) continue;
      for (const p of version.provides) if (p.name === name && (p.arch === undefined || p.arch === 'any' || p.arch === this.architecture)) out.push({ version, provide: p });
    }
    return out;
  }

  /** hasName tells whether any record (of any architecture) or Provides uses `name`. */
  knows(name: string): boolean {
    return this.#index.has(name) || this.#index.byProvides(name).length > 0;
  }

  /** names returns every package name of the index (for suggestions). */
  names(): Iterable<string> {
    return this.#index.names();
  }

  /**
   * id is the package ID apt's cache builder would give `name`: the order of first mention
   * while reading the indices (a stanza's own name, then its relation targets, then its
   * Provides). Computed on first use, with one pass over every record.
   */
  id(name: string): number {
    this.#ids ??= ID_CACHE.get(this.#index)?.get(this.architecture);
    if (this.#ids === undefined) {
      const ids = new Map<string, number>();
      const mention = (n: string) => {
        if (!ids.has(n)) ids.set(n, ids.size);
      };
      const known = this.#index.mentions();
      if (known !== undefined) {
        // Recorded while the indices were read: no record needs parsing.
        for (const token of known) {
          const colon = token.indexOf(':');
          if (colon < 0) mention(token);
          else if (token.slice(colon + 1) === 'native' || token.slice(colon + 1) === this.architecture) mention(token.slice(0, colon));
        }
        this.#ids = ids;
      }
    }
    if (this.#ids === undefined) {
      const ids = new Map<string, number>();
      const mention = (n: string) => {
        if (!ids.has(n)) ids.set(n, ids.size);
      };
      for (const r of this.#index) {
        if (r.architecture !== this.architecture && r.architecture !== 'all') continue;
        mention(r.name);
        // apt's field order: Pre-Depends, Depends, Conflicts, Breaks, Recommends, Suggests, Replaces, Enhances, then Provides.
        for (const text of [r.preDepends, r.depends, r.conflicts, r.breaks, r.recommends, r.suggests, r.replaces, r.enhances, r.provides]) {
          mentionTargets(text, this.architecture, mention);
        }
      }
      this.#ids = ids;
      let byArch = ID_CACHE.get(this.#index);
      if (byArch === undefined) ID_CACHE.set(this.#index, (byArch = new Map()));
      byArch.set(this.architecture, ids);
    }
    return this.#ids.get(name) ?? -1;
  }
}

/**
 * mentionTargets calls `fn` with each target of a relation field that is the native package
 * of its name (`name`, `name:native`, `name:ARCH`); `name:any` names a pseudo package of its own.
 */
function mentionTargets(text: string | undefined, architecture: string, fn: (name: string) => void): void {
  if (text === undefined) return;
  for (const part of text.split(/[,|]/)) {
    const m = /^\s*([a-z0-9][a-z0-9+.-]*)(?::([a-z0-9-]+))?/.exec(part.toLowerCase());
    if (m && (m[2] === undefined || m[2] === 'native' || m[2] === architecture)) fn(m[1]!);
  }
}

/**
 * qualifierFits: a relation's architecture qualifier can be met on a single-architecture
 * system of `architecture`: none, `:any`, `:native` or the native name; another
 * architecture's (`foo:arm64` on amd64) names packages that are not there.
 */
function qualifierFits(rel: Relation, architecture: string): boolean {
  return rel.arch === undefined || rel.arch === 'any' || rel.arch === 'native' || rel.arch === architecture;
}

/**
 * satisfies tells whether version `v` of the relation's target satisfies `rel`'s version
 * constraint and architecture qualifier (`:any` needs Multi-Arch: allowed).
 */
export function satisfies(v: Version, rel: Relation): boolean {
  if (!qualifierFits(rel, v.pkg.architecture)) return false;
  if (rel.arch === 'any' && v.record.multiArch !== 'allowed') return false;
  if (rel.op === undefined || rel.version === undefined) return true;
  return satisfiesVersion(v.version, rel.op, rel.version);
}

/** providesSatisfy tells whether a Provides entry satisfies `rel`: unversioned Provides never satisfy a versioned relation. */
export function providesSatisfy(provide: Relation, providerVersion: Version, rel: Relation): boolean {
  if (!qualifierFits(rel, providerVersion.pkg.architecture)) return false;
  if (rel.arch === 'any' && providerVersion.record.multiArch !== 'allowed' && provide.arch !== 'any') return false;
  if (rel.op === undefined || rel.version === undefined) return true;
  if (provide.version === undefined) return false;
  return satisfiesVersion(provide.version, rel.op, rel.version);
}
