/**
 * alternativesEntries: what a run of `update-alternatives --install` calls leaves on a fresh
 * system, computed as dpkg's utils/update-alternatives.c (1.21) does: the checks of
 * `alternative_check_install_args`, `alternative_install` (a later call renames the master
 * and slave links and adds slaves), `alternative_get_best` (auto mode: the highest priority,
 * the current choice kept on a tie), `alternative_prepare_install` (slaves whose target
 * exists) and `alternative_save` (the administrative file).
 */
import type { AlternativeInstall } from './alternatives.js';
import type { GeneratedEntry } from './generated-entry.js';

/** ALTERNATIVES_DIR is update-alternatives' altdir: the links `/etc/alternatives/NAME`. */
export const ALTERNATIVES_DIR = '/etc/alternatives';
/** ALTERNATIVES_ADMIN_DIR is update-alternatives' admindir: one administrative file per link group. */
export const ALTERNATIVES_ADMIN_DIR = '/var/lib/dpkg/alternatives';
const ALT_DIR = ALTERNATIVES_DIR;
const ADMIN_DIR = ALTERNATIVES_ADMIN_DIR;

interface Choice {
  readonly path: string;
  readonly priority: number;
  /** Slave name → path, as given in the call. */
  readonly slaves: ReadonlyMap<string, string>;
}

interface SlaveLink {
  readonly name: string;
  link: string;
}

interface Group {
  readonly name: string;
  link: string;
  /** Slave links in the order the database keeps them: sorted by name after each save. */
  slaves: SlaveLink[];
  /** Choices in the order the database keeps them: sorted by path after each save. */
  choices: Choice[];
  /** The path /etc/alternatives/NAME points to. */
  current: string;
  /** Some call of the group had --force. */
  force: boolean;
}

/** strcmp(3) order: by UTF-8 bytes. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `fileset_has_slave`: the choice names the slave with a non-empty path. */
function hasSlave(c: Choice, name: string): boolean {
  return (c.slaves.get(name) ?? '') !== '';
}

/** The first error `alternative_check_install_args` (and the usage checks of main) would report. */
function checkInstall(groups: ReadonlyMap<string, Group>, inst: AlternativeInstall, exists: (p: string) => boolean): string | undefined {
  const badName = (n: string): boolean => /[/ \t]/.test(n);
  const owner = (field: 'name' | 'link', value: string): Group | undefined =>
    [...groups.values()].find((g) => g[field] === value || g.slaves.some((s) => s[field] === value));
  if (badName(inst.name)) return `alternative name (${inst.name}) must not contain '/' and spaces`;
  if (!inst.link.startsWith('/')) return `alternative link is not absolute as it should be: ${inst.link}`;
  if (!inst.path.startsWith('/')) return `alternative path is not absolute as it should be: ${inst.path}`;
  const parent = owner('name', inst.name);
  if (parent && parent.name !== inst.name) return `alternative ${inst.name} can't be master: it is a slave of ${parent.name}`;
  const linkOwner = owner('link', inst.link);
  if (linkOwner && linkOwner.name !== inst.name) return `alternative link ${inst.link} is already managed by ${linkOwner.name}`;
  if (!exists(inst.path)) return `alternative path ${inst.path} doesn't exist`;
  for (const sl of inst.slaves) {
    if (badName(sl.name)) return `alternative name (${sl.name}) must not contain '/' and spaces`;
    if (!sl.link.startsWith('/')) return `alternative link is not absolute as it should be: ${sl.link}`;
    if (!sl.path.startsWith('/')) return `alternative path is not absolute as it should be: ${sl.path}`;
    const p = owner('name', sl.name);
    if (p && p.name !== inst.name) {
      return p.name === sl.name
        ? `alternative ${sl.name} can't be slave of ${inst.name}: it is a master alternative`
        : `alternative ${sl.name} can't be slave of ${inst.name}: it is a slave of ${p.name}`;
    }
    const l = owner('link', sl.link);
    if (l && l.name !== inst.name) return `alternative link ${sl.link} is already managed by ${l.name}`;
    const other = l?.slaves.find((s) => s.link === sl.link);
    if (other && other.name !== sl.name) return `alternative link ${sl.link} is already managed by ${other.name} (slave of ${l!.name})`;
  }
  return undefined;
}

/** `alternative_get_best`: the current choice, or the first, unless a later one has a strictly higher priority. */
function best(g: Group): Choice {
  let top = g.choices.find((c) => c.path === g.current) ?? g.choices[0]!;
  for (const c of g.choices) if (c.priority > top.priority) top = c;
  return top;
}

