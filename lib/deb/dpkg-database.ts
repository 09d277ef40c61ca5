/**
 * dpkgDatabaseFiles: the dpkg database of packages that slipway installed without dpkg, as
 * files for the image, so that dpkg, dpkg-query and image scanners see every package. The
 * `dpkg` form is what dpkg itself leaves after `dpkg --install`: the status stanza as
 * lib/dpkg/dump.c writes it (fields in the order of lib/dpkg/parse.c `fieldinfos`, values
 * normalised as dpkg parses them), info/ as src/main/unpack.c fills it and the trigger
 * interests of lib/dpkg/triglib.c. The `distroless` form is /var/lib/dpkg/status.d/ as
 * GoogleContainerTools/distroless images carry it. Pure: text in, files out.
 */
import { SlipwayError } from '../core/index.js';

/** InstalledConffile is one conffile (deb-conffiles(5)) and the md5 of its bytes as installed. */
export interface InstalledConffile {
  /** Absolute path, e.g. `/etc/hello.conf`. */
  readonly path: string;
  /** Lower-case hex MD5 of the file as it lands in the image. */
  readonly md5: string;
}

/** InstalledPackage is what {@link dpkgDatabaseFiles} needs to know of one installed package. */
export interface InstalledPackage {
  /** The `control` file of control.tar, verbatim (deb-control(5)). */
  readonly control: string;
  /**
   * Absolute paths the package installed, directories included, in the order dpkg records
   * them (see {@link dpkgListPaths}); the root (`/`, `./` or `/.`) is written first as `/.`.
   */
  readonly files: readonly string[];
  /** The `md5sums` control file, verbatim (deb-md5sums(5)). */
  readonly md5sums?: string;
  /** The conffiles, in the order of the `conffiles` control file. */
  readonly conffiles?: readonly InstalledConffile[];
  /**
   * Other control files by name (`triggers`, `shlibs`, `symbols`, `postinst`, ...). As
   * dpkg, names with a dot and `control` and `list` are not kept; `md5sums` and `conffiles`
   * come from the fields above.
   */
  readonly extraInfo?: Readonly<Record<string, string>>;
}

/** DatabaseForm is `dpkg` (status and info/) or `distroless` (status.d/). */
export type DatabaseForm = 'dpkg' | 'distroless';

/** DatabaseFile is one regular file of the database. */
export interface DatabaseFile {
  /** Absolute path in the image, e.g. `/var/lib/dpkg/status`. */
  readonly path: string;
  readonly content: string;
  /** Permission bits: 0o644, or 0o755 for maintainer scripts. */
  readonly mode: number;
}

/** DPKG_ADMIN_DIR is where dpkg keeps its database in an image. */
export const DPKG_ADMIN_DIR = '/var/lib/dpkg';

const SCRIPTS = new Set(['preinst', 'postinst', 'prerm', 'postrm', 'config']);
/** Control files that are not copied from extraInfo: dpkg drops `control` and `list`; the other two have fields. */
const NOT_EXTRA = new Set(['control', 'list', 'md5sums', 'conffiles']);
/** dpkg's MAXCONTROLFILENAME. */
const MAX_INFO_NAME = 100;
const RELATION_FIELDS = new Set(['replaces', 'provides', 'depends', 'pre-depends', 'recommends', 'suggests', 'breaks', 'conflicts', 'enhances']);
/** Fields dpkg never writes for an installed package (archive details, state of its own). */
const DROPPED = new Set(['status', 'config-version', 'conffiles', 'filename', 'size', 'md5sum', 'msdos-filename', 'triggers-pending', 'triggers-awaited']);
/** Obsolete fields dpkg would remap into others; no current package has them. */
const OBSOLETE = new Set(['recommended', 'optional', 'class', 'revision', 'package-revision', 'package_revision']);
// lib/dpkg/parse.c `fieldinfos`: the order of the known fields in a status stanza.
const STATUS_ORDER = [
  'Package', 'Essential', 'Protected', 'Status', 'Priority', 'Section', 'Installed-Size', 'Origin', 'Maintainer', 'Bugs',
  'Architecture', 'Multi-Arch', 'Source', 'Version', 'Config-Version', 'Replaces', 'Provides', 'Depends', 'Pre-Depends',
  'Recommends', 'Suggests', 'Breaks', 'Conflicts', 'Enhances', 'Conffiles', 'Filename', 'Size', 'MD5sum', 'MSDOS-Filename',
  'Description', 'Triggers-Pending', 'Triggers-Awaited',
];
const KNOWN = new Set(STATUS_ORDER.map((n) => n.toLowerCase()));
const PRIORITIES = new Set(['required', 'important', 'standard', 'optional', 'extra']);

