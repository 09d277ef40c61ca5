/**
 * mergePackages: the files of every package merged into one filesystem as dpkg would unpack
 * them, decided before anything is written.
 *
 * - Parent directories are resolved through the symlinks already in place (dpkg follows a
 *   symlink to a directory), so on merged-/usr systems `/bin/bash` lands at `/usr/bin/bash`
 *   and a directory entry `/bin` meets the `/bin → usr/bin` link and is absorbed by it.
 * - A directory shipped by several packages keeps the metadata of the first (in unpack order).
 * - A file, link or device shipped by two packages is an error, as in dpkg, unless one
 *   Replaces the other (the replacing package keeps it, whatever the order) or both are
 *   instances of one Multi-Arch: same package shipping the same bytes.
 * - Symlinks whose relative target climbs above the root are refused (ERR_DEB_UNSAFE).
 * - The path filter drops files; directories stay while anything kept lies below them.
 *
 * The dpkg database keeps each package's paths as the package ships them (`/bin/bash`), as
 * dpkg does; only paths that were filtered out or taken over by another package are dropped.
 */
import { posix } from 'node:path';
import { SlipwayError } from '../core/index.js';
import { readMd5sumsLine, type DebRecord, type DebContents } from './deb-contents.js';
import type { PathFilter } from '../plan/index.js';

/** ReplacesRelation is one entry of a Replaces field. */
export interface ReplacesRelation {
  readonly name: string;
  /** satisfiedBy says whether the replaced package's version falls in the relation's range. */
  readonly satisfiedBy: (version: string) => boolean;
}

/** PackageToMerge is one package in unpack order. */
export interface PackageToMerge {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly multiArchSame: boolean;
  readonly replaces: readonly ReplacesRelation[];
  readonly contents: DebContents;
  /** The layer its files go into. */
  readonly layer: number;
}

/** MergedEntry is one record placed in the image at `path` (its canonical location). */
export interface MergedEntry {
  readonly path: string;
  readonly record: DebRecord;
  /** Index of the record in its package's records (identifies its bytes). */
  readonly index: number;
  readonly pkg: PackageToMerge;
  /** For hard links: the canonical path of the file linked to. */
  readonly linkTarget?: string;
}

/** MergedImage is the outcome of a merge. */
export interface MergedImage {
  /** Entries to write, in unpack order (each path at most once). */
  readonly entries: readonly MergedEntry[];
  /** Per package (by `name:arch`), the indices of records that are installed or absorbed into a link. */
  readonly installed: ReadonlyMap<string, ReadonlySet<number>>;
  /** Paths merged /usr adds as links (`/bin` → `usr/bin`), sorted. */
  readonly usrLinks: readonly { readonly path: string; readonly linkname: string }[];
  /** Every symlink of the merged image (merged-/usr links included) by its canonical path, with its target. */
  readonly links: ReadonlyMap<string, string>;
}

/** MergeOptions: merged /usr or not, and which paths are kept. */
export interface MergeOptions {
  readonly mergedUsr: boolean;
  readonly filter: PathFilter;
}

/** Directories of / that merged /usr turns into links to their /usr counterparts; bin, sbin and lib always, the rest when shipped. */
const USR_MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32', 'libo32'];
const ALWAYS_MERGED = new Set(['bin', 'sbin', 'lib']);
/** Hops of symlink resolution before giving up, as the kernel's ELOOP. */
const MAX_HOPS = 40;

/** packageKey names a package instance: `name:arch`. */
export function packageKey(p: { readonly name: string; readonly architecture: string }): string {
  return `${p.name}:${p.architecture}`;
}

/** mergePackages merges `packages` (in unpack order). Errors: ERR_LAYER_PATH_CONFLICT, ERR_DEB_UNSAFE. */
export function mergePackages(packages: readonly PackageToMerge[], opts: MergeOptions): MergedImage {
  const links = new Map<string, string>();
  const usrLinks = opts.mergedUsr ? usrMergeLinks(packages) : [];
  for (const l of usrLinks) links.set(l.path, l.linkname);
  const placed = new Map<string, MergedEntry>();
  const dirs = new Set<string>(['/']);
  const installed = new Map<string, Set<number>>();
  const order: string[] = [];
  for (const pkg of packages) {
    const mine = new Set<number>();
    installed.set(packageKey(pkg), mine);
    const keep = keptRecords(pkg, opts.filter, links);
    const canonicalOf = new Map<string, string>();
    for (const [index, record] of pkg.contents.records.entries()) {
      if (!keep.has(index)) continue;
      const where = `${pkg.name} ${pkg.version} (${pkg.architecture}): ${record.path}`;
      const path = resolveParents(record.path, links, where);
      canonicalOf.set(record.path, path);
      if (record.type === 'directory') {
        mine.add(index);
        if (path === '/' || dirs.has(path) || isLinkToDirectory(path, links, placed, where)) continue;
        const other = placed.get(path);
        if (other) throw pathConflict(path, other, pkg, `a ${other.record.type} vs a directory`);
        dirs.add(path);
        placed.set(path, { path, record, index, pkg });
        order.push(path);
        continue;
      }
      checkRecord({ ...record, path }, where);
      if (dirs.has(path)) throw pathConflict(path, placed.get(path), pkg, `a directory vs a ${record.type}`);
      const entry: MergedEntry = { path, record, index, pkg, ...(record.type === 'hardlink' ? { linkTarget: canonicalOf.get(record.linkname!) ?? record.linkname! } : {}) };
      const other = placed.get(path);
      const outcome = other ? decideShared(entry, other) : 'take';
      if (outcome === 'share') mine.add(index);
      if (outcome !== 'take') continue;
      if (other) installed.get(packageKey(other.pkg))!.delete(other.index);
      else order.push(path);
      placed.set(path, entry);
      mine.add(index);
      if (record.type === 'symlink') links.set(path, record.linkname!);
      else links.delete(path);
    }
  }
  return { entries: order.map((p) => keepHardLinkBytes(placed.get(p)!, placed)), installed, usrLinks, links };
}

