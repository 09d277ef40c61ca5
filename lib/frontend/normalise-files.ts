/**
 * Content items: validated `files:` entries made into the plan's ContentItem list.
 */
import { resolve } from 'node:path';
import { normaliseImagePath, type ContentItem, type Ownership, type SourceRef } from '../plan/index.js';
import type { Accounts } from './normalise-accounts.js';
import { isHttpUrl } from './files-schema.js';
import type { FileSpec, SourceSpec } from './image-spec.js';
import type { KeyPath } from './key-path.js';
import type { Locator } from './locate.js';

const ROOT: Ownership = { uid: 0, gid: 0 };

function sourceRef(s: SourceSpec | undefined): { source?: SourceRef } {
  if (!s) return {};
  const source: { git?: string; ref?: string; url?: string } = {};
  if (s.git !== undefined) source.git = s.git;
  if (s.ref !== undefined) source.ref = s.ref;
  if (s.url !== undefined) source.url = s.url;
  return { source };
}

/** parseMode reads permission bits written as octal digits (already checked by the schema). */
export function parseMode(text: string): number {
  return Number.parseInt(text, 8);
}

/**
 * normaliseFiles turns each `files:` item into a ContentItem, in declaration order. Host
 * paths are resolved against `baseDir`; owners against `accounts`.
 */
export function normaliseFiles(files: readonly FileSpec[], baseDir: string, accounts: Accounts, loc: Locator): ContentItem[] {
  return files.map((item, i) => {
    const path: KeyPath = ['files', i];
    const at = loc.at(path);
    const owner = (fallback: Ownership | undefined): { owner?: Ownership } => {
      const o = item.owner === undefined ? fallback : accounts.resolveOwner(item.owner, [...path, 'owner']);
      return o ? { owner: o } : {};
    };
    const common = { at, ...sourceRef(item.source) };

    if ('src' in item) {
      return {
        kind: 'glob',
        dest: normaliseImagePath(item.dest),
        patterns: typeof item.src === 'string' ? [item.src] : [...item.src],
        baseDir,
        destIsDir: item.dest.endsWith('/'),
        ...(item.mode !== undefined ? { mode: parseMode(item.mode) } : {}),
        ...owner(undefined),
        ...common,
      };
    }
    if ('content' in item) {
      return {
        kind: 'inline',
        dest: normaliseImagePath(item.dest),
        content: item.content,
        mode: item.mode === undefined ? 0o644 : parseMode(item.mode),
        owner: owner(ROOT).owner!,
        ...common,
      };
    }
    if ('tarball' in item) {
      return {
        kind: 'tarball',
        dest: normaliseImagePath(item.dest),
        location: isHttpUrl(item.tarball) ? { url: item.tarball } : { path: resolve(baseDir, item.tarball) },
        ...(item.sha256 !== undefined ? { sha256: item.sha256.replace(/^sha256:/, '') } : {}),
        strip: item.strip ?? 0,
        ...owner(undefined),
        ...common,
      };
    }
    if ('symlink' in item) {
      return { kind: 'symlink', dest: normaliseImagePath(item.dest), target: item.symlink, owner: owner(ROOT).owner!, ...common };
    }
    return {
      kind: 'directory',
      dest: normaliseImagePath(item.dir),
      mode: item.mode === undefined ? 0o755 : parseMode(item.mode),
      owner: owner(ROOT).owner!,
      ...common,
    };
  });
}
