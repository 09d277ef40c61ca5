/**
 * Debian version numbers (Debian Policy 5.6.12, deb-version(5)): parsing as dpkg's
 * `parseversion` does and ordering as dpkg's `verrevcmp` does.
 *
 * Two levels of strictness, the same two that dpkg has. dpkg's `parseversion` reports some
 * problems as errors (empty parts, a bad epoch, embedded white space) and others only as
 * warnings (an upstream_version that does not start with a digit, a character outside the
 * allowed set). When dpkg reads control data (`.deb` control files, Packages indices without
 * its lax flag) it turns those warnings into errors: that is our default. `dpkg
 * --compare-versions` and dpkg's lax database reader accept them: that is `lenient: true`,
 * and what {@link compareVersions} uses. apt validates even less; see docs/versions.md.
 */
import { SlipwayError, type Warning } from '../core/index.js';

/** DebianVersion is a parsed `[epoch:]upstream_version[-debian_revision]` (Debian Policy 5.6.12). */
export interface DebianVersion {
  /** epoch, a whole number from 0 to 2147483647 (dpkg's INT_MAX); 0 when the version has none. */
  readonly epoch: number;
  /** upstream_version: everything after the first colon (if any) up to the last hyphen (if any). */
  readonly upstream: string;
  /** debian_revision: everything after the last hyphen; "" when there is no hyphen. */
  readonly revision: string;
}

/** ParseVersionOptions say how strictly {@link parseVersion} checks. */
export interface ParseVersionOptions {
  /**
   * lenient accepts what dpkg only warns about: an upstream_version that does not start with
   * a digit and characters outside Policy's set (dpkg's lax mode, `dpkg --compare-versions`).
   * Errors dpkg never accepts (empty parts, bad epoch, white space) are still errors.
   */
  readonly lenient?: boolean;
  /** onWarning receives `W_VERSION_NONSTANDARD` for each version accepted only by `lenient`. */
  readonly onWarning?: (warning: Warning) => void;
}

/** MAX_EPOCH is the largest epoch dpkg accepts (INT_MAX of its C `int`). */
export const MAX_EPOCH = 2147483647;

const POLICY_HINT = 'a Debian version is [epoch:]upstream_version[-debian_revision] (Debian Policy 5.6.12)';

// Character classes by char code, for ASCII. Non-ASCII is rejected before any lookup.
const DIGIT = 1;
const ALPHA = 2;
const UPSTREAM_PUNCT = 4; // . + ~ - :  allowed in upstream_version
const REVISION_PUNCT = 8; // . + ~      allowed in debian_revision
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = ALPHA;
for (let c = 97; c <= 122; c++) CLASS[c] = ALPHA;
for (const ch of '.+~-:') CLASS[ch.charCodeAt(0)]! |= UPSTREAM_PUNCT;
for (const ch of '.+~') CLASS[ch.charCodeAt(0)]! |= REVISION_PUNCT;

/**
 * ORDER is dpkg's `order()` for ASCII: digits and the end of the string weigh 0, letters
 * their code, `~` -1 (before everything, even the end), anything else its code + 256 (after
 * all letters).
 */
const ORDER = new Int16Array(128);
for (let c = 1; c < 128; c++) ORDER[c] = CLASS[c] === DIGIT ? 0 : CLASS[c]! & ALPHA ? c : c + 256;
ORDER[126] = -1; // '~'
ORDER[0] = 0;

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9; // dpkg's c_isblank: space and tab only
}

function invalid(text: string, problem: string): SlipwayError {
  return new SlipwayError('ERR_VERSION_INVALID', `version ${JSON.stringify(text)}: ${problem}`, { hint: POLICY_HINT });
}

/**
 * parseVersion splits `text` into epoch, upstream_version and debian_revision exactly as dpkg's
 * `parseversion` does, and throws `ERR_VERSION_INVALID` naming the version and the problem.
 *
 * - Leading and trailing spaces and tabs are ignored; white space inside is an error.
 * - The epoch is the part before the *first* colon and must be decimal digits, at most
 *   {@link MAX_EPOCH}; so a colon in upstream_version is possible only after an epoch.
 * - debian_revision is the part after the *last* hyphen, and must not be empty; so a hyphen
 *   in upstream_version is possible only with a revision.
 * - upstream_version must not be empty, should start with a digit and may contain only
 *   `[A-Za-z0-9.+~:-]`; debian_revision only `[A-Za-z0-9.+~]`. The "should" and the character
 *   sets are enforced unless `opts.lenient` (see {@link ParseVersionOptions}).
 * - Characters outside ASCII are always an error (see docs/versions.md for why).
 */
