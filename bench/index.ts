/**
 * bench index: load bookworm main amd64 Packages from the cache — Release verified, index
 * decompressed, checked against the Release, parsed and indexed by name and Provides — beside
 * `apt-cache gencaches` rebuilding apt's pkgcache from the same index in a private apt root,
 * in the same run. Medians of several runs, each in a fresh process, with peak RSS.
 * The index comes from the mirror in the host's apt sources (downloaded once into the bench cache).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAptRoot } from '../fixtures/apt-root.js';
import { aptStateDir, updateRepositories, type AptRepository } from '../lib/apt/index.js';
import { DEBIAN_KEYRING as KEYRING, hostDebianSuites } from '../fixtures/host-debian-repos.js';
import { ContentStore, Fetcher } from '../lib/fetch/index.js';
import { median } from './stats.js';


interface Run {
  readonly ms: number;
  readonly rssMiB: number;
}


function slipwayRun(cacheDir: string, repo: AptRepository, mode: 'cold' | 'warm'): Run & { records: number } {
  const child = fileURLToPath(new URL('./index-child.js', import.meta.url));
  const out = execFileSync(process.execPath, [child, cacheDir, JSON.stringify([repo]), mode], { encoding: 'utf8' });
  return JSON.parse(out) as Run & { records: number };
}

function aptRun(run: (args: string[]) => { status: number | null; stderr: string }, dir: string): Run {
  for (const f of ['pkgcache.bin', 'srcpkgcache.bin']) rmSync(join(dir, 'var/cache/apt', f), { force: true });
  const r = run(['-f', '%e %M', 'apt-cache', 'gencaches']);
  const m = /([0-9.]+) ([0-9]+)\s*$/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`apt-cache gencaches failed: ${r.stderr}`);
  return { ms: Number(m[1]) * 1000, rssMiB: Number(m[2]) / 1024 };
}

/** runIndexBench prints slipway's and apt's medians over `runs` runs and their ratios. */
export async function runIndexBench(runs = 5): Promise<void> {
  const repo = hostDebianSuites(['bookworm'], { updates: false, security: false })?.[0];
  if (repo === undefined) throw new Error('bench index needs an apt source for bookworm main in /etc/apt');
  const cacheDir = process.env['SLIPWAY_BENCH_CACHE'] ?? join(tmpdir(), 'slipway-bench-cache');
  const store = new ContentStore(join(cacheDir, 'blobs'));
  const fetcher = new Fetcher({ store });
  await updateRepositories([repo], { architectures: ['amd64'] }, { fetcher, store, stateDir: aptStateDir(cacheDir) });
  await fetcher.close();

  const root = await makeAptRoot({ architecture: 'amd64' });
  try {
    await root.writeSources(`deb [signed-by=${KEYRING}] ${repo.uris[0]} bookworm main\n`);
    const update = await root.run('apt-get', ['update'], { timeoutMs: 600_000 });
    if (update.status !== 0) throw new Error(`apt-get update failed: ${update.stderr}`);
    const env = { ...process.env, APT_CONFIG: join(root.dir, 'apt.conf') };
    const timed = (args: string[]) => spawnSync('/usr/bin/time', args, { env, encoding: 'utf8' });
    const warm: (Run & { records: number })[] = [];
    const cold: (Run & { records: number })[] = [];
    const apt: Run[] = [];
    slipwayRun(cacheDir, repo, 'warm'); // warm-up: page cache, and the parsed form exists
    aptRun(timed, root.dir);
    for (let i = 0; i < runs; i++) {
      cold.push(slipwayRun(cacheDir, repo, 'cold'));
      warm.push(slipwayRun(cacheDir, repo, 'warm'));
      apt.push(aptRun(timed, root.dir));
    }
    const aptMs = median(apt.map((r) => r.ms));
    const aptRss = median(apt.map((r) => r.rssMiB));
    const line = (label: string, rs: readonly Run[]) => {
      const ms = median(rs.map((r) => r.ms));
      const rss = median(rs.map((r) => r.rssMiB));
      console.log(`  ${label.padEnd(62)} ${ms.toFixed(0).padStart(5)} ms  ${rss.toFixed(0).padStart(4)} MiB  ratio to apt: time ${(ms / aptMs).toFixed(2)}, RSS ${(rss / aptRss).toFixed(2)}`);
    };
    console.log(`index: bookworm main amd64 Packages (${warm[0]!.records} records), median of ${runs} runs, each in a fresh process`);
    line('slipway, parsed form cached (as apt keeps pkgcache.bin)', warm);
    line('slipway, first load (gunzip, check sha256, parse, check, index)', cold);
    console.log(`  ${'apt-cache gencaches (rebuilds pkgcache.bin from the lists)'.padEnd(62)} ${aptMs.toFixed(0).padStart(5)} ms  ${aptRss.toFixed(0).padStart(4)} MiB`);
    console.log(`  runs (ms): warm ${warm.map((r) => r.ms.toFixed(0)).join(' ')}; cold ${cold.map((r) => r.ms.toFixed(0)).join(' ')}; apt ${apt.map((r) => r.ms.toFixed(0)).join(' ')}`);
  } finally {
    await root.close();
  }
}
