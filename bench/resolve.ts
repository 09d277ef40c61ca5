/**
 * bench resolve: resolvePackages for `python3`, `openjdk-17-jre-headless` and `nginx` against
 * bookworm amd64 (main, with -updates and -security) loaded once in this process — only the
 * resolve call is timed — beside the wall time of `apt-get install -s --no-install-recommends`
 * for the same set, in an isolated apt root over the same verified files (fixtures/apt-oracle.ts,
 * apt's pkgcache.bin kept, as on a host after apt-get update), in the same run. Medians of
 * several runs; the target for slipway is at most 100 ms per set. The indices come from the
 * mirror in the host's apt sources (downloaded once into the bench cache).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAptOracle, type AptOracle } from '../fixtures/apt-oracle.js';
import { aptStateDir, loadPackageIndex, updateRepositories, type PackageIndex } from '../lib/apt/index.js';
import { hostDebianSuites } from '../fixtures/host-debian-repos.js';
import { ContentStore, Fetcher } from '../lib/fetch/index.js';
import { resolvePackages } from '../lib/resolve/index.js';
import { median, timeIt } from './stats.js';

const ARCHITECTURE = 'amd64';
/** SETS are the requests timed, one package each. */
const SETS: readonly (readonly string[])[] = [['python3'], ['openjdk-17-jre-headless'], ['nginx']];
/** TARGET_MS is the median slipway must stay under (issue 5). */
const TARGET_MS = 100;


function resolveOnce(set: readonly string[], index: PackageIndex): { ms: number; names: Map<string, string> } {
  let names = new Map<string, string>();
  const ms = timeIt(() => {
    const r = resolvePackages(set.map((name) => ({ name })), index, { architecture: ARCHITECTURE });
    names = new Map(r.packages.map((p) => [p.record.name, p.record.version]));
  });
  return { ms, names };
}

async function aptOnce(set: readonly string[], oracle: AptOracle): Promise<{ ms: number; names: ReadonlyMap<string, string> }> {
  const t0 = process.hrtime.bigint();
  const sim = await oracle.simulate(set);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!sim.ok) throw new Error(`apt-get install -s ${set.join(' ')} failed: ${sim.stderr}`);
  return { ms, names: sim.packages };
}

function sameSet(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([n, v]) => b.get(n) === v);
}

/** runResolveBench prints, per set, slipway's and apt's medians over `runs` runs and their ratio. */
export async function runResolveBench(runs = 7): Promise<void> {
  const repos = hostDebianSuites(['bookworm']);
  if (repos === undefined) throw new Error('bench resolve needs apt sources for bookworm and bookworm-security main in /etc/apt');
  const cacheDir = process.env['SLIPWAY_BENCH_CACHE'] ?? join(tmpdir(), 'slipway-bench-cache');
  const store = new ContentStore(join(cacheDir, 'blobs'));
  const fetcher = new Fetcher({ store });
  const ctx = { fetcher, store, stateDir: aptStateDir(cacheDir) };
  const snapshot = await updateRepositories(repos, { architectures: [ARCHITECTURE] }, ctx).finally(() => fetcher.close());
  const index = await loadPackageIndex(snapshot.indices, ARCHITECTURE, ctx);
  const oracle = await makeAptOracle(snapshot, { architecture: ARCHITECTURE, cacheStore: store, binaryCache: true });
  try {
    console.log(`resolve: bookworm, -updates, -security main ${ARCHITECTURE} (${index.size} records, loaded once), median of ${runs} runs`);
    console.log('  slipway: resolvePackages in this process; apt: wall time of apt-get install -s --no-install-recommends (pkgcache.bin kept)');
    for (const set of SETS) {
      const first = resolveOnce(set, index); // records are parsed on first lookup; reported, not counted
      await aptOnce(set, oracle); // warm-up: page cache
      const ours: number[] = [];
      const apt: number[] = [];
      let agree = true;
      for (let i = 0; i < runs; i++) {
        const r = resolveOnce(set, index);
        const a = await aptOnce(set, oracle);
        ours.push(r.ms);
        apt.push(a.ms);
        agree &&= sameSet(r.names, a.names);
      }
      const ms = median(ours);
      const aptMs = median(apt);
      const label = `${set.join(' ')} (${first.names.size} packages)`;
      console.log(
        `  ${label.padEnd(40)} slipway ${ms.toFixed(1).padStart(7)} ms (first ${first.ms.toFixed(0)} ms)  apt ${aptMs.toFixed(0).padStart(5)} ms  ratio ${(ms / aptMs).toFixed(3)}` +
          `  ${ms <= TARGET_MS ? 'within' : 'OVER'} ${TARGET_MS} ms  ${agree ? 'same set as apt' : 'DIFFERENT set from apt'}`,
      );
    }
  } finally {
    await oracle.close();
  }
}
