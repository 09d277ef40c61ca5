/**
 * Which index files to fetch from a verified Release: Packages per component and architecture
 * (plus `binary-all` where the Release serves it), Sources per component when asked; for
 * each, the compressed form to download and the URLs to try (by-hash first when the Release
 * offers it, then the canonical path, on every mirror).
 */
import { SlipwayError, type ArchiveCompression } from '../core/index.js';
import type { VerifiedRelease } from './acquire-release.js';
import type { ReleaseFile } from './release.js';
import { isFlat, repositoryName } from './repository.js';

/** IndexKind is the kind of index: binary packages or source packages. */
export type IndexKind = 'Packages' | 'Sources';

/** IndexTarget is one index file to fetch, as its Release lists it. */
export interface IndexTarget {
  readonly kind: IndexKind;
  /** component; empty for a flat repository. */
  readonly component: string;
  /** architecture of a Packages index (`all` for binary-all); `source` for Sources; empty for a flat repository's Packages. */
  readonly architecture: string;
  /** file as the Release lists it (path relative to the Release's directory), in the chosen compression. */
  readonly file: ReleaseFile;
  readonly compression: Exclude<ArchiveCompression, 'bzip2'>;
  /** uncompressed is the Release's entry for the decompressed index, when listed (checked while reading). */
  readonly uncompressed?: ReleaseFile;
  /** urls to try in order. */
  readonly urls: readonly string[];
  /**
   * alternatives are the other forms the Release lists for the same index, in preference
   * order: tried when this one fails its size or SHA256 or is not served, as apt moves on to
   * the next compression.
   */
  readonly alternatives: readonly Omit<IndexTarget, 'alternatives'>[];
}

/**
 * COMPRESSION_PREFERENCE is the order in which index forms are chosen: gzip first because
 * node:zlib inflates it several times faster than the xz decoder, at the cost of ~40% more
 * bytes to download (bookworm main amd64: 12.1 MB .gz vs 8.8 MB .xz); see docs/decisions.md.
 */
export const COMPRESSION_PREFERENCE: readonly (readonly [string, IndexTarget['compression']])[] = [
  ['.gz', 'gzip'],
  ['.xz', 'xz'],
  ['.zst', 'zstd'],
  ['', 'none'],
];

function missing(vr: VerifiedRelease, problem: string, hint: string): SlipwayError {
  return new SlipwayError('ERR_APT_INDEX_MISSING', `${repositoryName(vr.repository)}: ${problem}`, { hint });
}

function urlsFor(vr: VerifiedRelease, file: ReleaseFile): string[] {
  const urls: string[] = [];
  const slash = file.path.lastIndexOf('/');
  const dir = slash < 0 ? '' : file.path.slice(0, slash + 1);
  for (const base of vr.baseUrls) {
    if (vr.release.acquireByHash) urls.push(new URL(`${dir}by-hash/SHA256/${file.sha256}`, base).toString());
    urls.push(new URL(file.path, base).toString());
  }
  return urls;
}

function target(vr: VerifiedRelease, kind: IndexKind, component: string, architecture: string, base: string): IndexTarget | undefined {
  const forms: Omit<IndexTarget, 'alternatives'>[] = [];
  for (const [ext, compression] of COMPRESSION_PREFERENCE) {
    const file = vr.release.files.get(base + ext);
    if (file === undefined) continue;
    const uncompressed = ext === '' ? undefined : vr.release.files.get(base);
    forms.push({ kind, component, architecture, file, compression, ...(uncompressed === undefined ? {} : { uncompressed }), urls: urlsFor(vr, file) });
  }
  const [first, ...alternatives] = forms;
  if (first !== undefined) return { ...first, alternatives };
  const other = ['.bz2', '.lzma', '.lz4'].find((ext) => vr.release.files.has(base + ext));
  if (other !== undefined) throw missing(vr, `${base} is offered only as ${other}, which slipway does not read`, 'ask the repository to publish .xz, .gz or .zst indices');
  return undefined;
}

/** IndexSelection says which indices a caller wants. */
export interface IndexSelection {
  /** architectures of Packages indices (Debian names, e.g. amd64, arm64); the source's own restriction wins. */
  readonly architectures: readonly string[];
  /** sources: also Sources indices (for `deb-src` entries). */
  readonly sources?: boolean;
}

function componentKnown(vr: VerifiedRelease, component: string): boolean {
  const listed = vr.release.components;
  return listed.length === 0 || listed.includes(component) || listed.includes(`updates/${component}`);
}

/**
 * selectIndexTargets lists the index files to fetch for `vr`. Throws ERR_APT_INDEX_MISSING
 * naming the repository when a component or architecture asked for is not in the Release, or
 * the Release does not list an index it should (or only in a compression slipway cannot read).
 */
export function selectIndexTargets(vr: VerifiedRelease, want: IndexSelection): IndexTarget[] {
  const repo = vr.repository;
  const archs = repo.architectures ?? want.architectures;
  const binary = repo.types.includes('deb');
  const source = repo.types.includes('deb-src') || want.sources === true;
  if (isFlat(repo)) {
    const out: IndexTarget[] = [];
    const packages = binary ? target(vr, 'Packages', '', '', 'Packages') : undefined;
    if (binary && packages === undefined) throw missing(vr, 'the Release lists no Packages index', 'check the repository path');
    if (packages) out.push(packages);
    const sources = source ? target(vr, 'Sources', '', 'source', 'Sources') : undefined;
    if (sources) out.push(sources);
    return out;
  }
  const out: IndexTarget[] = [];
  const releaseArchs = vr.release.architectures;
  for (const component of repo.components) {
    if (!componentKnown(vr, component)) {
      throw missing(vr, `component ${component} is not in the Release (it has ${vr.release.components.join(', ')})`, `check the components of ${repo.declaredAt}`);
    }
    if (binary) {
      for (const arch of archs) {
        if (releaseArchs.length > 0 && !releaseArchs.includes(arch)) {
          throw missing(vr, `architecture ${arch} is not in the Release (it has ${releaseArchs.join(', ')})`, `restrict ${repo.declaredAt} to the architectures it serves, or build for one of them`);
        }
        const t = target(vr, 'Packages', component, arch, `${component}/binary-${arch}/Packages`);
        if (t === undefined) throw missing(vr, `the Release lists no ${component}/binary-${arch}/Packages index`, 'the repository is incomplete; try another mirror');
        out.push(t);
      }
      // As apt: binary-all is read when the Release lists architecture `all`, unless it says
      // No-Support-for-Architecture-all (then every architecture's index has the arch-all packages).
      if (releaseArchs.includes('all') && !vr.release.noSupportForArchitectureAll) {
        const all = target(vr, 'Packages', component, 'all', `${component}/binary-all/Packages`);
        if (all === undefined) throw missing(vr, `the Release lists architecture all but no ${component}/binary-all/Packages index`, 'the repository is incomplete; try another mirror');
        out.push(all);
      }
    }
    if (source) {
      const t = target(vr, 'Sources', component, 'source', `${component}/source/Sources`);
      if (t === undefined) throw missing(vr, `the Release lists no ${component}/source/Sources index`, 'drop deb-src for this repository');
      out.push(t);
    }
  }
  return out;
}
