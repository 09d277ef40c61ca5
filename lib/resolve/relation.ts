/**
 * Package relationship fields (Debian Policy 7.1, 7.2-7.6): Depends, Pre-Depends, Recommends,
 * Suggests, Enhances, Breaks, Conflicts, Provides, Replaces, Built-Using and, from Sources
 * indices, the Build-Depends/Build-Conflicts family with architecture restriction lists and
 * build profile restriction formulas. The grammar and its checks are those of dpkg's
 * `f_dependency` (binary fields) and Dpkg::Deps (build fields); see docs/versions.md.
 */
import { SlipwayError, type Warning } from '../core/index.js';
import { compareVersions, parseVersion } from './debian-version.js';

/** RelationOperator is a version relation (Debian Policy 7.1); `<` and `>` are read as `<=` and `>=`. */
export type RelationOperator = '<<' | '<=' | '=' | '>=' | '>>';

/** RelationField names a field whose value is a list of relations. */
export type RelationField =
  | 'Depends'
  | 'Pre-Depends'
  | 'Recommends'
  | 'Suggests'
  | 'Enhances'
  | 'Breaks'
  | 'Conflicts'
  | 'Provides'
  | 'Replaces'
  | 'Built-Using'
  | 'Static-Built-Using'
  | 'Build-Depends'
  | 'Build-Depends-Indep'
  | 'Build-Depends-Arch'
  | 'Build-Conflicts'
  | 'Build-Conflicts-Indep'
  | 'Build-Conflicts-Arch';

/** Relation is one package reference in a relationship field: `name[:arch] [(op version)] [[archs]] [<profiles>...]`. */
export interface Relation {
  /** name of the package or virtual package, lower-cased as dpkg does. */
  readonly name: string;
  /** arch is the architecture qualifier after `:` as written (`any`, `native`, `amd64`, ...). */
  readonly arch?: string;
  /** op is present exactly when `version` is. */
  readonly op?: RelationOperator;
  /** version is the version after the operator, as written (valid per Debian Policy 5.6.12). */
  readonly version?: string;
  /**
   * architectures is the restriction list of a build field (`[amd64 arm64]` or `[!i386]`), in
   * order, each entry as written with its `!`; all entries are negated or none is (Policy 7.1).
   */
  readonly architectures?: readonly string[];
  /**
   * profiles is the build profile restriction formula of a build field: a list of
   * `<...>` lists, in order; the relation applies when any list holds, a list holds when
   * all its terms do, and a term is a profile name or `!` and a profile name.
   */
  readonly profiles?: readonly (readonly string[])[];
}

/** ParseRelationsOptions say which field is parsed and how strictly. */
export interface ParseRelationsOptions {
  /** field decides the rules: no `|` in Breaks, Conflicts, Provides, Replaces, Build-Conflicts*, Built-Using; restrictions only in Build-* fields. Default `Depends`. */
  readonly field?: RelationField;
  /**
   * lenient accepts what dpkg accepts only in its lax mode: versions that dpkg merely warns
   * about (see parseVersion) and a Provides with an operator other than `=`.
   */
  readonly lenient?: boolean;
  /** onWarning receives `W_RELATION_OBSOLETE_SYNTAX`, and under `lenient` `W_RELATION_PROVIDES_OPERATOR` and `W_VERSION_NONSTANDARD`. */
  readonly onWarning?: (warning: Warning) => void;
}

const NO_ALTERNATIVES: ReadonlySet<RelationField> = new Set<RelationField>([
  'Breaks',
  'Conflicts',
  'Provides',
  'Replaces',
  'Built-Using',
  'Static-Built-Using',
  'Build-Conflicts',
  'Build-Conflicts-Indep',
  'Build-Conflicts-Arch',
]);

const MAX_QUOTED = 200;

// dpkg's c_isspace: space, \t, \n, \v, \f, \r.
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Parser state for one field value; `p` indexes `s`. */
class RelationParser {
  readonly s: string;
  readonly field: RelationField;
  readonly opts: ParseRelationsOptions;
  readonly build: boolean;
  p = 0;

