/**
 * installPackages: one platform's locked packages turned into filesystem entries: each
 * package read (or found in the cache), ordered and grouped into layers, merged as dpkg would
 * unpack them, and put into an FsTree at their layers; the dpkg database and what the
 * maintainer scripts would have made go into the system layer above them.
 */
import { availableParallelism } from 'node:os';
import { parseControl } from '../deb/index.js';
import { FsTree, type TreeInput } from '../layer/index.js';
import { parseRelations, satisfiesVersion, type LockedPackage } from '../resolve/index.js';
import type { DebContents } from './deb-contents.js';
import type { DebSpools, SpooledDeb } from './deb-spools.js';
import { mergePackages, type MergedImage, type PackageToMerge, type ReplacesRelation } from './merge-packages.js';
import { planPackageLayers, type LayerStrategy } from './package-layers.js';
import type { PathFilter } from '../plan/index.js';

/** InstallOptions: how packages become layers. */
export interface InstallOptions {
  readonly layers: LayerStrategy;
  readonly filter: PathFilter;
  readonly mergedUsr: boolean;
  readonly onPackage?: (done: number, total: number) => void;
}

/** InstalledSet is one platform's packages placed in a tree. */
export interface InstalledSet {
  /** The tree: package layers 0..layerCount-1. */
  readonly tree: FsTree;
  /** History text of each package layer, base first. */
  readonly layerHistory: readonly string[];
  /** Packages in unpack order, with what the merge installed of each. */
  readonly packages: readonly InstalledPackageInfo[];
  readonly merged: MergedImage;
}

/** InstalledPackageInfo is one package of the set and its contents. */
export interface InstalledPackageInfo {
  readonly locked: LockedPackage;
  readonly merge: PackageToMerge;
  readonly deb: SpooledDeb;
}

/** installPackages reads, orders, layers and merges `packages`. */
export async function installPackages(packages: readonly LockedPackage[], spools: DebSpools, opts: InstallOptions): Promise<InstalledSet> {
  const debs = packages.map((p) => ({ sha256: p.sha256, subject: `${p.name} ${p.version} (${p.architecture})` }));
  const contents = await readAll(debs, spools, opts);
  // Compression comes next: the reading workers' memory (a decoder each) is better returned now.
  await spools.rest();
  const controls = contents.map((c, i) => parseControl(c.control.control, debs[i]!.subject));
  const relationNames = (i: number, field: 'Depends' | 'Pre-Depends' | 'Provides') =>
    parseRelations(controls[i]!.get(field) ?? '', { field, lenient: true }).flatMap((g) => g.map((r) => r.name));
  const plan = planPackageLayers(
    packages.map((p, i) => ({ name: p.name, architecture: p.architecture, depends: [...relationNames(i, 'Pre-Depends'), ...relationNames(i, 'Depends')], provides: relationNames(i, 'Provides') })),
    opts.layers,
  );
  const layerOf = new Map<number, number>();
  for (const [layer, members] of plan.layers.entries()) for (const i of members) layerOf.set(i, layer);
  const infos: InstalledPackageInfo[] = plan.order.map((i) => {
    const p = packages[i]!;
    const control = controls[i]!;
    return {
      locked: p,
      deb: debs[i]!,
      merge: {
        name: p.name,
        version: p.version,
        architecture: p.architecture,
        multiArchSame: (control.get('Multi-Arch') ?? '').toLowerCase() === 'same',
        replaces: replacesOf(control.get('Replaces')),
        contents: contents[i]!,
        layer: layerOf.get(i)!,
      },
    };
  });
  const merged = mergePackages(infos.map((x) => x.merge), { mergedUsr: opts.mergedUsr, filter: opts.filter });
  const tree = new FsTree();
  const debOf = new Map(infos.map((x) => [x.merge, x.deb]));
  for (const e of merged.entries) await tree.add(treeInput(e, debOf.get(e.pkg)!, spools));
  const layerHistory = plan.layers.map((members) => `slipway: apt ${members.map((i) => `${packages[i]!.name}=${packages[i]!.version}`).join(' ')}`);
  return { tree, layerHistory, packages: infos, merged };
}

async function readAll(debs: readonly SpooledDeb[], spools: DebSpools, opts: InstallOptions): Promise<DebContents[]> {
  const out: DebContents[] = new Array(debs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < debs.length) {
      const i = next++;
      out[i] = await spools.contents(debs[i]!);
      opts.onPackage?.(++done, debs.length);
    }
  };
  // The read pool runs one package per core; twice that keeps it fed.
  await Promise.all(Array.from({ length: Math.min(2 * availableParallelism(), debs.length) }, worker));
  return out;
}

function replacesOf(text: string | undefined): ReplacesRelation[] {
  if (!text) return [];
  return parseRelations(text, { field: 'Replaces', lenient: true }).flatMap((g) =>
    g.map((r) => ({ name: r.name, satisfiedBy: (v: string) => r.op === undefined || satisfiesVersion(v, r.op, r.version!) })),
  );
}

function treeInput(e: MergedImage['entries'][number], deb: SpooledDeb, spools: DebSpools): TreeInput {
  const r = e.record;
  const origin = `${e.pkg.name} ${e.pkg.version} (${r.path})`;
  const base = { path: e.path, mode: r.mode, uid: r.uid, gid: r.gid, layer: e.pkg.layer, origin };
  switch (r.type) {
    case 'file':
      return { ...base, type: 'file', size: r.size, contentKey: `${deb.sha256}/${e.index}`, open: () => spools.open(deb, e.index, r.size) };
    case 'directory':
      return { ...base, type: 'directory', size: 0 };
    case 'symlink':
      return { ...base, type: 'symlink', size: 0, linkname: r.linkname! };
    case 'hardlink':
      return { ...base, type: 'hardlink', size: 0, linkname: e.linkTarget! };
    case 'char':
    case 'block':
      return { ...base, type: r.type === 'char' ? 'character-device' : 'block-device', size: 0, devmajor: r.devmajor ?? 0, devminor: r.devminor ?? 0 };
    case 'fifo':
      return { ...base, type: 'fifo', size: 0 };
  }
}
