/**
 * Error codes, the error classes that carry them, and coded warnings.
 *
 * Every failure slipway reports has a stable `code` from {@link errorCodes}; callers and
 * tests match on `err.code`, never on message text. docs/errors.md is generated from the
 * table (`npm run docs:errors`) and a test pins the two together.
 */

/** One row of the code table: what the code means, the CLI exit code, whether a retry may help. */
export interface ErrorCodeInfo {
  readonly summary: string;
  readonly exitCode: 1 | 2;
  readonly transient: boolean;
}

/** errorCodes is the table of every public error code. Codes are public API: never rename one. */
export const errorCodes = {
  ERR_USAGE: { summary: 'The command line is not valid: unknown command, option or missing argument.', exitCode: 2, transient: false },
  ERR_CONFIG_NOT_FOUND: { summary: 'The config file does not exist or cannot be read.', exitCode: 2, transient: false },
  ERR_CONFIG_SYNTAX: { summary: 'The config file is not well-formed YAML.', exitCode: 2, transient: false },
  ERR_CONFIG_UNKNOWN_KEY: { summary: 'The config has a key slipway does not know (often a misspelling).', exitCode: 2, transient: false },
  ERR_CONFIG_MISSING_KEY: { summary: 'The config lacks a key that is required.', exitCode: 2, transient: false },
  ERR_CONFIG_INVALID_TYPE: { summary: 'A config value has the wrong type (e.g. a string where a list is expected).', exitCode: 2, transient: false },
  ERR_CONFIG_INVALID_VALUE: { summary: 'A config value has the right type but is not allowed (bad path, mode, platform, ...).', exitCode: 2, transient: false },
  ERR_INPUT_NOT_FOUND: { summary: 'A file, directory or glob named by the config matches nothing on disk.', exitCode: 2, transient: false },
  ERR_INPUT_DIGEST_MISMATCH: { summary: 'An input pinned by sha256 in the config has different content.', exitCode: 2, transient: false },
  ERR_INPUT_MALFORMED: { summary: 'An input archive is corrupt, truncated or in an unsupported format.', exitCode: 2, transient: false },
  ERR_DEB_MALFORMED: { summary: 'A .deb package, or an ar or tar member in it, is malformed, truncated or in an unsupported format (the message names the package, member and offset).', exitCode: 1, transient: false },
  ERR_DEB_UNSAFE: { summary: 'A path or link in a .deb package would escape the root, or a member expands beyond the allowed size (the message names the package and path).', exitCode: 1, transient: false },
  ERR_LAYER_PATH_CONFLICT: { summary: 'Two inputs write the same path with different content or metadata.', exitCode: 2, transient: false },
  ERR_LAYER_UNSAFE_PATH: { summary: 'A path or link would escape the image root or is otherwise not allowed in a layer.', exitCode: 2, transient: false },
  ERR_VERSION_INVALID: { summary: 'A Debian version is not valid: [epoch:]upstream_version[-debian_revision] (Debian Policy 5.6.12).', exitCode: 2, transient: false },
  ERR_RELATION_INVALID: { summary: 'A package relationship field (Depends, Provides, Conflicts, ...) is malformed (Debian Policy 7.1).', exitCode: 2, transient: false },
  ERR_RESOLVE_UNKNOWN_PACKAGE: { summary: 'A requested package name is not in any configured repository for the platform (the message suggests close names).', exitCode: 2, transient: false },
  ERR_RESOLVE_VIRTUAL: { summary: 'A requested name is a virtual package with several providers, or with no installable one: name a real package.', exitCode: 2, transient: false },
  ERR_RESOLVE_UNSATISFIABLE: { summary: 'A requested package cannot be installed: a dependency has no installable candidate (the message shows the chain and every rejected candidate).', exitCode: 1, transient: false },
  ERR_RESOLVE_CONFLICT: { summary: 'The packages chosen would violate a Conflicts or Breaks relation (the message names both packages and the relation).', exitCode: 1, transient: false },
  ERR_LOCK_INVALID: { summary: 'A lockfile is not valid JSON of the lockfile format, or of another format version.', exitCode: 2, transient: false },
  ERR_LOCK_STALE: { summary: 'The lockfile does not match the config (packages, sources, options or platforms changed): run slipway lock.', exitCode: 1, transient: false },
  ERR_LOCK_MISSING: { summary: 'A locked build or check needs a lockfile beside the config, and there is none: run slipway lock.', exitCode: 2, transient: false },
  ERR_FETCH_NETWORK: { summary: 'A network request failed before a response arrived (reset, refused, timeout).', exitCode: 1, transient: true },
  ERR_FETCH_HTTP: { summary: 'A server answered with an HTTP error status.', exitCode: 1, transient: false },
  ERR_FETCH_DIGEST_MISMATCH: { summary: 'Downloaded bytes do not match their expected size or digest.', exitCode: 1, transient: true },
  ERR_APT_SOURCES_INVALID: { summary: 'An apt sources entry (one-line or deb822 .sources) is not valid: unknown type, missing field, unsupported option.', exitCode: 2, transient: false },
  ERR_APT_MALFORMED: { summary: 'A repository file (Release, InRelease, Packages) is not well-formed deb822 or lacks a required field.', exitCode: 1, transient: false },
  ERR_APT_SIGNATURE: { summary: 'A Release file is unsigned, its signature does not verify, or it was signed by a key that is not trusted for the source, expired, revoked or uses a weak hash.', exitCode: 1, transient: false },
  ERR_APT_KEY: { summary: 'A signed-by key cannot be used: file missing or unreadable, no usable key in it, or a fetched key whose fingerprint differs from the pinned one.', exitCode: 2, transient: false },
  ERR_APT_HASH_MISMATCH: { summary: 'An index or package does not have the size or SHA256 that its Release (or index) lists.', exitCode: 1, transient: false },
  ERR_APT_INDEX_MISSING: { summary: 'A Release does not list an index that the sources ask for (suite, component or architecture not in the repository), or the server does not have it.', exitCode: 1, transient: false },
  ERR_APT_RELEASE_EXPIRED: { summary: 'A Release is past its Valid-Until date (set check-valid-until: false for snapshots), or dated in the future.', exitCode: 1, transient: false },
  ERR_APT_RELEASE_MISMATCH: { summary: 'A Release names another suite or codename than the one the sources ask for (a mirror serving the wrong suite, or a replayed Release).', exitCode: 1, transient: false },
  ERR_APT_ROLLBACK: { summary: 'A Release is older than the one already cached for the same source: a possible rollback or a stale mirror.', exitCode: 1, transient: false },
  ERR_PGP_MALFORMED: { summary: 'OpenPGP data (armor, key, signature) is malformed or uses a version or algorithm slipway does not support.', exitCode: 1, transient: false },
  ERR_FETCH_OFFLINE: { summary: 'Offline mode: the file is not in the cache and the network may not be used.', exitCode: 1, transient: false },
  ERR_FETCH_TOO_LARGE: { summary: 'A download is larger than its expected size or than slipway accepts for its kind of file.', exitCode: 1, transient: false },
  ERR_CACHE_CORRUPT: { summary: 'A file in slipway\'s cache is damaged (not what slipway wrote); the message names it: remove it and run again.', exitCode: 1, transient: false },
  ERR_CACHE_IO: { summary: 'The cache directory could not be written or read (disk full, permissions, I/O error); the message names the package or file.', exitCode: 1, transient: false },
  ERR_OUTPUT_DESTINATION: { summary: 'The output destination is not of a known form (oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE[:REF]).', exitCode: 2, transient: false },
  ERR_OUTPUT_WRITE: { summary: 'Writing the output image failed; nothing half-written was left behind.', exitCode: 1, transient: false },
  ERR_OCI_NOT_FOUND: { summary: 'The image, reference or blob to read does not exist.', exitCode: 1, transient: false },
  ERR_OCI_MALFORMED: { summary: 'An OCI layout, archive, manifest or config is not valid.', exitCode: 1, transient: false },
  ERR_ABORTED: { summary: 'The operation was aborted by its caller.', exitCode: 1, transient: false },
  ERR_INTERNAL: { summary: 'A bug in slipway: please report it with the command and config.', exitCode: 1, transient: false },
} as const satisfies Record<string, ErrorCodeInfo>;

