/**
 * resolvePackages against apt: relations. One generated repository holds a small graph per
 * case (names share the case's prefix); each case is resolved by slipway and by
 * `apt-get install -s --no-install-recommends` over the same served repository, and both
 * sets must equal the expected one. Options, suites and pins: resolve-packages-options.test.ts;
 * conflicts and errors: resolve-packages-errors.test.ts. Rules: notes/apt-resolver-spec.md.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { fixturePackage as pkg, packageSet, startResolverBench, type ResolverBench } from '../../fixtures/resolver-bench.js';

const TOOLS = ['apt-get', 'gpgv'];

const STABLE = [
  // A chain with versioned Pre-Depends and Depends; chain-pre has an older version too.
  pkg('chain-top', '1.0', { 'Pre-Depends': 'chain-pre (>= 2.0)', Depends: 'chain-mid (>= 1.5), chain-leaf (= 1.0)' }),
  pkg('chain-pre', '2.1', { Depends: 'chain-leaf (>= 1.0)' }),
  pkg('chain-pre', '1.0'),
  pkg('chain-mid', '1.5-1', { Depends: 'chain-leaf (<< 2)' }),
  pkg('chain-leaf', '1.0'),
  // Cycles: a two-cycle, a three-cycle, a Pre-Depends onto a cycle, and a cycle through
  // Pre-Depends (which dpkg cannot order, so apt's simulation fails after resolving).
  pkg('cyc-a', '1.0', { Depends: 'cyc-b (>= 1.0)' }),
  pkg('cyc-b', '1.0', { Depends: 'cyc-a' }),
  pkg('cyc-x', '1.0', { Depends: 'cyc-y' }),
  pkg('cyc-y', '1.0', { Depends: 'cyc-z (>= 1)' }),
  pkg('cyc-z', '1.0', { Depends: 'cyc-x (= 1.0)' }),
  pkg('cyc-p', '1.0', { 'Pre-Depends': 'cyc-q' }),
  pkg('cyc-q', '1.0', { Depends: 'cyc-r' }),
  pkg('cyc-r', '1.0', { Depends: 'cyc-q (= 1.0)' }),
  pkg('cyc-pre1', '1.0', { 'Pre-Depends': 'cyc-pre2' }),
  pkg('cyc-pre2', '1.0', { 'Pre-Depends': 'cyc-pre1' }),
  // Alternatives (spec §3.3, §3.6).
  pkg('alt-first', '1.0', { Depends: 'alt-x | alt-y' }),
  pkg('alt-x', '1.0'),
  pkg('alt-y', '1.0'),
  pkg('alt-nocand', '1.0', { Depends: 'alt-armonly | alt-y' }),
  pkg('alt-armonly', '1.0', {}, 'arm64'),
  pkg('alt-tooold', '1.0', { Depends: 'alt-old (>= 2) | alt-ghost | alt-y' }),
  pkg('alt-old', '1.0'),
  pkg('alt-left', '1.0', { Depends: 'alt-c | alt-d' }),
  pkg('alt-keep', '1.0', { Depends: 'alt-c | alt-d', Recommends: 'alt-e2' }),
  pkg('alt-c', '1.0', { Depends: 'alt-e2, alt-f' }),
  pkg('alt-e2', '1.0'),
  pkg('alt-f', '1.0', { Depends: 'alt-nothere' }),
  pkg('alt-d', '1.0'),
  // Virtual packages (spec §3.5).
  pkg('vone-user', '1.0', { Depends: 'vone' }),
  pkg('vone-prov', '1.0', { Provides: 'vone' }),
  pkg('vprio-a', '1.0', { Provides: 'vprio', Priority: 'required' }),
  pkg('vprio-user', '1.0', { Depends: 'vprio' }),
  pkg('vprio-z', '1.0', { Provides: 'vprio', Priority: 'optional' }),
  // veq-0 mentions veq-b first, so veq-a gets the higher package ID although it sorts first.
  pkg('veq-0', '1.0', { Suggests: 'veq-b' }),
  pkg('veq-a', '1.0', { Provides: 'veq' }),
  pkg('veq-b', '1.0', { Provides: 'veq' }),
  pkg('veq-user', '1.0', { Depends: 'veq' }),
  pkg('veq2-a', '1.0', { Provides: 'veq2' }),
  pkg('veq2-b', '1.0', { Provides: 'veq2' }),
  pkg('veq2-user', '1.0', { Depends: 'veq2' }),
  pkg('vreal', '1.0'),
  pkg('vreal-alt', '1.0', { Provides: 'vreal', Priority: 'required', Essential: 'yes' }),
  pkg('vreal-user', '1.0', { Depends: 'vreal' }),
  // Versioned and unversioned Provides.
  pkg('vp-user', '1.0', { Depends: 'vp-virt (>= 2)' }),
  pkg('vp-prov', '1.0', { Provides: 'vp-virt (= 2.5)' }),
  pkg('vp-toonew', '1.0', { Depends: 'vp-virt (>= 3) | vpu-fallback' }),
  pkg('vpu-user', '1.0', { Depends: 'vpu-virt (>= 1) | vpu-fallback' }),
  pkg('vpu-plain', '1.0', { Depends: 'vpu-virt' }),
  pkg('vpu-prov', '1.0', { Provides: 'vpu-virt' }),
  pkg('vpu-fallback', '1.0'),
  // foo:any (spec §5).
  pkg('any-user', '1.0', { Depends: 'any-lib:any' }),
  pkg('any-lib', '1.0', { 'Multi-Arch': 'allowed' }, 'amd64'),
  pkg('any-user2', '1.0', { Depends: 'any-foreign:any | any-plain:any | any-fallback' }),
  pkg('any-foreign', '1.0', { 'Multi-Arch': 'foreign' }, 'amd64'),
  pkg('any-plain', '1.0', {}, 'amd64'),
  pkg('any-fallback', '1.0'),
  pkg('any-vuser', '1.0', { Depends: 'any-virt:any' }),
  pkg('any-vprov', '1.0', { Provides: 'any-virt', 'Multi-Arch': 'allowed' }, 'amd64'),
  pkg('any-vuser2', '1.0', { Depends: 'any-virt2:any | any-fallback' }),
  pkg('any-vprov2', '1.0', { Provides: 'any-virt2', 'Multi-Arch': 'foreign' }, 'amd64'),
];

/** Case is one request: apt-get arguments and the set both resolvers must choose. */
interface Case {
  readonly title: string;
  readonly args: readonly string[];
  readonly expect: Readonly<Record<string, string>>;
}

