/**
 * apt sources (sources.list(5)): the one-line form (`deb [options] URI SUITE COMPONENT...`)
 * and the deb822 `.sources` form, read into one {@link SourceEntry} shape; and the host's
 * own configuration under /etc/apt. Nothing here fetches: keys named by Signed-By are
 * only reported.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SlipwayError } from '../core/index.js';
import { AptFormatError } from './apt-format-error.js';
import { parseStanzas } from './deb822.js';
import { foldField, type Stanza } from './stanza.js';

/** SourceType is what an entry serves: binary packages (`deb`) or source packages (`deb-src`). */
export type SourceType = 'deb' | 'deb-src';

/** SourceEntry is one repository configured by a sources line or `.sources` stanza. */
export interface SourceEntry {
  /** types in the order written, without repeats. */
  readonly types: readonly SourceType[];
  /** uris as written: mirrors of one repository, tried in order. */
  readonly uris: readonly string[];
  /** suites (distributions); one ending in `/` is a flat repository's path. */
  readonly suites: readonly string[];
  /** components; empty exactly when the suites are flat. */
  readonly components: readonly string[];
  /** architectures (`arch=` / `Architectures:`) when restricted. */
  readonly architectures?: readonly string[];
  /**
   * signedBy as written: keyring paths or fingerprints (as written, comma or blank
   * separated), or an inline armored key starting `-----BEGIN PGP PUBLIC KEY BLOCK-----`.
   * Paths are relative to the root the sources were read from.
   */
  readonly signedBy?: string;
  /** trusted is `trusted=yes|no` / `Trusted:` when given. */
  readonly trusted?: boolean;
  /** enabled is false for a `.sources` stanza with `Enabled: no`. */
  readonly enabled: boolean;
  /** options not modelled above, by lowercase one-line name (`check-valid-until`, `lang`, ...), values as written. */
  readonly options: Readonly<Record<string, string>>;
  /** origin is where the entry was written: file and 1-based line. */
  readonly origin: { readonly file: string; readonly line: number };
}

/** MAX_SOURCES_FILE_BYTES caps one sources file read from disk. */
export const MAX_SOURCES_FILE_BYTES = 4 * 1024 * 1024;

const TYPES: readonly string[] = ['deb', 'deb-src'];
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;
const NAME = /^[A-Za-z0-9_.-]+\.(list|sources)$/;
/** deb822 field names whose one-line option name differs (apt's sourcelist.cc mapping). */
const OPTION_NAMES: Readonly<Record<string, string>> = { architectures: 'arch', languages: 'lang', targets: 'target' };

type Fail = (line: number, problem: string, hint?: string) => never;

function failFor(file: string): Fail {
  return (line, problem, hint) => {
    throw new AptFormatError('ERR_APT_SOURCES_INVALID', file, line, problem, hint ? { hint } : {});
  };
}

function parseBoolean(value: string, what: string, line: number, fail: Fail): boolean {
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  return fail(line, `${what} must be yes or no, not "${value}"`);
}

function checkArchitectures(archs: readonly string[], line: number, fail: Fail): readonly string[] {
  if (archs.length === 0) fail(line, 'an empty architecture list');
  for (const a of archs) if (!ARCH.test(a)) fail(line, `"${a}" is not an architecture name`);
  return archs;
}

/** checkShape validates the parts every entry needs, whichever form it was written in. */
function checkShape(uris: readonly string[], suites: readonly string[], components: readonly string[], line: number, fail: Fail): void {
  for (const u of uris) if (!URI.test(u)) fail(line, `"${u}" is not a URI (scheme:path)`, 'write the repository URL with its scheme, e.g. http:// or file:/');
  const flat = suites.filter((s) => s.endsWith('/'));
  if (flat.length > 0 && flat.length < suites.length) fail(line, 'flat (ending in "/") and normal suites mixed in one entry');
  if (flat.length > 0 && components.length > 0) fail(line, `flat repository suite "${flat[0]}" takes no components`, 'drop the components, or drop the trailing "/" from the suite');
  if (flat.length === 0 && components.length === 0) fail(line, `suite "${suites[0]}" needs at least one component`, 'add a component such as main, or end the suite with "/" for a flat repository');
}

