/**
 * The apt client under fault injection: a seeded sequence of rounds, each with random faults
 * (dropped, reset, truncated or corrupted responses, 5xx statuses, slow bodies) on random
 * repository paths, must end in the right packages or a clear, coded error after bounded
 * retries; and the cache must never hold a wrong or half-written file. Then two `slipway
 * update` processes fill one cache at the same time.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { SlipwayError } from '../core/index.js';
import { ContentStore, Fetcher } from '../fetch/index.js';
import { buildAptRepo, byHashPath, packagesPath, releasePath, type AptRepo, type RepoPackage, type SuiteSpec } from '../../fixtures/apt-repo.js';
import { serveRepo, type Fault, type RepoServer } from '../../fixtures/apt-server.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { slipwayCliAsync } from '../../fixtures/slipway-cli.js';
import { aptStateDir, loadPackageIndex, updateRepositories, type AptClientContext, type AptRepository } from './index.js';

const ATTEMPTS = 3;
const ROUNDS = 40;
const SEED = 31;
const GENERATIONS = 4;
const SUITES = ['alpha', 'beta'] as const; // alpha publishes by-hash copies
const ARCHS = ['amd64', 'arm64'] as const;
const NOW = new Date('2026-07-01T00:00:00Z');

function packagesOf(suite: string, gen: number): RepoPackage[] {
  const gz = { control: 'gz', data: 'gz' } as const;
  return [
    ...ARCHS.map((architecture) => ({ package: `${suite}-tool`, version: `1.${gen}-1`, architecture, compression: gz })),
    { package: `${suite}-data`, version: `0.${gen}`, architecture: 'all', compression: gz },
    { package: `${suite}-extra`, version: `2.0-${gen + 1}`, architecture: 'amd64', compression: gz },
  ];
}

function suiteSpec(suite: string, gen: number): SuiteSpec {
  return {
    suite,
    date: new Date(Date.UTC(2026, 5, 1 + gen)),
    components: ['main'],
    architectures: [...ARCHS],
    packages: packagesOf(suite, gen),
    indexCompression: ['gz', 'xz'],
    byHash: suite === 'alpha',
  };
}

/** expectedPackages lists `name=version/arch` that generation `gen` offers `arch`, sorted. */
function expectedPackages(gen: number, arch: string): string[] {
  return SUITES.flatMap((s) => packagesOf(s, gen))
    .filter((p) => p.architecture === arch || p.architecture === 'all')
    .map((p) => `${p.package}=${p.version}/${p.architecture}`)
    .sort();
}

const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** walk lists the files (not directories) under `dir`, relative and sorted; none when it does not exist. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => !e.isDirectory()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

/**
 * checkCache asserts the cache holds nothing wrong: every blob hashes to its name and is a
 * file some repository serves (or a served index decompressed), no temporary file is left,
 * every remembered Release points at a stored blob that is a served InRelease, and every
 * parsed index table at a stored decompressed index.
 */
async function checkCache(cacheDir: string, served: Served): Promise<void> {
  const files = await walk(cacheDir);
  assert.deepEqual(files.filter((f) => f.split('/').pop()!.startsWith('.slipway-tmp-')), [], `${cacheDir}: no temporary file is left`);
  for (const f of files.filter((x) => x.startsWith('blobs/'))) {
    const hex = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(f)?.[1];
    assert.ok(hex !== undefined, `${f}: only blobs/sha256/<hex> files in the store`);
    assert.equal(sha256Hex(await readFile(join(cacheDir, f))), hex, `${f} hashes to its name`);
    assert.ok(served.digests.has(hex) || served.decompressed.has(hex), `${f} is a file a repository serves`);
  }
  const pointsAt = async (f: string, key: 'digest' | 'data', allowed: ReadonlySet<string>) => {
    const state = JSON.parse(await readFile(join(cacheDir, f), 'utf8')) as Record<string, string>;
    const hex = String(state[key]).replace(/^sha256:/, '');
    assert.ok(files.includes(`blobs/sha256/${hex}`), `${f} points at a stored blob`);
    assert.ok(allowed.has(hex), `${f} points at a served file of its kind`);
  };
  for (const f of files.filter((x) => x.startsWith('apt/releases/'))) {
    assert.match(f, /^apt\/releases\/[0-9a-f]{64}\.json$/);
    await pointsAt(f, 'digest', served.inReleases);
  }
  for (const f of files.filter((x) => x.startsWith('apt/indices/'))) await pointsAt(f, 'data', served.decompressed);
}