const one = (...names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, '1.0']));

const CASES: Record<string, readonly Case[]> = {
  'chains and cycles': [
    { title: 'versioned Pre-Depends and Depends down a chain, the newest chain-pre', args: ['chain-top'], expect: { 'chain-top': '1.0', 'chain-pre': '2.1', 'chain-mid': '1.5-1', 'chain-leaf': '1.0' } },
    { title: 'a two-cycle (a → b → a) terminates with both', args: ['cyc-a'], expect: one('cyc-a', 'cyc-b') },
    { title: 'a two-cycle requested from the other end and both named', args: ['cyc-b', 'cyc-a'], expect: one('cyc-a', 'cyc-b') },
    { title: 'a three-cycle with versioned Depends', args: ['cyc-x'], expect: one('cyc-x', 'cyc-y', 'cyc-z') },
    { title: 'a Pre-Depends onto a cycle', args: ['cyc-p'], expect: one('cyc-p', 'cyc-q', 'cyc-r') },
  ],
  'alternatives (a | b)': [
    { title: 'takes a when a is installable', args: ['alt-first'], expect: one('alt-first', 'alt-x') },
    { title: 'takes b when a has no candidate (only another architecture)', args: ['alt-nocand'], expect: one('alt-nocand', 'alt-y') },
    { title: 'takes the third when a is too old and b does not exist', args: ['alt-tooold'], expect: one('alt-tooold', 'alt-y') },
    { title: "takes b when a's own dependency is unsatisfiable, and sweeps what a had marked", args: ['alt-left'], expect: one('alt-left', 'alt-d') },
    { title: "keeps a's leftover when a kept package Recommends it", args: ['alt-keep'], expect: one('alt-keep', 'alt-d', 'alt-e2') },
  ],
  'virtual packages': [
    { title: 'one provider', args: ['vone-user'], expect: one('vone-user', 'vone-prov') },
    { title: 'a requested virtual name with one provider selects it', args: ['vone'], expect: one('vone-prov') },
    { title: 'Priority required beats optional (whatever the package IDs say)', args: ['vprio-user'], expect: one('vprio-user', 'vprio-a') },
    { title: 'equal Priority: the package mentioned later in the indices wins', args: ['veq-user'], expect: one('veq-user', 'veq-a') },
    { title: 'equal Priority, mentioned in name order: the later name wins', args: ['veq2-user'], expect: one('veq2-user', 'veq2-b') },
    { title: 'a real package of the virtual name beats a required, Essential provider', args: ['vreal-user'], expect: one('vreal-user', 'vreal') },
  ],
  Provides: [
    { title: 'a versioned Provides satisfies a versioned dependency', args: ['vp-user'], expect: one('vp-user', 'vp-prov') },
    { title: 'a versioned Provides too old for the relation is passed over', args: ['vp-toonew'], expect: one('vp-toonew', 'vpu-fallback') },
    { title: 'an unversioned Provides does not satisfy a versioned dependency', args: ['vpu-user'], expect: one('vpu-user', 'vpu-fallback') },
    { title: 'the same unversioned Provides satisfies an unversioned dependency', args: ['vpu-plain'], expect: one('vpu-plain', 'vpu-prov') },
  ],
  'foo:any': [
    { title: 'satisfied by Multi-Arch: allowed', args: ['any-user'], expect: one('any-user', 'any-lib') },
    { title: 'not by Multi-Arch: foreign or no Multi-Arch', args: ['any-user2'], expect: one('any-user2', 'any-fallback') },
    { title: 'satisfied by a Provides of a Multi-Arch: allowed package', args: ['any-vuser'], expect: one('any-vuser', 'any-vprov') },
    { title: 'not by a Provides of a Multi-Arch: foreign package', args: ['any-vuser2'], expect: one('any-vuser2', 'any-fallback') },
  ],
};