export function parseVersion(text: string, opts: ParseVersionOptions = {}): DebianVersion {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (start === end) throw invalid(text, 'the version is empty');

  let colon = -1;
  let hyphen = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) throw invalid(text, 'white space inside the version');
    if (c === 0 || c > 127) throw invalid(text, `character ${JSON.stringify(text[i])} is not allowed (only ASCII letters, digits and . + ~ - :)`);
    if (c === 58 && colon < 0) colon = i; // ':'
    else if (c === 45) hyphen = i; // '-'
  }

  let epoch = 0;
  let upStart = start;
  if (colon >= 0) {
    if (colon === start) throw invalid(text, 'the epoch before ":" is empty');
    for (let i = start; i < colon; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) throw invalid(text, `the epoch ${JSON.stringify(text.slice(start, colon))} is not a number`);
      epoch = epoch * 10 + (c - 48);
      if (epoch > MAX_EPOCH) throw invalid(text, `the epoch is larger than ${MAX_EPOCH}`);
    }
    upStart = colon + 1;
    if (upStart === end) throw invalid(text, 'nothing after the epoch\'s ":"');
  }

  let upEnd = end;
  let revision = '';
  if (hyphen >= upStart) {
    if (hyphen === end - 1) throw invalid(text, 'the debian_revision after the last "-" is empty');
    upEnd = hyphen;
    revision = text.slice(hyphen + 1, end);
  }
  if (upEnd === upStart) throw invalid(text, 'the upstream_version is empty');
  const upstream = text.slice(upStart, upEnd);

  const problem = nonstandard(text, upStart, upEnd, hyphen >= upStart ? hyphen + 1 : end, end);
  if (problem !== undefined) {
    if (!opts.lenient) throw invalid(text, problem);
    opts.onWarning?.({ code: 'W_VERSION_NONSTANDARD', message: `version ${JSON.stringify(text)}: ${problem}` });
  }
  return { epoch, upstream, revision };
}

/** nonstandard names what dpkg would only warn about in the upstream and revision ranges. */
function nonstandard(text: string, upStart: number, upEnd: number, revStart: number, revEnd: number): string | undefined {
  if (CLASS[text.charCodeAt(upStart)] !== DIGIT) return `the upstream_version ${JSON.stringify(text.slice(upStart, upEnd))} does not start with a digit`;
  for (let i = upStart + 1; i < upEnd; i++) {
    if (CLASS[text.charCodeAt(i)] === 0) return `character ${JSON.stringify(text[i])} is not allowed in the upstream_version (only letters, digits and . + ~ - :)`;
  }
  for (let i = revStart; i < revEnd; i++) {
    if ((CLASS[text.charCodeAt(i)]! & (DIGIT | ALPHA | REVISION_PUNCT)) === 0) {
      return `character ${JSON.stringify(text[i])} is not allowed in the debian_revision (only letters, digits and . + ~)`;
    }
  }
  return undefined;
}

/** isValidVersion tells whether {@link parseVersion} would accept `text` with the same options. */
export function isValidVersion(text: string, opts: Pick<ParseVersionOptions, 'lenient'> = {}): boolean {
  try {
    parseVersion(text, opts);
    return true;
  } catch (err) {
    if (err instanceof SlipwayError && err.code === 'ERR_VERSION_INVALID') return false;
    throw err;
  }
}

/**
 * formatVersion writes `v` back as text: the epoch only when it is not 0 or when a colon
 * elsewhere would be read as one, the revision only when it is not empty (dpkg's
 * "non-ambiguous" form). `parseVersion(formatVersion(v))` equals `v`.
 */
export function formatVersion(v: DebianVersion): string {
  const epoch = v.epoch !== 0 || v.upstream.includes(':') || v.revision.includes(':') ? `${v.epoch}:` : '';
  return v.revision === '' ? `${epoch}${v.upstream}` : `${epoch}${v.upstream}-${v.revision}`;
}