/**
 * parseSourcesList parses one-line sources (a sources.list or `*.list` file): one entry per
 * `deb`/`deb-src` line; `#` starts a comment anywhere on a line, as in apt. Options in
 * `[...]`: `arch=a,b`, `signed-by=...`, `trusted=yes|no`; others are kept in `options`.
 * Throws an AptFormatError (ERR_APT_SOURCES_INVALID) naming `file` and the line for an
 * unknown type, a missing URI or suite, a flat suite with components or a normal one
 * without, a malformed option, and `+=`/`-=` options (not supported).
 */
export function parseSourcesList(text: string, file: string): SourceEntry[] {
  const fail = failFor(file);
  const entries: SourceEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    line = line.trim();
    if (line === '') continue;
    const type = /^\S+/.exec(line)![0];
    if (!TYPES.includes(type)) fail(lineNo, `unknown type "${type}"`, 'a sources line starts with deb or deb-src');
    let rest = line.slice(type.length).trim();
    const options: Record<string, string> = {};
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) fail(lineNo, 'options "[" without a closing "]"');
      for (const opt of rest.slice(1, close).split(/\s+/).filter(Boolean)) {
        const eq = opt.indexOf('=');
        if (eq <= 0) fail(lineNo, `option "${opt}" is not name=value`);
        const name = opt.slice(0, eq).toLowerCase();
        if (name.endsWith('+') || name.endsWith('-')) {
          fail(lineNo, `option "${opt}" adds to or removes from a default, which slipway does not support`, `write the whole list, e.g. ${name.slice(0, -1)}=...`);
        }
        if (name in options) fail(lineNo, `option "${name}" given twice`);
        options[name] = opt.slice(eq + 1);
      }
      rest = rest.slice(close + 1).trim();
    }
    const [uri, suite, ...components] = rest.split(/\s+/).filter(Boolean);
    if (uri === undefined) fail(lineNo, `${type} line without a URI`);
    if (suite === undefined) fail(lineNo, `${type} line without a suite`);
    checkShape([uri!], [suite!], components, lineNo, fail);
    const { arch, 'signed-by': signedBy, trusted, ...others } = options;
    if (signedBy === '') fail(lineNo, 'signed-by is empty');
    entries.push({
      types: [type as SourceType],
      uris: [uri!],
      suites: [suite!],
      components,
      ...(arch === undefined ? {} : { architectures: checkArchitectures(arch.split(',').filter(Boolean), lineNo, fail) }),
      ...(signedBy === undefined ? {} : { signedBy }),
      ...(trusted === undefined ? {} : { trusted: parseBoolean(trusted, 'trusted', lineNo, fail) }),
      enabled: true,
      options: others,
      origin: { file, line: lineNo },
    });
  }
  return entries;
}

/**
 * parseDeb822Sources parses a deb822 `.sources` file: one entry per stanza with Types, URIs,
 * Suites and (unless the suites are flat) Components; optional Architectures, Signed-By (paths,
 * fingerprints, or an inline armored key), Trusted and Enabled; other fields are kept in
 * `options` by their one-line names. `#` comment lines are allowed. A stanza with
 * `Enabled: no` is returned disabled, or dropped (as apt ignores it) if it would not parse.
 * Throws an AptFormatError (ERR_APT_SOURCES_INVALID) naming `file` and the line for deb822
 * syntax errors, a missing field, an unknown type, a flat suite with components or a normal
 * one without, and Architectures-Add/-Remove (not supported).
 */
export function parseDeb822Sources(text: string, file: string): SourceEntry[] {
  const fail = failFor(file);
  const entries: SourceEntry[] = [];
  for (const stanza of parseStanzas(text, { name: file, comments: true, code: 'ERR_APT_SOURCES_INVALID' })) {
    const enabledField = stanza.field('Enabled');
    const enabled = enabledField === undefined || parseBoolean(enabledField.value, 'Enabled', enabledField.line, fail);
    if (enabled) {
      entries.push(entryFromStanza(stanza, true, file, fail));
      continue;
    }
    try {
      entries.push(entryFromStanza(stanza, false, file, fail));
    } catch (err) {
      if (!(err instanceof AptFormatError)) throw err;
    }
  }
  return entries;
}

