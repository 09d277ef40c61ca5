/**
 * AptPlan: the apt part of an ImagePlan — which repositories to read and which keys they
 * must be signed by. Plain data: text forms (one-line and deb822 sources) are kept as
 * written and parsed by the apt module, so their errors can still name the config location.
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

/** AptPlan is the `apt:` section of an image plan. */
export interface AptPlan {
  /** sources in the order written; earlier sources win ties between equal versions. */
  readonly sources: readonly AptSourcePlan[];
}
