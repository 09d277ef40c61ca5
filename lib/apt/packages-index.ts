/**
 * Packages indices (Debian Policy §5.3 fields as the archive serves them, plus Filename,
 * Size and SHA256): stanzas to {@link PackageRecord}s, and {@link PackageIndex}, the lookup
 * by package name and by provided (virtual) name that a resolver asks.
 */
import type { Readable } from 'node:stream';
import { AptFormatError } from './apt-format-error.js';
import { readStanzas } from './deb822.js';
import { foldField, type Stanza } from './stanza.js';

/** PackageOrigin is the repository an index came from. */
export interface PackageOrigin {
  /** uri of the repository, as in its source entry but without credentials (safe to print and record). */
  readonly uri: string;
  /** suite (or a flat repository's path). */
  readonly suite: string;
  /** component; empty for a flat repository. */
  readonly component: string;
  /**
   * poolUrls are the bases a record's Filename is relative to, one per mirror in order (the
   * repository URIs, or a flat repository's directory); absent for indices read outside a client.
   * They are transport: they keep any credentials of the configured URIs, so never print or
   * record them (use `uri`).
   */
  readonly poolUrls?: readonly string[];
  /** releaseDigest is the sha256 digest of the verified InRelease/Release the index was listed in. */
  readonly releaseDigest?: string;
  /** signedBy are the primary fingerprints of the keys whose good signatures that Release carries. */
  readonly signedBy?: readonly string[];
  /**
   * pin is apt's default pin priority of the index: 500, or 1 for a Release with
   * `NotAutomatic: yes`, or 100 with `ButAutomaticUpgrades: yes` (apt_preferences(5)).
   */
  readonly pin?: number;
}

/** MultiArch is a package's Multi-Arch value (Debian Policy §5.6.30 / the MultiArch spec); `no` when absent. */
export type MultiArch = 'no' | 'same' | 'foreign' | 'allowed';

/**
 * PackageRecord is one binary package as a Packages index lists it. Relation fields
 * (depends ... staticBuiltUsing) are the raw field text folded onto one line, undefined when
 * absent; the relation parser lives in resolve.
 */
export interface PackageRecord {
  /** name is the Package field. */
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** source is the source package's name: from `Source: name [(version)]`, else the package's own. */
  readonly source: string;
  /** sourceVersion is the source package's version: from `Source: name (version)`, else the package's own. */
  readonly sourceVersion: string;
  readonly multiArch: MultiArch;
  /** essential is `Essential: yes`. */
  readonly essential: boolean;
  readonly priority: string | undefined;
  readonly section: string | undefined;
  /** installedSize is Installed-Size, in KiB (1024 bytes). */
  readonly installedSize: number | undefined;
  readonly maintainer: string | undefined;
  readonly homepage: string | undefined;
  /** description is the synopsis (the first line of Description). */
  readonly description: string | undefined;
  readonly depends: string | undefined;
  readonly preDepends: string | undefined;
  readonly recommends: string | undefined;
  readonly suggests: string | undefined;
  readonly enhances: string | undefined;
  readonly conflicts: string | undefined;
  readonly breaks: string | undefined;
  readonly provides: string | undefined;
  readonly replaces: string | undefined;
  /** builtUsing lists the source packages whose code is built in (Policy §7.8), for licence compliance. */
  readonly builtUsing: string | undefined;
  /** staticBuiltUsing lists statically linked sources (Rust, Go), for licence compliance. */
  readonly staticBuiltUsing: string | undefined;
  /** filename is the .deb's path relative to the repository URI. */
  readonly filename: string;
  /** size of the .deb in bytes. */
  readonly size: number;
  /** sha256 of the .deb, 64 lowercase hex digits. */
  readonly sha256: string;
  readonly origin: PackageOrigin;
}

/** ReadPackagesOptions name the index in errors and allow cancelling. */
export interface ReadPackagesOptions {
  /** name is the index's URL or path for error messages; built from the origin when absent. */
  readonly name?: string;
  readonly signal?: AbortSignal;
}

const DIGITS = /^[0-9]{1,15}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const MULTI_ARCH: readonly string[] = ['no', 'same', 'foreign', 'allowed'];

/**
 * parsePackageRecord reads one Packages stanza into a PackageRecord from `origin`; `subject`
 * names the index in errors. Throws an AptFormatError (ERR_APT_MALFORMED) with the stanza's
 * line when Package, Version, Architecture, Filename, Size or SHA256 is missing or malformed,
 * or Multi-Arch, Essential or Installed-Size has a value dpkg would not accept.
 */