/**
 * keepHardLinkBytes: a hard link whose target another package took over (Replaces) keeps the
 * bytes its own package shipped, as on a real system, where the link's inode is untouched when
 * the target's name is replaced: it becomes a regular file with the target record's bytes.
 */
function keepHardLinkBytes(e: MergedEntry, placed: ReadonlyMap<string, MergedEntry>): MergedEntry {
  if (e.record.type !== 'hardlink') return e;
  const target = placed.get(e.linkTarget!);
  if (target && target.pkg === e.pkg && target.record.path === e.record.linkname) return e;
  const records = e.pkg.contents.records;
  const index = records.findIndex((r) => r.path === e.record.linkname && r.type === 'file');
  const file = records[index]!;
  const { linkTarget: _t, ...rest } = e;
  return { ...rest, index, record: { ...file, path: e.record.path } };
}

/** usrMergeLinks lists the merged-/usr links the packages need: bin, sbin and lib, and the other lib dirs when shipped. */
function usrMergeLinks(packages: readonly PackageToMerge[]): { path: string; linkname: string }[] {
  const shipped = new Set<string>();
  for (const p of packages) for (const r of p.contents.records) shipped.add(r.path.split('/')[1] ?? '');
  return USR_MERGED.filter((d) => ALWAYS_MERGED.has(d) || shipped.has(d)).map((d) => ({ path: `/${d}`, linkname: `usr/${d}` }));
}

/**
 * keptRecords applies the path filter to one package: files and links are kept unless
 * excluded; a directory is kept unless excluded, or when something kept lies below it.
 */
function keptRecords(pkg: PackageToMerge, filter: PathFilter, links: ReadonlyMap<string, string>): Set<number> {
  const records = pkg.contents.records;
  const all = new Set(records.keys());
  if (filter.empty) return all;
  const canonical = (r: DebRecord) => resolveParents(r.path, links, `${pkg.name}: ${r.path}`);
  const keptBelow = new Set<string>();
  const out = new Set<number>();
  const keptFiles = new Set<string>();
  for (const [i, r] of records.entries()) {
    if (r.type === 'directory') continue;
    const path = canonical(r);
    if (filter.excluded(path)) continue;
    // A hard link stays only with the file it names.
    if (r.type === 'hardlink' && !keptFiles.has(r.linkname!)) continue;
    if (r.type === 'file') keptFiles.add(r.path);
    out.add(i);
    for (let d = posix.dirname(path); d !== '/'; d = posix.dirname(d)) keptBelow.add(d);
  }
  for (const [i, r] of records.entries()) {
    if (r.type !== 'directory') continue;
    const path = canonical(r);
    if (path === '/' || !filter.excluded(path) || keptBelow.has(path)) out.add(i);
  }
  return out;
}

/** resolveParents resolves every directory component of `path` through the symlinks in `links`, staying inside the root. */
export function resolveParents(path: string, links: ReadonlyMap<string, string>, where: string): string {
  if (path === '/') return path;
  const base = posix.basename(path);
  const dir = resolveFully(posix.dirname(path), links, where, { hops: 0 });
  return dir === '/' ? `/${base}` : `${dir}/${base}`;
}

/** resolvePath follows every symlink in `path`, the last component's too, staying inside the root (ERR_DEB_UNSAFE past 40 links). */
export function resolvePath(path: string, links: ReadonlyMap<string, string>, where: string): string {
  return resolveFully(posix.normalize(path), links, where, { hops: 0 });
}

/** resolveFully follows every symlink in `path`; `budget` counts links followed in the whole lookup (the kernel allows 40). */
function resolveFully(path: string, links: ReadonlyMap<string, string>, where: string, budget: { hops: number }): string {
  let cur = '/';
  for (const seg of path.split('/')) {
    if (seg === '') continue;
    const next = cur === '/' ? `/${seg}` : `${cur}/${seg}`;
    const target = links.get(next);
    if (target === undefined) {
      cur = next;
      continue;
    }
    if (++budget.hops > MAX_HOPS) throw new SlipwayError('ERR_DEB_UNSAFE', `${where}: more than ${MAX_HOPS} symlinks to follow at ${next} (a symlink loop or chain)`);
    // posix.normalize keeps `..` at the root at the root, as the kernel does.
    cur = resolveFully(posix.normalize(target.startsWith('/') ? target : `${cur}/${target}`), links, where, budget);
  }
  return cur;
}

