/**
 * The lockfile: what a resolution chose, per platform, with everything needed to fetch each
 * package again by hash and to say where it came from — its repository, the digest of the
 * Release that listed it and the keys that signed that Release. Written as stable, sorted,
 * two-space-indented JSON with a fixed key order, so that diffs show exactly what changed.
 */
import { SlipwayError } from '../core/index.js';

/** LOCKFILE_VERSION is the format version written to and required of lockfiles. */
export const LOCKFILE_VERSION = 1;

/** LockedPackage is one package of a platform's resolution. */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly source: string;
  readonly sourceVersion: string;
  /** repository the package came from (URI without credentials). */
  readonly repository: { readonly uri: string; readonly suite: string; readonly component: string };
  /** filename of the .deb relative to the repository URI. */
  readonly filename: string;
  readonly size: number;
  /** sha256 of the .deb, 64 lowercase hex digits. */
  readonly sha256: string;
  /** release is the digest of the InRelease/Release that listed the package. */
  readonly release: string;
  /** signedBy are the primary fingerprints of the keys that signed that Release. */
  readonly signedBy: readonly string[];
}

/** LockedPlatform is the resolution of one platform. */
export interface LockedPlatform {
  readonly platform: string;
  readonly architecture: string;
  /** packages sorted by name. */
  readonly packages: readonly LockedPackage[];
}

/** Lockfile is a whole lockfile. */
export interface Lockfile {
  readonly lockfileVersion: number;
  /** inputs is the digest of everything in the config that decides the resolution (see lockInputsDigest). */
  readonly inputs: string;
  /** request is the human-readable form of those inputs, so a stale lock can say what changed. */
  readonly request: LockRequest;
  /** platforms in the config's order. */
  readonly platforms: readonly LockedPlatform[];
}

/** LockRequest is the part of a config that decides a resolution. */
export interface LockRequest {
  readonly packages: readonly string[];
  readonly recommends: boolean;
  readonly essential: boolean;
  readonly exclude: readonly string[];
  /** sources rendered one per line (`URI SUITE COMPONENTS [options]`), in order. */
  readonly sources: readonly string[];
  readonly platforms: readonly string[];
}

