/**
 * `npm run bench -- NAME`: runs one side-by-side benchmark. Benchmarks are never part of
 * `npm test`; they print medians and ratios against a peer measured in the same run.
 */
import { runDeb822Bench } from './deb822.js';
import { runGzipBench } from './gzip.js';
import { runIndexBench } from './index.js';
import { runXzBench } from './xz.js';

const benches: Record<string, () => Promise<void>> = {
  gzip: () => runGzipBench(),
  deb822: () => runDeb822Bench(),
  xz: () => runXzBench(),
  index: () => runIndexBench(),
  // Loaded on demand: it needs the resolver, apt-get and the host mirror only when asked for.
  resolve: async () => (await import('./resolve.js')).runResolveBench(),
  deb: async () => (await import('./deb.js')).runDebBench(),
  // Needs mmdebstrap, /usr/bin/time and the host mirror; several minutes.
  build: async () => (await import('./build.js')).runBuildBench(),
};

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => !(n in benches))) {
  console.error(`usage: npm run bench -- ${Object.keys(benches).join('|')}`);
  process.exit(2);
}
for (const n of names) await benches[n]!();
