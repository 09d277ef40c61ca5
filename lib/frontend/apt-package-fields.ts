/**
 * Field schemas of the package lists of the `apt:` section: a package request (`name` or
 * `name=version`, as apt-get takes them) and a bare package name. The patterns check shape
 * only; whether a version exists (and its exact syntax) is the resolver's to say.
 */
import { quoteHint, string, type Problem, type Schema } from './schema-dsl.js';
import { node } from './schema-node.js';

/**
 * PACKAGE_NAME_SOURCE is the pattern of a Debian package name (Debian Policy 5.6.1): lower-case
 * letters, digits and `+ - .`, at least two characters, starting with a letter or digit.
 */
const PACKAGE_NAME_SOURCE = '[a-z0-9][a-z0-9+.-]+';

// Debian Policy 5.6.12, [epoch:]upstream_version[-debian_revision], split as dpkg splits it:
// the epoch (digits) ends at the first colon, so upstream_version holds a colon only after an
// epoch; debian_revision starts after the last hyphen, so upstream_version holds a hyphen only
// before a revision, which is not empty and has no colon or hyphen. upstream_version starts
// with a digit (a "should" in Policy, which `dpkg --validate-version` enforces).
const REVISION = '-[A-Za-z0-9.+~]+';
const EXACT_VERSION = `(?:[0-9]+:[0-9](?:[A-Za-z0-9.+~:]*|[A-Za-z0-9.+~:-]*${REVISION})|[0-9](?:[A-Za-z0-9.+~]*|[A-Za-z0-9.+~-]*${REVISION}))`;
// apt's version glob: a prefix of a version followed by "*" matches every version starting with it.
const VERSION_GLOB = '(?:[0-9]+:(?:[0-9][A-Za-z0-9.+~:-]*)?|[0-9][A-Za-z0-9.+~-]*)\\*';

/** PACKAGE_NAME is the pattern of a Debian package name (Debian Policy 5.6.1). */
export const PACKAGE_NAME = new RegExp(`^${PACKAGE_NAME_SOURCE}$`);

/**
 * PACKAGE_VERSION is the pattern of the version of a request: a Debian version in the shape of
 * Debian Policy 5.6.12, or a prefix of one ending in `*` (apt's glob, e.g. `1.27.*`).
 */
export const PACKAGE_VERSION = new RegExp(`^(?:${EXACT_VERSION}|${VERSION_GLOB})$`);

/** PACKAGE_REQUEST is the pattern of an `apt.packages` item: `name` or `name=version`. */
export const PACKAGE_REQUEST = new RegExp(`^${PACKAGE_NAME_SOURCE}(?:=(?:${EXACT_VERSION}|${VERSION_GLOB}))?$`);

const NAME_HINT = 'Debian package names are lower-case letters, digits and "+", "-", ".", at least 2 characters, starting with a letter or digit';
const VERSION_HINT =
  'a Debian version is [epoch:]upstream_version[-debian_revision] (Debian Policy 5.6.12), starting with a digit, such as 7.88.1-10+deb12u12; a trailing * matches every version that starts with the rest';
const EXAMPLE = 'curl=7.88.1-10+deb12u12';
const EMPTY_HINT = 'write a package name, such as curl, or remove the empty item';
const EMPTY: Problem = { problem: 'must not be empty', hint: EMPTY_HINT };

/** PackageRequestText is an `apt.packages` item split at its first `=`. */
export interface PackageRequestText {
  readonly name: string;
  /** version as written after `=`; absent without `=`. */
  readonly version?: string;
}

/** splitPackageRequest splits `name` or `name=version` at the first `=`; it checks nothing. */
export function splitPackageRequest(text: string): PackageRequestText {
  const eq = text.indexOf('=');
  return eq < 0 ? { name: text } : { name: text.slice(0, eq), version: text.slice(eq + 1) };
}