/** Served is every generation's repository under `gen<N>/` of one server. */
interface Served {
  readonly gens: readonly AptRepo[];
  readonly files: Map<string, Buffer>;
  /** sha256 hex of every served file, of every served InRelease, and of every index decompressed. */
  readonly digests: Set<string>;
  readonly inReleases: Set<string>;
  readonly decompressed: Set<string>;
}

async function buildServed(): Promise<Served> {
  const gens = await Promise.all(Array.from({ length: GENERATIONS }, (_, g) => buildAptRepo({ suites: SUITES.map((s) => suiteSpec(s, g)) })));
  const files = new Map<string, Buffer>();
  const digests = new Set<string>();
  const inReleases = new Set<string>();
  const decompressed = new Set<string>();
  for (const [g, repo] of gens.entries()) {
    for (const [p, b] of repo.files) {
      files.set(`gen${g}/${p}`, b);
      digests.add(sha256Hex(b));
      if (p.endsWith('/InRelease')) inReleases.add(sha256Hex(b));
      if (p.endsWith('/Packages.gz')) decompressed.add(sha256Hex(gunzipSync(b)));
    }
  }
  return { gens, files, digests, inReleases, decompressed };
}

/** Form is one compressed form of an index: the URLs tried in order (by-hash first when offered) and its digest. */
interface Form {
  readonly urls: readonly string[];
  readonly hex: string;
}

/** Target is one index a round needs: its canonical .gz path, and its forms in the client's order (.gz, then .xz). */
interface Target {
  readonly canonical: string;
  readonly forms: readonly Form[];
}

function targetsOf(served: Served, g: number): { inReleases: string[]; indices: Target[] } {
  const repo = served.gens[g]!;
  const form = (s: string, path: string): Form => {
    const bytes = repo.files.get(path)!;
    const urls = s === 'alpha' ? [byHashPath(path, bytes), path] : [path];
    return { urls: urls.map((u) => `gen${g}/${u}`), hex: sha256Hex(bytes) };
  };
  const indices = SUITES.flatMap((s) =>
    ARCHS.map((a) => ({ canonical: `gen${g}/${packagesPath(s, 'main', a, 'gz')}`, forms: (['gz', 'xz'] as const).map((c) => form(s, packagesPath(s, 'main', a, c))) })),
  );
  return { inReleases: SUITES.map((s) => `gen${g}/${releasePath(s)}`), indices };
}

interface PlannedFault {
  readonly path: string;
  readonly fault: Fault;
}

const KINDS = ['drop', 'reset', 'truncate', 'corrupt', 'status500', 'status503', 'slow'] as const;
const TIMES = [1, 1, 2, 2, 3, 4, 5, Infinity] as const;

function drawFaults(rand: () => number, served: Served, g: number): PlannedFault[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const { inReleases, indices } = targetsOf(served, g);
  // Paths the client reads; the .xz forms only when a .gz form is wrong on every URL.
  const candidates = [...inReleases, ...indices.flatMap((t) => t.forms.flatMap((f) => f.urls))];
  const out: PlannedFault[] = [];
  for (let n = 1 + Math.floor(rand() * 4); n > 0; n--) {
    const path = pick(candidates.filter((c) => !out.some((f) => f.path === c)));
    const kind = pick(KINDS);
    const times = pick(TIMES);
    const fault: Fault =
      kind === 'status500' || kind === 'status503' ? { kind: 'status', status: kind === 'status500' ? 500 : 503 } : kind === 'slow' ? { kind, delayMs: 1 + Math.floor(rand() * 4) } : { kind };
    out.push({ path, fault: times === Infinity ? fault : { ...fault, times } });
  }
  return out;
}

/** Fatal is a fault the client cannot outlive: where it is, what the error may say, and the codes it may have. */
interface Fatal {
  /** names: paths of which the error message names at least one. */
  readonly names: readonly string[];
  readonly codes: readonly string[];
}

