/**
 * loadPackageIndex: the fetched Packages indices of a snapshot, read into one PackageIndex for
 * one architecture, in source order, each record knowing its repository, Release and signers.
 */
import { SlipwayError } from '../core/index.js';
import { redactUrl } from '../fetch/index.js';
import type { VerifiedRelease } from './acquire-release.js';
import type { AptClientContext } from './client-context.js';
import type { FetchedIndex } from './fetch-index.js';
import { openIndexTable, recordAt } from './index-table.js';
import { PackageIndex, type PackageOrigin } from './packages-index.js';
import { isFlat } from './repository.js';

/** SnapshotIndex is a fetched index and the Release that listed it. */
export interface SnapshotIndex {
  readonly release: VerifiedRelease;
  readonly index: FetchedIndex;
}

/** defaultPin is apt's default priority for the indices of `release` (policy.cc: ButAutomaticUpgrades is checked first). */
export function defaultPin(release: VerifiedRelease): number {
  const yes = (field: string) => release.release.stanza.get(field)?.trim().toLowerCase() === 'yes';
  if (yes('ButAutomaticUpgrades')) return 100;
  if (yes('NotAutomatic')) return 1;
  return 500;
}

/** originOf is the PackageOrigin of records read from `entry`. */
export function originOf(entry: SnapshotIndex): PackageOrigin {
  const { release, index } = entry;
  const repo = release.repository;
  return {
    uri: redactUrl(repo.uris[0]!),
    suite: repo.suite,
    component: index.component,
    poolUrls: isFlat(repo) ? release.baseUrls : release.mirrors,
    releaseDigest: release.digest,
    signedBy: [...new Set(release.signers.map((s) => s.primaryFingerprint))].sort(),
    pin: defaultPin(release),
  };
}

/**
 * loadPackageIndex reads every Packages index in `entries` whose architecture is
 * `architecture` or `all` (flat repositories' indices are filtered by record) into one
 * PackageIndex, in entry order. Indices come from their cached parsed form (built on first
 * use, see {@link openIndexTable}); records are parsed when first looked up. A package
 * version listed twice by one Release (binary-all and an architecture's index) is kept once.
 * Errors: ERR_APT_MALFORMED and ERR_APT_HASH_MISMATCH naming the index; ERR_ABORTED.
 */
export async function loadPackageIndex(entries: readonly SnapshotIndex[], architecture: string, ctx: Pick<AptClientContext, 'store' | 'stateDir' | 'signal'>): Promise<PackageIndex> {
  const index = new PackageIndex();
  const seen = new Set<string>();
  for (const entry of entries) {
    const { index: file } = entry;
    if (file.kind !== 'Packages') continue;
    if (file.architecture !== '' && file.architecture !== architecture && file.architecture !== 'all') continue;
    if (ctx.signal?.aborted) throw new SlipwayError('ERR_ABORTED', `${file.subject}: loading was aborted`, { cause: ctx.signal.reason });
    const origin = originOf(entry);
    const table = await openIndexTable(file, ctx);
    // A flat index may mix architectures, so its mentions do not stand for this one's.
    if (file.architecture === '') index.markMentionsUnknown();
    else index.addMentions(table.mentions);
    for (const e of table.entries) {
      if (e.architecture !== architecture && e.architecture !== 'all') continue;
      const id = `${entry.release.digest} ${e.name} ${e.version} ${e.architecture}`;
      if (seen.has(id)) continue;
      seen.add(id);
      index.addLazy(e.name, e.provides, () => recordAt(table, e, origin, file.subject));
    }
  }
  return index;
}
