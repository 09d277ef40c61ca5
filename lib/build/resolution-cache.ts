/**
 * ResolutionCache: the lockfile a resolution gave, kept by a key naming everything that
 * decided it (the request with its sources and keys, the digest of every verified Release and
 * index it read, and the resolver's version). A rebuild whose repositories have not moved
 * takes the answer without loading the indices (half a second and 100+ MiB for Debian's main).
 * An entry that does not parse, or whose request differs, is ignored.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotIndex } from '../apt/index.js';
import { sha256Digest, writeFileAtomic } from '../core/index.js';
import { formatLockfile, LOCKFILE_VERSION, parseLockfile, type Lockfile, type LockRequest } from '../resolve/index.js';

/** RESOLVER_VERSION changes whenever the resolver could choose differently for the same inputs. */
const RESOLVER_VERSION = 'slipway-resolver-1';

/** resolutionKey names a resolution of `request` for `architectures` over `indices`. */
export function resolutionKey(request: LockRequest, architectures: readonly string[], indices: readonly SnapshotIndex[]): string {
  const read = indices.map((e) => [e.release.digest, e.index.digest, e.release.repository.suite, e.index.file.path]);
  return sha256Digest(JSON.stringify([RESOLVER_VERSION, LOCKFILE_VERSION, request, architectures, read])).slice('sha256:'.length);
}

/** ResolutionCache reads and writes cached lockfiles under `<cacheDir>/resolutions/`. */
export class ResolutionCache {
  readonly #dir: string;

  constructor(cacheDir: string) {
    this.#dir = join(cacheDir, 'resolutions');
  }

  /** get returns the lockfile cached under `key` for `request`, or undefined. */
  async get(key: string, request: LockRequest): Promise<Lockfile | undefined> {
    const path = join(this.#dir, `${key}.json`);
    try {
      const lock = parseLockfile(await readFile(path, 'utf8'), path);
      return JSON.stringify(lock.request) === JSON.stringify(request) ? lock : undefined;
    } catch {
      return undefined;
    }
  }

  /** put keeps `lock` under `key`. */
  async put(key: string, lock: Lockfile): Promise<void> {
    await writeFileAtomic(join(this.#dir, `${key}.json`), formatLockfile(lock));
  }
}
