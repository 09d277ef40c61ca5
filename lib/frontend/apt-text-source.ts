/**
 * `apt.sources` items written as strings: `system`, a one-line source (sources.list(5)
 * "ONE-LINE-STYLE FORMAT") or a deb822 stanza ("DEB822-STYLE FORMAT"). Only the form and a
 * basic shape are checked here; the apt module parses the text, which the plan keeps as written.
 */
import { closestName } from '../core/index.js';
import { redactUri } from './apt-fields.js';
import type { JsonSchema, Problem } from './schema-dsl.js';

/** AptTextKind is the form of an `apt.sources` string. */
export type AptTextKind = 'system' | 'one-line' | 'deb822';

/** ONE_LINE_PATTERN matches the start of a one-line source: its type, `deb` or `deb-src`. */
export const ONE_LINE_PATTERN = /^[ \t]*deb(?:-src)?[ \t]/;

/** DEB822_PATTERN matches a deb822 stanza's `Types:` or `URIs:` field (field names are case-insensitive). */
export const DEB822_PATTERN = /(?:^|\n)(?:[Tt][Yy][Pp][Ee][Ss]|[Uu][Rr][Ii][Ss])[ \t]*:/;

/** SOURCE_FORMS_HINT lists the four forms of an `apt.sources` item. */
export const SOURCE_FORMS_HINT =
  'write system; a one-line source, such as "deb [signed-by=/usr/share/keyrings/example.gpg] http://deb.example/debian bookworm main"; ' +
  'a deb822 stanza with Types:, URIs:, Suites:, Components: and Signed-By: lines; or a mapping with uri:, suites:, components: and signed-by:';

const ONE_LINE_HINT = 'write deb [options] URI SUITE [COMPONENT...], such as "deb [signed-by=/usr/share/keyrings/example.gpg] http://deb.example/debian bookworm main"';

/** classifySourceText tells which form an `apt.sources` string is in, or undefined for none. */
export function classifySourceText(text: string): AptTextKind | undefined {
  if (text === 'system') return 'system';
  if (ONE_LINE_PATTERN.test(text)) return 'one-line';
  if (DEB822_PATTERN.test(text)) return 'deb822';
  return undefined;
}

function checkOneLine(text: string): Problem | undefined {
  const trimmed = text.trim();
  if (trimmed.includes('\n')) return { problem: 'a one-line source spans several lines', hint: 'write each deb line as its own item, or the repository as one deb822 stanza' };
  const line = trimmed.replace(/#.*$/, '').trim();
  const type = /^\S+/.exec(line)![0];
  let rest = line.slice(type.length).trim();
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { problem: `the ${type} line's options have no closing "]"`, hint: ONE_LINE_HINT };
    rest = rest.slice(close + 1).trim();
  }
  const words = rest.split(/\s+/).filter(Boolean);
  if (words.length === 0) return { problem: `the ${type} line has no URI and suite`, hint: ONE_LINE_HINT };
  if (words.length === 1) return { problem: `the ${type} line has no suite after its URI`, hint: ONE_LINE_HINT };
  return undefined;
}

/** Renders the start of an unrecognised item for a message: one line, short, without credentials. */
function snippet(text: string): string {
  const first = text.trim().split('\n', 1)[0]!;
  const scrubbed = first.replace(/\/\/[^/@\s]*@/g, '//').split(/\s+/).map(redactUri).join(' ');
  return JSON.stringify(scrubbed.length > 40 ? `${scrubbed.slice(0, 40).trimEnd()}…` : scrubbed);
}

/** checkSourceText is the {@link Problem} with an `apt.sources` string, if any: no known form, or a one-line source without URI and suite. */
export function checkSourceText(text: string): Problem | undefined {
  const kind = classifySourceText(text);
  if (kind === 'one-line') return checkOneLine(text);
  if (kind !== undefined) return undefined;
  if (text.trim() === '') return { problem: 'an apt source must not be empty', hint: SOURCE_FORMS_HINT };
  const suggestion = closestName(text.trim(), ['system']);
  return { problem: `${snippet(text)} is not an apt source`, ...(suggestion ? { suggestion } : { hint: SOURCE_FORMS_HINT }) };
}

/** SOURCE_TEXT_JSON describes the three string forms for editors, as JSON Schema. */
export const SOURCE_TEXT_JSON: readonly JsonSchema[] = [
  {
    description: "The host's apt sources (/etc/apt/sources.list and sources.list.d/, one-line and deb822) with their Signed-By keyrings.",
    type: 'string',
    enum: ['system'],
  },
  {
    description: 'A one-line source as in sources.list: deb [options] URI SUITE [COMPONENT...], or deb-src; keyring paths are relative to the config file\'s directory.',
    type: 'string',
    pattern: ONE_LINE_PATTERN.source,
  },
  {
    description: 'A deb822 stanza as in a .sources file: Types:, URIs:, Suites:, Components: and Signed-By: fields.',
    type: 'string',
    pattern: DEB822_PATTERN.source,
  },
];
