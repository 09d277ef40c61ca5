/**
 * loadPackageIndex: the fetched Packages indices of a snapshot, read into one PackageIndex for
 * one architecture, in source order, each record knowing its repository, Release and signers.
 */
import { SlipwayError } from '../core/index.js';
import type { VerifiedRelease } from './acquire-release.js';
import type { AptClientContext } from './client-context.js';
import { openIndex, type FetchedIndex } from './fetch-index.js';
import { PackageIndex, readPackages, type PackageOrigin, type PackageRecord } from './packages-index.js';
import { isFlat } from './repository.js';

/** SnapshotIndex is a fetched index and the Release that listed it. */
export interface SnapshotIndex {
  readonly release: VerifiedRelease;
  readonly index: FetchedIndex;
}

/** originOf is the PackageOrigin of records read from `entry`. */
export function originOf(entry: SnapshotIndex): PackageOrigin {
  const { release, index } = entry;
  const repo = release.repository;
  return {
    uri: repo.uris[0]!,
    suite: repo.suite,
    component: index.component,
    poolUrls: isFlat(repo) ? release.baseUrls : release.mirrors,
    releaseDigest: release.digest,
    signedBy: [...new Set(release.signers.map((s) => s.primaryFingerprint))].sort(),
  };
}

function wrapRead(err: unknown, subject: string): unknown {
  if (err instanceof SlipwayError) return err;
  return new SlipwayError('ERR_APT_MALFORMED', `${subject}: cannot be decompressed: ${(err as Error).message}`, { cause: err, hint: 'the cached index is corrupt; remove it from the cache and try again' });
}

/**
 * loadPackageIndex reads every Packages index in `entries` whose architecture is
 * `architecture` or `all` (flat repositories' indices are filtered by record) into one
 * PackageIndex, in entry order. A record listed twice by one Release (binary-all and an
 * architecture's index) is kept once. Errors: ERR_APT_MALFORMED and ERR_APT_HASH_MISMATCH
 * naming the index; ERR_ABORTED.
 */
export async function loadPackageIndex(entries: readonly SnapshotIndex[], architecture: string, ctx: Pick<AptClientContext, 'store' | 'signal'>): Promise<PackageIndex> {
  const index = new PackageIndex();
  const seen = new Set<string>();
  for (const entry of entries) {
    const { index: file } = entry;
    if (file.kind !== 'Packages') continue;
    if (file.architecture !== '' && file.architecture !== architecture && file.architecture !== 'all') continue;
    const origin = originOf(entry);
    const keep = (r: PackageRecord) => r.architecture === architecture || r.architecture === 'all';
    try {
      const src = await openIndex(file, ctx);
      for await (const record of readPackages(src, origin, { name: file.subject, ...(ctx.signal ? { signal: ctx.signal } : {}) })) {
        if (!keep(record)) continue;
        const id = `${entry.release.digest} ${record.name} ${record.version} ${record.architecture} ${record.sha256}`;
        if (seen.has(id)) continue;
        seen.add(id);
        index.add(record);
      }
    } catch (err) {
      throw wrapRead(err, file.subject);
    }
  }
  return index;
}
