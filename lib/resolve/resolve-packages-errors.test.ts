/**
 * resolvePackages against apt: Conflicts and Breaks, and the ResolveErrors. Where apt
 * resolves a case, slipway must choose apt's set; where apt fails (exit status non-zero),
 * slipway must throw the error code the case names, with the explanation the issue asks for
 * (the chain, every rejected candidate and why, close names, the providers).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { fixturePackage as pkg, packageSet, startResolverBench, type ResolverBench } from '../../fixtures/resolver-bench.js';
import { ResolveError, type ResolveErrorCode } from './resolve-error.js';
import type { ResolveOptions } from './resolve-packages.js';

const TOOLS = ['apt-get', 'gpgv'];

const STABLE = [
  // cf-x, the first alternative of cf-req1, conflicts with the requested cf-req2.
  pkg('cf-req1', '1.0', { Depends: 'cf-x | cf-y' }),
  pkg('cf-req2', '1.0'),
  pkg('cf-x', '1.0', { Conflicts: 'cf-req2' }),
  pkg('cf-y', '1.0'),
  // The reverse: the requested cf-rev2 conflicts with cf-rx, the first alternative of cf-rev1.
  pkg('cf-rev1', '1.0', { Depends: 'cf-rx | cf-ry' }),
  pkg('cf-rev2', '1.0', { Conflicts: 'cf-rx' }),
  pkg('cf-rx', '1.0'),
  pkg('cf-ry', '1.0'),
  // Two requested packages that conflict, or break one another.
  pkg('cfp-a', '1.0', { Conflicts: 'cfp-b' }),
  pkg('cfp-b', '1.0'),
  pkg('cfb-a', '1.0', { Breaks: 'cfb-b (<< 2)' }),
  pkg('cfb-b', '1.0'),
  // deep-top → deep-mid → (deep-leaf too old | deep-alt1 needs a missing package | deep-alt2 needs a newer deep-leaf).
  pkg('deep-top', '1.0', { Depends: 'deep-mid' }),
  pkg('deep-mid', '1.0', { Depends: 'deep-leaf (>= 2) | deep-alt1 | deep-alt2' }),
  pkg('deep-leaf', '1.0'),
  pkg('deep-leaf', '0.9'),
  pkg('deep-alt1', '1.0', { Depends: 'deep-gone' }),
  pkg('deep-alt2', '1.0', { Depends: 'deep-leaf (>= 3)' }),
  // Virtual names: two providers; a provider only in a version that is not the candidate; a provider to exclude.
  pkg('vmany-a', '1.0', { Provides: 'vmany' }),
  pkg('vmany-b', '1.0', { Provides: 'vmany' }),
  pkg('vnone-prov', '1.0', { Provides: 'vnone' }),
  pkg('vnone-prov', '2.0'),
  pkg('vexcl-prov', '1.0', { Provides: 'vexcl' }),
];

describe('resolvePackages: conflicts and errors, compared with apt-get install -s', () => {
  let bench: ResolverBench | undefined;
  const need = (t: TestContext) => requireTool(t, ...TOOLS) && bench !== undefined;

  before(async () => {
    if (TOOLS.every(hasTool)) bench = await startResolverBench([{ suite: 'stable', packages: STABLE }]);
  });
  after(() => bench?.close());

  /** rejects runs both: apt must exit non-zero, slipway must throw `code`; returns slipway's error. */
  const rejects = async (args: readonly string[], code: ResolveErrorCode, opts: Omit<ResolveOptions, 'architecture'> = {}, aptExclude?: readonly string[]): Promise<ResolveError> => {
    const apt = await bench!.aptInstall(args, aptExclude ? { exclude: aptExclude } : {});
    assert.equal(apt.ok, false, `apt-get resolved ${args.join(' ')}: ${JSON.stringify(apt.packages)}`);
    assert.equal(apt.status, 100);
    let caught: unknown;
    try {
      bench!.resolve(args, opts);
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ResolveError, `slipway resolved ${args.join(' ')}${caught ? `: ${String(caught)}` : ''}`);
    assert.equal(caught.code, code, caught.message);
    return caught;
  };

  describe('Conflicts', () => {
    for (const args of [['cf-req1', 'cf-req2'], ['cf-req2', 'cf-req1']]) {
      it(`an alternative that conflicts with another requested package is passed over: ${args.join(' ')}`, async (t) => {
        if (!need(t)) return;
        const apt = await bench!.aptInstall(args);
        assert.ok(apt.ok, apt.stderr);
        assert.deepEqual(apt.packages, { 'cf-req1': '1.0', 'cf-req2': '1.0', 'cf-y': '1.0' });
        assert.deepEqual(packageSet(bench!.resolve(args)), apt.packages);
      });
    }

    // With cf-rev1 first, cf-rx is marked for cf-rev1 and then unmarked by cf-rev2's Conflicts
    // (spec §3.4, not protected); cf-rev1 is left broken and apt's pkgProblemResolver (§3.8)
    // repairs it with cf-ry. slipway has no problem resolver: it reports cf-rev1's Depends as
    // unsatisfiable instead. With cf-rev2 first its Conflicts discards cf-rx's candidate and
    // both choose cf-ry.
    for (const args of [['cf-rev2', 'cf-rev1'], ['cf-rev1', 'cf-rev2']]) {
      it(`a requested package that conflicts with another's first alternative: ${args.join(' ')} (apt's result or both fail)`, async (t) => {
        if (!need(t)) return;
        const apt = await bench!.aptInstall(args);
        let ours: Record<string, string> | ResolveError;
        try {
          ours = packageSet(bench!.resolve(args));
        } catch (err) {
          if (!(err instanceof ResolveError)) throw err;
          ours = err;
        }
        if (apt.ok) assert.deepEqual(ours, apt.packages);
        else assert.ok(ours instanceof ResolveError, `apt failed (${apt.stderr.trim()}) but slipway chose ${JSON.stringify(ours)}`);
      });
    }

    it('two requested packages that conflict: ERR_RESOLVE_CONFLICT naming both and the relation', async (t) => {
      if (!need(t)) return;
      const err = await rejects(['cfp-a', 'cfp-b'], 'ERR_RESOLVE_CONFLICT');
      assert.match(err.message, /cfp-a/);
      assert.match(err.message, /Conflicts: cfp-b/);
      assert.match(err.message, /cfp-b 1\.0/);
      assert.match(err.package, /^cfp-a/);
    });

    it('two requested packages where one Breaks the other: ERR_RESOLVE_CONFLICT, in either order', async (t) => {
      if (!need(t)) return;
      for (const args of [['cfb-a', 'cfb-b'], ['cfb-b', 'cfb-a']]) {
        const err = await rejects(args, 'ERR_RESOLVE_CONFLICT');
        assert.match(err.message, /cfb-a 1\.0: Breaks: cfb-b \(<< 2\)/);
        assert.match(err.message, /cfb-b 1\.0/);
      }
    });
  });

  describe('errors', () => {
    it('an unknown name: ERR_RESOLVE_UNKNOWN_PACKAGE with a close name as the hint', async (t) => {
      if (!need(t)) return;
      const err = await rejects(['deep-tp'], 'ERR_RESOLVE_UNKNOWN_PACKAGE');
      assert.equal(err.package, 'deep-tp');
      assert.equal(err.hint, 'did you mean "deep-top"?');
      const far = await rejects(['zzzzzzzzzz'], 'ERR_RESOLVE_UNKNOWN_PACKAGE');
      assert.doesNotMatch(far.hint ?? '', /did you mean/);
    });

    it('a virtual name with several providers: ERR_RESOLVE_VIRTUAL listing them', async (t) => {
      if (!need(t)) return;
      const err = await rejects(['vmany'], 'ERR_RESOLVE_VIRTUAL');
      assert.equal(err.package, 'vmany');
      assert.match(err.message, /provided by vmany-a, vmany-b/);
    });

    it('a virtual name whose only provider is not a candidate: ERR_RESOLVE_VIRTUAL, no installable provider', async (t) => {
      if (!need(t)) return;
      const err = await rejects(['vnone'], 'ERR_RESOLVE_VIRTUAL');
      assert.equal(err.package, 'vnone');
      assert.match(err.message, /no installable provider/);
    });

    it('a virtual name whose only provider is excluded: ERR_RESOLVE_VIRTUAL, no installable provider', async (t) => {
      if (!need(t)) return;
      assert.deepEqual((await bench!.aptInstall(['vexcl'])).packages, { 'vexcl-prov': '1.0' });
      const err = await rejects(['vexcl'], 'ERR_RESOLVE_VIRTUAL', { exclude: ['vexcl-prov'] }, ['vexcl-prov']);
      assert.match(err.message, /no installable provider/);
    });

    it('an unsatisfiable deep dependency: ERR_RESOLVE_UNSATISFIABLE with the chain and each rejected candidate', async (t) => {
      if (!need(t)) return;
      const err = await rejects(['deep-top'], 'ERR_RESOLVE_UNSATISFIABLE');
      assert.equal(err.package, 'deep-mid 1.0');
      assert.deepEqual(err.chain, ['deep-top 1.0 (Depends: deep-mid)']);
      assert.deepEqual(err.rejected.map((r) => r.candidate), ['deep-alt1 1.0', 'deep-alt2 1.0', 'deep-leaf 1.0']);
      for (const r of err.rejected) {
        assert.equal(r.parent, 'deep-mid');
        assert.equal(r.group, 'Depends: deep-leaf (>= 2) | deep-alt1 | deep-alt2');
        assert.ok(r.reason.length > 0);
      }
      assert.match(err.message, /^deep-mid 1\.0: Depends: deep-leaf \(>= 2\) \| deep-alt1 \| deep-alt2 cannot be satisfied$/m);
      assert.match(err.message, /pulled in by: deep-top 1\.0/);
      assert.match(err.message, /deep-alt1 1\.0 rejected: /);
      assert.match(err.message, /deep-alt2 1\.0 rejected: /);
    });

    it('an unsatisfiable deep dependency: the explanation also names the too-old member and the failing dependency of each alternative', (t) => {
      if (!need(t)) return;
      const err = (() => {
        try {
          bench!.resolve(['deep-top']);
        } catch (e) {
          return e as ResolveError;
        }
        assert.fail('resolved');
      })();
      assert.match(err.message, /deep-leaf 1\.0/);
      assert.match(err.message, /deep-alt1 1\.0 rejected: .*deep-gone/);
      assert.match(err.message, /deep-alt2 1\.0 rejected: .*deep-leaf \(>= 3\)/);
    });

    it('a pinned version that does not exist: ERR_RESOLVE_UNSATISFIABLE listing the versions there are', async (t) => {
      if (!need(t)) return;
      const err = await rejects(['deep-leaf=9.9'], 'ERR_RESOLVE_UNSATISFIABLE');
      assert.equal(err.package, 'deep-leaf=9.9');
      assert.match(err.message, /1\.0, 0\.9/);
    });
  });
});
