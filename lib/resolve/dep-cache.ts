/**
 * DepCache: apt 2.6's marking algorithm (apt-pkg/depcache.cc, pkgDepCache::MarkInstall and
 * helpers), reproduced over a Universe for an empty system: packages are marked for install
 * depth first, dependency groups in stored order, alternatives in OR order with providers
 * sorted as apt's CompareProviders sorts them; requested packages are protected and the
 * protection spreads down single-solution dependencies; a protected package's Conflicts and
 * Breaks discard the candidates they hit. docs/resolver.md states the rules and where they
 * knowingly differ from apt.
 */
import type { Relation } from './relation.js';
import { priorityRank, providesSatisfy, satisfies, type DepGroup, type Package, type Universe, type Version } from './universe.js';

/** MAX_DEPTH is apt's recursion bound for MarkInstall. */
const MAX_DEPTH = 3000;

/** MAX_REJECTIONS bounds the rejections kept for explanations. */
const MAX_REJECTIONS = 1000;

/** State is what the cache knows of one package during a run. */
interface State {
  /** candidate is the version apt would install; null once discarded. */
  candidate: Version | null;
  /** install is the marked version, when the package is marked for install. */
  install: Version | undefined;
  protected: boolean;
  auto: boolean;
  /** why is the relation that first marked the package, for explanations. */
  why: Reason | undefined;
}

/** Reason says why a package was marked: requested, or pulled in by a relation of another package. */
export type Reason = { readonly kind: 'requested' } | { readonly kind: 'relation'; readonly parent: string; readonly field: string; readonly relation: string };

/** Rejection records why an alternative was not taken, for explanations. */
export interface Rejection {
  readonly parent: string;
  readonly group: string;
  readonly candidate: string;
  readonly reason: string;
}

const CRITICAL = new Set(['Pre-Depends', 'Depends', 'Conflicts', 'Breaks']);
const NEGATIVE = new Set(['Conflicts', 'Breaks']);

/** DepCache holds the marking state of one resolution. */
export class DepCache {
  readonly #u: Universe;
  readonly #states = new Map<string, State>();
  readonly #recommends: boolean;
  /** rejections are the alternatives tried and not taken, in order (at most MAX_REJECTIONS). */
  readonly rejections: Rejection[] = [];
  /** lastRejection is the latest rejection recorded against each package, for explanations. */
  readonly #lastRejection = new Map<string, Rejection>();
  /**
   * epoch counts changes to the marking state that can make a failed attempt succeed later
   * (a package marked for good, a candidate discarded, a package unmarked or protected);
   * failedAt remembers at which epoch a package failed, so the same attempt in the same
   * state is not repeated — without it, a failing chain of alternatives is retried along
   * every path, exponentially.
   */
  #epoch = 0;
  readonly #failedAt = new Map<string, number>();
  /** attempts counts markInstall calls that did real work (for tests that bound the work). */
  attempts = 0;