/**
 * CODE_OF is the error code a URL lost to each kind of fault ends with: dropped, reset and
 * truncated responses and 5xx statuses are network failures; corrupt bytes fail the digest
 * check (ERR_APT_HASH_MISMATCH once fetchIndex names the Release).
 */
const NETWORK = 'ERR_FETCH_NETWORK';
/** ALLOWED are the codes any round may end with. */
const ALLOWED = new Set([NETWORK, 'ERR_FETCH_HTTP', 'ERR_APT_HASH_MISMATCH', 'ERR_APT_INDEX_MISSING', 'ERR_APT_SIGNATURE', 'ERR_APT_MALFORMED', 'ERR_FETCH_TOO_LARGE']);
const CODE_OF: Readonly<Record<Fault['kind'], string>> = { drop: NETWORK, reset: NETWORK, truncate: NETWORK, status: NETWORK, corrupt: 'ERR_APT_HASH_MISMATCH', slow: '', redirect: '' };

/**
 * predictFatal says which faults outlast the retries. A URL is lost when a fault other than
 * `slow` answers at least `ATTEMPTS` requests there; a form of an index when it is not cached
 * and every URL of it is lost, with the code of its first URL's failure; an index when its
 * .gz form is lost to the network, or to wrong bytes and its .xz form is lost too (the
 * client tries another form only for wrong or missing files). An InRelease is not addressed
 * by hash, so bytes corrupted even once are taken in and refused by the signature check.
 */
function predictFatal(faults: readonly PlannedFault[], served: Served, g: number, cached: ReadonlySet<string>): Fatal[] {
  const at = (path: string) => faults.find((f) => f.path === path)?.fault;
  const lost = (path: string) => {
    const f = at(path);
    return f !== undefined && f.kind !== 'slow' && (f.times ?? Infinity) >= ATTEMPTS;
  };
  const formCode = (form: Form) => (cached.has(form.hex) || !form.urls.every(lost) ? undefined : CODE_OF[at(form.urls[0]!)!.kind]);
  const { inReleases, indices } = targetsOf(served, g);
  const fatal: Fatal[] = [];
  for (const path of inReleases) {
    const f = at(path);
    if (f?.kind === 'corrupt') fatal.push({ names: [path], codes: ['ERR_APT_SIGNATURE', 'ERR_APT_MALFORMED'] });
    else if (lost(path)) fatal.push({ names: [path], codes: ['ERR_FETCH_NETWORK'] });
  }
  for (const t of indices) {
    const code = formCode(t.forms[0]!);
    if (code === undefined) continue;
    if (code !== 'ERR_APT_HASH_MISMATCH') {
      fatal.push({ names: [t.canonical], codes: [code] });
      continue;
    }
    // fetchIndex reports the .gz form's mismatch, or the .xz form's network failure as it stands.
    const xz = t.forms[1]!;
    const other = formCode(xz);
    if (other !== undefined) fatal.push({ names: [t.canonical, xz.urls[0]!], codes: [...new Set([code, other])] });
  }
  return fatal;
}

function repositories(server: RepoServer, g: number, keyring: string): AptRepository[] {
  const common = { components: ['main'], types: ['deb' as const], trusted: false, checkValidUntil: true, allowRollback: false, declaredAt: 'fault-injection' };
  return SUITES.map((suite) => ({ ...common, uris: [`${server.url}gen${g}/`], suite, keys: [{ kind: 'file', path: keyring }] }));
}

/** runRound updates generation `g` into `cacheDir` and returns the packages per architecture, or the error. */
async function runRound(server: RepoServer, g: number, keyring: string, cacheDir: string): Promise<{ packages: string[][] } | { error: unknown }> {
  const store = new ContentStore(join(cacheDir, 'blobs'));
  const fetcher = new Fetcher({ store, attempts: ATTEMPTS, backoffMs: 0 });
  const ctx: AptClientContext = { fetcher, store, stateDir: aptStateDir(cacheDir), now: NOW };
  try {
    const snap = await updateRepositories(repositories(server, g, keyring), { architectures: [...ARCHS] }, ctx);
    const packages: string[][] = [];
    for (const arch of ARCHS) packages.push([...(await loadPackageIndex(snap.indices, arch, ctx))].map((r) => `${r.name}=${r.version}/${r.architecture}`).sort());
    return { packages };
  } catch (error) {
    return { error };
  } finally {
    await fetcher.close();
  }
}