interface Field {
  readonly name: string;
  readonly value: string;
}

/** Parsed is one package with the facts the database is keyed on. */
interface Parsed {
  readonly pkg: InstalledPackage;
  readonly fields: readonly Field[];
  readonly name: string;
  readonly arch: string;
  /** `name`, or `name:arch` for Multi-Arch: same (dpkg's `pnaw_same`): info/ files and trigger files use it. */
  readonly infoName: string;
  readonly subject: string;
}

/**
 * dpkgDatabaseFiles returns the database files for `packages`, sorted by path; the same
 * packages in any order give the same files. Form `dpkg`: /var/lib/dpkg/status (one stanza
 * per package, by name then architecture, `Status: install ok installed`), info/format,
 * info/PKG.list, .md5sums, .conffiles and the other kept control files, and
 * triggers/File, triggers/NAME and an empty triggers/Unincorp. Form `distroless`:
 * /var/lib/dpkg/status.d/PKG (the control file verbatim) and PKG.md5sums.
 * ERR_DEB_MALFORMED for a control file or triggers file dpkg would refuse, ERR_DEB_UNSAFE
 * for a path or trigger name that would leave its directory, ERR_LAYER_PATH_CONFLICT when
 * two packages would own the same database file.
 */
export function dpkgDatabaseFiles(packages: readonly InstalledPackage[], opts: { readonly form: DatabaseForm }): DatabaseFile[] {
  const parsed = packages.map(parsePackage).sort((a, b) => compare(a.name, b.name) || compare(a.arch, b.arch));
  const owners = new Map<string, string>();
  for (const p of parsed) {
    const key = opts.form === 'dpkg' ? p.infoName : p.name;
    const other = owners.get(key);
    if (other !== undefined) {
      throw new SlipwayError('ERR_LAYER_PATH_CONFLICT', `${p.subject}: its dpkg database files are also those of ${other}`, {
        hint: 'install one instance of each package (several architectures only for Multi-Arch: same)',
      });
    }
    owners.set(key, p.subject);
  }
  const files = opts.form === 'dpkg' ? dpkgForm(parsed) : distrolessForm(parsed);
  return files.sort((a, b) => compare(a.path, b.path));
}

/**
 * dpkgListPaths returns the paths of data.tar `entries` in the order dpkg records them in
 * PKG.list: archive order, except that symlinks come after everything else, because dpkg's
 * tar extractor (lib/dpkg/tarfn.c) defers them to the end.
 */
export function dpkgListPaths(entries: Iterable<{ readonly path: string; readonly type: string }>): string[] {
  const first: string[] = [];
  const symlinks: string[] = [];
  for (const e of entries) (e.type === 'symlink' ? symlinks : first).push(e.path);
  return [...first, ...symlinks];
}

function dpkgForm(parsed: readonly Parsed[]): DatabaseFile[] {
  const info = `${DPKG_ADMIN_DIR}/info`;
  const out: DatabaseFile[] = [
    { path: `${DPKG_ADMIN_DIR}/status`, content: parsed.map((p) => `${statusStanza(p)}\n`).join(''), mode: 0o644 },
    // The info/ layout dpkg 1.16+ writes: PKG:ARCH.* for Multi-Arch: same packages.
    { path: `${info}/format`, content: '1\n', mode: 0o644 },
  ];
  for (const p of parsed) {
    const at = (suffix: string, content: string, mode = 0o644) => out.push({ path: `${info}/${p.infoName}.${suffix}`, content, mode });
    at('list', listFile(p));
    if (p.pkg.md5sums !== undefined) at('md5sums', p.pkg.md5sums);
    if (p.pkg.conffiles?.length) at('conffiles', p.pkg.conffiles.map((c) => `${c.path}\n`).join(''));
    for (const [name, content] of Object.entries(p.pkg.extraInfo ?? {})) {
      if (keptInfoName(name, p)) at(name, content, SCRIPTS.has(name) ? 0o755 : 0o644);
    }
  }
  out.push(...triggerFiles(parsed));
  return out;
}

