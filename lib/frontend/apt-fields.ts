/**
 * Field schemas of the `apt:` section: repository and key URLs (shown without credentials),
 * Debian architecture names, and lists whose items may not repeat.
 */
import { closestName } from '../core/index.js';
import { string, type Check, type Problem, type Schema } from './schema-dsl.js';

/** UrlScheme is a URL scheme slipway reads apt repositories or keys over. */
export type UrlScheme = 'http:' | 'https:' | 'file:';

/**
 * redactUri renders `text` for messages without credentials (anything before an `@` in its
 * authority), query or fragment, so a URL with a password or token in it is never echoed.
 */
export function redactUri(text: string): string {
  const bare = text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/|\/\/)?[^/@\s]*@/, '$1');
  if (!URL.canParse(bare)) return bare;
  const url = new URL(bare);
  if (!url.search && !url.hash) return bare;
  url.search = '';
  url.hash = '';
  return url.href;
}

function checkUrl(text: string, schemes: readonly UrlScheme[]): Problem | undefined {
  const shown = JSON.stringify(redactUri(text));
  const names = schemes.map((s) => s.slice(0, -1)).join(', ');
  if (!URL.canParse(text)) {
    return { problem: `${shown} is not an absolute URL`, hint: `write the full URL with its scheme (${names}), such as ${schemes.includes('file:') ? 'http://deb.example/debian or file:///srv/repo' : 'https://deb.example/key.asc'}` };
  }
  const { protocol } = new URL(text);
  if (!(schemes as readonly string[]).includes(protocol)) return { problem: `${shown} is a ${protocol.slice(0, -1)} URL`, hint: `slipway reads these over ${names} only` };
  return undefined;
}

/** urlField is a schema of an absolute URL with one of `schemes`; messages never show its credentials. */
export function urlField(description: string, schemes: readonly UrlScheme[]): Schema<string> {
  return string({ description, minLength: 1, check: (s) => checkUrl(s, schemes) });
}

/**
 * KNOWN_ARCHITECTURES are Debian architecture names (dpkg-architecture -L, release and ports)
 * that a misspelt name is compared against. Other names matching the pattern are accepted.
 */
export const KNOWN_ARCHITECTURES = [
  'amd64', 'arm64', 'armhf', 'armel', 'i386', 'ppc64el', 's390x', 'riscv64', 'mips64el', 'mipsel', 'loong64', 'all',
  'alpha', 'hppa', 'ia64', 'm68k', 'powerpc', 'ppc64', 'sh4', 'sparc64', 'x32', 'hurd-i386', 'hurd-amd64', 'arm64ilp32',
] as const;

/** Names other systems use for Debian architectures (those the pattern admits; x86_64 is named in its hint). */
const ARCHITECTURE_ALIASES: Readonly<Record<string, string>> = {
  aarch64: 'arm64',
  'x86-64': 'amd64',
  i686: 'i386',
  '386': 'i386',
  ppc64le: 'ppc64el',
  armv7: 'armhf',
  armv7l: 'armhf',
  riscv: 'riscv64',
};

const ARCHITECTURE_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

function checkArchitecture(name: string): Problem | undefined {
  const known: readonly string[] = KNOWN_ARCHITECTURES;
  const suggestion = ARCHITECTURE_ALIASES[name] ?? (known.includes(name) ? undefined : closestName(name, known));
  return suggestion === undefined ? undefined : { problem: `${JSON.stringify(name)} is not a Debian architecture name`, suggestion };
}

/** architectureField is a schema of a Debian architecture name, suggesting a known one for a near miss. */
export const architectureField = string({
  description: `A Debian architecture name: ${KNOWN_ARCHITECTURES.slice(0, 12).join(', ')}, ...`,
  minLength: 1,
  pattern: ARCHITECTURE_PATTERN,
  patternProblem: 'is not a Debian architecture name',
  patternHint: `use Debian's names (lower case; amd64 for x86_64), such as ${KNOWN_ARCHITECTURES.slice(0, 11).join(', ')}`,
  check: checkArchitecture,
});

/** noRepeats is a check that no item of a string list repeats an earlier one; `show` renders an item for the message. */
export function noRepeats(what: string, show: (item: string) => string = (s) => s): Check<readonly string[]> {
  return (list) => {
    const i = list.findIndex((item, j) => list.indexOf(item) !== j);
    if (i < 0) return undefined;
    return { at: [i], problem: `${what} ${JSON.stringify(show(list[i]!))} is listed twice (first at [${list.indexOf(list[i]!)}])`, hint: `list each ${what} once` };
  };
}

/** word is a schema of a non-empty string without white space (a suite or component). */
export function word(description: string, what: string): Schema<string> {
  return string({
    description,
    minLength: 1,
    pattern: /^\S+$/,
    patternProblem: 'contains white space',
    patternHint: `write one ${what} per list item`,
  });
}