async function cachedBlobs(cacheDir: string): Promise<Set<string>> {
  return new Set((await walk(join(cacheDir, 'blobs'))).map((f) => f.replace(/^sha256\//, '')));
}

async function releaseStates(cacheDir: string): Promise<string[]> {
  const dir = join(aptStateDir(cacheDir), 'releases');
  return Promise.all((await walk(dir)).map(async (f) => `${f} ${await readFile(join(dir, f), 'utf8')}`));
}

/** Bench is the served generations, their server, a work directory and the key's keyring file. */
interface Bench {
  readonly served: Served;
  readonly server: RepoServer;
  readonly work: string;
  readonly keyring: string;
}

let started: Promise<Bench> | undefined;
/** bench starts the one server of this file on first use (after requireTool, since building needs xz). */
function bench(): Promise<Bench> {
  started ??= (async () => {
    const served = await buildServed();
    const server = await serveRepo(served.files);
    const work = await mkdtemp(join(tmpdir(), 'slipway-faults-'));
    const keyring = join(work, 'archive.gpg');
    await writeFile(keyring, served.gens[0]!.key!.binaryPublicKey);
    return { served, server, work, keyring };
  })();
  return started;
}
after(async () => {
  const b = await started?.catch(() => undefined);
  await b?.server.close();
  if (b) await rm(b.work, { recursive: true, force: true });
});

/** checkRound asserts the outcome of one round against the prediction from its faults. */
function checkRound(label: string, outcome: Awaited<ReturnType<typeof runRound>>, fatal: readonly Fatal[], g: number): string {
  if ('packages' in outcome) {
    assert.deepEqual(fatal, [], `${label}: succeeded although a fault could not be outlived`);
    assert.deepEqual(outcome.packages, ARCHS.map((a) => expectedPackages(g, a)), `${label}: the packages of generation ${g}`);
    return 'ok';
  }
  const err = outcome.error;
  assert.ok(err instanceof SlipwayError, `${label}: a coded error, not ${String((err as Error)?.stack ?? err)}`);
  assert.ok(ALLOWED.has(err.code), `${label}: ${err.code} is not an expected failure: ${err.message}`);
  assert.ok(fatal.length > 0, `${label}: failed with ${err.code} (${err.message}) although every fault could be outlived`);
  const codes = new Set(fatal.flatMap((f) => f.codes));
  assert.ok(codes.has(err.code), `${label}: ${err.code} is one of ${[...codes].join(', ')}: ${err.message}`);
  assert.ok(
    fatal.some((f) => f.names.some((n) => err.message.includes(n))),
    `${label}: the message names a failed file (${fatal.flatMap((f) => f.names).join(', ')}): ${err.message}`,
  );
  return err.code;
}

/** checkRequests asserts no path of this round was requested more than ATTEMPTS times. */
function checkRequests(server: RepoServer, label: string, from: number): void {
  const counts = new Map<string, number>();
  for (const r of server.requests.slice(from)) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
  for (const [path, n] of counts) assert.ok(n <= ATTEMPTS, `${label}: ${path} was requested ${n} times, more than ${ATTEMPTS} attempts`);
}

describe('the apt client under fault injection', () => {
  it(`ends right or fails clearly after bounded retries, and caches nothing wrong (${ROUNDS} seeded rounds)`, async (t: TestContext) => {
    if (!requireTool(t, 'xz')) return;
    const { served, server, work, keyring } = await bench();
    const rand = seededRandom(SEED);
    const shared = join(work, 'shared-cache');
    const tally = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const g = Math.floor(rand() * GENERATIONS);
      const fresh = rand() < 0.2;
      const cacheDir = fresh ? await mkdtemp(join(work, 'fresh-')) : shared;
      const faults = drawFaults(rand, served, g);
      const label = `round ${round} (seed ${SEED}, gen ${g}, ${fresh ? 'fresh' : 'shared'} cache, faults ${JSON.stringify(faults)})`;
      const fatal = predictFatal(faults, served, g, await cachedBlobs(cacheDir));
      const statesBefore = await releaseStates(cacheDir);
      server.clearFaults();
      for (const f of faults) server.fault(f.path, f.fault);
      const from = server.requests.length;
      const outcome = await runRound(server, g, keyring, cacheDir);
      const result = checkRound(label, outcome, fatal, g);
      tally.set(result, (tally.get(result) ?? 0) + 1);
      checkRequests(server, label, from);
      const xzUrls = new Set(targetsOf(served, g).indices.flatMap((x) => x.forms[1]!.urls));
      if (server.requests.slice(from).some((r) => xzUrls.has(r.path) && r.status === 200)) tally.set('(.xz fallback)', (tally.get('(.xz fallback)') ?? 0) + 1);
      if (result !== 'ok') assert.deepEqual(await releaseStates(cacheDir), statesBefore, `${label}: a failed update remembers no Release`);
      await checkCache(cacheDir, served);
      if (fresh) await rm(cacheDir, { recursive: true, force: true });
    }
    server.clearFaults();
    const summary = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ');
    t.diagnostic(`fault injection: ${ROUNDS} rounds: ${summary}`);
    assert.ok((tally.get('ok') ?? 0) > 0 && (tally.get('ok') ?? 0) < ROUNDS, `both outcomes occur: ${summary}`);
  });
});



interface UpdateJson {
  readonly repositories: readonly { readonly repository: string; readonly digest: string; readonly fromCache: boolean }[];
  readonly platforms: readonly { readonly platform: string; readonly packages: number }[];
}

/** writeConfig writes a config reading generation `g` for linux/amd64 and linux/arm64, signed-by the keyring file. */
async function writeConfig({ server, keyring }: Bench, dir: string, g: number): Promise<string> {
  const config = join(dir, 'slipway.yaml');
  const source = `{ uri: "${server.url}gen${g}/", suites: [${SUITES.join(', ')}], components: [main], signed-by: "${keyring}" }`;
  await writeFile(config, `platforms: [linux/amd64, linux/arm64]\napt:\n  sources:\n    - ${source}\n`);
  return config;
}

describe('two slipway update processes filling one cache', () => {
  const cases: [string, number, Fault | undefined][] = [
    ['at the same time', 1, undefined],
    ['with slow indices, so their downloads overlap', 2, { kind: 'slow', delayMs: 150 }],
  ];
  for (const [name, g, fault] of cases) {
    it(`both succeed ${name}; then --offline needs no request`, async (t: TestContext) => {
      if (!requireTool(t, 'xz')) return;
      const b = await bench();
      const { served, server } = b;
      const dir = await mkdtemp(join(b.work, 'cli-'));
      const config = await writeConfig(b, dir, g);
      const cache = join(dir, 'cache');
      server.clearFaults();
      if (fault) server.fault((p) => p.startsWith(`gen${g}/`) && p.includes('/binary-'), fault);
      const runs = await Promise.all([0, 1].map(() => slipwayCliAsync(['update', config, '--cache-dir', cache, '--json'])));
      server.clearFaults();
      const results = runs.map((r, i) => {
        assert.equal(r.status, 0, `process ${i}: ${r.stderr}${r.stdout}`);
        return JSON.parse(r.stdout) as UpdateJson;
      });
      const digests = results.map((r) => r.repositories.map((x) => x.digest));
      assert.equal(digests[0]!.length, SUITES.length);
      assert.deepEqual(digests[0], digests[1], 'both verified the same Releases');
      const expected = SUITES.map((s) => `sha256:${sha256Hex(served.gens[g]!.files.get(releasePath(s))!)}`);
      assert.deepEqual(digests[0], expected);
      const requests = server.requests.length;
      const offline = await slipwayCliAsync(['update', config, '--cache-dir', cache, '--json', '--offline']);
      assert.equal(offline.status, 0, offline.stderr + offline.stdout);
      assert.equal(server.requests.length, requests, 'offline makes no request');
      const result = JSON.parse(offline.stdout) as UpdateJson;
      assert.deepEqual(result.repositories.map((r) => [r.digest, r.fromCache]), expected.map((d) => [d, true]));
      assert.deepEqual(result.platforms.map((p) => `${p.platform} ${p.packages}`), ARCHS.map((a) => `linux/${a} ${expectedPackages(g, a).length}`));
      await checkCache(cache, served);
    });
  }
});
