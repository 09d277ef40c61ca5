/**
 * ReleaseState: what the cache remembers of the last Release verified for a repository suite —
 * its date (for rollback checks) and the digests of its verified bytes in the content store
 * (for offline use). One small JSON file per repository suite, replaced atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest, sha256Digest, SlipwayError, writeFileAtomic, type Digest } from '../core/index.js';

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
  /** uri is the mirror the Release was fetched from, without credentials. */
  readonly uri: string;
  /** info is the Release's Origin, Label, Suite and Codename, to notice when they change. */
  readonly info?: ReleaseInfo;
}

/** ReleaseInfo is what identifies a Release's distribution; a change is worth a warning (apt asks for confirmation). */
export interface ReleaseInfo {
  readonly origin?: string;
  readonly label?: string;
  readonly suite?: string;
  readonly codename?: string;
}

function statePath(stateDir: string, key: string): string {
  return join(stateDir, 'releases', `${sha256Digest(key).slice('sha256:'.length)}.json`);
}

function damaged(path: string, problem: string): SlipwayError {
  return new SlipwayError('ERR_CACHE_CORRUPT', `${path}: ${problem}`, { hint: 'remove this file (it only remembers the last verified Release) and run again' });
}

function infoOf(v: unknown): ReleaseInfo | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const k of ['origin', 'label', 'suite', 'codename']) if (typeof o[k] === 'string') out[k] = o[k] as string;
  return out;
}

/**
 * readReleaseState returns the remembered state for `key`, or undefined when there is none.
 * A state file that exists but cannot be read or does not hold a state is ERR_CACHE_CORRUPT:
 * failing closed, since a missing state would turn the rollback check off.
 */
export async function readReleaseState(stateDir: string, key: string): Promise<ReleaseState | undefined> {
  const path = statePath(stateDir, key);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw damaged(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw damaged(path, 'is not JSON');
  }
  if (typeof data !== 'object' || data === null) throw damaged(path, 'is not a Release state');
  const s = data as Record<string, unknown>;
  if (s['key'] !== key || (s['file'] !== 'InRelease' && s['file'] !== 'Release')) throw damaged(path, 'is not the state of this repository');
  if (typeof s['digest'] !== 'string' || !isDigest(s['digest']) || typeof s['uri'] !== 'string') throw damaged(path, 'has no valid digest or uri');
  if (s['signature'] !== undefined && (typeof s['signature'] !== 'string' || !isDigest(s['signature']))) throw damaged(path, 'has an invalid signature digest');
  if (s['date'] !== undefined && typeof s['date'] !== 'number') throw damaged(path, 'has an invalid date');
  const info = infoOf(s['info']);
  return {
    key,
    file: s['file'],
    digest: s['digest'],
    uri: s['uri'],
    ...(s['signature'] === undefined ? {} : { signature: s['signature'] as Digest }),
    ...(s['date'] === undefined ? {} : { date: s['date'] as number }),
    ...(info === undefined ? {} : { info }),
  };
}

/** writeReleaseState replaces the remembered state for `state.key` atomically. */
export async function writeReleaseState(stateDir: string, state: ReleaseState): Promise<void> {
  await mkdir(join(stateDir, 'releases'), { recursive: true });
  await writeFileAtomic(statePath(stateDir, state.key), `${JSON.stringify(state, null, 2)}\n`);
}
