/**
 * The resolver against apt itself (issue 5): for bookworm and trixie (main, with -updates and
 * -security) on amd64 and arm64, every set of fixtures/resolver-package-sets.ts is resolved by
 * resolvePackages and simulated by `apt-get install -s --no-install-recommends` in an isolated
 * apt root over the very files slipway verified (fixtures/apt-oracle.ts). The names and
 * versions must be equal, unless the difference is listed in KNOWN_DIFFERENCES with its
 * reason. Indices come from the mirror in the host's apt sources, cached in the test cache.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { makeAptOracle, type AptOracle, type Simulation } from '../../fixtures/apt-oracle.js';
import { testCacheDir } from '../../fixtures/host-mirror-index.js';
import { hasTool } from '../../fixtures/require-tool.js';
import { packagesFor, parseAptArgument, RESOLVER_PACKAGE_SETS, RESOLVER_SUITES } from '../../fixtures/resolver-package-sets.js';
import { hostDebianSuites } from '../../fixtures/host-debian-repos.js';
import {
  aptStateDir, loadPackageIndex, updateRepositories,
  type AptClientContext, type AptSnapshot, type PackageIndex,
} from '../apt/index.js';
import { ContentStore, Fetcher } from '../fetch/index.js';
import { resolvePackages, type PackageRequest } from './index.js';

const ARCHITECTURES = ['amd64', 'arm64'] as const;
/** CONCURRENCY is how many sets of one (suite, architecture) run at once: each runs one apt-get (CPU-bound). */
const CONCURRENCY = Math.min(8, Math.max(2, availableParallelism()));

/**
 * KnownDifference excuses one understood difference: for `set` on the listed suites and
 * architectures, exactly these names are chosen by only one side, or by both in another version.
 */
interface KnownDifference {
  readonly set: string;
  readonly suites: readonly string[];
  readonly architectures: readonly string[];
  readonly onlyApt: readonly string[];
  readonly onlySlipway: readonly string[];
  readonly versions: readonly string[];
  /** reason says why slipway knowingly differs (and where docs/ explains it). */
  readonly reason: string;
}

/** KNOWN_DIFFERENCES lists the differences that are understood, each with its reason. Anything else fails. */
const KNOWN_DIFFERENCES: readonly KnownDifference[] = [];

/** Difference is what one side chose and the other did not, as `name=version`, sorted. */
interface Difference {
  readonly onlyApt: readonly string[];
  readonly onlySlipway: readonly string[];
  /** versions: `name slipway=V apt=W` for names both chose in different versions. */
  readonly versions: readonly string[];
}

function differenceOf(ours: ReadonlyMap<string, string>, apt: ReadonlyMap<string, string>): Difference {
  const sorted = (xs: string[]) => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    onlyApt: sorted([...apt].filter(([n]) => !ours.has(n)).map(([n, v]) => `${n}=${v}`)),
    onlySlipway: sorted([...ours].filter(([n]) => !apt.has(n)).map(([n, v]) => `${n}=${v}`)),
    versions: sorted([...ours].filter(([n, v]) => apt.has(n) && apt.get(n) !== v).map(([n, v]) => `${n} slipway=${v} apt=${apt.get(n)!}`)),
  };
}

const isEmpty = (d: Difference) => d.onlyApt.length + d.onlySlipway.length + d.versions.length === 0;
const namesOf = (xs: readonly string[]) => xs.map((x) => x.split(/[= ]/)[0]!).sort();

function knownFor(set: string, suite: string, arch: string, d: Difference): KnownDifference | undefined {
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === b[i]);
  return KNOWN_DIFFERENCES.find(
    (k) =>
      k.set === set && k.suites.includes(suite) && k.architectures.includes(arch) &&
      same(k.onlyApt, namesOf(d.onlyApt)) && same(k.onlySlipway, namesOf(d.onlySlipway)) && same(k.versions, namesOf(d.versions)),
  );
}

function render(d: Difference): string {
  const block = (title: string, xs: readonly string[]) => (xs.length === 0 ? '' : `\n  ${title} (${xs.length}): ${xs.join(', ')}`);
  return `${block('only apt', d.onlyApt)}${block('only slipway', d.onlySlipway)}${block('other version', d.versions)}`;
}



/** suiteSnapshot is the part of `all` for `codename`, its -updates and -security, in the same order. */
function suiteSnapshot(all: AptSnapshot, codename: string): AptSnapshot {
  const suites = [codename, `${codename}-updates`, `${codename}-security`];
  const releases = all.releases.filter((r) => suites.includes(r.repository.suite));
  return { releases, indices: all.indices.filter((i) => releases.includes(i.release)) };
}

function resolved(args: readonly string[], index: PackageIndex, architecture: string): Map<string, string> {
  const requests: PackageRequest[] = args.map(parseAptArgument);
  const resolution = resolvePackages(requests, index, { architecture });
  const out = new Map<string, string>();
  for (const { record } of resolution.packages) {
    assert.ok(!out.has(record.name), `slipway chose ${record.name} twice (${out.get(record.name)!} and ${record.version})`);
    out.set(record.name, record.version);
  }
  return out;
}

/** Mirror is what every (suite, architecture) needs from the shared setup, once it has run. */
interface Mirror {
  /** skip is why the tests cannot run here (outside CI), or undefined. */
  readonly skip: string | undefined;
  readonly snapshot: AptSnapshot;
  readonly store: ContentStore;
  readonly ctx: Pick<AptClientContext, 'store' | 'stateDir'>;
}

