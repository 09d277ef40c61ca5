/**
 * bench build: whole image builds with the slipway CLI beside mmdebstrap, in the same run,
 * for `ca-certificates curl` and `python3` (bookworm, -updates and -security main from the
 * host's apt mirror, linux/amd64, apt.essential false, default layers). Every case is a fresh
 * process (bench/build-runs.ts); medians of several runs, peak RSS the largest of the runs:
 *
 * - slipway cold: an empty cache dir (indices and packages downloaded);
 * - slipway warm packages: a warm cache without `layers/` (layer cache) and `debs/` (parsed
 *   .deb cache): indices and .debs present, every package read, every layer compressed;
 * - slipway no-op rebuild: the same cache, config and output again: every layer reused
 *   (checked with `--json`: layersReused equals the package and system layers);
 * - mmdebstrap `--variant=extract --include=PKGS` to a tarball, cold (its own fresh apt
 *   cache) and warm (.debs and lists kept between runs with sync-in/sync-out hooks);
 * - the codec floor: only decompressing the data.tar members of the same .debs and
 *   gzipping the tars, on every core (bench/build-codec-floor.ts).
 *
 * Then the targets, PASS or MISS. SLIPWAY_BENCH_RUNS (default 5) and SLIPWAY_BENCH_COLD_RUNS
 * (default 3) set the run counts; SLIPWAY_BENCH_KEEP=1 keeps the work directory.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../fixtures/require-tool.js';
import { parseDigest } from '../lib/core/index.js';
import { ContentStore } from '../lib/fetch/index.js';
import { DEFAULT_LEVELS } from '../lib/layer/index.js';
import type { CodecFloorResult } from './build-codec-floor.js';
import { archivedPackages, hostMirrorLines, runCodecFloor, runMmdebstrap, runSlipway, SLIPWAY_CLI, type Measured, type SlipwayRun } from './build-runs.js';
import { median } from './stats.js';

/** BenchImage is one image of the bench: its label and its apt.packages. */
interface BenchImage {
  readonly label: string;
  readonly slug: string;
  readonly packages: readonly string[];
}

const IMAGES: readonly BenchImage[] = [
  { label: 'ca-certificates curl', slug: 'curl', packages: ['ca-certificates', 'curl'] },
  { label: 'python3', slug: 'python3', packages: ['python3'] },
];

type CaseName = 'slipway cold' | 'slipway warm packages' | 'slipway no-op rebuild' | 'slipway no-op --locked' | 'mmdebstrap cold' | 'mmdebstrap warm' | 'codec floor';
const CASES: readonly CaseName[] = ['slipway cold', 'slipway warm packages', 'slipway no-op rebuild', 'slipway no-op --locked', 'mmdebstrap cold', 'mmdebstrap warm', 'codec floor'];

/** Targets (issue: build speed): ratios to mmdebstrap and the codec floor, absolute no-op time and RSS. */
const TARGETS = { coldToMm: 0.5, warmToMm: 1 / 3, warmToFloor: 1.3, noopS: 0.3, rssBytes: 300e6 } as const;

/** Samples are one case's wall seconds, CPU seconds and peak RSS (KiB; absent for the floor) per run. */
interface Samples {
  readonly s: number[];
  readonly cpuS: number[];
  readonly rssKiB: number[];
}

/** ImageResult is what one image's runs measured. */
interface ImageResult {
  readonly image: BenchImage;
  readonly cases: ReadonlyMap<CaseName, Samples>;
  readonly floors: readonly CodecFloorResult[];
  readonly packages: number;
  readonly layers: number;
  readonly debBytes: number;
  readonly digests: ReadonlySet<string>;
  readonly sameSetAsMmdebstrap: string;
}