/** ErrorCode is one of the public error codes. */
export type ErrorCode = keyof typeof errorCodes;

/** Options common to every slipway error. */
export interface SlipwayErrorOptions {
  /** What the user can do about it, one sentence. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/** SlipwayError is the base of every error slipway throws on purpose. */
export class SlipwayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, opts: SlipwayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SlipwayError';
    this.code = code;
    this.hint = opts.hint;
  }

  /** exitCode is the CLI exit code for this error's code. */
  get exitCode(): 1 | 2 {
    return errorCodes[this.code].exitCode;
  }

  /** transient says whether a retry may succeed. */
  get transient(): boolean {
    return errorCodes[this.code].transient;
  }

  /** toJSON renders the error for `--json` output. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/** Where in a config file a problem is. All fields are optional: a plan built in code has no file. */
export interface ConfigLocation {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted path to the key, e.g. `files[2].dest`. */
  readonly keyPath?: string;
}

/** ConfigError is a problem in an image config, located by file, line, column and key path. */
export class ConfigError extends SlipwayError {
  readonly location: ConfigLocation;
  /** A close, valid alternative for a misspelt key or value. */
  readonly suggestion: string | undefined;

  constructor(
    code: Extract<ErrorCode, `ERR_CONFIG_${string}` | `ERR_INPUT_${string}` | 'ERR_LAYER_PATH_CONFLICT' | 'ERR_LAYER_UNSAFE_PATH'>,
    location: ConfigLocation,
    problem: string,
    opts: SlipwayErrorOptions & { suggestion?: string } = {},
  ) {
    const hint = opts.hint ?? (opts.suggestion ? `did you mean "${opts.suggestion}"?` : undefined);
    super(code, `${formatLocation(location)}${problem}`, { ...opts, hint });
    this.name = 'ConfigError';
    this.location = location;
    this.suggestion = opts.suggestion;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), location: this.location, ...(this.suggestion ? { suggestion: this.suggestion } : {}) };
  }
}