/** Side is one (suite, architecture): its index, its apt oracle and the known differences it used. */
interface Side {
  readonly codename: string;
  readonly architecture: string;
  readonly index: PackageIndex;
  readonly oracle: AptOracle;
  readonly used: Set<KnownDifference>;
}

/** agree resolves `args` with slipway and apt at once and fails on a difference not in KNOWN_DIFFERENCES. */
async function agree(side: Side, id: string, args: readonly string[]): Promise<void> {
  const pending: Promise<Simulation> = side.oracle.simulate(args);
  let ours: Map<string, string> | undefined;
  let failure: unknown;
  try {
    ours = resolved(args, side.index, side.architecture);
  } catch (err) {
    failure = err;
  }
  const apt = await pending;
  const subject = `${side.codename}/${side.architecture} ${id} (${args.join(' ')})`;
  if (!apt.ok) assert.fail(`${subject}: apt-get install -s fails, so the set cannot be compared; choose another:\n${apt.stderr}`);
  if (ours === undefined) {
    const message = failure instanceof Error ? `${(failure as { code?: string }).code ?? failure.name}: ${failure.message}` : String(failure);
    assert.fail(`${subject}: slipway fails where apt installs ${apt.packages.size} packages: ${message}`);
  }
  const d = differenceOf(ours, apt.packages);
  if (isEmpty(d)) return;
  const known = knownFor(id, side.codename, side.architecture, d);
  if (known === undefined) assert.fail(`${subject}: slipway chose ${ours.size} packages, apt ${apt.packages.size}:${render(d)}`);
  side.used.add(known);
}

/** describeSide declares the tests of one (suite, architecture); `mirror` is read only once the tests run. */
function describeSide(codename: string, architecture: string, mirror: () => Mirror): void {
  describe(`${codename} ${architecture}`, { concurrency: CONCURRENCY }, () => {
    let side: Side | undefined;
    before(async () => {
      const m = mirror();
      if (m.skip !== undefined) return;
      const part = suiteSnapshot(m.snapshot, codename);
      const index = await loadPackageIndex(part.indices, architecture, m.ctx);
      // apt's pkgcache.bin is built by apt-get update in this fresh root: each run maps it
      // instead of parsing the lists again (the fixture test checks both give the same answers).
      const oracle = await makeAptOracle(part, { architecture, cacheStore: m.store, binaryCache: true });
      side = { codename, architecture, index, oracle, used: new Set() };
    });
    after(async () => {
      if (side === undefined) return;
      await side.oracle.close();
      const unused = KNOWN_DIFFERENCES.filter((k) => k.suites.includes(codename) && k.architectures.includes(architecture) && !side!.used.has(k));
      for (const k of unused) console.log(`# KNOWN_DIFFERENCES entry for ${k.set} did not occur on ${codename} ${architecture}; remove it if it is fixed`);
    });
    const run = (fn: (s: Side) => void | Promise<void>) => async (t: TestContext) => {
      const skip = mirror().skip;
      if (skip !== undefined) return t.skip(skip);
      await fn(side!);
    };

    it('every package named in a set exists in the indices', run((s) => {
      const missing = RESOLVER_PACKAGE_SETS.flatMap((set) => packagesFor(set, codename).map(parseAptArgument).filter((a) => !s.index.has(a.name)).map((a) => `${set.id}: ${a.name}`));
      assert.deepEqual(missing, []);
    }));
    for (const set of RESOLVER_PACKAGE_SETS) {
      it(`${set.id}: ${packagesFor(set, codename).join(' ')}`, run((s) => agree(s, set.id, packagesFor(set, codename))));
    }
    it('pinned: openssl=<the version in the release suite itself>, beside newer ones in -security', run(async (s) => {
      const base = s.index.byName('openssl').find((r) => r.origin.suite === codename);
      assert.ok(base, `openssl is in ${codename}`);
      await agree(s, 'pinned-openssl', [`openssl=${base.version}`]);
    }));
  });
}

describe('resolvePackages agrees with apt-get install -s on the host mirror', { timeout: 1_200_000 }, () => {
  const cacheDir = join(testCacheDir(), 'apt-client');
  const store = new ContentStore(join(cacheDir, 'blobs'));
  let mirror: Mirror = { skip: 'not set up', snapshot: { releases: [], indices: [] }, store, ctx: { store, stateDir: aptStateDir(cacheDir) } };

  before(async () => {
    const missingTools = ['apt-get', 'gpgv'].filter((t) => !hasTool(t));
    const found = hostDebianSuites(RESOLVER_SUITES);
    let skip: string | undefined;
    if (missingTools.length > 0) skip = `missing tool(s): ${missingTools.join(', ')}`;
    else if (found === undefined) skip = 'the host has no apt source for bookworm and bookworm-security';
    if (skip !== undefined) {
      if (process.env['CI'] === 'true') throw new Error(`${skip}; CI=true requires it`);
      mirror = { ...mirror, skip };
      return;
    }
    const repos = found!;
    const fetcher = new Fetcher({ store });
    try {
      const snapshot = await updateRepositories(repos, { architectures: [...ARCHITECTURES] }, { ...mirror.ctx, fetcher });
      mirror = { ...mirror, skip: undefined, snapshot };
    } finally {
      await fetcher.close();
    }
  });

  for (const codename of RESOLVER_SUITES) {
    for (const architecture of ARCHITECTURES) describeSide(codename, architecture, () => mirror);
  }
});