describe('resolvePackages: relations, compared with apt-get install -s', () => {
  let bench: ResolverBench | undefined;
  const need = (t: TestContext) => requireTool(t, ...TOOLS) && bench !== undefined;

  before(async () => {
    if (TOOLS.every(hasTool)) bench = await startResolverBench([{ suite: 'stable', packages: STABLE }]);
  });
  after(() => bench?.close());

  for (const [group, cases] of Object.entries(CASES)) {
    describe(group, () => {
      for (const c of cases) {
        it(`${c.title}: ${c.args.join(' ')}`, async (t) => {
          if (!need(t)) return;
          const apt = await bench!.aptInstall(c.args);
          assert.ok(apt.ok, `apt-get failed: ${apt.stderr}`);
          assert.deepEqual(apt.packages, c.expect, 'apt chose differently than the case expects (fixture error)');
          assert.deepEqual(packageSet(bench!.resolve(c.args)), apt.packages);
        });
      }
    });
  }

  it('resolves a cycle through Pre-Depends, which apt resolves too but cannot order', async (t) => {
    if (!need(t)) return;
    assert.deepEqual(packageSet(bench!.resolve(['cyc-pre1'])), one('cyc-pre1', 'cyc-pre2'));
    const apt = await bench!.aptInstall(['cyc-pre1']);
    assert.equal(apt.ok, false);
    assert.match(apt.stderr, /configure '?cyc-pre\d.*cycle/, 'apt fails in ordering (a dependency cycle), after resolving');
  });

  it('gives every package a reason: requested, or the relation that pulled it in', (t) => {
    if (!need(t)) return;
    const r = bench!.resolve(['chain-top']);
    const why = Object.fromEntries(r.packages.map((p) => [p.name, p.reason.kind === 'relation' ? `${p.reason.parent} ${p.reason.field}: ${p.reason.relation}` : p.reason.kind]));
    assert.deepEqual(why, {
      'chain-leaf': 'chain-pre 2.1 Depends: chain-leaf (>= 1.0)',
      'chain-mid': 'chain-top 1.0 Depends: chain-mid (>= 1.5)',
      'chain-pre': 'chain-top 1.0 Pre-Depends: chain-pre (>= 2.0)',
      'chain-top': 'requested',
    });
    assert.deepEqual(r.packages.map((p) => p.architecture), ['all', 'all', 'all', 'all']);
    assert.equal(r.architecture, 'amd64');
  });
});