function distrolessForm(parsed: readonly Parsed[]): DatabaseFile[] {
  const dir = `${DPKG_ADMIN_DIR}/status.d`;
  return parsed.flatMap((p) => [
    { path: `${dir}/${p.name}`, content: p.pkg.control, mode: 0o644 },
    ...(p.pkg.md5sums === undefined ? [] : [{ path: `${dir}/${p.name}.md5sums`, content: p.pkg.md5sums, mode: 0o644 }]),
  ]);
}

function keptInfoName(name: string, p: Parsed): boolean {
  if (name === '' || name.includes('/') || name.includes('\0')) throw unsafe(p.subject, `control file ${JSON.stringify(name)}`, 'is not a plain file name');
  if (name.length > MAX_INFO_NAME) throw malformed(p.subject, `control file ${name.slice(0, 50)}...`, `a name longer than ${MAX_INFO_NAME} bytes`);
  return !name.includes('.') && !NOT_EXTRA.has(name);
}

function listFile(p: Parsed): string {
  const lines = ['/.'];
  for (const file of p.pkg.files) {
    const path = listPath(file, p.subject);
    if (path !== '/.') lines.push(path);
  }
  return `${lines.join('\n')}\n`;
}

/** listPath writes `file` as dpkg does in PKG.list: absolute, no trailing slash, the root as `/.`. */
function listPath(file: string, subject: string): string {
  if (file.includes('\n')) throw malformed(subject, `path ${JSON.stringify(file)}`, 'a newline in a path');
  const parts = file.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) throw unsafe(subject, `path ${JSON.stringify(file)}`, 'a .. component');
  return parts.length === 0 ? '/.' : `/${parts.join('/')}`;
}

// ---- the control stanza as dpkg parses it (lib/dpkg/parse.c parse_stanza) ----

function parsePackage(pkg: InstalledPackage): Parsed {
  const fields = splitControl(pkg.control);
  const get = (name: string) => fields.find((f) => f.name.toLowerCase() === name)?.value ?? '';
  const name = get('package').toLowerCase();
  const arch = get('architecture');
  const subject = `${name || '(no Package)'}=${get('version')}/${arch}`;
  if (!/^[a-z0-9][a-z0-9+.-]*$/.test(name)) throw malformed(subject, 'control Package', `not a valid package name: ${JSON.stringify(name)}`);
  if (get('version') === '') throw malformed(subject, 'control', 'no Version field');
  if (arch !== '' && !/^[a-z0-9][a-z0-9-]*$/.test(arch)) throw malformed(subject, 'control Architecture', `not a valid architecture: ${JSON.stringify(arch)}`);
  const same = multiArch(get('multi-arch'), subject) === 'same';
  if (same && (arch === '' || arch === 'all')) throw malformed(subject, 'control', `Multi-Arch: same needs a concrete Architecture, not ${JSON.stringify(arch)}`);
  return { pkg, fields, name, arch, infoName: same ? `${name}:${arch}` : name, subject };
}

/**
 * splitControl returns the fields of a one-stanza control file as dpkg reads them: the name
 * as written, the value from its first non-blank character with continuation lines kept
 * verbatim and trailing white space removed.
 */
function splitControl(text: string): Field[] {
  const subject = /^package:[ \t]*(\S+)/im.exec(text)?.[1] ?? '(unnamed package)';
  const lines = text.split('\n');
  if (lines.pop() !== '') throw malformed(subject, 'control', 'does not end with a newline');
  const fields: { name: string; value: string }[] = [];
  let i = 0;
  while (lines[i] === '') i++;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      if (lines.slice(i).some((l) => l !== '')) throw malformed(subject, `control line ${i + 1}`, 'a second stanza');
      break;
    }
    const last = fields[fields.length - 1];
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === undefined || line.trim() === '') throw malformed(subject, `control line ${i + 1}`, 'a continuation line with no field or no text');
      last.value += `\n${line}`;
      continue;
    }
    const m = /^([^\s:]+)[ \t\r\v\f]*:[ \t\r\v\f]*(.*)$/.exec(line);
    if (!m || m[1]!.startsWith('-')) throw malformed(subject, `control line ${i + 1}`, `not a field: ${JSON.stringify(line.slice(0, 60))}`);
    if (fields.some((f) => f.name.toLowerCase() === m[1]!.toLowerCase())) throw malformed(subject, `control line ${i + 1}`, `field ${m[1]} is given twice`);
    fields.push({ name: m[1]!, value: m[2]! });
  }
  return fields.map((f) => ({ name: f.name, value: f.value.replace(/\s+$/, '') }));
}