export function parsePackageRecord(stanza: Stanza, origin: PackageOrigin, subject: string): PackageRecord {
  const name = stanza.get('Package');
  const fail = (field: string, problem: string): never => {
    throw new AptFormatError('ERR_APT_MALFORMED', subject, stanza.field(field)?.line ?? stanza.line, `${name === undefined ? 'stanza' : `package ${name}`}: ${problem}`);
  };
  const required = (field: string): string => {
    const v = stanza.get(field);
    return v === undefined || v === '' ? fail(field, `no ${field} field`) : v;
  };
  const relation = (field: string): string | undefined => {
    const v = stanza.get(field);
    return v === undefined ? undefined : foldField(v);
  };
  required('Package');
  const version = required('Version');
  const architecture = required('Architecture');
  const filename = required('Filename');
  const size = required('Size');
  if (!DIGITS.test(size)) fail('Size', `Size "${size}" is not a number of bytes`);
  const sha256 = required('SHA256');
  if (!SHA256_HEX.test(sha256)) fail('SHA256', `SHA256 "${sha256}" is not 64 hex digits`);
  const multiArch = stanza.get('Multi-Arch') ?? 'no';
  if (!MULTI_ARCH.includes(multiArch)) fail('Multi-Arch', `Multi-Arch "${multiArch}" is not one of ${MULTI_ARCH.join(', ')}`);
  const essential = stanza.get('Essential');
  if (essential !== undefined && essential !== 'yes' && essential !== 'no') fail('Essential', `Essential "${essential}" is not yes or no`);
  const installedSize = stanza.get('Installed-Size');
  if (installedSize !== undefined && !DIGITS.test(installedSize)) fail('Installed-Size', `Installed-Size "${installedSize}" is not a number of KiB`);
  let source = name!;
  let sourceVersion = version;
  const sourceField = stanza.get('Source');
  if (sourceField !== undefined) {
    // Policy §5.6.1: `Source: name` or `Source: name (version)` when the versions differ.
    const open = sourceField.indexOf('(');
    source = (open < 0 ? sourceField : sourceField.slice(0, open)).trim();
    if (open >= 0) {
      const close = sourceField.indexOf(')', open);
      sourceVersion = close < 0 ? '' : sourceField.slice(open + 1, close).trim();
      if (sourceVersion === '' || sourceField.slice(close + 1).trim() !== '') fail('Source', `Source "${sourceField}" is not "name (version)"`);
    }
    if (source === '' || /\s/.test(source)) fail('Source', `Source "${sourceField}" is not "name" or "name (version)"`);
  }
  const description = stanza.get('Description');
  const nl = description === undefined ? -1 : description.indexOf('\n');
  return {
    name: name!,
    version,
    architecture,
    source,
    sourceVersion,
    multiArch: multiArch as MultiArch,
    essential: essential === 'yes',
    priority: stanza.get('Priority'),
    section: stanza.get('Section'),
    installedSize: installedSize === undefined ? undefined : Number(installedSize),
    maintainer: stanza.get('Maintainer'),
    homepage: stanza.get('Homepage'),
    description: nl < 0 ? description : description!.slice(0, nl),
    depends: relation('Depends'),
    preDepends: relation('Pre-Depends'),
    recommends: relation('Recommends'),
    suggests: relation('Suggests'),
    enhances: relation('Enhances'),
    conflicts: relation('Conflicts'),
    breaks: relation('Breaks'),
    provides: relation('Provides'),
    replaces: relation('Replaces'),
    builtUsing: relation('Built-Using'),
    staticBuiltUsing: relation('Static-Built-Using'),
    filename,
    size: Number(size),
    sha256: sha256.toLowerCase(),
    origin,
  };
}

/**
 * readPackages reads a Packages index (already decompressed and verified) into records, in
 * index order. Errors: the deb822 syntax errors of {@link readStanzas} and the record errors
 * of {@link parsePackageRecord}, both ERR_APT_MALFORMED naming the index and line; ERR_ABORTED.
 */
