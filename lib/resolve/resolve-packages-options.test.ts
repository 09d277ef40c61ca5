/**
 * resolvePackages against apt: candidates across suites, version pins and the options
 * (recommends, exclude, essential). The repository has a main suite, an -updates suite and a
 * `NotAutomatic: yes` backports suite (pin 1, spec §1); each case is resolved by slipway and
 * by `apt-get install -s` over the same served repository, and both sets must equal the
 * expected one. `exclude` is given to apt as a Pin-Priority -1 preference.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { fixturePackage as pkg, packageSet, startResolverBench, type AptInstallOptions, type ResolverBench } from '../../fixtures/resolver-bench.js';
import type { ResolveOptions } from './resolve-packages.js';

const TOOLS = ['apt-get', 'gpgv'];

const STABLE = [
  pkg('upd-pkg', '1.0', { Depends: 'upd-old-dep' }),
  pkg('upd-old-dep', '1.0'),
  pkg('upd-new-dep', '1.0'),
  pkg('bp-pkg', '1.0'),
  pkg('bp-user', '1.0', { Depends: 'bp-pkg (>= 2)' }),
  // Recommends: a plain one, an OR group whose first member does not exist, one that cannot be met at all.
  pkg('rec-top', '1.0', { Depends: 'rec-dep', Recommends: 'rec-r1, rec-gone | rec-r2, rec-nothere', Suggests: 'rec-sug' }),
  pkg('rec-dep', '1.0'),
  pkg('rec-r1', '1.0', { Recommends: 'rec-r3' }),
  pkg('rec-r2', '1.0'),
  pkg('rec-r3', '1.0'),
  pkg('rec-sug', '1.0'),
  pkg('excl-user', '1.0', { Depends: 'excl-a | excl-b' }),
  pkg('excl-a', '1.0'),
  pkg('excl-b', '1.0'),
  pkg('excl-vuser', '1.0', { Depends: 'excl-virt' }),
  pkg('excl-vp1', '1.0', { Provides: 'excl-virt', Priority: 'required' }),
  pkg('excl-vp2', '1.0', { Provides: 'excl-virt' }),
  pkg('ess-base', '1.0', { Essential: 'yes', Priority: 'required', 'Pre-Depends': 'ess-lib' }),
  pkg('ess-lib', '1.0', { Priority: 'required' }),
  pkg('ess-tools', '1.0', { Essential: 'yes', Priority: 'required', Depends: 'ess-lib (>= 1.0)' }),
];
const UPDATES = [
  pkg('upd-pkg', '2.0', { Depends: 'upd-new-dep (>= 2)' }),
  pkg('upd-new-dep', '2.0'),
];
const BACKPORTS = [
  pkg('bp-pkg', '3.0', { Depends: 'bp-dep' }),
  pkg('bp-dep', '1.0'),
  pkg('bp-only', '1.0'),
];

/** Case is one request: apt-get arguments, options for both sides, and the set both must choose. */
interface Case {
  readonly title: string;
  readonly args: readonly string[];
  readonly opts?: Omit<ResolveOptions, 'architecture'>;
  readonly expect: Readonly<Record<string, string>>;
}

const one = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, '1.0']));

/** ESSENTIAL are the Essential: yes packages of the repository, as apt-get arguments, in the order resolvePackages adds them (by name). */
const ESSENTIAL = ['ess-base', 'ess-tools'];

const CASES: Record<string, readonly Case[]> = {
  'candidates across suites': [
    { title: 'a higher version in -updates wins, with its own dependencies', args: ['upd-pkg'], expect: { 'upd-pkg': '2.0', 'upd-new-dep': '2.0' } },
    { title: 'a NotAutomatic suite loses to the main suite despite a higher version', args: ['bp-pkg'], expect: { 'bp-pkg': '1.0' } },
    { title: 'a package only in the NotAutomatic suite is still its candidate', args: ['bp-only'], expect: one('bp-only') },
  ],
  'version pins (name=version)': [
    { title: 'pins the older version and takes its dependencies', args: ['upd-pkg=1.0'], expect: one('upd-pkg', 'upd-old-dep') },
    { title: 'pins a version of the NotAutomatic suite', args: ['bp-pkg=3.0'], expect: { 'bp-pkg': '3.0', 'bp-dep': '1.0' } },
    { title: 'a trailing * pins by prefix', args: ['upd-pkg=1.*'], expect: one('upd-pkg', 'upd-old-dep') },
  ],
  recommends: [
    { title: 'off: Depends only', args: ['rec-top'], expect: one('rec-top', 'rec-dep') },
    { title: 'on: Recommends too, recursively, alternatives in OR order, unmet ones skipped', args: ['rec-top'], opts: { recommends: true }, expect: one('rec-top', 'rec-dep', 'rec-r1', 'rec-r2', 'rec-r3') },
  ],
  exclude: [
    { title: 'without exclude the first alternative', args: ['excl-user'], expect: one('excl-user', 'excl-a') },
    { title: 'an excluded first alternative makes the dependent take the second', args: ['excl-user'], opts: { exclude: ['excl-a'] }, expect: one('excl-user', 'excl-b') },
    { title: 'without exclude the required provider', args: ['excl-vuser'], expect: one('excl-vuser', 'excl-vp1') },
    { title: 'an excluded provider makes the dependent take another', args: ['excl-vuser'], opts: { exclude: ['excl-vp1'] }, expect: one('excl-vuser', 'excl-vp2') },
  ],
};