// ---- the status stanza as dpkg writes it (lib/dpkg/dump.c varbuf_stanza) ----

/** statusStanza writes `p`'s stanza: known fields in `fieldinfos` order, then the others in control order. */
function statusStanza(p: Parsed): string {
  const byName = new Map(p.fields.map((f) => [f.name.toLowerCase(), f.value]));
  const lines: string[] = [];
  for (const name of STATUS_ORDER) {
    const key = name.toLowerCase();
    if (key === 'status') lines.push('Status: install ok installed');
    else if (key === 'conffiles') lines.push(...conffilesLines(p));
    else if (!DROPPED.has(key)) {
      const value = byName.get(key);
      const out = value === undefined ? undefined : knownValue(name, value, p);
      if (out !== undefined) lines.push(`${name}: ${out}`);
    }
  }
  for (const f of p.fields) {
    const key = f.name.toLowerCase();
    if (OBSOLETE.has(key)) throw malformed(p.subject, `control ${f.name}`, 'an obsolete field dpkg rewrites into others; rebuild the package');
    if (!KNOWN.has(key)) lines.push(`${f.name}: ${f.value}`);
  }
  return `${lines.join('\n')}\n`;
}

function conffilesLines(p: Parsed): string[] {
  const list = p.pkg.conffiles ?? [];
  for (const c of list) {
    if (!c.path.startsWith('/') || /\s/.test(c.path) || !/^[0-9a-f]{32}$/.test(c.md5)) {
      throw malformed(p.subject, `conffile ${JSON.stringify(c.path)}`, 'needs an absolute path without white space and a lower-case hex md5');
    }
  }
  return list.length === 0 ? [] : ['Conffiles:', ...list.map((c) => ` ${c.path} ${c.md5}`)];
}

/** knownValue is the value dpkg writes for known field `name`, or undefined when it writes none. */
function knownValue(name: string, value: string, p: Parsed): string | undefined {
  const key = name.toLowerCase();
  if (key === 'package') return p.name;
  if (value === '') return undefined;
  if (RELATION_FIELDS.has(key)) return formatRelations(name, value, p.subject);
  switch (key) {
    case 'version':
      return formatVersion(value, p.subject, 'Version');
    case 'essential':
    case 'protected':
      return yesNo(value, name, p.subject) ? 'yes' : undefined;
    case 'multi-arch': {
      const m = multiArch(value, p.subject);
      return m === 'no' ? undefined : m;
    }
    case 'priority': {
      const lower = value.toLowerCase();
      return lower === 'unknown' ? undefined : PRIORITIES.has(lower) ? lower : value;
    }
    default:
      return value;
  }
}

function yesNo(value: string, key: string, subject: string): boolean {
  const v = value.toLowerCase();
  if (v !== 'yes' && v !== 'no') throw malformed(subject, `control ${key}`, `not yes or no: ${JSON.stringify(value)}`);
  return v === 'yes';
}

function multiArch(value: string, subject: string): 'no' | 'same' | 'allowed' | 'foreign' {
  const v = value.toLowerCase();
  if (v === '') return 'no';
  if (v === 'no' || v === 'same' || v === 'allowed' || v === 'foreign') return v;
  throw malformed(subject, 'control Multi-Arch', `not no, same, allowed or foreign: ${JSON.stringify(value)}`);
}

/** formatVersion writes a version as dpkg's varbufversion(vdew_nonambig): a zero epoch is left out unless needed. */
function formatVersion(value: string, subject: string, where: string): string {
  const v = value.trim();
  if (v === '' || /\s/.test(v)) throw malformed(subject, `control ${where}`, `not a version: ${JSON.stringify(value)}`);
  const m = /^(\d+):(.*)$/.exec(v);
  if (!m) return v;
  const epoch = Number(m[1]);
  return epoch === 0 && !m[2]!.includes(':') ? m[2]! : `${epoch}:${m[2]!}`;
}

const ALTERNATIVE = /^\s*([^\s:(,|]+)(?::([^\s(,|]+))?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)?\s*([^\s()]+)\s*\)\s*)?$/;
const NO_ALTERNATIVES = new Set(['conflicts', 'breaks', 'provides', 'replaces']);