/** Applies one accepted call to the database, as `alternative_install` then `alternative_save` do. */
function install(groups: Map<string, Group>, inst: AlternativeInstall): void {
  const choice: Choice = { path: inst.path, priority: inst.priority, slaves: new Map(inst.slaves.map((s) => [s.name, s.path])) };
  let g = groups.get(inst.name);
  if (!g) {
    g = { name: inst.name, link: inst.link, slaves: inst.slaves.map((s) => ({ name: s.name, link: s.link })), choices: [], current: inst.path, force: false };
    groups.set(inst.name, g);
  } else {
    g.link = inst.link;
    for (const s of inst.slaves) {
      const old = g.slaves.find((x) => x.name === s.name);
      if (old) old.link = s.link;
      else g.slaves.push({ name: s.name, link: s.link });
    }
  }
  const at = g.choices.findIndex((c) => c.path === inst.path);
  if (at >= 0) g.choices[at] = choice;
  else g.choices.push(choice);
  g.current = best(g).path;
  g.force ||= inst.force === true;
  // alternative_save: slaves no choice provides are dropped; both lists are kept sorted.
  g.slaves = g.slaves.filter((s) => g!.choices.some((c) => hasSlave(c, s.name))).sort((a, b) => byBytes(a.name, b.name));
  g.choices.sort((a, b) => byBytes(a.path, b.path));
}

/** The administrative file as `alternative_save` writes it, in auto mode. */
function adminFile(g: Group): string {
  const lines = ['auto', g.link];
  for (const s of g.slaves) lines.push(s.name, s.link);
  lines.push('');
  for (const c of g.choices) {
    lines.push(c.path, String(c.priority));
    for (const s of g.slaves) lines.push(hasSlave(c, s.name) ? c.slaves.get(s.name)! : '');
  }
  lines.push('');
  return lines.map((l) => `${l}\n`).join('');
}

function symlink(path: string, linkname: string): GeneratedEntry {
  return { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, linkname };
}

/** The links and admin file of one group, with notes on slaves skipped and files that would be replaced. */
function groupEntries(g: Group, exists: (p: string) => boolean, notes: string[]): GeneratedEntry[] {
  const chosen = g.choices.find((c) => c.path === g.current)!;
  const entries: GeneratedEntry[] = [{ path: `${ADMIN_DIR}/${g.name}`, type: 'file', mode: 0o644, uid: 0, gid: 0, content: Buffer.from(adminFile(g)) }];
  const link = (name: string, linkPath: string, target: string): void => {
    entries.push(symlink(`${ALT_DIR}/${name}`, target), symlink(linkPath, `${ALT_DIR}/${name}`));
    if (exists(linkPath)) {
      notes.push(
        `${linkPath} (link group ${g.name}) exists in the image; update-alternatives replaces it if it is a symlink` +
          (g.force ? ' and, as a call of this group gave --force, also if it is a real file' : ' and keeps a real file'),
      );
    }
  };
  link(g.name, g.link, chosen.path);
  for (const s of g.slaves) {
    const target = chosen.slaves.get(s.name) ?? '';
    if (target !== '' && exists(target)) link(s.name, s.link, target);
    else if (target !== '') notes.push(`skip creation of ${s.link} because associated file ${target} (of link group ${g.name}) doesn't exist`);
  }
  return entries;
}

/**
 * alternativesEntries computes the result of running `installs` (in order: the order the
 * packages are configured) with `update-alternatives --install` on a fresh system, every
 * link group in auto mode. Per group the choice with the highest priority wins; on a tie the
 * one installed first stays, as update-alternatives keeps the current choice. Entries: the
 * master link LINK → /etc/alternatives/NAME → PATH, each slave whose target exists in the
 * winning choice likewise, and /var/lib/dpkg/alternatives/NAME byte for byte as
 * update-alternatives writes it (slaves sorted by name, choices by path), plus the two
 * directories; sorted by path. `exists(path)` tells whether a path is in the image,
 * following symlinks. A call update-alternatives would refuse (its path missing, a name or
 * link owned by another group, ...) is skipped with a note naming the package; link paths
 * that already exist in the image are noted for the caller to decide.
 */
export function alternativesEntries(
  installs: readonly (AlternativeInstall & { package: string })[],
  exists: (path: string) => boolean,
): { entries: GeneratedEntry[]; notes: string[] } {
  const groups = new Map<string, Group>();
  const notes: string[] = [];
  for (const inst of installs) {
    const problem = checkInstall(groups, inst, exists);
    if (problem) notes.push(`${inst.package}: update-alternatives --install ${inst.link} ${inst.name} ${inst.path} ${inst.priority}: ${problem}`);
    else install(groups, inst);
  }
  if (groups.size === 0) return { entries: [], notes };
  const entries: GeneratedEntry[] = [
    { path: ALT_DIR, type: 'directory', mode: 0o755, uid: 0, gid: 0 },
    { path: ADMIN_DIR, type: 'directory', mode: 0o755, uid: 0, gid: 0 },
  ];
  for (const name of [...groups.keys()].sort(byBytes)) entries.push(...groupEntries(groups.get(name)!, exists, notes));
  return { entries: entries.sort((a, b) => byBytes(a.path, b.path)), notes };
}