export async function* readPackages(src: Readable | AsyncIterable<Uint8Array | string>, origin: PackageOrigin, opts: ReadPackagesOptions = {}): AsyncIterable<PackageRecord> {
  const name = opts.name ?? `${origin.uri} ${origin.suite}${origin.component ? `/${origin.component}` : ''} Packages`;
  for await (const stanza of readStanzas(src, { name, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    yield parsePackageRecord(stanza, origin, name);
  }
}

/**
 * parseProvidedNames returns the package names a Provides field offers, in order: each
 * comma-separated item up to its first blank, `(` or `:` (so `foo (= 1.0)` and `foo:any`
 * give `foo`); empty items are skipped.
 */
export function parseProvidedNames(provides: string): string[] {
  const names: string[] = [];
  for (const item of provides.split(',')) {
    const t = item.trim();
    let end = 0;
    while (end < t.length) {
      const c = t.charCodeAt(end);
      if (c === 32 || c === 9 || c === 10 || c === 40 || c === 58) break;
      end++;
    }
    if (end > 0) names.push(t.slice(0, end));
  }
  return names;
}

/**
 * relationTargets returns the targets a relation field names, in order, as `name` or
 * `name:arch` (lower-cased, versions and alternatives' bars dropped): the order in which
 * apt's cache builder first meets package names.
 */
export function relationTargets(text: string | undefined): string[] {
  if (text === undefined) return [];
  const out: string[] = [];
  for (const part of text.split(/[,|]/)) {
    const m = /^\s*([A-Za-z0-9][A-Za-z0-9+.-]*(?::[A-Za-z0-9-]+)?)/.exec(part);
    if (m) out.push(m[1]!.toLowerCase());
  }
  return out;
}

/** mentionsOf lists what a record mentions, as apt's cache builder meets it: its name, then Pre-Depends, Depends, Conflicts, Breaks, Recommends, Suggests, Replaces, Enhances and Provides targets. */
export function mentionsOf(r: PackageRecord): string[] {
  return [r.name, ...[r.preDepends, r.depends, r.conflicts, r.breaks, r.recommends, r.suggests, r.replaces, r.enhances, r.provides].flatMap(relationTargets)];
}

const NONE: readonly PackageRecord[] = Object.freeze([]);

/** Entry is one record of a PackageIndex, held parsed or as a way to parse it on first use. */
interface Entry {
  record: PackageRecord | undefined;
  readonly load: (() => PackageRecord) | undefined;
}

function materialize(e: Entry): PackageRecord {
  e.record ??= e.load!();
  return e.record;
}

/**
 * PackageIndex holds package records for lookup by name and by provided name. Lookups
 * return records in the order they were added, so adding indices in repository priority
 * order keeps that order; one record appears once per name it provides. Records may be
 * added lazily ({@link PackageIndex.addLazy}): then only the name and provided names are
 * held, and the record is parsed on first lookup, as apt's pkgcache points into its lists.
 */
export class PackageIndex {
  readonly #entries: Entry[] = [];
  readonly #byName = new Map<string, Entry[]>();
  readonly #byProvides = new Map<string, Entry[]>();

  /**
   * mentionChunks are the mentions of each addition, newline-joined, in order; undefined
   * after an addition came without them. They are split and deduplicated only when
   * {@link PackageIndex.mentions} is first asked, which few resolutions need.
   */
  #mentionChunks: string[] | undefined = [];
  #mentions: readonly string[] | undefined;

  /**
   * addMentions records, for lazily added records, the names they mention in order (see
   * {@link mentionsOf}), newline-joined; without it for every addition, {@link PackageIndex.mentions} is undefined.
   */
  addMentions(joined: string): void {
    if (joined !== '') this.#mentionChunks?.push(joined);
    this.#mentions = undefined;
  }

  /** markMentionsUnknown says an addition came without its mentions. */
  markMentionsUnknown(): void {
    this.#mentionChunks = undefined;
  }

  /** mentions returns every mentioned name (`name` or `name:arch`) in first-mention order, when known for every record. */
  mentions(): readonly string[] | undefined {
    if (this.#mentionChunks === undefined) return undefined;
    if (this.#mentions === undefined) {
      const seen = new Set<string>();
      for (const chunk of this.#mentionChunks) for (const t of chunk.split('\n')) seen.add(t);
      this.#mentions = [...seen];
    }
    return this.#mentions;
  }

  /** add appends a record. */
  add(record: PackageRecord): void {
    this.addMentions(mentionsOf(record).join('\n'));
    this.#insert(record.name, record.provides === undefined ? [] : parseProvidedNames(record.provides), { record, load: undefined });
  }

  /**
   * addLazy appends a record known by its name and provided names, to be made by `load` when
   * first looked up; `load` must return a record of that name.
   */
  addLazy(name: string, provides: readonly string[], load: () => PackageRecord): void {
    this.#insert(name, provides, { record: undefined, load });
  }

  #insert(name: string, provides: readonly string[], entry: Entry): void {
    this.#entries.push(entry);
    append(this.#byName, name, entry);
    for (const provided of provides) {
      const list = this.#byProvides.get(provided);
      if (list === undefined) this.#byProvides.set(provided, [entry]);
      else if (list[list.length - 1] !== entry) list.push(entry);
    }
  }

  /** byName returns the records of package `name` (every version and architecture), in the order added. */
  byName(name: string): readonly PackageRecord[] {
    const list = this.#byName.get(name);
    return list === undefined ? NONE : list.map(materialize);
  }

  /** byProvides returns the records whose Provides names `name`, in the order added. */
  byProvides(name: string): readonly PackageRecord[] {
    const list = this.#byProvides.get(name);
    return list === undefined ? NONE : list.map(materialize);
  }

  /** has tells whether any record is named `name`, without parsing one. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** size is the number of records added. */
  get size(): number {
    return this.#entries.length;
  }

  /** names returns every package name, in the order first added. */
  names(): IterableIterator<string> {
    return this.#byName.keys();
  }

  /** Iterates every record in the order added (parsing lazy ones). */
  *[Symbol.iterator](): IterableIterator<PackageRecord> {
    for (const e of this.#entries) yield materialize(e);
  }
}

function append(map: Map<string, Entry[]>, key: string, entry: Entry): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else list.push(entry);
}