  constructor(s: string, opts: ParseRelationsOptions) {
    this.s = s;
    this.opts = opts;
    this.field = opts.field ?? 'Depends';
    this.build = this.field.startsWith('Build-');
  }

  fail(problem: string, at = this.p, cause?: unknown): SlipwayError {
    const s = this.s;
    const shown = s.length <= MAX_QUOTED ? s : `${at > 40 ? '…' : ''}${s.slice(Math.max(0, at - 40), at + MAX_QUOTED - 40)}…`;
    return new SlipwayError('ERR_RELATION_INVALID', `${this.field} field ${JSON.stringify(shown)}: ${problem} (at character ${at + 1})`, {
      hint: 'relations are "name[:arch] [(op version)]", separated by "," and alternatives by "|" (Debian Policy 7.1)',
      ...(cause === undefined ? {} : { cause }),
    });
  }

  warn(code: `W_${string}`, message: string): void {
    this.opts.onWarning?.({ code, message: `${this.field} field ${JSON.stringify(this.s.length <= MAX_QUOTED ? this.s : `${this.s.slice(0, MAX_QUOTED)}…`)}: ${message}` });
  }

  code(): number {
    return this.p < this.s.length ? this.s.charCodeAt(this.p) : 0;
  }

  skipSpace(): void {
    while (this.p < this.s.length && isSpace(this.s.charCodeAt(this.p))) this.p++;
  }

  /** word reads up to white space, `(`, `,`, `|` (and `[`, `<` in build fields) and, when `colonEnds`, `:`. */
  word(colonEnds: boolean): string {
    const start = this.p;
    for (; this.p < this.s.length; this.p++) {
      const c = this.s.charCodeAt(this.p);
      if (isSpace(c) || c === 40 || c === 44 || c === 124) break; // ( , |
      if (colonEnds && c === 58) break; // :
      if (this.build && (c === 91 || c === 60)) break; // [ <
    }
    return this.s.slice(start, this.p);
  }

  relations(): Relation[][] {
    const groups: Relation[][] = [];
    for (;;) {
      const group: Relation[] = [];
      for (;;) {
        group.push(this.relation());
        const c = this.code();
        if (c === 0 || c === 44) break; // end or ','
        if (c !== 124) throw this.fail(`unexpected ${JSON.stringify(this.s[this.p])} after the reference to "${group[group.length - 1]!.name}"`);
        if (NO_ALTERNATIVES.has(this.field)) throw this.fail(`alternatives ("|") are not allowed in ${this.field}`);
        this.p++;
        this.skipSpace();
      }
      groups.push(group);
      if (this.p >= this.s.length) return groups;
      this.p++; // ','
      this.skipSpace();
    }
  }

  relation(): Relation {
    const nameAt = this.p;
    const name = this.word(true);
    if (name === '') throw this.fail('missing package name, or garbage where a package name is expected');
    const nameProblem = packageNameProblem(name);
    if (nameProblem) throw this.fail(`invalid package name ${JSON.stringify(name)}: ${nameProblem}`, nameAt);
    const rel: { -readonly [K in keyof Relation]: Relation[K] } = { name: name.toLowerCase() };

    if (this.code() === 58) {
      this.p++;
      const archAt = this.p;
      const arch = this.word(false);
      if (arch === '') throw this.fail(`missing architecture name after "${name}:"`);
      const archProblem = archNameProblem(arch);
      if (archProblem) throw this.fail(`reference to "${name}": invalid architecture name ${JSON.stringify(arch)}: ${archProblem}`, archAt);
      rel.arch = arch;
    }
    this.skipSpace();
    if (this.code() === 40) this.versionPart(rel, name);
    if (this.build) this.restrictions(rel, name);
    return rel;
  }

