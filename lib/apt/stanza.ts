/**
 * Stanza: one deb822 paragraph as data, with case-insensitive lookup (deb822(5): field names
 * are not case-sensitive), and the helpers around it: building one in code, reading folded
 * fields, writing stanzas back as text.
 */

/**
 * StanzaField is one field of a stanza. `name` keeps the case it was written in. `value`
 * holds the text after the colon without surrounding blanks, then one `\n` per continuation
 * line followed by that line minus its first space or tab (a line of ` .` is an empty line).
 * A value that starts on the line after the name (as `SHA256:` in Release or an inline
 * `Signed-By:` key) therefore starts with `\n`; see {@link foldField} for folded fields.
 */
export interface StanzaField {
  readonly name: string;
  readonly value: string;
  /** line is the 1-based line the field's name is on. */
  readonly line: number;
}

/** Stanza is one deb822 paragraph: its fields in file order, looked up case-insensitively. */
export interface Stanza {
  /** line is the 1-based line of the stanza's first field. */
  readonly line: number;
  /** fields in the order they were written; names are unique ignoring case. */
  readonly fields: readonly StanzaField[];
  /** get returns the value of the field `name` (any case), or undefined when absent. */
  get(name: string): string | undefined;
  /** field returns the field `name` (any case) with its line, or undefined when absent. */
  field(name: string): StanzaField | undefined;
}

/**
 * FieldListStanza is the Stanza the parser builds: parallel arrays, one entry per field,
 * which are fewer objects than one per field on the hot path. Internal to lib/apt.
 */
export class FieldListStanza implements Stanza {
  readonly line: number;
  readonly #keys: readonly string[];
  readonly #names: readonly string[];
  readonly #values: readonly string[];
  readonly #lines: readonly number[];
  #fields: readonly StanzaField[] | undefined;

  constructor(line: number, keys: readonly string[], names: readonly string[], values: readonly string[], lines: readonly number[]) {
    this.line = line;
    this.#keys = keys;
    this.#names = names;
    this.#values = values;
    this.#lines = lines;
  }

  get fields(): readonly StanzaField[] {
    this.#fields ??= this.#names.map((name, i) => ({ name, value: this.#values[i]!, line: this.#lines[i]! }));
    return this.#fields;
  }

  get(name: string): string | undefined {
    const i = this.#keys.indexOf(name.toLowerCase());
    return i < 0 ? undefined : this.#values[i];
  }

  field(name: string): StanzaField | undefined {
    const i = this.#keys.indexOf(name.toLowerCase());
    return i < 0 ? undefined : this.fields[i];
  }
}

/**
 * createStanza builds a Stanza from fields given in code (for tests and index writers).
 * Throws a TypeError on a name given twice (ignoring case).
 */
export function createStanza(fields: readonly { name: string; value: string; line?: number }[], line = 1): Stanza {
  const keys = fields.map((f) => f.name.toLowerCase());
  const twice = keys.find((k, i) => keys.indexOf(k) !== i);
  if (twice !== undefined) throw new TypeError(`createStanza: field ${twice} given twice`);
  return new FieldListStanza(
    line,
    keys,
    fields.map((f) => f.name),
    fields.map((f) => f.value),
    fields.map((f, i) => f.line ?? line + i),
  );
}

/**
 * foldField reads a folded field (Policy §5.1: Depends, Provides, Architectures, ...) as one
 * line: its lines joined by single spaces, blanks at either end dropped.
 */
export function foldField(value: string): string {
  if (!value.includes('\n')) return value;
  return value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}

/**
 * formatStanzas writes stanzas as deb822 text: `Name: value` lines, continuation lines
 * indented by one space with empty lines as ` .`, a blank line after each stanza. Parsing
 * the output with `parseStanzas` gives the same names and values back. Throws a TypeError
 * for a value line of exactly `.`, which deb822 cannot express (` .` is an empty line).
 */
export function formatStanzas(stanzas: Iterable<Pick<Stanza, 'fields'>>): string {
  const out: string[] = [];
  for (const stanza of stanzas) {
    for (const { name, value } of stanza.fields) {
      const lines = value.split('\n');
      out.push(lines[0] === '' ? `${name}:` : `${name}: ${lines[0]}`);
      for (let i = 1; i < lines.length; i++) {
        if (lines[i] === '.') throw new TypeError(`formatStanzas: field ${name} has a line "." that deb822 cannot express`);
        out.push(lines[i] === '' ? ' .' : ` ${lines[i]}`);
      }
    }
    out.push('');
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
