/**
 * sweepGarbage: apt's DoAutomaticRemove after marking (depcache.cc MarkAndSweep): packages
 * marked automatically that nothing kept needs are dropped again. Roots are the requested
 * packages and Essential ones; reachability follows Pre-Depends, Depends, Recommends and
 * Suggests of every kept package (apt's AutoRemove::RecommendsImportant and
 * SuggestsImportant default to true), to the target and every marked provider.
 */
import type { DepCache } from './dep-cache.js';
import { isEssential } from './dep-cache.js';
import { parseRelations, type Relation } from './relation.js';
import { providesSatisfy, satisfies, type Universe, type Version } from './universe.js';

function keepRelations(v: Version): Relation[] {
  const out: Relation[] = [];
  for (const g of v.deps) if (g.kind === 'Depends' || g.kind === 'Pre-Depends' || g.kind === 'Recommends') out.push(...g.members);
  if (v.record.suggests !== undefined) for (const g of parseRelations(v.record.suggests, { field: 'Suggests' })) out.push(...g);
  return out;
}

/** sweepGarbage returns the names of marked packages that are garbage (auto-marked and unreachable from the roots). */
export function sweepGarbage(cache: DepCache, universe: Universe): Set<string> {
  const marked = cache.marked();
  const reachable = new Set<string>();
  const queue: Version[] = [];
  const reach = (v: Version) => {
    if (reachable.has(v.pkg.name)) return;
    reachable.add(v.pkg.name);
    queue.push(v);
  };
  for (const m of marked) if (!m.auto || isEssential(m.version)) reach(m.version);
  while (queue.length > 0) {
    const v = queue.pop()!;
    for (const rel of keepRelations(v)) {
      const target = cache.installedVersion(rel.name);
      if (target !== undefined && satisfies(target, rel)) reach(target);
      for (const p of universe.providers(rel.name)) {
        if (cache.installedVersion(p.version.pkg.name) === p.version && providesSatisfy(p.provide, p.version, rel)) reach(p.version);
      }
    }
  }
  return new Set(marked.filter((m) => !reachable.has(m.version.pkg.name)).map((m) => m.version.pkg.name));
}
