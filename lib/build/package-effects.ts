/**
 * packageEffects: what the maintainer scripts of an installed set would have left on a fresh
 * system, computed declaratively from the packages' own files:
 *
 * - base-passwd and passwd: /etc/passwd, group, shadow, gshadow from base-passwd's masters
 *   plus the config's users and groups (shadowconfig on, as passwd's postinst runs it);
 * - update-alternatives: every `--install` call read from the postinst scripts;
 * - ca-certificates: /etc/ca-certificates.conf, /etc/ssl/certs and the bundle;
 * - base-files: the files it installs from /usr/share/base-files, its directories and links;
 * - libc-bin: /etc/nsswitch.conf from its default;
 * - dash: the /bin/sh diversion in the dpkg database.
 *
 * Returns generated entries (for the system layer) and, per effect, the package it came from.
 */
import { posix } from 'node:path';
import { accountFiles, alternativesEntries, caCertificatesEntries, readAlternativeInstalls, type AlternativeInstall, type GeneratedEntry } from '../deb/index.js';
import type { ImagePlan } from '../plan/index.js';
import type { InstalledSet } from './install-packages.js';
import { packageKey, resolveParents, resolvePath } from './merge-packages.js';

/** Effects are the entries made and what each package's scripts were credited with. */
export interface Effects {
  readonly entries: readonly GeneratedEntry[];
  /** Reproduced effects by package name, e.g. `update-alternatives awk`. */
  readonly reproduced: ReadonlyMap<string, string[]>;
  /** Alternatives calls that could not be read statically, by package. */
  readonly unread: ReadonlyMap<string, string[]>;
  /** Notes (refused alternatives, skipped links, certificates that do not parse). */
  readonly notes: readonly string[];
}

/** EffectsInput: the set, the plan (for users) and the build's day count for shadow. */
export interface EffectsInput {
  readonly set: InstalledSet;
  readonly plan: ImagePlan;
  readonly lastChangeDays: number;
  /** Certificates from the config under /usr/local/share/ca-certificates. */
  readonly localCertificates?: readonly { readonly path: string; readonly content: Buffer }[];
}

/** packageEffects computes the effects of `input.set`. */
export function packageEffects(input: EffectsInput): Effects {
  const { set, plan } = input;
  const names = new Set(set.packages.map((p) => p.locked.name));
  // Only files that are in the image count: a path filter or a Replaces that left one out leaves it out of the effects too.
  const captured = new Map<string, Buffer>();
  for (const p of set.packages) {
    const installed = set.merged.installed.get(packageKey(p.merge)) ?? new Set<number>();
    const paths = new Set(p.merge.contents.records.filter((r, i) => installed.has(i) && r.type === 'file').map((r) => r.path));
    for (const [path, bytes] of p.merge.contents.captured) if (paths.has(path)) captured.set(path, bytes);
  }
  const reproduced = new Map<string, string[]>();
  const credit = (pkg: string, what: string) => reproduced.set(pkg, [...(reproduced.get(pkg) ?? []), what]);
  const entries: GeneratedEntry[] = [];
  const notes: string[] = [];
  const exists = existsIn(set);

  // Accounts: base-passwd's masters (its preinst copies them), shadow when passwd is installed.
  const passwdMaster = names.has('base-passwd') ? captured.get('/usr/share/base-passwd/passwd.master')?.toString('utf8') : undefined;
  const groupMaster = names.has('base-passwd') ? captured.get('/usr/share/base-passwd/group.master')?.toString('utf8') : undefined;
  const shadow = names.has('passwd');
  const accounts = accountFiles({
    ...(passwdMaster !== undefined ? { passwdMaster } : {}),
    ...(groupMaster !== undefined ? { groupMaster } : {}),
    users: plan.users,
    groups: plan.groups,
    shadow,
    lastChangeDays: input.lastChangeDays,
  });
  entries.push(...accounts);
  if (passwdMaster !== undefined) credit('base-passwd', '/etc/passwd and /etc/group from the masters');
  if (shadow) credit('passwd', 'shadowconfig on (/etc/shadow, /etc/gshadow)');

  // update-alternatives --install calls of every postinst, in unpack order.
  const installs: (AlternativeInstall & { package: string })[] = [];
  const unread = new Map<string, string[]>();
  for (const p of set.packages) {
    const script = p.merge.contents.control.scripts.postinst;
    if (!script) continue;
    const r = readAlternativeInstalls(script.toString('utf8'));
    for (const i of r.installs) installs.push({ ...i, package: p.locked.name });
    if (r.unread.length > 0) unread.set(p.locked.name, r.unread);
  }
  const alt = alternativesEntries(installs, exists);
  entries.push(...alt.entries);
  notes.push(...alt.notes);
  for (const i of installs) if (alt.entries.some((e) => e.path === `/etc/alternatives/${i.name}`)) credit(i.package, `update-alternatives ${i.name}`);

  if (names.has('ca-certificates')) {
    const certificates = [
      ...[...captured].filter(([path]) => path.endsWith('.crt') && path.includes('/share/ca-certificates/')).map(([path, content]) => ({ path, content })),
      ...(input.localCertificates ?? []),
    ];
    const conf = captured.get('/etc/ca-certificates.conf')?.toString('utf8');
    const ca = caCertificatesEntries({ certificates, ...(conf !== undefined ? { conf } : {}) });
    entries.push(...ca.entries);
    for (const s of ca.skipped) notes.push(`ca-certificates: ${s.path}: ${s.reason}`);
    credit('ca-certificates', `update-ca-certificates (${certificates.length - ca.skipped.length} certificates)`);
  }
  if (names.has('base-files')) {
    entries.push(...baseFilesEntries(captured, exists));
    credit('base-files', 'default files, directories and links of a fresh install');
  }
  const nsswitch = captured.get('/usr/share/libc-bin/nsswitch.conf');
  if (names.has('libc-bin') && nsswitch && !exists('/etc/nsswitch.conf')) {
    entries.push(file('/etc/nsswitch.conf', nsswitch));
    credit('libc-bin', '/etc/nsswitch.conf');
  }
  if (names.has('dash') && set.packages.some((p) => p.locked.name === 'dash' && /dpkg-divert[^\n]*--package dash/.test(p.merge.contents.control.scripts.postinst?.toString('utf8') ?? ''))) {
    entries.push(file('/var/lib/dpkg/diversions', Buffer.from('/bin/sh\n/bin/sh.distrib\ndash\n/usr/share/man/man1/sh.1.gz\n/usr/share/man/man1/sh.distrib.1.gz\ndash\n')));
    credit('dash', 'dpkg-divert /bin/sh');
  }
  // Links and files below /bin, /lib, ... land where the image's symlinks lead (merged /usr), as a script writing there would.
  const placed = entries.map((e) => ({ ...e, path: resolveParents(posix.normalize(e.path), set.merged.links, `maintainer-script effects: ${e.path}`) }));
  return { entries: dropExisting(placed, exists), reproduced, unread, notes };
}

