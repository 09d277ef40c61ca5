/**
 * updateApt: `apt-get update` for an image plan — every repository of `apt.sources` has its
 * Release verified and the indices for the plan's platforms fetched into the cache; the
 * result says what was verified, by which keys, and how many packages each platform sees.
 */
import { loadPackageIndex, repositoryName, type AptSnapshot } from '../apt/index.js';
import type { Warning } from '../core/index.js';
import { redactUrl, type FetchStats } from '../fetch/index.js';
import { formatPlatform, type ImagePlan } from '../plan/index.js';
import { openAptSession, type AptUpdateOptions } from './apt-session.js';

export type { AptUpdateOptions } from './apt-session.js';

/** AptRepositoryReport is what was verified for one repository suite. */
export interface AptRepositoryReport {
  /** repository as `URI SUITE` (credentials removed). */
  readonly repository: string;
  readonly file: 'InRelease' | 'Release';
  /** digest of the verified InRelease/Release bytes. */
  readonly digest: string;
  /** date of the Release (RFC 3339), when it has one. */
  readonly date?: string;
  readonly validUntil?: string;
  /** signedBy: primary fingerprints of the keys with good signatures (empty for a trusted source). */
  readonly signedBy: readonly string[];
  readonly fromCache: boolean;
  /** indices fetched: path as the Release lists it, with size and sha256. */
  readonly indices: readonly { readonly path: string; readonly size: number; readonly sha256: string }[];
}

/** AptUpdateResult is the outcome of {@link updateApt}. */
export interface AptUpdateResult {
  readonly repositories: readonly AptRepositoryReport[];
  /** platforms: per platform, its Debian architecture and how many package records it sees. */
  readonly platforms: readonly { readonly platform: string; readonly architecture: string; readonly packages: number }[];
  readonly warnings: readonly Warning[];
  readonly fetched: FetchStats;
}

function iso(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function report(snapshot: AptSnapshot): AptRepositoryReport[] {
  return snapshot.releases.map((vr) => {
    const date = iso(vr.release.date);
    const validUntil = iso(vr.release.validUntil);
    return {
      repository: repositoryName({ uris: [redactUrl(vr.mirrors[0]!)], suite: vr.repository.suite }),
      file: vr.file,
      digest: vr.digest,
      ...(date ? { date } : {}),
      ...(validUntil ? { validUntil } : {}),
      signedBy: [...new Set(vr.signers.map((s) => s.primaryFingerprint))].sort(),
      fromCache: vr.fromCache,
      indices: snapshot.indices.filter((i) => i.release === vr).map(({ index }) => ({ path: index.file.path, size: index.file.size, sha256: index.file.sha256 })),
    };
  });
}

/**
 * updateApt verifies and fetches what `plan.apt` names for the plan's platforms. Throws
 * ERR_CONFIG_MISSING_KEY when the plan has no apt section or a platform has no Debian
 * architecture, and the errors of the apt client (see updateRepositories).
 */
export async function updateApt(plan: ImagePlan, opts: AptUpdateOptions = {}): Promise<AptUpdateResult> {
  const session = await openAptSession(plan, opts);
  try {
    const snapshot = await session.update();
    const counts = [];
    for (const [i, p] of session.platforms.entries()) {
      const index = await loadPackageIndex(snapshot.indices, session.archs[i]!, session.ctx);
      counts.push({ platform: formatPlatform(p), architecture: session.archs[i]!, packages: index.size });
    }
    return { repositories: report(snapshot), platforms: counts, warnings: session.warnings, fetched: session.fetcher.stats() };
  } finally {
    await session.close();
  }
}
