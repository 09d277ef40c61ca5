/**
 * ImageSpec: the image config as a TypeScript object, with the same keys as the YAML file.
 * Written by hand for readable types; config-schema.ts is checked against it at compile time.
 */

/** SourceSpec says where an input's source code lives; it needs git or url. */
export interface SourceSpec {
  /** URL of the git repository. */
  readonly git?: string;
  /** Tag, branch or commit within `git`. */
  readonly ref?: string;
  /** URL of a source archive or web page. */
  readonly url?: string;
}

/** GlobFileSpec copies host files matched by fast-glob patterns (relative to the config's directory). */
export interface GlobFileSpec {
  readonly src: string | readonly string[];
  /** Absolute path; a trailing `/` makes it a directory, otherwise the pattern must match one file. */
  readonly dest: string;
  /** Octal digits, e.g. `"0644"`. */
  readonly mode?: string;
  /** `uid:gid`, `uid`, `user` or `user:group`. */
  readonly owner?: string;
  readonly source?: SourceSpec;
}

/** InlineFileSpec is a file whose text is given in `content`. */
export interface InlineFileSpec {
  readonly content: string;
  readonly dest: string;
  readonly mode?: string;
  readonly owner?: string;
  readonly source?: SourceSpec;
}

/** TarballFileSpec unpacks a tar archive from a host path or an http(s) URL below `dest`. */
export interface TarballFileSpec {
  readonly tarball: string;
  /** 64 lower-case hex digits, optionally prefixed `sha256:`; required for URLs. */
  readonly sha256?: string;
  readonly dest: string;
  /** Leading path components to drop, like `tar --strip-components`. */
  readonly strip?: number;
  readonly owner?: string;
  readonly source?: SourceSpec;
}

/** SymlinkFileSpec creates a symbolic link at `dest` pointing to `symlink`. */
export interface SymlinkFileSpec {
  readonly symlink: string;
  readonly dest: string;
  readonly owner?: string;
  readonly source?: SourceSpec;
}

/** DirFileSpec creates an empty directory at `dir`. */
export interface DirFileSpec {
  readonly dir: string;
  readonly mode?: string;
  readonly owner?: string;
  readonly source?: SourceSpec;
}

/** FileSpec is one `files:` item; exactly one of src, content, tarball, symlink, dir. */
export type FileSpec = GlobFileSpec | InlineFileSpec | TarballFileSpec | SymlinkFileSpec | DirFileSpec;

/** UserSpec declares a user account (not root). */
export interface UserSpec {
  readonly name: string;
  readonly uid: number;
  /** Primary group id; default `uid`. */
  readonly gid?: number;
  /** Default `/`. */
  readonly home?: string;
  /** Default `/sbin/nologin`. */
  readonly shell?: string;
  /** Default empty. */
  readonly gecos?: string;
  /** Supplementary group names, each declared under `groups`. */
  readonly groups?: readonly string[];
}

/** GroupSpec declares a group (not root). */
export interface GroupSpec {
  readonly name: string;
  readonly gid: number;
  /** Declared user names. */
  readonly members?: readonly string[];
}

/** RuntimeConfigSpec is the `config:` section: how the container runs. */
export interface RuntimeConfigSpec {
  /** A declared user name (optionally `name:group`), `uid` or `uid:gid`. */
  readonly user?: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** Environment variables, in order. */
  readonly env?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  /** `8080`, `"8080/tcp"`, `"53/udp"`, `"132/sctp"`. */
  readonly ports?: readonly (string | number)[];
  readonly volumes?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  /** `SIGTERM`-style name or a number from 1 to 64, as a string. */
  readonly 'stop-signal'?: string;
}

/** AptKeyUrlSpec is a signing key fetched from `url` (http or https) and pinned by its `fingerprint`. */
export interface AptKeyUrlSpec {
  readonly url: string;
  /** The key's 40-hex-digit fingerprint; spaces allowed, any case. */
  readonly fingerprint: string;
}

/**
 * AptKeySpec is one `signed-by` key: a keyring path (relative to the config's directory), an
 * armored key (`-----BEGIN PGP PUBLIC KEY BLOCK-----` …), a 40-hex-digit fingerprint that
 * selects a key from the other keys given, or a key fetched by URL ({@link AptKeyUrlSpec}).
 */
export type AptKeySpec = string | AptKeyUrlSpec;

