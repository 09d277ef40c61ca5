/**
 * The measured runs of bench/build.ts: each case is a fresh process started under
 * `/usr/bin/time`, which reports its peak RSS (the largest of the process and its waited-for
 * children); wall time is taken around the spawn. The slipway CLI, mmdebstrap and the codec
 * floor child are started here; the mirror URIs come from the host's apt sources at run time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostDebianUri } from '../fixtures/host-debian-repos.js';
import type { CodecFloorResult } from './build-codec-floor.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** SLIPWAY_CLI is the compiled CLI beside this bench (dist-*\/bin/slipway.js). */
export const SLIPWAY_CLI = join(HERE, '..', 'bin', 'slipway.js');
const FLOOR_CHILD = join(HERE, 'build-codec-floor.js');

/** Measured is one run of a command: wall seconds, CPU seconds (user + system, children included), peak RSS in KiB and its stdout. */
export interface Measured {
  readonly s: number;
  readonly cpuS: number;
  readonly rssKiB: number;
  readonly stdout: string;
}

/** measure runs `cmd args` under /usr/bin/time and fails, with its stderr, on a non-zero exit. */
export function measure(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-time-'));
  const timeFile = join(dir, 'time');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, cmd, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr ?? String(r.error)).slice(-4000)}`);
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const [rssKiB, user, sys] = lines[lines.length - 1]!.split(' ').map(Number);
    if (!Number.isFinite(rssKiB) || !Number.isFinite(user) || !Number.isFinite(sys)) throw new Error(`/usr/bin/time gave no usage: ${lines.join(' / ')}`);
    return { s, cpuS: user! + sys!, rssKiB: rssKiB!, stdout: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SlipwayJson is the part of `slipway build --json` the bench reads. */
export interface SlipwayJson {
  readonly digest: string;
  readonly images: readonly { readonly layers: readonly unknown[] }[];
  readonly packages: readonly {
    readonly layersReused: number;
    readonly packages: readonly { readonly name: string; readonly version: string; readonly sha256: string; readonly size: number }[];
  }[];
}

/** SlipwayRun is one measured build and its JSON result. */
export interface SlipwayRun extends Measured {
  readonly result: SlipwayJson;
}

/** runSlipway builds `config` into `oci:out` with `cacheDir`, as a fresh `node` process. */
export function runSlipway(config: string, cacheDir: string, out: string, extra: readonly string[] = []): SlipwayRun {
  const m = measure(process.execPath, [SLIPWAY_CLI, 'build', config, '--output', `oci:${out}`, '--cache-dir', cacheDir, '--json', ...extra]);
  return { ...m, result: JSON.parse(m.stdout) as SlipwayJson };
}

/** runCodecFloor measures the codec floor over `debs` in a fresh process. */
export function runCodecFloor(debs: readonly string[]): CodecFloorResult & { readonly s: number; readonly cpuS: number } {
  const m = measure(process.execPath, [FLOOR_CHILD, ...debs]);
  const r = JSON.parse(m.stdout) as CodecFloorResult;
  return { ...r, s: r.ms / 1000, cpuS: (r.decompressCpuMs + r.compressCpuMs) / 1000 };
}

/**
 * hostMirrorLines are the sources.list lines of bookworm, -updates and -security main from
 * the host's apt sources (the same repositories `apt.sources: [system]` gives slipway), or
 * undefined when the host has none.
 */
export function hostMirrorLines(): string[] | undefined {
  const archive = hostDebianUri('bookworm');
  const security = hostDebianUri('bookworm-security');
  if (archive === undefined || security === undefined) return undefined;
  return [`deb ${archive} bookworm main`, `deb ${archive} bookworm-updates main`, `deb ${security} bookworm-security main`];
}

/** MmdebstrapCache is how a run uses the persistent apt cache: `prime` fills it, `warm` starts from it. */
export type MmdebstrapCache = { readonly dir: string; readonly use: 'prime' | 'warm' } | undefined;

/**
 * mmdebstrapArgs: `--variant=extract --include=PKGS` into the tarball `target`. The cache is
 * kept as mmdebstrap(1) suggests (section EXAMPLES): sync-in of the .debs into the chroot's
 * /var/cache/apt/archives (and of apt's lists, so `apt-get update` only revalidates) in a
 * setup hook; a priming run syncs both out in an extract hook, before the cleanup step
 * empties them (in the extract variant no customize hook runs).
 */
export function mmdebstrapArgs(packages: readonly string[], target: string, mirrors: readonly string[], cache: MmdebstrapCache): string[] {
  const hooks: string[] = [];
  if (cache) {
    const archives = join(cache.dir, 'archives');
    const lists = join(cache.dir, 'lists');
    hooks.push(`--setup-hook=mkdir -p "${archives}" "${lists}" "$1/var/cache/apt/archives" "$1/var/lib/apt/lists"`);
    hooks.push(`--setup-hook=sync-in ${archives} /var/cache/apt/archives/`, `--setup-hook=sync-in ${lists} /var/lib/apt/lists/`);
    if (cache.use === 'prime') hooks.push(`--extract-hook=sync-out /var/cache/apt/archives ${archives}`, `--extract-hook=sync-out /var/lib/apt/lists ${lists}`);
  }
  return ['--quiet', '--variant=extract', `--include=${packages.join(',')}`, '--architectures=amd64', ...hooks, 'bookworm', target, ...mirrors];
}

/** runMmdebstrap runs one mmdebstrap build as a fresh process. */
export function runMmdebstrap(packages: readonly string[], target: string, mirrors: readonly string[], cache: MmdebstrapCache): Measured {
  rmSync(target, { force: true });
  return measure('mmdebstrap', mmdebstrapArgs(packages, target, mirrors, cache));
}

/** archivedPackages lists `name=version` of the .debs in an apt archives directory (apt writes `:` as `%3a`). */
export function archivedPackages(archives: string): string[] {
  return readdirSync(archives)
    .filter((f) => f.endsWith('.deb'))
    .map((f) => {
      const [name, version] = f.slice(0, -'.deb'.length).split('_');
      return `${name}=${decodeURIComponent(version ?? '')}`;
    })
    .sort();
}