/** isLinkToDirectory: a symlink at `path` that names a directory (or a path not yet made, which will be one) absorbs a directory entry. */
function isLinkToDirectory(path: string, links: ReadonlyMap<string, string>, placed: ReadonlyMap<string, MergedEntry>, where: string): boolean {
  if (!links.has(path)) return false;
  const target = resolveFully(path, links, where, { hops: 0 });
  const there = placed.get(target);
  if (there === undefined || there.record.type === 'directory') return true;
  throw new SlipwayError('ERR_LAYER_PATH_CONFLICT', `${where}: the package ships a directory where a symlink to ${links.get(path)} is, which does not name a directory`);
}

/**
 * checkRecord refuses what no package may ship into an image: device nodes (Debian Policy
 * 10.6; a rootless build could not make them either) and symlinks whose relative target
 * climbs above the root. Checked when a package is read (before anything of it is cached)
 * and again at its place in the merged tree.
 */
export function checkRecord(record: Pick<DebRecord, 'path' | 'type' | 'linkname'>, where: string): void {
  if (record.type === 'symlink') checkLinkTarget(record.path, record.linkname!, where);
  if (record.type === 'char' || record.type === 'block') {
    throw new SlipwayError('ERR_DEB_UNSAFE', `${where}: a ${record.type} device node; packages may not ship device nodes (Debian Policy 10.6), and a rootless image cannot hold them`);
  }
}

/** checkLinkTarget refuses a relative symlink target that climbs above the root from where the link is. */
function checkLinkTarget(path: string, target: string, where: string): void {
  if (target.includes('\0')) throw new SlipwayError('ERR_DEB_UNSAFE', `${where}: symlink target contains a NUL byte`);
  if (target.startsWith('/')) {
    if (target.split('/').includes('..')) throw new SlipwayError('ERR_DEB_UNSAFE', `${where}: absolute symlink target ${JSON.stringify(target)} climbs with ".."`);
    return;
  }
  let depth = posix.dirname(path).split('/').filter(Boolean).length;
  for (const seg of target.split('/')) {
    if (seg === '..') depth--;
    else if (seg !== '' && seg !== '.') depth++;
    if (depth < 0) throw new SlipwayError('ERR_DEB_UNSAFE', `${where}: symlink target ${JSON.stringify(target)} climbs above the image root`, { hint: 'the package is hostile or broken; remove it from apt.packages' });
  }
}

/**
 * decideShared decides a path shipped twice: `take` when `entry` replaces `other`, `keep` when
 * `other` replaces it, `share` for instances of one Multi-Arch: same package shipping the same
 * bytes (the path is in both instances' lists, as dpkg keeps it); otherwise an error.
 */
function decideShared(entry: MergedEntry, other: MergedEntry): 'take' | 'keep' | 'share' {
  const a = other.pkg;
  const b = entry.pkg;
  if (replaces(b, a)) return 'take';
  if (replaces(a, b)) return 'keep';
  if (a.name === b.name && a.multiArchSame && b.multiArchSame) {
    if (sameContent(a, other.record, b, entry.record)) return 'share';
    throw pathConflict(entry.path, other, b, 'Multi-Arch: same instances must ship identical files');
  }
  throw pathConflict(entry.path, other, b, 'neither package Replaces the other');
}

function replaces(a: PackageToMerge, b: PackageToMerge): boolean {
  return a.replaces.some((r) => r.name === b.name && r.satisfiedBy(b.version));
}

function sameContent(a: PackageToMerge, ra: DebRecord, b: PackageToMerge, rb: DebRecord): boolean {
  if (ra.type !== rb.type || ra.size !== rb.size || ra.linkname !== rb.linkname || ra.mode !== rb.mode) return false;
  if (ra.type !== 'file') return true;
  const md5 = (p: PackageToMerge, path: string) => md5sumOf(p.contents.control.md5sums, path);
  const ma = md5(a, ra.path);
  return ma !== undefined && ma === md5(b, rb.path);
}

function md5sumOf(md5sums: string | undefined, path: string): string | undefined {
  for (const line of (md5sums ?? '').split('\n')) {
    const entry = readMd5sumsLine(line);
    if (entry?.path === path) return entry.md5;
  }
  return undefined;
}

function pathConflict(path: string, other: MergedEntry | undefined, pkg: PackageToMerge, why: string): SlipwayError {
  const first = other ? `${other.pkg.name} ${other.pkg.version}` : 'another package';
  return new SlipwayError('ERR_LAYER_PATH_CONFLICT', `${path}: shipped by ${first} and by ${pkg.name} ${pkg.version} (${why}); dpkg would refuse to overwrite it`, {
    hint: 'install only one of the two packages (see apt.exclude), or use packages from one suite',
  });
}