/** formatLocation renders `file:line:col key.path: ` (each part only when known). */
export function formatLocation(loc: ConfigLocation): string {
  let where = loc.file ?? '';
  if (where && loc.line !== undefined) where += `:${loc.line}`;
  if (where && loc.line !== undefined && loc.column !== undefined) where += `:${loc.column}`;
  if (loc.keyPath) where += where ? ` ${loc.keyPath}` : loc.keyPath;
  return where ? `${where}: ` : '';
}

/** DigestMismatchError says that bytes did not match the size or digest they were pinned to. */
export class DigestMismatchError extends SlipwayError {
  readonly subject: string;
  readonly expected: string;
  readonly actual: string;
  readonly bytes: number;

  constructor(
    code: 'ERR_FETCH_DIGEST_MISMATCH' | 'ERR_INPUT_DIGEST_MISMATCH' | 'ERR_APT_HASH_MISMATCH',
    subject: string,
    expected: string,
    actual: string,
    bytes: number,
    opts: SlipwayErrorOptions = {},
  ) {
    super(code, `${subject}: expected ${expected}, got ${actual} (${bytes} bytes)`, opts);
    this.name = 'DigestMismatchError';
    this.subject = subject;
    this.expected = expected;
    this.actual = actual;
    this.bytes = bytes;
  }
}

/** isSlipwayError tells whether `err` carries a slipway error code. */
export function isSlipwayError(err: unknown): err is SlipwayError {
  return err instanceof SlipwayError;
}

/** Warning is an oddity a build survives; `strict: true` turns it into an error. */
export interface Warning {
  /** `W_<AREA>_<WHAT>`. */
  readonly code: `W_${string}`;
  readonly message: string;
}