/** formatRelations rewrites a relation field as dpkg's varbufdependency: `a (>= 1) | b:any, c`. */
function formatRelations(name: string, value: string, subject: string): string {
  const where = `control ${name}`;
  const key = name.toLowerCase();
  return value.split(',').map((group) => {
    const alternatives = group.split('|');
    if (alternatives.length > 1 && NO_ALTERNATIVES.has(key)) throw malformed(subject, where, 'alternatives (|) are not allowed here');
    return alternatives.map((alt) => {
      const m = ALTERNATIVE.exec(alt);
      if (!m || /^[<>=]/.test(m[4] ?? '')) throw malformed(subject, where, `not a relation: ${JSON.stringify(alt.trim())}`);
      const [, pkg, arch, op, version] = m;
      const rel = op === undefined ? '=' : op === '<' ? '<=' : op === '>' ? '>=' : op;
      const ver = version === undefined ? '' : ` (${rel} ${formatVersion(version, subject, name)})`;
      return `${pkg!.toLowerCase()}${arch === undefined ? '' : `:${arch}`}${ver}`;
    }).join(' | ');
  }).join(', ');
}

// ---- trigger interests (lib/dpkg/triglib.c, deb-triggers(5)) ----

/**
 * triggerFiles writes triggers/File (`PATH PKG[/noawait]` per file trigger interest) and
 * triggers/NAME (`PKG[/noawait]` per package interested in explicit trigger NAME), in
 * package order, so that a later dpkg run in the image activates them.
 */
function triggerFiles(parsed: readonly Parsed[]): DatabaseFile[] {
  const fileLines: string[] = [];
  const explicit = new Map<string, string[]>();
  for (const p of parsed) {
    const text = p.pkg.extraInfo?.['triggers'];
    if (text === undefined) continue;
    for (const { name, noawait } of triggerInterests(text, p.subject)) {
      const who = `${p.infoName}${noawait ? '/noawait' : ''}`;
      if (name.startsWith('/')) fileLines.push(`${name} ${who}\n`);
      else explicit.set(name, [...(explicit.get(name) ?? []), `${who}\n`]);
    }
  }
  const dir = `${DPKG_ADMIN_DIR}/triggers`;
  const out = [...explicit].map(([name, lines]) => ({ path: `${dir}/${name}`, content: lines.join(''), mode: 0o644 }));
  if (fileLines.length > 0) out.push({ path: `${dir}/File`, content: fileLines.join(''), mode: 0o644 });
  // An empty queue of activations. Without it dpkg takes the database for one from before
  // triggers existed and activates every interest of every package (trig_transitional_activate).
  out.push({ path: `${dir}/Unincorp`, content: '', mode: 0o644 });
  return out;
}

function triggerInterests(text: string, subject: string): { name: string; noawait: boolean }[] {
  const out: { name: string; noawait: boolean }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [directive = '', name = '', ...rest] = line.split(/\s+/);
    if (directive.startsWith('activate')) continue;
    if (!['interest', 'interest-await', 'interest-noawait'].includes(directive) || name === '' || rest.length > 0) {
      throw malformed(subject, 'triggers', `not a trigger directive dpkg knows: ${JSON.stringify(line.slice(0, 60))}`);
    }
    if (/[\x00-\x20\x7f-\uffff]/.test(name)) throw malformed(subject, 'triggers', `trigger name ${JSON.stringify(name)} has a character dpkg refuses`);
    if (name.startsWith('/')) out.push({ name: name.replace(/(.)\/+$/, '$1'), noawait: directive === 'interest-noawait' });
    else if (name.includes('/') || name === '.' || name === '..') throw unsafe(subject, 'triggers', `explicit trigger name ${JSON.stringify(name)} would leave the triggers directory`);
    else if (name === 'File' || name === 'Unincorp' || name === 'Lock') throw malformed(subject, 'triggers', `trigger name ${name} is one of dpkg's own files`);
    else out.push({ name, noawait: directive === 'interest-noawait' });
  }
  return out;
}

// ---- helpers ----

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function malformed(subject: string, where: string, problem: string): SlipwayError {
  return new SlipwayError('ERR_DEB_MALFORMED', `${subject}: ${where}: ${problem}`, {
    hint: 'dpkg would refuse this package too; rebuild it or leave it out',
  });
}

function unsafe(subject: string, where: string, problem: string): SlipwayError {
  return new SlipwayError('ERR_DEB_UNSAFE', `${subject}: ${where}: ${problem}`, { hint: 'the package is unsafe to install; do not use it' });
}
