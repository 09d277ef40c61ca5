/**
 * AptPlan: the apt part of an ImagePlan — which repositories to read, which keys they must be
 * signed by, and which packages to install from them. Plain data: text forms (one-line and
 * deb822 sources) are kept as written and parsed by the apt module, so their errors can still
 * name the config location.
 */
import type { ConfigLocation } from '../core/index.js';

/**
 * KeyPlan is one `signed-by` key source: a keyring file on the host (binary `.gpg` or armored
 * `.asc`, absolute path), an armored key written inline, a key fetched from a URL and pinned
 * by its fingerprint, or a fingerprint that selects a key from the other keyrings.
 */
export type KeyPlan =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'inline'; readonly armored: string }
  | { readonly kind: 'url'; readonly url: string; readonly fingerprint: string }
  | { readonly kind: 'fingerprint'; readonly fingerprint: string };

/** AptSourceEntryPlan is a repository written as structured keys in the config. */
export interface AptSourceEntryPlan {
  readonly kind: 'entry';
  /** types: binary packages (`deb`) and/or source packages (`deb-src`). */
  readonly types: readonly ('deb' | 'deb-src')[];
  /** uris of one repository (mirrors), tried in order. */
  readonly uris: readonly string[];
  /** suites; one ending in `/` is a flat repository's path. */
  readonly suites: readonly string[];
  /** components; empty exactly for flat repositories. */
  readonly components: readonly string[];
  /** architectures to read, when restricted. */
  readonly architectures?: readonly string[];
  /** signedBy: keys that may sign this repository's Release files (empty only with `trusted`). */
  readonly signedBy: readonly KeyPlan[];
  /** trusted: skip signature checks (printed as a warning). Hashes are still checked. */
  readonly trusted: boolean;
  /** checkValidUntil: refuse a Release past its Valid-Until (false for snapshot archives). */
  readonly checkValidUntil: boolean;
  /** allowRollback: accept a Release older than the one already cached for the source. */
  readonly allowRollback: boolean;
  readonly at: ConfigLocation;
}

/** AptSourceTextPlan is a repository written in sources.list one-line form or as a deb822 stanza. */
export interface AptSourceTextPlan {
  readonly kind: 'one-line' | 'deb822';
  readonly text: string;
  /** baseDir resolves relative keyring paths in the text (the config file's directory). */
  readonly baseDir: string;
  readonly at: ConfigLocation;
}

/** AptSystemSourcesPlan imports the host's /etc/apt/sources.list and sources.list.d/ (both formats). */
export interface AptSystemSourcesPlan {
  readonly kind: 'system';
  readonly at: ConfigLocation;
}

/** AptSourcePlan is one item of `apt.sources`. */
export type AptSourcePlan = AptSourceEntryPlan | AptSourceTextPlan | AptSystemSourcesPlan;

/**
 * AptPackagePlan is one `apt.packages` item: a package requested by name, as apt-get install
 * takes it (`name` or `name=version`). The frontend checks the form of both (Debian Policy
 * 5.6.1 and 5.6.12); whether the package and version exist is for the resolver to say.
 */
export interface AptPackagePlan {
  /** name: a Debian package name (Debian Policy 5.6.1), possibly a virtual one. */
  readonly name: string;
  /**
   * version pins the package to this version, as written after `=`; a trailing `*` matches
   * every version that starts with the rest (apt's `name=1.27.*`). Absent: the candidate version.
   */
  readonly version?: string;
  /** at is where the item is written in the config. */
  readonly at: ConfigLocation;
}

/** AptPlan is the `apt:` section of an image plan. */
export interface AptPlan {
  /** sources in the order written; earlier sources win ties between equal versions. */
  readonly sources: readonly AptSourcePlan[];
  /** packages to install, in the order written; each name appears once. Empty when none are listed. */
  readonly packages: readonly AptPackagePlan[];
  /** recommends: install the Recommends of chosen packages too; false (the config's default) is apt-get's `--no-install-recommends`. */
  readonly recommends: boolean;
  /** essential: add every `Essential: yes` package of the sources (a minimal Debian base). */
  readonly essential: boolean;
  /**
   * exclude: names of packages never to install, in the order written, each once and none of
   * them in {@link AptPlan.packages}; what depends on them takes another alternative or fails.
   */
  readonly exclude: readonly string[];
  /** database: the dpkg database in its usual form (status, info/) or the distroless one (status.d/). */
  readonly database: 'dpkg' | 'distroless';
  /** mergedUsr: /bin, /sbin, /lib* as links into /usr; absent: decided by the suites (Debian 12+, Ubuntu 22.04+). */
  readonly mergedUsr?: boolean;
}