  /** versionPart reads `(op version)` as dpkg's f_dependency does, including its obsolete forms. */
  versionPart(rel: { op?: RelationOperator; version?: string }, name: string): void {
    this.p++;
    this.skipSpace();
    const c1 = this.code();
    let op: RelationOperator;
    if (c1 === 60 || c1 === 62) {
      const lt = c1 === 60;
      const c2 = this.p + 1 < this.s.length ? this.s.charCodeAt(this.p + 1) : 0;
      if (c2 === 61) {
        op = lt ? '<=' : '>=';
        this.p += 2;
      } else if (c2 === c1) {
        op = lt ? '<<' : '>>';
        this.p += 2;
      } else if (c2 === 60 || c2 === 62) {
        throw this.fail(`reference to "${name}": bad version relationship ${JSON.stringify(this.s.slice(this.p, this.p + 2))}`);
      } else {
        // Policy 7.1: `<` and `>` once meant `<=` and `>=`; dpkg still reads them so, with a warning.
        op = lt ? '<=' : '>=';
        this.warn('W_RELATION_OBSOLETE_SYNTAX', `reference to "${name}": "${lt ? '<' : '>'}" is obsolete and read as "${op}"`);
        this.p++;
      }
    } else if (c1 === 61) {
      op = '=';
      this.p++;
    } else {
      op = '=';
      this.warn('W_RELATION_OBSOLETE_SYNTAX', `reference to "${name}": a version without an operator is read as "="`);
    }
    if (op !== '=' && this.field === 'Provides') {
      if (!this.opts.lenient) throw this.fail(`reference to "${name}": only "=" may be used in Provides (Debian Policy 7.5)`);
      this.warn('W_RELATION_PROVIDES_OPERATOR', `reference to "${name}": only "=" may be used in Provides (Debian Policy 7.5)`);
    }
    const next = this.code();
    if (!isSpace(next) && !isAlnum(next)) this.warn('W_RELATION_OBSOLETE_SYNTAX', `reference to "${name}": the version starts with a non-alphanumeric; a space after the operator is clearer`);
    this.skipSpace();
    const versionAt = this.p;
    for (; this.p < this.s.length; this.p++) {
      const c = this.s.charCodeAt(this.p);
      if (c === 41 || c === 40 || isSpace(c)) break; // ) (
    }
    const version = this.s.slice(versionAt, this.p);
    this.skipSpace();
    if (this.p >= this.s.length) throw this.fail(`reference to "${name}": version unterminated (no ")")`);
    if (this.code() !== 41) throw this.fail(`reference to "${name}": version contains ${JSON.stringify(this.s[this.p])} instead of ")"`);
    try {
      parseVersion(version, this.opts.lenient ? { lenient: true, onWarning: (w) => this.warn(w.code, w.message) } : {});
    } catch (err) {
      throw this.fail(`reference to "${name}": ${(err as Error).message}`, versionAt, err);
    }
    rel.op = op;
    rel.version = version;
    this.p++;
    this.skipSpace();
  }

  /** restrictions reads an optional `[arch ...]` list, then any number of `<profile ...>` lists (Policy 7.1). */
  restrictions(rel: { architectures?: readonly string[]; profiles?: readonly (readonly string[])[] }, name: string): void {
    if (this.code() === 91) {
      const terms = this.bracketed(93, ']', name, 'architecture');
      const negated = terms.filter((t) => t.startsWith('!')).length;
      if (negated !== 0 && negated !== terms.length) {
        throw this.fail(`reference to "${name}": the architecture list [${terms.join(' ')}] mixes negated and plain names (Debian Policy 7.1)`);
      }
      for (const term of terms) {
        const problem = archNameProblem(term.startsWith('!') ? term.slice(1) : term);
        if (problem) throw this.fail(`reference to "${name}": invalid architecture ${JSON.stringify(term)} in the restriction list: ${problem}`);
      }
      rel.architectures = terms;
    }
    const profiles: string[][] = [];
    while (this.code() === 60) {
      const terms = this.bracketed(62, '>', name, 'build profile');
      for (const term of terms) {
        const problem = profileNameProblem(term.startsWith('!') ? term.slice(1) : term);
        if (problem) throw this.fail(`reference to "${name}": invalid build profile ${JSON.stringify(term)}: ${problem}`);
      }
      profiles.push(terms);
    }
    if (profiles.length > 0) rel.profiles = profiles;
  }