/** baseFilesEntries: what base-files' postinst makes on a first configure. */
function baseFilesEntries(captured: ReadonlyMap<string, Buffer>, exists: (p: string) => boolean): GeneratedEntry[] {
  const out: GeneratedEntry[] = [];
  const fromDefault = (name: string, dest: string) => {
    const bytes = captured.get(`/usr/share/base-files/${name}`);
    if (bytes && !exists(dest)) out.push(file(dest, bytes));
  };
  fromDefault('dot.profile', '/root/.profile');
  fromDefault('dot.bashrc', '/root/.bashrc');
  fromDefault('profile', '/etc/profile');
  fromDefault('motd', '/etc/motd');
  if (exists('/usr/share/info')) fromDefault('info.dir', '/usr/share/info/dir');
  for (const d of ['/mnt', '/srv', '/opt', '/etc/opt', '/var/opt', '/media']) out.push(dir(d, 0o755));
  out.push(dir('/var/mail', 0o2775, 8));
  out.push(link('/var/spool/mail', '../mail'));
  out.push(dir('/run/lock', 0o1777));
  for (const d of ['share', 'share/man', 'bin', 'games', 'lib', 'include', 'sbin', 'src', 'etc']) out.push(dir(`/usr/local/${d}`, 0o755));
  out.push(dir('/usr/local', 0o755));
  out.push(link('/usr/local/man', 'share/man'));
  // ensure_file_owner_mode: empty login records owned by group utmp (43).
  out.push(file('/var/log/wtmp', Buffer.alloc(0), 0o664, 43), file('/var/log/btmp', Buffer.alloc(0), 0o660, 43), file('/var/log/lastlog', Buffer.alloc(0), 0o664, 43));
  if (exists('/etc/dpkg/origins/debian') && !exists('/etc/dpkg/origins/default')) out.push(link('/etc/dpkg/origins/default', 'debian'));
  return out;
}

/** dropExisting leaves out generated directories and links where the image already has something (scripts test before they make). */
function dropExisting(entries: readonly GeneratedEntry[], exists: (p: string) => boolean): GeneratedEntry[] {
  return entries.filter((e) => e.type === 'file' || !exists(e.path));
}

/** existsIn tells whether a path is in the merged packages, following their symlinks. */
function existsIn(set: InstalledSet): (path: string) => boolean {
  return (path) => {
    try {
      return set.tree.get(resolvePath(path, set.merged.links, path)) !== undefined;
    } catch {
      return false;
    }
  };
}

function file(path: string, content: Buffer, mode = 0o644, gid = 0): GeneratedEntry {
  return { path, type: 'file', mode, uid: 0, gid, content };
}

function dir(path: string, mode: number, gid = 0): GeneratedEntry {
  return { path, type: 'directory', mode, uid: 0, gid };
}

function link(path: string, linkname: string): GeneratedEntry {
  return { path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, linkname };
}
