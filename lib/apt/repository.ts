/**
 * AptRepository: one suite of one repository, as the client fetches it — the unit that has
 * one Release file. Built from {@link SourceEntry}s (one per suite) or written directly by
 * library users; keys are described, not loaded (see {@link loadKeyring}).
 */
import { isAbsolute, resolve } from 'node:path';
import { redactUrl } from '../fetch/index.js';
import { AptFormatError } from './apt-format-error.js';
import type { SourceEntry, SourceType } from './sources.js';

/**
 * KeySource is one `signed-by` key: a keyring file (binary `.gpg` or armored `.asc`, absolute
 * path), an armored key given inline, a key fetched from a URL and pinned by fingerprint, or a
 * fingerprint that narrows the other keys as apt does: a signature counts only when the key
 * that made it, or its primary key, has that fingerprint; with `exact` (apt's `FPR!`) only
 * when the signing key itself has it.
 */
export type KeySource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'inline'; readonly armored: string }
  | { readonly kind: 'url'; readonly url: string; readonly fingerprint: string }
  | { readonly kind: 'fingerprint'; readonly fingerprint: string; readonly exact?: boolean };

/** AptRepository is one suite of one repository with the keys that must sign its Release. */
export interface AptRepository {
  /** uris of the repository (mirrors), each ending in `/`, tried in order. */
  readonly uris: readonly string[];
  /** suite, or for a flat repository its path ending in `/` (e.g. `./`). */
  readonly suite: string;
  /** components; empty for a flat repository. */
  readonly components: readonly string[];
  /** architectures to read when the source restricts them; otherwise every platform asked for. */
  readonly architectures?: readonly string[];
  /** types: `deb` reads Packages indices, `deb-src` Sources indices. */
  readonly types: readonly SourceType[];
  /** keys that may sign the Release; empty only when `trusted`. */
  readonly keys: readonly KeySource[];
  /** trusted skips signature checks (hashes are still checked); the client warns. */
  readonly trusted: boolean;
  /** checkValidUntil refuses a Release past its Valid-Until (apt's `check-valid-until`). */
  readonly checkValidUntil: boolean;
  /** allowRollback accepts a Release older than the one cached for this repository. */
  readonly allowRollback: boolean;
  /** declaredAt says where the source was written (`file:line` or a config location), for messages. */
  readonly declaredAt: string;
}

/** isFlat tells whether `repo` is a flat repository (a suite path ending in `/`, no dists/). */
export function isFlat(repo: Pick<AptRepository, 'suite'>): boolean {
  return repo.suite.endsWith('/');
}

/** repositoryKey identifies a repository suite across runs: its first URI (without credentials) and suite. */
export function repositoryKey(repo: Pick<AptRepository, 'uris' | 'suite'>): string {
  return `${redactUrl(repo.uris[0] ?? '')} ${repo.suite}`;
}

/** repositoryName renders a repository for messages: `URI SUITE`. */
export function repositoryName(repo: Pick<AptRepository, 'uris' | 'suite'>): string {
  return `${redactUrl(repo.uris[0] ?? '')} ${repo.suite}`;
}

/** withSlash returns `uri` ending in exactly one `/`. */
export function withSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

const FINGERPRINT = /^[0-9A-F]{40}!?$|^[0-9A-F]{64}!?$/;

/**
 * parseSignedBy reads a sources `signed-by` value: an inline armored key, or keyring paths
 * and fingerprints separated by commas or blanks (sources.list(5)). Relative paths resolve
 * against `baseDir`. Throws ERR_APT_SOURCES_INVALID naming `file`/`line` for a word that is
 * neither.
 */
export function parseSignedBy(value: string, baseDir: string, file: string, line: number | undefined): KeySource[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return [{ kind: 'inline', armored: `${trimmed}\n` }];
  const keys: KeySource[] = [];
  for (const word of trimmed.split(/[\s,]+/).filter(Boolean)) {
    const upper = word.toUpperCase();
    if (FINGERPRINT.test(upper)) keys.push({ kind: 'fingerprint', fingerprint: upper.replace(/!$/, ''), ...(upper.endsWith('!') ? { exact: true } : {}) });
    else if (/^[0-9A-Fa-f]{8,39}$/.test(word)) {
      throw new AptFormatError('ERR_APT_SOURCES_INVALID', file, line, `signed-by "${word}" looks like a short key id`, { hint: 'give the full 40-digit fingerprint or a keyring file' });
    } else keys.push({ kind: 'file', path: isAbsolute(word) ? word : resolve(baseDir, word) });
  }
  return keys;
}

function yesNo(value: string | undefined, fallback: boolean, name: string, entry: SourceEntry): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new AptFormatError('ERR_APT_SOURCES_INVALID', entry.origin.file, entry.origin.line, `${name} must be yes or no, not "${value}"`);
}

/**
 * repositoriesFromEntry turns a sources entry into one AptRepository per suite. Keys come
 * from its Signed-By (paths relative to `baseDir`), else from `defaultKeys` (the host's
 * trusted keyrings for system sources). Options read: `check-valid-until`, `allow-rollback`.
 */
export function repositoriesFromEntry(entry: SourceEntry, baseDir: string, defaultKeys: readonly KeySource[] = []): AptRepository[] {
  const declaredAt = `${entry.origin.file}:${entry.origin.line}`;
  const keys = entry.signedBy === undefined ? defaultKeys : parseSignedBy(entry.signedBy, baseDir, entry.origin.file, entry.origin.line);
  const trusted = entry.trusted ?? false;
  if (keys.length === 0 && !trusted) {
    throw new AptFormatError('ERR_APT_SOURCES_INVALID', entry.origin.file, entry.origin.line, `${entry.uris[0] === undefined ? 'entry' : redactUrl(entry.uris[0])} has no Signed-By key`, {
      hint: 'add signed-by=/path/to/keyring.gpg (or trusted=yes to skip signature checks)',
    });
  }
  const checkValidUntil = yesNo(entry.options['check-valid-until'], true, 'check-valid-until', entry);
  const allowRollback = yesNo(entry.options['allow-rollback'], false, 'allow-rollback', entry);
  return entry.suites.map((suite) => ({
    uris: entry.uris.map(withSlash),
    suite,
    components: entry.components,
    ...(entry.architectures === undefined ? {} : { architectures: entry.architectures }),
    types: entry.types,
    keys,
    trusted,
    checkValidUntil,
    allowRollback,
    declaredAt,
  }));
}