  #reject(r: Rejection): void {
    if (this.rejections.length < MAX_REJECTIONS) this.rejections.push(r);
    this.#lastRejection.set(r.parent, r);
  }

  /** fail records that `pkg` failed, when the attempt left the state as it found it (so the same attempt would fail again). */
  #fail(pkg: Package, epochAtStart: number): false {
    if (this.#epoch === epochAtStart) this.#failedAt.set(pkg.name, epochAtStart);
    return false;
  }

  /** changed notes a change of the marking state that may let a failed package succeed. */
  #changed(): void {
    this.#epoch++;
  }

  constructor(universe: Universe, opts: { recommends?: boolean } = {}) {
    this.#u = universe;
    this.#recommends = opts.recommends ?? false;
  }

  /** state returns the state of `pkg`, making it on first use (candidate per pins, §1). */
  state(pkg: Package): State {
    let s = this.#states.get(pkg.name);
    if (s === undefined) {
      s = { candidate: candidateOf(pkg), install: undefined, protected: false, auto: false, why: undefined };
      this.#states.set(pkg.name, s);
    }
    return s;
  }

  /** setCandidate makes `v` the candidate of its package (a `name=version` request). */
  setCandidate(v: Version): void {
    this.state(v.pkg).candidate = v;
    this.#changed();
  }

  /** protect marks `pkg` protected (apt-get protects every requested package). */
  protect(pkg: Package): void {
    this.state(pkg).protected = true;
    this.#changed();
  }

  /** marked returns every package marked for install with its version and reason. */
  marked(): { readonly version: Version; readonly auto: boolean; readonly why: Reason | undefined }[] {
    const out: { version: Version; auto: boolean; why: Reason | undefined }[] = [];
    for (const s of this.#states.values()) if (s.install !== undefined) out.push({ version: s.install, auto: s.auto, why: s.why });
    return out;
  }

  /** isMarked tells whether package `name` is marked for install. */
  installedVersion(name: string): Version | undefined {
    return this.#states.get(name)?.install;
  }

  // --- satisfaction -------------------------------------------------------------------

  /** depInstall: a marked package (the target or a provider) satisfies `rel`. */
  depInstall(rel: Relation): boolean {
    const target = this.#u.package(rel.name);
    const tv = target && this.#states.get(target.name)?.install;
    if (tv !== undefined && satisfies(tv, rel)) return true;
    for (const p of this.#u.providers(rel.name)) {
      if (this.#states.get(p.version.pkg.name)?.install === p.version && providesSatisfy(p.provide, p.version, rel)) return true;
    }
    return false;
  }

  /** depCVer: a candidate (the target's or a provider's) satisfies `rel`. */
  depCVer(rel: Relation): boolean {
    return this.solutionsOf(rel).length > 0;
  }

  /** solutionsOf lists the candidate versions satisfying `rel`: the target's candidate, then providers' (apt's FromDependency). */
  solutionsOf(rel: Relation): Version[] {
    const out: Version[] = [];
    const target = this.#u.package(rel.name);
    const cand = target && this.state(target).candidate;
    if (cand && satisfies(cand, rel)) out.push(cand);
    for (const p of this.#u.providers(rel.name)) {
      if (this.state(p.version.pkg).candidate === p.version && providesSatisfy(p.provide, p.version, rel)) out.push(p.version);
    }
    return out;
  }

  // --- ordering of solutions (§3.5) ---------------------------------------------------

  #compare(target: string, a: Version, b: Version): number {
    const sa = this.state(a.pkg);
    const sb = this.state(b.pkg);
    if (sa.protected !== sb.protected) return sa.protected ? -1 : 1;
    const ta = a.pkg.name === target;
    const tb = b.pkg.name === target;
    if (ta !== tb) return ta ? -1 : 1;
    const ea = isEssential(a);
    const eb = isEssential(b);
    if (ea !== eb) return ea ? -1 : 1;
    const pa = priorityRank(a.record);
    const pb = priorityRank(b.record);
    if (pa !== pb) return pa - pb;
    return this.#u.id(b.pkg.name) - this.#u.id(a.pkg.name);
  }

  /** sortedSolutions: per OR member in order, its solutions sorted by CompareProviders; adjacent duplicates and dead protected ones dropped. */
  sortedSolutions(group: DepGroup): Version[] {
    const out: Version[] = [];
    for (const rel of group.members) {
      const list = this.solutionsOf(rel);
      if (list.length > 1) list.sort((a, b) => this.#compare(rel.name, a, b));
      for (const v of list) if (out[out.length - 1] !== v) out.push(v);
    }
    return out.filter((v) => {
      const s = this.state(v.pkg);
      return !(s.protected && s.install === undefined);
    });
  }

  // --- MarkInstall (§3.1–3.4) ----------------------------------------------------------

  /**
   * markInstall marks `pkg` for install as apt's MarkInstall does and returns whether it
   * succeeded. `fromUser` is a command-line request; `autoInst` also marks dependencies.
   */
  markInstall(pkg: Package, autoInst: boolean, depth: number, fromUser: boolean, why?: Reason): boolean {
    const s = this.state(pkg);
    if (depth > MAX_DEPTH) return false;
    if (!fromUser && s.install === undefined && s.protected) return false;
    if (s.candidate === null) return false;
    if (!s.protected && s.install !== undefined) return true;
    if (autoInst && !fromUser && !s.protected && this.#failedAt.get(pkg.name) === this.#epoch) return false;
    this.attempts++;
    const epochAtStart = this.#epoch;
    const cand = s.candidate;
    const unsatisfiable = autoInst ? this.#unsatisfiableGroup(cand) : undefined;
    if (unsatisfiable !== undefined) {
      this.#reject({ parent: pkg.name, group: `${unsatisfiable.kind}: ${unsatisfiable.text}`, candidate: '(none)', reason: this.#noSolution(unsatisfiable) });
      if (!s.protected) {
        s.candidate = null;
        s.install = undefined;
        this.#changed();
      }
      return false;
    }
    if (fromUser) this.#stateChange(s, cand, false, why ?? { kind: 'requested' });
    if (!autoInst) {
      if (!fromUser) this.#stateChange(s, cand, true, why);
      this.#changed();
      return true;
    }

    const wasProtected = s.protected;
    const failEarly = !wasProtected && !fromUser;
    const toInstall: DepGroup[] = [];
    const toRemove: DepGroup[] = [];
    for (const g of cand.deps) {
      const important = CRITICAL.has(g.kind) || (g.kind === 'Recommends' && this.#recommends);
      if (!important) continue;
      if (!wasProtected && this.#groupSatisfied(g)) continue;
      (NEGATIVE.has(g.kind) ? toRemove : toInstall).push(g);
    }
    if (!this.#removeConflicts(pkg, cand, toRemove, wasProtected) && failEarly) return this.#fail(pkg, epochAtStart);
    if (!fromUser) this.#stateChange(s, cand, true, why);

    s.protected = true; // ScopedProtected: nothing may unmark it while its dependencies are marked.
    let ok: boolean;
    try {
      ok = this.#installDependencies(pkg, cand, toInstall, depth, wasProtected, failEarly);
    } finally {
      s.protected = wasProtected;
    }
    if (!ok && failEarly) {
      // MarkInstall_DiscardInstall: only this package is reset; its marked dependencies stay.
      s.install = undefined;
      s.auto = false;
      s.why = undefined;
      return this.#fail(pkg, epochAtStart);
    }
    this.#changed();
    // A protected or requested package stays marked even when a dependency failed (broken).
    return ok;
  }

  #stateChange(s: State, v: Version, auto: boolean, why: Reason | undefined): void {
    if (s.install === undefined) {
      s.auto = auto;
      s.why = why;
    }
    s.install = v;
  }

  /** groupSatisfied: for a positive group, a member is satisfied by marked packages; for a negative one, nothing marked conflicts. */
  #groupSatisfied(g: DepGroup): boolean {
    if (NEGATIVE.has(g.kind)) return !g.members.some((rel) => this.#conflictTargets(rel, undefined).some((v) => this.state(v.pkg).install === v));
    return g.members.some((rel) => this.depInstall(rel));
  }

  /** IsInstallOkDependenciesSatisfiableByCandidates: the first critical positive group with no member marked or with a candidate, if any. */
  #unsatisfiableGroup(v: Version): DepGroup | undefined {
    for (const g of v.deps) {
      if (g.kind !== 'Depends' && g.kind !== 'Pre-Depends') continue;
      if (!g.members.some((rel) => this.depInstall(rel) || this.depCVer(rel))) return g;
    }
    return undefined;
  }

  /** conflictTargets: candidate versions (target and providers) a negative relation hits, ignoring the package itself. */
  #conflictTargets(rel: Relation, self: Package | undefined): Version[] {
    const hits: Version[] = [];
    const target = this.#u.package(rel.name);
    if (target !== undefined && target !== self) {
      const s = this.state(target);
      for (const v of [s.install, s.candidate]) if (v && satisfies(v, rel) && !hits.includes(v)) hits.push(v);
    }
    for (const p of this.#u.providers(rel.name)) {
      if (p.version.pkg === self) continue;
      const s = this.state(p.version.pkg);
      if ((s.candidate === p.version || s.install === p.version) && providesSatisfy(p.provide, p.version, rel) && !hits.includes(p.version)) hits.push(p.version);
    }
    return hits;
  }

  /** MarkInstall_RemoveConflictsIfNotUpgradeable (§3.4); false when a conflicting package is protected. */
  #removeConflicts(pkg: Package, cand: Version, groups: readonly DepGroup[], parentProtected: boolean): boolean {
    let ok = true;
    for (const g of groups) {
      for (const rel of g.members) {
        for (const x of this.#conflictTargets(rel, pkg)) {
          const sx = this.state(x.pkg);
          if (sx.install !== undefined) {
            if (sx.protected) {
              this.#reject({ parent: pkg.name, group: `${g.kind}: ${g.text}`, candidate: `${x.pkg.name} ${x.version}`, reason: `${cand.pkg.name} ${g.kind} ${x.pkg.name}, which is already chosen` });
              ok = false;
            } else {
              sx.install = undefined;
              sx.auto = false;
              this.#changed();
              const by = sx.why?.kind === 'relation' ? sx.why.parent.split(' ')[0]! : x.pkg.name;
              this.#reject({ parent: by, group: `${g.kind}: ${g.text}`, candidate: `${x.pkg.name} ${x.version}`, reason: `unmarked because ${cand.pkg.name} ${cand.version} ${g.kind} it` });
            }
          } else if (parentProtected) {
            sx.candidate = null;
            sx.protected = true;
            this.#changed();
          }
        }
      }
    }
    return ok;
  }

  /** MarkInstall_InstallDependencies (§3.3). */
  #installDependencies(pkg: Package, cand: Version, groups: readonly DepGroup[], depth: number, parentProtected: boolean, failEarly: boolean): boolean {
    let ok = true;
    for (const g of groups) {
      const critical = CRITICAL.has(g.kind);
      if (g.members.some((rel) => this.depInstall(rel))) {
        if (parentProtected && critical) {
          const single = uniqueSolutions(this, g);
          // Spread protection once; a solution already protected has been (or is being) processed.
          if (single.length === 1 && !this.state(single[0]!.pkg).protected) {
            this.state(single[0]!.pkg).protected = true;
            this.#changed();
            this.markInstall(single[0]!.pkg, true, depth + 1, false);
          }
        }
        continue;
      }
      const solutions = this.sortedSolutions(g);
      const why: Reason = { kind: 'relation', parent: `${pkg.name} ${cand.version}`, field: g.kind, relation: g.text };
      let done = false;
      for (const sol of solutions) {
        const ss = this.state(sol.pkg);
        if (ss.candidate !== sol) continue;
        if (parentProtected && critical && solutions.length === 1 && !ss.protected) {
          this.markInstall(sol.pkg, false, depth + 1, false, why);
          ss.protected = true;
          this.#changed();
        }
        if (this.markInstall(sol.pkg, true, depth + 1, false, why)) {
          done = true;
          break;
        }
        this.#reject({ parent: pkg.name, group: `${g.kind}: ${g.text}`, candidate: `${sol.pkg.name} ${sol.version}`, reason: this.#whyNot(sol) });
      }
      if (!done && critical) {
        // Members with no fitting candidate at all are rejections too (a version too old, no such package).
        const tried = new Set(solutions.map((v) => v.pkg.name));
        for (const rel of g.members) {
          if (tried.has(rel.name) || this.solutionsOf(rel).length > 0) continue;
          const target = this.#u.package(rel.name);
          const c = target === undefined ? null : this.state(target).candidate;
          this.#reject({ parent: pkg.name, group: `${g.kind}: ${g.text}`, candidate: c ? `${rel.name} ${c.version}` : `${rel.name} (none)`, reason: this.#noSolution({ ...g, members: [rel] }) });
        }
        ok = false;
        if (failEarly) return false;
      }
    }
    return ok;
  }

  #whyNot(v: Version): string {
    // The latest thing recorded against the package itself says which of its relations failed.
    const r = this.#lastRejection.get(v.pkg.name);
    if (r !== undefined) return `its ${r.group} cannot be satisfied (${r.candidate === '(none)' ? '' : `${r.candidate}: `}${r.reason})`;
    return this.state(v.pkg).candidate === null ? 'its dependencies cannot be satisfied' : 'it could not be installed';
  }

  /** noSolution says why no member of `g` can be installed. */
  noSolution(g: DepGroup): string {
    return this.#noSolution(g);
  }

  #noSolution(g: DepGroup): string {
    return g.members.map((rel) => this.#whyUnmet(rel)).join('; ');
  }

  /** whyUnmet says why no candidate satisfies `rel`: no such package, a virtual one whose providers do not fit, or a candidate that does not. */
  #whyUnmet(rel: Relation): string {
    const target = this.#u.package(rel.name);
    const qualifier = rel.arch === undefined ? '' : `:${rel.arch}`;
    if (target === undefined) {
      const providers = this.#u.providers(rel.name);
      if (providers.length === 0) return `no package ${rel.name}${qualifier}`;
      const named = providers.map((p) => {
        const c = this.state(p.version.pkg).candidate;
        if (c !== p.version) return `${p.version.pkg.name} ${p.version.version} provides it but is not the candidate (${c === null ? 'none' : c.version})`;
        if (rel.arch === 'any' && p.version.record.multiArch !== 'allowed') return `${p.version.pkg.name} is Multi-Arch: ${p.version.record.multiArch}, and :any needs Multi-Arch: allowed`;
        return `${p.version.pkg.name} provides ${p.provide.name}${p.provide.version ? ` (= ${p.provide.version})` : ' without a version'}`;
      });
      return `${rel.name}${qualifier} is virtual and no provider fits: ${named.join(', ')}`;
    }
    const c = this.state(target).candidate;
    if (c === null) return `${rel.name} cannot be installed (its own dependencies cannot be satisfied, or a chosen package conflicts with it)`;
    if (rel.arch === 'any' && c.record.multiArch !== 'allowed') return `${rel.name} ${c.version} is Multi-Arch: ${c.record.multiArch}, and :any needs Multi-Arch: allowed`;
    if (rel.arch !== undefined && rel.arch !== 'any' && rel.arch !== 'native' && rel.arch !== target.architecture) return `${rel.name}:${rel.arch} names another architecture than ${target.architecture}`;
    return `${rel.name} ${c.version} does not satisfy ${rel.op ?? ''} ${rel.version ?? ''}`.replace(/\s+/g, ' ').trim();
  }
}

function uniqueSolutions(cache: DepCache, g: DepGroup): Version[] {
  const out: Version[] = [];
  for (const rel of g.members) for (const v of cache.solutionsOf(rel)) if (!out.includes(v)) out.push(v);
  for (const rel of g.members) {
    const v = cache.installedVersion(rel.name);
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** isEssential: `Essential: yes`, and the package apt, which apt always treats as essential. */
export function isEssential(v: Version): boolean {
  return v.record.essential || v.pkg.name === 'apt';
}

/** candidateOf picks apt's candidate: highest pin, then highest version, then the earliest parsed (policy.cc GetCandidateVer). */
export function candidateOf(pkg: Package): Version | null {
  let best: Version | null = null;
  for (const v of pkg.versions) {
    if (v.pin <= 0) continue;
    if (best === null || v.pin > best.pin) best = v;
  }
  return best;
}