function aptOptions(opts: Case['opts']): AptInstallOptions {
  return { ...(opts?.recommends ? { recommends: true } : {}), ...(opts?.exclude ? { exclude: opts.exclude } : {}) };
}

describe('resolvePackages: suites, pins and options, compared with apt-get install -s', () => {
  let bench: ResolverBench | undefined;
  const need = (t: TestContext) => requireTool(t, ...TOOLS) && bench !== undefined;

  before(async () => {
    if (!TOOLS.every(hasTool)) return;
    bench = await startResolverBench([
      { suite: 'stable', packages: STABLE },
      { suite: 'stable-updates', packages: UPDATES },
      { suite: 'stable-backports', packages: BACKPORTS, releaseFields: { NotAutomatic: 'yes' } },
    ]);
  });
  after(() => bench?.close());

  for (const [group, cases] of Object.entries(CASES)) {
    describe(group, () => {
      for (const c of cases) {
        it(`${c.title}: ${c.args.join(' ')}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}`, async (t) => {
          if (!need(t)) return;
          const apt = await bench!.aptInstall(c.args, aptOptions(c.opts));
          assert.ok(apt.ok, `apt-get failed: ${apt.stderr}`);
          assert.deepEqual(apt.packages, c.expect, 'apt chose differently than the case expects (fixture error)');
          assert.deepEqual(packageSet(bench!.resolve(c.args, c.opts)), apt.packages);
        });
      }
    });
  }

  it('the backports pin is 1 and the others 500 (from the Release fields)', (t) => {
    if (!need(t)) return;
    const pins = Object.fromEntries([...bench!.index].map((r) => [`${r.name} ${r.version}`, r.origin.pin]));
    assert.equal(pins['bp-pkg 3.0'], 1);
    assert.equal(pins['bp-pkg 1.0'], 500);
    assert.equal(pins['upd-pkg 2.0'], 500);
  });

  it('a dependency that only a non-candidate version satisfies fails in both', async (t) => {
    if (!need(t)) return;
    const apt = await bench!.aptInstall(['bp-user']);
    assert.equal(apt.ok, false);
    assert.match(apt.stdout, /bp-user : Depends: bp-pkg \(>= 2\)/);
    assert.throws(() => bench!.resolve(['bp-user']), (e: Error & { code?: string }) => e.code === 'ERR_RESOLVE_UNSATISFIABLE' && /bp-pkg \(>= 2\)/.test(e.message));
  });

  describe('essential: true', () => {
    it('adds every Essential: yes package (and their dependencies) to the request', async (t) => {
      if (!need(t)) return;
      const r = bench!.resolve(['rec-top'], { essential: true });
      const apt = await bench!.aptInstall([...ESSENTIAL, 'rec-top']);
      assert.ok(apt.ok, apt.stderr);
      assert.deepEqual(apt.packages, one('ess-base', 'ess-lib', 'ess-tools', 'rec-top', 'rec-dep'));
      assert.deepEqual(packageSet(r), apt.packages);
      const reason = Object.fromEntries(r.packages.map((p) => [p.name, p.reason.kind]));
      assert.deepEqual(reason, { 'ess-base': 'essential', 'ess-lib': 'relation', 'ess-tools': 'essential', 'rec-dep': 'relation', 'rec-top': 'requested' });
    });

    it('with nothing else requested gives the essential set alone; without it apt-get adds none', async (t) => {
      if (!need(t)) return;
      assert.deepEqual(packageSet(bench!.resolve([], { essential: true })), one('ess-base', 'ess-lib', 'ess-tools'));
      assert.deepEqual((await bench!.aptInstall(['rec-top'])).packages, one('rec-top', 'rec-dep'));
      assert.deepEqual(packageSet(bench!.resolve(['rec-top'])), one('rec-top', 'rec-dep'));
    });
  });
});
