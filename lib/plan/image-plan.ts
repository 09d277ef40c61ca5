/**
 * ImagePlan: the typed intermediate representation every frontend produces and the build
 * consumes. Plain readonly data: no I/O, no classes. Paths inside the image are absolute,
 * normalised POSIX paths; paths on the host are absolute.
 */
import type { ConfigLocation } from '../core/index.js';
import type { AptPlan } from './apt-plan.js';
import type { Platform } from './platform.js';

/** SourceRef says where an input's source code lives, for the bill of materials. */
export interface SourceRef {
  /** A git repository URL. */
  readonly git?: string;
  /** A git ref (tag, branch or commit) within `git`. */
  readonly ref?: string;
  /** A URL of a source archive or web page. */
  readonly url?: string;
}

/** Ownership is a numeric uid and gid. */
export interface Ownership {
  readonly uid: number;
  readonly gid: number;
}

/** Fields every content item has. */
export interface ContentCommon {
  /** Absolute path in the image. For globs and tarballs, the directory they go into. */
  readonly dest: string;
  readonly source?: SourceRef;
  /** Where the item was declared, for error messages. */
  readonly at: ConfigLocation;
}

/** GlobItem copies host files matched by fast-glob patterns. */
export interface GlobItem extends ContentCommon {
  readonly kind: 'glob';
  /** fast-glob patterns, relative to `baseDir`; `!pattern` excludes. */
  readonly patterns: readonly string[];
  /** Absolute host directory the patterns are relative to (the config file's directory). */
  readonly baseDir: string;
  /** When true, `dest` is a directory and each match keeps its path below the pattern's static prefix; when false, `dest` is the one file. */
  readonly destIsDir: boolean;
  /** Permission bits (incl. setuid/setgid/sticky); when absent, 0755 for host files with any execute bit, else 0644. */
  readonly mode?: number;
  /** Owner of files and created directories; root when absent. */
  readonly owner?: Ownership;
}

/** InlineItem is a file whose bytes are written in the config. */
export interface InlineItem extends ContentCommon {
  readonly kind: 'inline';
  /** The file's bytes, UTF-8 encoded text. */
  readonly content: string;
  readonly mode: number;
  readonly owner: Ownership;
}

/** TarballItem unpacks a tar (plain, gzip or zstd) from a host path or URL below `dest`. */
export interface TarballItem extends ContentCommon {
  readonly kind: 'tarball';
  /** Absolute host path, or an http(s) URL. */
  readonly location: { readonly path: string } | { readonly url: string };
  /** sha256 of the tarball file as stored (compressed); required for URLs. */
  readonly sha256?: string;
  /** Leading path components to drop from each entry (like `tar --strip-components`). */
  readonly strip: number;
  /** When set, replaces every entry's owner; otherwise the tarball's numeric ids are kept. */
  readonly owner?: Ownership;
}

/** DirectoryItem creates an (empty) directory. */
export interface DirectoryItem extends ContentCommon {
  readonly kind: 'directory';
  readonly mode: number;
  readonly owner: Ownership;
}

/** SymlinkItem creates a symbolic link at `dest` pointing to `target`. */
export interface SymlinkItem extends ContentCommon {
  readonly kind: 'symlink';
  /** The link's target, kept exactly as written (absolute or relative). */
  readonly target: string;
  readonly owner: Ownership;
}

/** ContentItem is one declared input of the image's filesystem. */
export type ContentItem = GlobItem | InlineItem | TarballItem | DirectoryItem | SymlinkItem;

/** UserAccount becomes a line of /etc/passwd. */
export interface UserAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly shell: string;
  readonly gecos: string;
  readonly at: ConfigLocation;
}

/** GroupAccount becomes a line of /etc/group. */
export interface GroupAccount {
  readonly name: string;
  readonly gid: number;
  /** User names listed as supplementary members, sorted. */
  readonly members: readonly string[];
  readonly at: ConfigLocation;
}

/** RuntimeConfig is the OCI image config's `config` object (image-spec config.md), in slipway's terms. */
export interface RuntimeConfig {
  /** `uid`, `uid:gid`, or a name; names of declared users are resolved to `uid:gid`. */
  readonly user?: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** Environment as ordered `[name, value]` pairs. */
  readonly env: readonly (readonly [string, string])[];
  readonly workdir?: string;
  /** `port/proto`, proto being tcp, udp or sctp. */
  readonly ports: readonly string[];
  readonly volumes: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly stopSignal?: string;
}

/** LayerCompression is how layer blobs are compressed. */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

/**
 * LayerPlan says how apt packages are spread over layers: all in one, one each, or the
 * `max - 1` most depended-on packages one each and the rest together.
 */
export type LayerPlan = { readonly kind: 'single' } | { readonly kind: 'per-package' } | { readonly kind: 'grouped'; readonly max: number };

/** DEFAULT_GROUPED_MAX is the default `max` of grouped layering. */
export const DEFAULT_GROUPED_MAX = 32;

/** PathsPlan filters the files of packages: `exclude` globs, except what `keep` matches. */
export interface PathsPlan {
  readonly exclude: readonly string[];
  /** Globs kept even when excluded; default {@link DEFAULT_KEEP} (copyright files: licences stay for compliance). */
  readonly keep: readonly string[];
}

/** DEFAULT_KEEP keeps every package's copyright file unless the config says otherwise. */
export const DEFAULT_KEEP: readonly string[] = ['/usr/share/doc/*/copyright'];

/** BaseImage is what the image starts from. Only `scratch` (an empty filesystem) for now. */
export interface BaseImage {
  readonly kind: 'scratch';
}

/** ImagePlan is the complete, validated description of an image to build. */
export interface ImagePlan {
  /** Platforms to build, in the order given; at least one. */
  readonly platforms: readonly Platform[];
  readonly base: BaseImage;
  /** Filesystem inputs in declaration order. */
  readonly contents: readonly ContentItem[];
  /** Declared users (root is added by the build when any user is declared). */
  readonly users: readonly UserAccount[];
  /** Declared groups plus one per user gid that has none. */
  readonly groups: readonly GroupAccount[];
  readonly config: RuntimeConfig;
  /** Annotations for the manifest(s) and index. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly compression: LayerCompression;
  /** Level of the compression; absent: gzip 1, zstd 3 (see docs/decisions.md). */
  readonly compressionLevel?: number;
  /** How apt packages are spread over layers; default grouped, max {@link DEFAULT_GROUPED_MAX}. */
  readonly layers: LayerPlan;
  /** Which package files go into the image. */
  readonly paths: PathsPlan;
  /** apt repositories and keys; absent when the config has no `apt:` section. */
  readonly apt?: AptPlan;
  /** The config file the plan came from, when it came from one. */
  readonly file?: string;
}
