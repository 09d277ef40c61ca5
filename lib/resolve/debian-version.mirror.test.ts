/**
 * compareVersions against `dpkg --compare-versions` on versions from real Debian indices: the
 * bookworm main amd64 Packages file of the host's configured mirror (plus bookworm-updates and
 * bookworm-security when the host has them). Versions are grouped by package (and source)
 * name, counting the versions named in relations too, because the pairs a resolver compares
 * are versions of one package.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dpkgCompare, RELATION_FOR_SIGN, type DpkgQuestion } from '../../fixtures/dpkg-oracle.js';
import { drawVersionPairs } from '../../fixtures/debian-versions.js';
import { fetchHostIndex, readIndexStanzas } from '../../fixtures/host-mirror-index.js';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { compareVersions, parseVersion } from './debian-version.js';
import { parseRelations, type RelationField } from './relation.js';

const VERSIONED_FIELDS: readonly RelationField[] = ['Depends', 'Pre-Depends', 'Recommends', 'Suggests', 'Breaks', 'Conflicts', 'Provides', 'Replaces'];
const SAME_NAME_PAIRS = 8000;
const RANDOM_PAIRS = 4000;

describe('compareVersions on real indices', () => {
  it('agrees with dpkg --compare-versions on at least 10,000 pairs from bookworm', async (t) => {
    if (!requireTool(t, 'dpkg')) return;
    const main = await fetchHostIndex(t, { suite: 'bookworm', path: 'main/binary-amd64/Packages.gz' });
    if (main === undefined) return;
    const files = [main];
    // These suites are offered as xz only, which node:zlib cannot read; they add newer versions
    // of the same packages (+deb12uN), so they are used whenever the xz tool is there.
    for (const suite of hasTool('xz') ? ['bookworm-updates', 'bookworm-security'] : []) {
      const extra = await fetchHostIndex(t, { suite, path: 'main/binary-amd64/Packages.xz', optional: true });
      if (extra !== undefined) files.push(extra);
    }

    const byName = new Map<string, Set<string>>();
    const add = (name: string, version: string) => {
      let set = byName.get(name);
      if (set === undefined) byName.set(name, (set = new Set()));
      set.add(version);
    };
    let stanzas = 0;
    for (const file of files) {
      for (const s of readIndexStanzas(file, ['Package', 'Version', 'Source', ...VERSIONED_FIELDS])) {
        stanzas++;
        const name = s['Package']!;
        const version = s['Version']!;
        parseVersion(version); // every archive version is strictly valid
        add(name, version);
        const source = /^(\S+)(?:\s+\((\S+)\))?$/.exec(s['Source'] ?? name);
        assert.ok(source, `${name}: Source ${s['Source']}`);
        add(`src:${source[1]}`, source[2] ?? version);
        for (const field of VERSIONED_FIELDS) {
          const value = s[field];
          if (value === undefined) continue;
          for (const group of parseRelations(value, { field })) for (const r of group) if (r.version !== undefined) add(r.name, r.version);
        }
      }
    }
    const grouped = new Map([...byName].map(([n, set]) => [n, [...set].sort()] as const));
    const distinct = new Set([...grouped.values()].flat()).size;
    const pairs = drawVersionPairs(grouped, { sameName: SAME_NAME_PAIRS, random: RANDOM_PAIRS }, 20250520);
    assert.ok(pairs.length >= 10_000, `only ${pairs.length} pairs`);

    const questions: DpkgQuestion[] = pairs.map((p) => ({ a: p.a, b: p.b, relation: RELATION_FOR_SIGN[compareVersions(p.a, p.b)] }));
    const started = process.hrtime.bigint();
    const answers = await dpkgCompare(questions);
    const oracleMs = Number(process.hrtime.bigint() - started) / 1e6;
    const wrong = questions.filter((_, i) => !answers[i]);
    assert.deepEqual(wrong.slice(0, 20), [], `dpkg disagrees on ${wrong.length} of ${questions.length} pairs`);

    // Informational only (no timing assertions): how fast the same pairs compare once warm.
    const as = pairs.map((p) => p.a);
    const bs = pairs.map((p) => p.b);
    let sum = 0;
    for (let i = 0; i < as.length; i++) sum += compareVersions(as[i]!, bs[i]!);
    const rounds = 200;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) for (let i = 0; i < as.length; i++) sum += compareVersions(as[i]!, bs[i]!);
    const ns = Number(process.hrtime.bigint() - t0);
    const signs = questions.reduce((acc, q) => ({ ...acc, [q.relation]: (acc[q.relation] ?? 0) + 1 }), {} as Record<string, number>);
    t.diagnostic(`${stanzas} stanzas from ${files.length} index file(s), ${distinct} distinct versions, ${grouped.size} names`);
    t.diagnostic(`dpkg agreed on all ${questions.length} pairs (${SAME_NAME_PAIRS} same-name; ${JSON.stringify(signs)}) in ${oracleMs.toFixed(0)} ms`);
    t.diagnostic(`compareVersions in this test process (informational): ${((pairs.length * rounds) / (ns / 1e9) / 1e6).toFixed(1)} M pairs/s (checksum ${sum})`);
  });
});