/** AptRepositoryCommonSpec holds the keys of a structured `apt.sources` item besides `uri`/`uris`. */
export interface AptRepositoryCommonSpec {
  /** Suites, such as `bookworm`; one ending in `/` is a flat repository's path (then no components). */
  readonly suites: readonly string[];
  /** Components, such as `main`; required unless the suites are flat. */
  readonly components?: readonly string[];
  /** Debian architecture names to read, when restricted. */
  readonly architectures?: readonly string[];
  /** Default `["deb"]`. */
  readonly types?: readonly ('deb' | 'deb-src')[];
  /** Keys that may sign the repository; required unless `trusted: true`. */
  readonly 'signed-by'?: AptKeySpec | readonly AptKeySpec[];
  /** Skip signature checks (hashes are still checked); default false. */
  readonly trusted?: boolean;
  /** Refuse a Release past its Valid-Until; default true (false for snapshot archives). */
  readonly 'check-valid-until'?: boolean;
  /** Accept a Release older than the one cached; default false. */
  readonly 'allow-rollback'?: boolean;
}

/** AptUriRepositorySpec is a repository at one URL (http, https or file). */
export interface AptUriRepositorySpec extends AptRepositoryCommonSpec {
  readonly uri: string;
}

/** AptUrisRepositorySpec is a repository with several mirrors, tried in order. */
export interface AptUrisRepositorySpec extends AptRepositoryCommonSpec {
  readonly uris: readonly string[];
}

/** AptRepositorySpec is a structured `apt.sources` item: exactly one of `uri` or `uris`. */
export type AptRepositorySpec = AptUriRepositorySpec | AptUrisRepositorySpec;

/**
 * AptSourceSpec is one `apt.sources` item: `"system"` (the host's apt sources), a one-line
 * source (`deb …` or `deb-src …`), a deb822 stanza (with a `Types:` or `URIs:` field), or
 * an {@link AptRepositorySpec}.
 */
export type AptSourceSpec = string | AptRepositorySpec;

/** AptSpec is the `apt:` section: the repositories packages come from and the packages to install. */
export interface AptSpec {
  /** At least one, in order; earlier sources win ties between equal versions. */
  readonly sources: readonly AptSourceSpec[];
  /** Packages to install, each `name` or `name=version` (a trailing `*` in the version matches a prefix), each name once; default none. */
  readonly packages?: readonly string[];
  /** Install the Recommends of chosen packages too; default false (as `apt-get --no-install-recommends`). */
  readonly recommends?: boolean;
  /** Add every `Essential: yes` package (a minimal Debian base); default false. */
  readonly essential?: boolean;
  /** Package names never to install, each once and not also in `packages`; default none. */
  readonly exclude?: readonly string[];
  /** Form of the dpkg database: `dpkg` (default) or `distroless`. */
  readonly database?: 'dpkg' | 'distroless';
  /** /bin, /sbin, /lib* as links into /usr; default: as the suites do (Debian 12+, Ubuntu 22.04+). */
  readonly 'merged-usr'?: boolean;
}

/** LayersSpec is `layers`: a strategy name, or a mapping with the strategy and, for grouped, max. */
export type LayersSpec = 'single' | 'per-package' | 'grouped' | { readonly strategy: 'single' | 'per-package' | 'grouped'; readonly max?: number };

/** PathsSpec filters package files: globs over image paths. */
export interface PathsSpec {
  /** Paths of packages left out of the image, e.g. /usr/share/doc/**. */
  readonly exclude?: readonly string[];
  /** Paths kept even when excluded; default: every package copyright file. */
  readonly keep?: readonly string[];
}

/** ImageSpec is a whole image config, as written in YAML or passed from TypeScript. */
export interface ImageSpec {
  /** `os/arch[/variant]`; default `["linux/amd64"]`. */
  readonly platforms?: readonly string[];
  readonly base?: 'scratch';
  readonly compression?: 'gzip' | 'zstd' | 'none';
  /** Compression level: gzip 1–9 (default 1), zstd 1–19 (default 3). */
  readonly 'compression-level'?: number;
  readonly apt?: AptSpec;
  readonly layers?: LayersSpec;
  readonly paths?: PathsSpec;
  readonly files?: readonly FileSpec[];
  readonly users?: readonly UserSpec[];
  readonly groups?: readonly GroupSpec[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly config?: RuntimeConfigSpec;
}
