/**
 * Cases a review found where slipway and apt differed, each compared with
 * `apt-get install -s` over the same served repository: a broken leftover that the sweep
 * drops, foreign-architecture qualifiers, essential packages that are excluded, and the
 * reason given for a package whose first parent was dropped again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { fixturePackage as pkg, packageSet, startResolverBench, type ResolverBench } from '../../fixtures/resolver-bench.js';
import { explainPackage } from './index.js';

const PACKAGES = [
  // A leftover that is broken by a later Conflicts, and then swept (apt: {lo-a, lo-b, lo-d}).
  pkg('lo-a', '1', { Depends: 'lo-c | lo-d' }),
  pkg('lo-c', '1', { Depends: 'lo-e, lo-f' }),
  pkg('lo-f', '1', { Depends: 'lo-nothere' }),
  pkg('lo-e', '1', { Depends: 'lo-g' }),
  pkg('lo-g', '1'),
  pkg('lo-d', '1'),
  pkg('lo-b', '1', { Conflicts: 'lo-g' }),
  // The first parent of wy-e2 fails; wy-d needs wy-e2 too.
  pkg('wy-b', '1', { Depends: 'wy-c | wy-d' }),
  pkg('wy-c', '1', { Depends: 'wy-e2, wy-f' }),
  pkg('wy-f', '1', { Depends: 'wy-nothere' }),
  pkg('wy-d', '1', { Depends: 'wy-e2' }),
  pkg('wy-e2', '1'),
  // Foreign-architecture qualifiers on amd64.
  pkg('qa', '1'),
  pkg('qb', '1'),
  pkg('q-user', '1', { Depends: 'qa:arm64 | qb' }),
  pkg('sa', '1'),
  pkg('s-user', '1', { Conflicts: 'sa:arm64' }),
  // A failing chain of 30 diamonds (each layer: one of two, both needing the next layer), ending in a conflict with the request.
  pkg('dm-root', '1', { Depends: 'dm-1a | dm-1b' }),
  ...Array.from({ length: 30 }, (_, i) => i + 1).flatMap((k) =>
    ['a', 'b'].map((x) => pkg(`dm-${k}${x}`, '1', { Depends: k === 30 ? 'dm-bad' : `dm-${k + 1}a | dm-${k + 1}b` })),
  ),
  pkg('dm-bad', '1', { Conflicts: 'dm-root' }),
  // The same package requested pinned, then plain (apt: the last argument sets the candidate).
  pkg('pn-a', '1', { Depends: 'pn-b' }),
  pkg('pn-a', '2', { Depends: 'pn-c' }),
  pkg('pn-b', '1'),
  pkg('pn-c', '1'),
  // Explanations: :any against Multi-Arch: foreign; a virtual name whose fitting provider is not the candidate.
  pkg('ma-b', '1', { Depends: 'ma-f:any' }),
  pkg('ma-f', '1', { 'Multi-Arch': 'foreign' }),
  pkg('vp-a', '1', { Depends: 'vp-v (<= 1)' }),
  pkg('vp-p', '1', { Provides: 'vp-v (= 1)' }),
  pkg('vp-p', '3', { Provides: 'vp-v (= 3)' }),
  // Essential packages, one of them excluded.
  pkg('ess-one', '1', { Essential: 'yes' }),
  pkg('ess-two', '1', { Essential: 'yes' }),
];

describe('resolvePackages: review cases, compared with apt-get install -s', () => {
  let bench: ResolverBench | undefined;
  before(async () => {
    if (['apt-get', 'gpgv'].every(hasTool)) bench = await startResolverBench([{ suite: 'stable', packages: PACKAGES }]);
  });
  after(async () => {
    await bench?.close();
  });
  const need = (t: TestContext) => requireTool(t, 'apt-get', 'gpgv') && bench !== undefined;

  const same = async (t: TestContext, args: string[], expected: Record<string, string>) => {
    if (!need(t)) return;
    const apt = await bench!.aptInstall(args);
    assert.equal(apt.ok, true, apt.stderr);
    assert.deepEqual(apt.packages, expected, 'apt chooses the expected set');
    assert.deepEqual(packageSet(bench!.resolve(args)), expected);
  };

  it('a leftover broken by a later Conflicts is swept, not reported', (t) => same(t, ['lo-a', 'lo-b'], { 'lo-a': '1', 'lo-b': '1', 'lo-d': '1' }));

  it('a foreign-architecture alternative is not taken on a single-architecture system', (t) => same(t, ['q-user'], { 'q-user': '1', qb: '1' }));

  it('a Conflicts on a foreign architecture does not hit the native package', (t) => same(t, ['s-user', 'sa'], { 's-user': '1', sa: '1' }));

  it('names an installed parent when the first one was dropped', async (t) => {
    await same(t, ['wy-b'], { 'wy-b': '1', 'wy-d': '1', 'wy-e2': '1' });
    if (!bench) return;
    const steps = explainPackage(bench.resolve(['wy-b']), 'wy-e2')!;
    assert.deepEqual(
      steps.map((s) => s.parent ?? s.how),
      ['wy-d 1', 'wy-b 1', 'requested'],
    );
  });

  it('a failing chain of alternatives fails as apt does, in work linear in its length', async (t) => {
    if (!need(t)) return;
    const apt = await bench!.aptInstall(['dm-root']);
    assert.equal(apt.ok, false, 'apt cannot install it either');
    const stats = { attempts: 0 };
    assert.throws(() => bench!.resolve(['dm-root'], { stats }), { code: 'ERR_RESOLVE_UNSATISFIABLE' });
    assert.ok(stats.attempts < 400, `${stats.attempts} marking attempts for 61 packages (without memo: about 2^31)`);
  });

  it('a later plain request undoes an earlier pin of the same package', (t) => same(t, ['pn-a=1', 'pn-a'], { 'pn-a': '2', 'pn-c': '1' }));

  it('says why :any and a virtual name are unmet, as apt fails on both', async (t) => {
    if (!need(t)) return;
    for (const [args, reason] of [
      [['ma-b'], /ma-f 1 is Multi-Arch: foreign, and :any needs Multi-Arch: allowed/],
      [['vp-a'], /vp-v is virtual and no provider fits: vp-p provides vp-v \(= 3\), vp-p 1 provides it but is not the candidate \(3\)/],
    ] as const) {
      assert.equal((await bench!.aptInstall([...args])).ok, false, `apt fails on ${args.join(' ')} too`);
      assert.throws(() => bench!.resolve([...args]), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_RESOLVE_UNSATISFIABLE');
        assert.match(err.message, reason);
        return true;
      });
    }
  });

  it('essential with an excluded Essential package leaves that one out', (t) => {
    if (!need(t)) return;
    const r = bench!.resolve([], { essential: true, exclude: ['ess-two'] });
    assert.deepEqual(packageSet(r), { 'ess-one': '1' });
  });
});