/**
 * verrevcmp orders `a[i..al)` and `b[j..bl)`, two upstream_versions or two debian_revisions, as
 * dpkg's `verrevcmp`: alternately a run of non-digits, compared character by character with
 * {@link ORDER}, and a run of digits, compared as a number of any length (leading zeros
 * skipped, then the longer run is larger, then the first differing digit decides). An absent
 * revision is empty, which equals "0".
 */
function verrevcmp(a: string, i: number, al: number, b: string, j: number, bl: number): -1 | 0 | 1 {
  // Skip the common prefix, then back up to the start of a digit run: identical text compares
  // equal and a non-digit run carries no state, but a digit run must be compared whole.
  const from = i;
  while (i < al && j < bl && a.charCodeAt(i) === b.charCodeAt(j)) {
    i++;
    j++;
  }
  while (i > from && isDigitCode(a.charCodeAt(i - 1))) {
    i--;
    j--;
  }
  while (i < al || j < bl) {
    // Non-digit run; the end of a string weighs 0, like a digit.
    for (;;) {
      const ca = i < al ? a.charCodeAt(i) : 0;
      const cb = j < bl ? b.charCodeAt(j) : 0;
      if ((ca === 0 || isDigitCode(ca)) && (cb === 0 || isDigitCode(cb))) break;
      const oa = ca < 128 ? ORDER[ca]! : ca + 256;
      const ob = cb < 128 ? ORDER[cb]! : cb + 256;
      if (oa !== ob) return oa < ob ? -1 : 1;
      i++;
      j++;
    }
    // Digit run, compared numerically without converting to a number.
    while (i < al && a.charCodeAt(i) === 48) i++;
    while (j < bl && b.charCodeAt(j) === 48) j++;
    let firstDiff = 0;
    for (;;) {
      const aDigit = i < al && isDigitCode(a.charCodeAt(i));
      const bDigit = j < bl && isDigitCode(b.charCodeAt(j));
      if (aDigit && bDigit) {
        if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
        i++;
        j++;
        continue;
      }
      if (aDigit) return 1;
      if (bDigit) return -1;
      break;
    }
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

/** compareParsedVersions orders two parsed versions as dpkg does: epoch, then upstream_version, then debian_revision. */
export function compareParsedVersions(a: DebianVersion, b: DebianVersion): -1 | 0 | 1 {
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (a.upstream !== b.upstream) {
    const rc = verrevcmp(a.upstream, 0, a.upstream.length, b.upstream, 0, b.upstream.length);
    if (rc !== 0) return rc;
  }
  return a.revision === b.revision ? 0 : verrevcmp(a.revision, 0, a.revision.length, b.revision, 0, b.revision.length);
}

/** VERSION_CACHE_LIMIT bounds the cache of parsed versions behind {@link compareVersions}; it is emptied when full. */
export const VERSION_CACHE_LIMIT = 1 << 18;
const parsed = new Map<string, DebianVersion>();

/**
 * detach copies an ASCII string into fresh memory: a substring may share the memory of the text
 * it was cut from, and the cached parts must not keep, say, a whole index file alive.
 */
function detach(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

function lookup(text: string): DebianVersion {
  let v = parsed.get(text);
  if (v === undefined) {
    const p = parseVersion(text, { lenient: true }); // throws for invalid text; ASCII only from here on
    v = { epoch: p.epoch, upstream: detach(p.upstream), revision: detach(p.revision) };
    if (parsed.size >= VERSION_CACHE_LIMIT) parsed.clear();
    // The key is the caller's own string: looking up that very string again is then a pointer
    // comparison, which is most of the cache's speed.
    parsed.set(text, v);
  }
  return v;
}

/**
 * compareVersions orders two version strings exactly as `dpkg --compare-versions` does:
 * -1 when `a` is earlier, 0 when equal (e.g. `1.0` and `0:1.0-0`), 1 when later. It accepts
 * what dpkg accepts there ({@link ParseVersionOptions.lenient}) and throws
 * `ERR_VERSION_INVALID` for the rest. Each distinct string is parsed once and cached (at most
 * {@link VERSION_CACHE_LIMIT} of them), so comparing allocates nothing after the first time.
 * Callers that hold {@link parseVersion} results can use {@link compareParsedVersions}, which
 * skips the cache and is faster still.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const va = lookup(a);
  if (a === b) return 0;
  return compareParsedVersions(va, lookup(b));
}