  /** bracketed reads white-space separated terms up to `close`, then skips white space. */
  bracketed(close: number, closeText: string, name: string, what: string): string[] {
    const openAt = this.p;
    this.p++;
    const terms: string[] = [];
    for (;;) {
      this.skipSpace();
      if (this.p >= this.s.length) throw this.fail(`reference to "${name}": ${what} list unterminated (no "${closeText}")`, openAt);
      if (this.s.charCodeAt(this.p) === close) break;
      const start = this.p;
      while (this.p < this.s.length && !isSpace(this.s.charCodeAt(this.p)) && this.s.charCodeAt(this.p) !== close) this.p++;
      terms.push(this.s.slice(start, this.p));
    }
    if (terms.length === 0) throw this.fail(`reference to "${name}": empty ${what} list`, openAt);
    this.p++;
    this.skipSpace();
    return terms;
  }
}

/** packageNameProblem applies dpkg's pkg_name_is_illegal: an alphanumeric, then alphanumerics and `+ - . _`. */
function packageNameProblem(name: string): string | undefined {
  if (!isAlnum(name.charCodeAt(0))) return 'must start with a letter or digit';
  for (let i = 1; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!isAlnum(c) && c !== 43 && c !== 45 && c !== 46 && c !== 95) return `character ${JSON.stringify(name[i])} is not allowed (only letters, digits and + - . _)`;
  }
  return undefined;
}

/** archNameProblem applies dpkg's dpkg_arch_name_is_illegal: an alphanumeric, then alphanumerics and `-`. */
function archNameProblem(arch: string): string | undefined {
  if (arch === '') return 'it is empty';
  if (!isAlnum(arch.charCodeAt(0))) return 'must start with a letter or digit';
  for (let i = 1; i < arch.length; i++) {
    const c = arch.charCodeAt(i);
    if (!isAlnum(c) && c !== 45) return `character ${JSON.stringify(arch[i])} is not allowed (only letters, digits and -)`;
  }
  return undefined;
}

/** profileNameProblem checks a build profile name: an alphanumeric, then alphanumerics and `+ - . _`. */
function profileNameProblem(profile: string): string | undefined {
  if (profile === '') return 'it is empty';
  return packageNameProblem(profile);
}

/**
 * parseRelations parses the value of a relationship field into an AND of OR-groups: each inner
 * list holds the alternatives of one `|`-separated group, in order. White space (including the
 * newlines of a folded field) may appear between any two tokens; an empty value gives `[]`.
 * Malformed values throw `ERR_RELATION_INVALID` naming the field, its text and the position.
 */
export function parseRelations(text: string, opts: ParseRelationsOptions = {}): Relation[][] {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (start === end) return [];
  return new RelationParser(start === 0 && end === text.length ? text : text.slice(start, end), opts).relations();
}

/**
 * satisfiesVersion tells whether `version` stands in relation `op` to `constraint`, as dpkg's
 * dpkg_version_relate does: `compareVersions(version, constraint)` is < 0 for `<<`, <= 0 for
 * `<=`, 0 for `=`, >= 0 for `>=` and > 0 for `>>`.
 */
export function satisfiesVersion(version: string, op: RelationOperator, constraint: string): boolean {
  const rc = compareVersions(version, constraint);
  switch (op) {
    case '<<':
      return rc < 0;
    case '<=':
      return rc <= 0;
    case '=':
      return rc === 0;
    case '>=':
      return rc >= 0;
    case '>>':
      return rc > 0;
  }
}

/** formatRelation writes one relation in the canonical form `name:arch (op version) [archs] <profiles>`. */
export function formatRelation(rel: Relation): string {
  let out = rel.arch === undefined ? rel.name : `${rel.name}:${rel.arch}`;
  if (rel.op !== undefined && rel.version !== undefined) out += ` (${rel.op} ${rel.version})`;
  if (rel.architectures !== undefined) out += ` [${rel.architectures.join(' ')}]`;
  for (const list of rel.profiles ?? []) out += ` <${list.join(' ')}>`;
  return out;
}

/** formatRelations writes a parsed field value back: groups joined by `, `, alternatives by ` | `. */
export function formatRelations(groups: readonly (readonly Relation[])[]): string {
  return groups.map((g) => g.map(formatRelation).join(' | ')).join(', ');
}
