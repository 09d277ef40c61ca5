/**
 * ReleaseState: what the cache remembers of the last Release verified for a repository suite —
 * its date (for rollback checks) and the digests of its verified bytes in the content store
 * (for offline use). One small JSON file per repository suite, replaced atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest, sha256Digest, writeFileAtomic, type Digest } from '../core/index.js';

/** ReleaseState is the remembered last verified Release of one repository suite. */
export interface ReleaseState {
  /** key is {@link repositoryKey} of the repository suite. */
  readonly key: string;
  /** file says whether the signed bytes were an InRelease or a Release with Release.gpg. */
  readonly file: 'InRelease' | 'Release';
  /** digest of the InRelease or Release bytes in the content store. */
  readonly digest: Digest;
  /** signature is the digest of Release.gpg, when `file` is Release and one was published. */
  readonly signature?: Digest;
  /** date is the Release's Date in seconds since the epoch, when it has one. */
  readonly date?: number;
  /** uri is the mirror the Release was fetched from. */
  readonly uri: string;
}

function statePath(stateDir: string, key: string): string {
  return join(stateDir, 'releases', `${sha256Digest(key).slice('sha256:'.length)}.json`);
}

/** readReleaseState returns the remembered state for `key`, or undefined when none (or unreadable). */
export async function readReleaseState(stateDir: string, key: string): Promise<ReleaseState | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(statePath(stateDir, key), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const s = data as Record<string, unknown>;
  if (s['key'] !== key || (s['file'] !== 'InRelease' && s['file'] !== 'Release')) return undefined;
  if (typeof s['digest'] !== 'string' || !isDigest(s['digest']) || typeof s['uri'] !== 'string') return undefined;
  if (s['signature'] !== undefined && (typeof s['signature'] !== 'string' || !isDigest(s['signature']))) return undefined;
  if (s['date'] !== undefined && typeof s['date'] !== 'number') return undefined;
  return {
    key,
    file: s['file'],
    digest: s['digest'],
    uri: s['uri'],
    ...(s['signature'] === undefined ? {} : { signature: s['signature'] as Digest }),
    ...(s['date'] === undefined ? {} : { date: s['date'] as number }),
  };
}

/** writeReleaseState replaces the remembered state for `state.key` atomically. */
export async function writeReleaseState(stateDir: string, state: ReleaseState): Promise<void> {
  await mkdir(join(stateDir, 'releases'), { recursive: true });
  await writeFileAtomic(statePath(stateDir, state.key), `${JSON.stringify(state, null, 2)}\n`);
}