/** checkName says what is wrong with the package name of `shown`, if anything; `rest` follows the name (`=version`). */
function checkName(name: string, shown: string, rest = ''): Problem | undefined {
  if (PACKAGE_NAME.test(name)) return undefined;
  if (name.length === 0) return { problem: `${shown} has no package name`, hint: `write the name first, such as ${EXAMPLE}` };
  const colon = name.indexOf(':');
  if (colon > 0 && PACKAGE_NAME.test(name.slice(0, colon))) {
    return { problem: `${shown} has an architecture qualifier`, hint: `write the name without ":${name.slice(colon + 1)}"; packages are chosen for each platform's architecture` };
  }
  const slash = name.indexOf('/');
  if (slash > 0 && PACKAGE_NAME.test(name.slice(0, slash))) {
    return { problem: `${shown} names a target release`, hint: `write the name alone, or pin a version with ${name.slice(0, slash)}=VERSION` };
  }
  if (PACKAGE_NAME.test(name.toLowerCase())) return { problem: `${shown} is not a Debian package name: package names are lower case`, suggestion: `${name.toLowerCase()}${rest}` };
  return { problem: `${shown} is not a Debian package name`, hint: NAME_HINT };
}

/** checkPackageRequest says what is wrong with an `apt.packages` item, if anything. */
export function checkPackageRequest(text: string): Problem | undefined {
  if (PACKAGE_REQUEST.test(text)) return undefined;
  if (text.trim() === '') return EMPTY;
  const shown = JSON.stringify(text);
  const words = text.trim().split(/\s+/);
  if (words.length > 1 && words.every((w) => PACKAGE_REQUEST.test(w))) {
    return { problem: `${shown} lists several packages in one item`, hint: `write one package per list item: [${words.join(', ')}]` };
  }
  if (/[<>]|==|\s=|=\s|\(/.test(text)) {
    return { problem: `${shown} has a version relation; apt.packages takes exact versions only`, hint: `write name=version, as apt-get install takes it, such as ${EXAMPLE}` };
  }
  if (/\s/.test(text)) return { problem: `${shown} contains white space`, hint: `write name or name=version without spaces, such as ${EXAMPLE}` };
  const { name, version } = splitPackageRequest(text);
  const nameProblem = checkName(name, shown, version === undefined ? '' : `=${version}`);
  if (nameProblem) return nameProblem;
  if (version === '') return { problem: `${shown} has an empty version after "="`, hint: `write the version after "=", such as ${EXAMPLE}, or the name alone` };
  return { problem: `${shown} has version ${JSON.stringify(version)}, which is not a Debian version`, hint: VERSION_HINT };
}

/** checkPackageName says what is wrong with an `apt.exclude` item, if anything. */
export function checkPackageName(text: string): Problem | undefined {
  if (PACKAGE_NAME.test(text)) return undefined;
  if (text.trim() === '') return EMPTY;
  const { name, version } = splitPackageRequest(text);
  if (version !== undefined && PACKAGE_NAME.test(name)) return { problem: `${JSON.stringify(text)} has a version, but apt.exclude takes package names`, hint: `write ${name}: an excluded package is left out in every version` };
  return checkName(text, JSON.stringify(text));
}

/** withPattern is `schema` with `pattern` in its JSON Schema, for editors; the validator's check already holds it. */
function withPattern(schema: Schema<string>, pattern: RegExp): Schema<string> {
  return node<string>({
    description: schema.description,
    expected: schema.expected,
    expectedPlural: schema.expectedPlural,
    accepts: schema.accepts,
    typeHint: (v) => (v === null ? EMPTY_HINT : quoteHint(v)),
    inner: (v, path, report) => schema.validate(v, path, report),
    json: () => ({ type: 'string', pattern: pattern.source }),
  });
}

/** packageRequestField is the schema of an `apt.packages` item: `name` or `name=version`. */
export const packageRequestField: Schema<string> = withPattern(
  string({
    description: 'A Debian package name, such as curl, or name=version to pin a version, such as curl=7.88.1-10+deb12u12 (a trailing * matches every version starting with the rest).',
    check: checkPackageRequest,
  }),
  PACKAGE_REQUEST,
);

/** packageNameField is the schema of an `apt.exclude` item: a Debian package name. */
export const packageNameField: Schema<string> = withPattern(
  string({ description: 'A Debian package name, such as systemd.', check: checkPackageName }),
  PACKAGE_NAME,
);