function entryFromStanza(stanza: Stanza, enabled: boolean, file: string, fail: Fail): SourceEntry {
  const lineOf = (name: string) => stanza.field(name)?.line ?? stanza.line;
  const words = (name: string, required: boolean): string[] => {
    const field = stanza.field(name);
    const list = field === undefined ? [] : foldField(field.value).split(/\s+/).filter(Boolean);
    if (required && list.length === 0) fail(lineOf(name), `stanza has no ${name}`, `a .sources stanza needs Types, URIs, Suites and Components`);
    return list;
  };
  const types = [...new Set(words('Types', true))];
  for (const t of types) if (!TYPES.includes(t)) fail(lineOf('Types'), `unknown type "${t}"`, 'Types lists deb and/or deb-src');
  const uris = words('URIs', true);
  const suites = words('Suites', true);
  const components = words('Components', false);
  checkShape(uris, suites, components, stanza.line, fail);

  const options: Record<string, string> = {};
  let architectures: readonly string[] | undefined;
  let signedBy: string | undefined;
  let trusted: boolean | undefined;
  for (const { name, value, line } of stanza.fields) {
    const key = name.toLowerCase();
    if (key === 'architectures') architectures = checkArchitectures(words(name, false), line, fail);
    else if (key === 'signed-by') signedBy = signedByValue(value, line, fail);
    else if (key === 'trusted') trusted = parseBoolean(value, name, line, fail);
    else if (key === 'architectures-add' || key === 'architectures-remove') {
      fail(line, `${name} adds to or removes from a default, which slipway does not support`, 'list the architectures in full with Architectures:');
    } else if (!['types', 'uris', 'suites', 'components', 'enabled'].includes(key)) options[OPTION_NAMES[key] ?? key] = value;
  }
  return {
    types: types as SourceType[],
    uris,
    suites,
    components,
    ...(architectures === undefined ? {} : { architectures }),
    ...(signedBy === undefined ? {} : { signedBy }),
    ...(trusted === undefined ? {} : { trusted }),
    enabled,
    options,
    origin: { file, line: stanza.line },
  };
}

/** signedByValue reads Signed-By: an inline key keeps its lines; paths and fingerprints are folded. */
function signedByValue(value: string, line: number, fail: Fail): string {
  const trimmed = value.replace(/^\n+/, '').trimEnd();
  if (trimmed.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
    if (!trimmed.endsWith('-----END PGP PUBLIC KEY BLOCK-----')) fail(line, 'inline Signed-By key has no "-----END PGP PUBLIC KEY BLOCK-----" line');
    return `${trimmed}\n`;
  }
  const folded = foldField(value);
  if (folded === '') fail(line, 'Signed-By is empty');
  return folded;
}

/**
 * readSystemSources reads the apt sources configured under `root`: `etc/apt/sources.list`,
 * then `etc/apt/sources.list.d/*.list` and `*.sources` in byte order of their names (names
 * with other characters than `A-Za-z0-9_.-` are ignored, as apt does). Missing files and
 * directories are skipped; disabled entries are left out. Errors as
 * {@link parseSourcesList} and {@link parseDeb822Sources}, naming the full path; a file that
 * cannot be read or exceeds {@link MAX_SOURCES_FILE_BYTES} is ERR_APT_SOURCES_INVALID too.
 */
export async function readSystemSources(root = '/', opts: { signal?: AbortSignal } = {}): Promise<SourceEntry[]> {
  const etc = join(root, 'etc', 'apt');
  const files = [join(etc, 'sources.list')];
  const dir = join(etc, 'sources.list.d');
  try {
    const names = (await readdir(dir)).filter((n) => NAME.test(n)).sort();
    files.push(...names.map((n) => join(dir, n)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw unreadable(dir, err);
  }
  const entries: SourceEntry[] = [];
  for (const file of files) {
    if (opts.signal?.aborted) throw new SlipwayError('ERR_ABORTED', `${dir}: reading sources was aborted`, { cause: opts.signal.reason });
    const text = await readSourcesFile(file);
    if (text === undefined) continue;
    const parsed = file.endsWith('.sources') ? parseDeb822Sources(text, file) : parseSourcesList(text, file);
    entries.push(...parsed.filter((e) => e.enabled));
  }
  return entries;
}

async function readSourcesFile(file: string): Promise<string | undefined> {
  try {
    const st = await stat(file);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_SOURCES_FILE_BYTES) {
      throw new AptFormatError('ERR_APT_SOURCES_INVALID', file, undefined, `is larger than ${MAX_SOURCES_FILE_BYTES} bytes`);
    }
    return await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof SlipwayError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(file, err);
  }
}

function unreadable(path: string, err: unknown): AptFormatError {
  return new AptFormatError('ERR_APT_SOURCES_INVALID', path, undefined, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
}