function packageJson(p: LockedPackage): Record<string, unknown> {
  return {
    name: p.name,
    version: p.version,
    architecture: p.architecture,
    source: p.source,
    sourceVersion: p.sourceVersion,
    repository: { uri: p.repository.uri, suite: p.repository.suite, component: p.repository.component },
    filename: p.filename,
    size: p.size,
    sha256: p.sha256,
    release: p.release,
    signedBy: [...p.signedBy],
  };
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** formatLockfile writes `lock` as the lockfile text: fixed key order, packages sorted by name, a final newline. */
export function formatLockfile(lock: Lockfile): string {
  const doc = {
    lockfileVersion: lock.lockfileVersion,
    inputs: lock.inputs,
    request: {
      packages: [...lock.request.packages],
      recommends: lock.request.recommends,
      essential: lock.request.essential,
      exclude: [...lock.request.exclude],
      sources: [...lock.request.sources],
      platforms: [...lock.request.platforms],
    },
    platforms: lock.platforms.map((p) => ({ platform: p.platform, architecture: p.architecture, packages: [...p.packages].sort(byName).map(packageJson) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function invalid(file: string, problem: string): SlipwayError {
  return new SlipwayError('ERR_LOCK_INVALID', `${file}: ${problem}`, { hint: 'run slipway lock to write it again' });
}

function str(o: Record<string, unknown>, k: string, file: string, where: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw invalid(file, `${where}.${k} must be a non-empty string`);
  return v;
}

function parsePackage(v: unknown, file: string, where: string): LockedPackage {
  if (typeof v !== 'object' || v === null) throw invalid(file, `${where} must be an object`);
  const o = v as Record<string, unknown>;
  const repo = o['repository'] as Record<string, unknown> | undefined;
  if (typeof repo !== 'object' || repo === null) throw invalid(file, `${where}.repository must be an object`);
  const sha256 = str(o, 'sha256', file, where);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw invalid(file, `${where}.sha256 is not 64 lowercase hex digits`);
  const size = o['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(file, `${where}.size must be a byte count`);
  const signedBy = o['signedBy'];
  if (!Array.isArray(signedBy) || signedBy.some((s) => typeof s !== 'string')) throw invalid(file, `${where}.signedBy must be a list of fingerprints`);
  return {
    name: str(o, 'name', file, where),
    version: str(o, 'version', file, where),
    architecture: str(o, 'architecture', file, where),
    source: str(o, 'source', file, where),
    sourceVersion: str(o, 'sourceVersion', file, where),
    repository: { uri: str(repo, 'uri', file, `${where}.repository`), suite: str(repo, 'suite', file, `${where}.repository`), component: typeof repo['component'] === 'string' ? repo['component'] : '' },
    filename: str(o, 'filename', file, where),
    size,
    sha256,
    release: str(o, 'release', file, where),
    signedBy: signedBy as string[],
  };
}

function strings(v: unknown, file: string, where: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalid(file, `${where} must be a list of strings`);
  return v as string[];
}

/** parseLockfile reads lockfile text; ERR_LOCK_INVALID names `file` and the field for anything malformed or of another version. */
export function parseLockfile(text: string, file: string): Lockfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `is not JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null) throw invalid(file, 'is not a lockfile');
  const o = doc as Record<string, unknown>;
  if (o['lockfileVersion'] !== LOCKFILE_VERSION) throw invalid(file, `has lockfileVersion ${JSON.stringify(o['lockfileVersion'])}; this slipway reads version ${LOCKFILE_VERSION}`);
  const req = o['request'] as Record<string, unknown> | undefined;
  if (typeof req !== 'object' || req === null) throw invalid(file, 'request must be an object');
  const platforms = o['platforms'];
  if (!Array.isArray(platforms)) throw invalid(file, 'platforms must be a list');
  return {
    lockfileVersion: LOCKFILE_VERSION,
    inputs: str(o, 'inputs', file, 'lock'),
    request: {
      packages: strings(req['packages'], file, 'request.packages'),
      recommends: req['recommends'] === true,
      essential: req['essential'] === true,
      exclude: strings(req['exclude'], file, 'request.exclude'),
      sources: strings(req['sources'], file, 'request.sources'),
      platforms: strings(req['platforms'], file, 'request.platforms'),
    },
    platforms: platforms.map((p, i) => {
      if (typeof p !== 'object' || p === null) throw invalid(file, `platforms[${i}] must be an object`);
      const po = p as Record<string, unknown>;
      const pkgs = po['packages'];
      if (!Array.isArray(pkgs)) throw invalid(file, `platforms[${i}].packages must be a list`);
      return {
        platform: str(po, 'platform', file, `platforms[${i}]`),
        architecture: str(po, 'architecture', file, `platforms[${i}]`),
        packages: pkgs.map((x, j) => parsePackage(x, file, `platforms[${i}].packages[${j}]`)),
      };
    }),
  };
}

/**
 * describeRequestChange says what differs between the request a lock was made for and the
 * current one, one phrase per difference (empty when they are equal).
 */
export function describeRequestChange(locked: LockRequest, current: LockRequest): string[] {
  const out: string[] = [];
  const diff = (what: string, a: readonly string[], b: readonly string[]) => {
    const added = b.filter((x) => !a.includes(x));
    const removed = a.filter((x) => !b.includes(x));
    if (added.length) out.push(`${what} added: ${added.join(', ')}`);
    if (removed.length) out.push(`${what} removed: ${removed.join(', ')}`);
    if (!added.length && !removed.length && a.join('\n') !== b.join('\n')) out.push(`${what} reordered`);
  };
  diff('packages', locked.packages, current.packages);
  // The order of excludes has no effect on the resolution.
  diff('exclude', [...locked.exclude].sort(), [...current.exclude].sort());
  diff('sources', locked.sources, current.sources);
  diff('platforms', locked.platforms, current.platforms);
  if (locked.recommends !== current.recommends) out.push(`recommends changed to ${current.recommends}`);
  if (locked.essential !== current.essential) out.push(`essential changed to ${current.essential}`);
  return out;
}