function envCount(name: string, fallback: number): number {
  const v = process.env[name];
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${v}`);
  return n;
}

function configYaml(packages: readonly string[]): string {
  return ['platforms: [linux/amd64]', 'apt:', '  sources: [system]', `  packages: [${packages.join(', ')}]`, '  essential: false', ''].join('\n');
}

function record(cases: Map<CaseName, Samples>, name: CaseName, m: { s: number; cpuS: number; rssKiB?: number }): void {
  let c = cases.get(name);
  if (!c) cases.set(name, (c = { s: [], cpuS: [], rssKiB: [] }));
  c.s.push(m.s);
  c.cpuS.push(m.cpuS);
  if (m.rssKiB !== undefined) c.rssKiB.push(m.rssKiB);
}

/** warmPackagesCache copies `template` to `dest` without the layer cache and the parsed-.deb cache. */
function warmPackagesCache(template: string, dest: string): void {
  rmSync(dest, { recursive: true, force: true });
  cpSync(template, dest, { recursive: true });
  for (const sub of ['layers', 'debs']) {
    // Fail loudly if the cache layout changed, rather than measure a cache that is still warm.
    if (!existsSync(join(dest, sub))) throw new Error(`the cache has no ${sub}/ directory: did the cache layout change? (${dest})`);
    rmSync(join(dest, sub), { recursive: true, force: true });
  }
}

function expectReused(run: SlipwayRun, expected: 'none' | 'all', label: string): void {
  const p = run.result.packages[0];
  const layers = run.result.images[0]?.layers.length ?? 0;
  const want = expected === 'none' ? 0 : layers;
  if (!p || p.layersReused !== want) throw new Error(`${label}: layersReused ${p?.layersReused} of ${layers} layers, expected ${want}`);
}

/** lockConfig writes the lockfile beside `config` (not measured), for the --locked no-op. */
function lockConfig(config: string): void {
  execFileSync(process.execPath, [SLIPWAY_CLI, 'lock', config, '--cache-dir', join(config, '..', 'cache-lock')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** ImageDirs are the files of one image's runs under the work directory. */
interface ImageDirs {
  readonly dir: string;
  readonly config: string;
  /** The cache of the first cold run, copied for every warm run. */
  readonly template: string;
  readonly warm: string;
  readonly mmCache: string;
  readonly tarball: string;
}

function imageDirs(work: string, image: BenchImage): ImageDirs {
  const dir = join(work, image.slug);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'slipway.yaml');
  writeFileSync(config, configYaml(image.packages));
  return { dir, config, template: join(dir, 'cache-template'), warm: join(dir, 'cache-warm'), mmCache: join(dir, 'mmdebstrap-cache'), tarball: join(dir, 'rootfs.tar') };
}

/** slipwayCold builds with an empty cache; run 0 keeps its cache as the warm template. */
function slipwayCold(d: ImageDirs, run: number): SlipwayRun {
  const cache = run === 0 ? d.template : join(d.dir, 'cache-cold');
  const out = join(d.dir, 'out-cold');
  for (const x of [cache, out]) rmSync(x, { recursive: true, force: true });
  const r = runSlipway(d.config, cache, out);
  expectReused(r, 'none', 'slipway cold');
  if (run > 0) rmSync(cache, { recursive: true, force: true });
  return r;
}

/** slipwayWarmThenNoop builds from a warm-packages cache into a fresh output, then again with the same cache and output. */
function slipwayWarmThenNoop(d: ImageDirs): { warm: SlipwayRun; noop: SlipwayRun; locked: SlipwayRun } {
  warmPackagesCache(d.template, d.warm);
  const out = join(d.dir, 'out-warm');
  rmSync(out, { recursive: true, force: true });
  const warm = runSlipway(d.config, d.warm, out);
  expectReused(warm, 'none', 'slipway warm packages');
  const noop = runSlipway(d.config, d.warm, out);
  expectReused(noop, 'all', 'slipway no-op rebuild');
  // The reproducible flow: the lock (written once per image, beside the config) pins everything, so nothing is asked of the network.
  const locked = runSlipway(d.config, d.warm, out, ['--locked']);
  expectReused(locked, 'all', 'slipway no-op --locked');
  return { warm, noop, locked };
}

function compareSets(run: SlipwayRun, archives: string): string {
  const ours = run.result.packages[0]!.packages.map((p) => `${p.name}=${p.version}`).sort();
  const theirs = archivedPackages(archives);
  const missing = theirs.filter((p) => !ours.includes(p));
  const extra = ours.filter((p) => !theirs.includes(p));
  if (missing.length + extra.length === 0) return 'same package set as mmdebstrap';
  return `DIFFERENT package set from mmdebstrap (only mmdebstrap: ${missing.join(' ') || '-'}; only slipway: ${extra.join(' ') || '-'})`;
}

/** benchImage runs every case of `image` `runs` times (cold cases `coldRuns` times), interleaved. */
function benchImage(image: BenchImage, work: string, mirrors: readonly string[], runs: number, coldRuns: number): ImageResult {
  const d = imageDirs(work, image);
  const cases = new Map<CaseName, Samples>();
  const floors: CodecFloorResult[] = [];
  const digests = new Set<string>();
  // Priming runs, not counted: mmdebstrap's persistent cache, and the template (when no cold run makes it).
  runMmdebstrap(image.packages, d.tarball, mirrors, { dir: d.mmCache, use: 'prime' });
  lockConfig(d.config);
  if (coldRuns === 0) runSlipway(d.config, d.template, join(d.dir, 'out-prime'));
  let first: SlipwayRun | undefined;
  let debs: string[] = [];
  for (let i = 0; i < runs; i++) {
    if (i < coldRuns) {
      const cold = slipwayCold(d, i);
      record(cases, 'slipway cold', cold);
      digests.add(cold.result.digest);
    }
    const { warm, noop, locked } = slipwayWarmThenNoop(d);
    record(cases, 'slipway warm packages', warm);
    record(cases, 'slipway no-op rebuild', noop);
    record(cases, 'slipway no-op --locked', locked);
    for (const r of [warm, noop, locked]) digests.add(r.result.digest);
    if (!first) {
      first = warm;
      const store = new ContentStore(join(d.template, 'blobs'));
      debs = warm.result.packages[0]!.packages.map((p) => store.path(parseDigest(`sha256:${p.sha256}`)));
    }
    if (i < coldRuns) record(cases, 'mmdebstrap cold', runMmdebstrap(image.packages, d.tarball, mirrors, undefined));
    record(cases, 'mmdebstrap warm', runMmdebstrap(image.packages, d.tarball, mirrors, { dir: d.mmCache, use: 'warm' }));
    const floor = runCodecFloor(debs);
    floors.push(floor);
    record(cases, 'codec floor', floor);
  }
  const pkgs = first!.result.packages[0]!.packages;
  return {
    image,
    cases,
    floors,
    packages: pkgs.length,
    layers: first!.result.images[0]!.layers.length,
    debBytes: pkgs.reduce((a, p) => a + p.size, 0),
    digests,
    sameSetAsMmdebstrap: compareSets(first!, join(d.mmCache, 'archives')),
  };
}

const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
const pass = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** peerOf is the mmdebstrap case a case is compared with. */
function peerOf(name: CaseName): CaseName {
  return name === 'slipway cold' || name === 'mmdebstrap cold' ? 'mmdebstrap cold' : 'mmdebstrap warm';
}

function printImage(r: ImageResult): void {
  const med = (n: CaseName) => median(r.cases.get(n)!.s);
  const peakKiB = (n: CaseName) => Math.max(...r.cases.get(n)!.rssKiB);
  const f = r.floors;
  const tar = median(f.map((x) => x.tarBytes));
  console.log(`\n  ${r.image.label}: ${r.packages} packages, ${mib(r.debBytes)} MiB of .debs, ${mib(tar)} MiB of data.tar, ${r.layers} layers; ${r.sameSetAsMmdebstrap}`);
  console.log(`  slipway image digest ${r.digests.size === 1 ? `the same in every run (${[...r.digests][0]})` : `DIFFERS between runs: ${[...r.digests].join(' ')}`}`);
  console.log(`    ${'case'.padEnd(26)}${'runs'.padStart(5)}${'median s'.padStart(10)}${'× mmdebstrap'.padStart(20)}${'peak RSS MiB'.padStart(14)}${'CPU s'.padStart(8)}`);
  for (const name of CASES) {
    const c = r.cases.get(name);
    if (!c) continue;
    const peer = peerOf(name);
    const ratio = `${(med(name) / med(peer)).toFixed(2)} (${peer.slice('mmdebstrap '.length)})`;
    const rss = c.rssKiB.length ? mib(peakKiB(name) * 1024) : '-';
    const label = name === 'codec floor' ? `codec floor (${f[0]!.cores} cores)` : name;
    console.log(`    ${label.padEnd(26)}${String(c.s.length).padStart(5)}${med(name).toFixed(2).padStart(10)}${ratio.padStart(20)}${rss.padStart(14)}${median(c.cpuS).toFixed(2).padStart(8)}`);
  }
  const fm = (k: 'decompressMs' | 'compressMs' | 'decompressCpuMs' | 'compressCpuMs') => (median(f.map((x) => x[k])) / 1000).toFixed(2);
  const members = Object.entries(f[0]!.members).map(([m, n]) => `${n} ${m}`).join(', ');
  console.log(`    codec floor = decompress ${fm('decompressMs')} s (${fm('decompressCpuMs')} s CPU; ${members}) + gzip -${DEFAULT_LEVELS.gzip} ${fm('compressMs')} s (${fm('compressCpuMs')} s CPU, ${mib(median(f.map((x) => x.gzipBytes)))} MiB out)`);
  const rows: [string, number, number, string][] = [
    ['cold ≤ 0.5× mmdebstrap cold', med('slipway cold'), TARGETS.coldToMm * med('mmdebstrap cold'), 's'],
    ['warm ≤ 1/3× mmdebstrap warm', med('slipway warm packages'), TARGETS.warmToMm * med('mmdebstrap warm'), 's'],
    ['warm ≤ 1.3× codec floor', med('slipway warm packages'), TARGETS.warmToFloor * med('codec floor'), 's'],
    ['no-op < 0.3 s', med('slipway no-op rebuild'), TARGETS.noopS, 's'],
    ['no-op --locked < 0.3 s', med('slipway no-op --locked'), TARGETS.noopS, 's'],
  ];
  console.log('    targets');
  for (const [label, value, limit, unit] of rows) {
    console.log(`      ${label.padEnd(38)}${value.toFixed(2).padStart(8)} ${unit.padEnd(3)}  limit ${limit.toFixed(2).padStart(7)} ${unit.padEnd(3)}  ${pass(label.startsWith('no-op') ? value < limit : value <= limit)}`);
  }
  const limitKiB = TARGETS.rssBytes / 1024;
  for (const name of ['slipway cold', 'slipway warm packages', 'slipway no-op rebuild', 'slipway no-op --locked'] as const) {
    const peak = peakKiB(name);
    console.log(`      ${`RSS < 300 MB, ${name}`.padEnd(38)}${mib(peak * 1024).padStart(8)} MiB  limit ${mib(limitKiB * 1024).padStart(7)} MiB  ${pass(peak < limitKiB)}`);
  }
}

/** runBuildBench runs every case for each image and prints one table per image with the targets. */
export async function runBuildBench(runs = envCount('SLIPWAY_BENCH_RUNS', 5), coldRuns = Math.min(runs, envCount('SLIPWAY_BENCH_COLD_RUNS', 3))): Promise<void> {
  if (runs < 1) throw new Error('SLIPWAY_BENCH_RUNS must be at least 1');
  const mirrors = hostMirrorLines();
  if (mirrors === undefined) throw new Error('bench build needs apt sources for bookworm and bookworm-security main in /etc/apt');
  for (const tool of ['mmdebstrap', '/usr/bin/time']) if (!hasTool(tool)) throw new Error(`bench build needs ${tool} (apt-get install mmdebstrap time)`);
  const work = mkdtempSync(join(tmpdir(), 'slipway-bench-build-'));
  const t0 = Date.now();
  try {
    console.log(`build: bookworm, -updates, -security main from the host's apt sources, linux/amd64, apt.essential false, default layers`);
    console.log(`  each case a fresh process; median of ${runs} runs (cold: ${coldRuns}); peak RSS is the largest of the runs (/usr/bin/time %M)`);
    console.log('  warm packages: cache without layers/ and debs/; no-op: the same cache and output again (every layer reused, checked)');
    console.log('  mmdebstrap --variant=extract to a tarball; warm keeps .debs and apt lists between runs (sync-in hooks)');
    console.log('  × mmdebstrap: cold cases against mmdebstrap cold, the others against mmdebstrap warm; CPU s: median user + system of the process tree');
    console.log(`  load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores (other work on the host skews wall times; CPU s less so)`);
    for (const image of IMAGES) printImage(benchImage(image, work, mirrors, runs, coldRuns));
    console.log(`\n  (bench took ${((Date.now() - t0) / 1000).toFixed(0)} s; load average at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  } finally {
    if (process.env['SLIPWAY_BENCH_KEEP'] === '1') console.log(`  work directory kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}
