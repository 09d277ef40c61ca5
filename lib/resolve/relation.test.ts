import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Warning } from '../core/index.js';
import { dpkgCompare, type DpkgQuestion } from '../../fixtures/dpkg-oracle.js';
import { randomVersion, versionRandom } from '../../fixtures/debian-versions.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { formatRelation, formatRelations, parseRelations, satisfiesVersion, type Relation, type RelationField, type RelationOperator } from './relation.js';

type Case = readonly [text: string, want: Relation[][], field?: RelationField];

const PARSED: readonly Case[] = [
  ['libc6 (>= 2.36)', [[{ name: 'libc6', op: '>=', version: '2.36' }]]],
  ['libc6 (>= 2.34), libssl3 (>= 3.0.0)', [[{ name: 'libc6', op: '>=', version: '2.34' }], [{ name: 'libssl3', op: '>=', version: '3.0.0' }]]],
  ['default-mta | mail-transport-agent', [[{ name: 'default-mta' }, { name: 'mail-transport-agent' }]]],
  ['a | b (<< 2) | c:any, d', [[{ name: 'a' }, { name: 'b', op: '<<', version: '2' }, { name: 'c', arch: 'any' }], [{ name: 'd' }]]],
  ['python3:any (>= 3.11~)', [[{ name: 'python3', arch: 'any', op: '>=', version: '3.11~' }]]],
  ['libfoo:native', [[{ name: 'libfoo', arch: 'native' }]]],
  ['gcc-12:amd64 | gcc-12:i386', [[{ name: 'gcc-12', arch: 'amd64' }, { name: 'gcc-12', arch: 'i386' }]]],
  ['perl:any, perlapi-5.36.0', [[{ name: 'perl', arch: 'any' }], [{ name: 'perlapi-5.36.0' }]]],
  ['a (<< 1:2.0-1~), b (<= 2), c (= 3), d (>> 4)', [[{ name: 'a', op: '<<', version: '1:2.0-1~' }], [{ name: 'b', op: '<=', version: '2' }], [{ name: 'c', op: '=', version: '3' }], [{ name: 'd', op: '>>', version: '4' }]]],
  ['a(>=1)|b(<<2)', [[{ name: 'a', op: '>=', version: '1' }, { name: 'b', op: '<<', version: '2' }]]],
  ['a:any(>=1)', [[{ name: 'a', arch: 'any', op: '>=', version: '1' }]]],
  ['  a ,  b  ', [[{ name: 'a' }], [{ name: 'b' }]]],
  ['a,\n b,\n c (>= 1)', [[{ name: 'a' }], [{ name: 'b' }], [{ name: 'c', op: '>=', version: '1' }]]],
  ['a (>= 1) |\n b', [[{ name: 'a', op: '>=', version: '1' }, { name: 'b' }]]],
  ['\t a \t(\t>=\t1\t)\t', [[{ name: 'a', op: '>=', version: '1' }]]],
  ['a (\n>=\n1\n)', [[{ name: 'a', op: '>=', version: '1' }]]],
  ['Foo-Bar_baz (>= 1)', [[{ name: 'foo-bar_baz', op: '>=', version: '1' }]]],
  ['g++ (>= 4:12), libstdc++6, x.org', [[{ name: 'g++', op: '>=', version: '4:12' }], [{ name: 'libstdc++6' }], [{ name: 'x.org' }]]],
  ['', []],
  [' \n\t ', []],
  // Versioned Provides (Policy 7.5).
  ['foo (= 1.2), bar, libbaz1 (= 1:2.3-4)', [[{ name: 'foo', op: '=', version: '1.2' }], [{ name: 'bar' }], [{ name: 'libbaz1', op: '=', version: '1:2.3-4' }]], 'Provides'],
  ['a, b (<< 1.0-2)', [[{ name: 'a' }], [{ name: 'b', op: '<<', version: '1.0-2' }]], 'Conflicts'],
  ['a (<< 1.0-2~), b:any', [[{ name: 'a', op: '<<', version: '1.0-2~' }], [{ name: 'b', arch: 'any' }]], 'Breaks'],
  ['a (<< 1)', [[{ name: 'a', op: '<<', version: '1' }]], 'Replaces'],
  ['gcc-12 (= 12.2.0-14)', [[{ name: 'gcc-12', op: '=', version: '12.2.0-14' }]], 'Built-Using'],
  // Build fields: architecture restriction lists and build profile formulas (Policy 7.1).
  [
    'debhelper-compat (= 13), libfoo-dev [linux-any], bar [!hurd-i386 !kfreebsd-any] <!nocheck>, baz <!cross> <stage1 nodoc>, qux:native',
    [
      [{ name: 'debhelper-compat', op: '=', version: '13' }],
      [{ name: 'libfoo-dev', architectures: ['linux-any'] }],
      [{ name: 'bar', architectures: ['!hurd-i386', '!kfreebsd-any'], profiles: [['!nocheck']] }],
      [{ name: 'baz', profiles: [['!cross'], ['stage1', 'nodoc']] }],
      [{ name: 'qux', arch: 'native' }],
    ],
    'Build-Depends',
  ],
  ['foo[amd64]|bar<!nocheck>', [[{ name: 'foo', architectures: ['amd64'] }, { name: 'bar', profiles: [['!nocheck']] }]], 'Build-Depends-Indep'],
  ['a:any (>= 1) [ amd64  arm64 ]\n < pkg.a.b >', [[{ name: 'a', arch: 'any', op: '>=', version: '1', architectures: ['amd64', 'arm64'], profiles: [['pkg.a.b']] }]], 'Build-Depends-Arch'],
  ['a [i386], b <nocheck>', [[{ name: 'a', architectures: ['i386'] }], [{ name: 'b', profiles: [['nocheck']] }]], 'Build-Conflicts'],
];

/** Malformed values: [text, field, what the message must say]. */
const MALFORMED: readonly (readonly [string, RelationField, RegExp])[] = [
  ['a,', 'Depends', /missing package name/],
  [',a', 'Depends', /missing package name/],
  ['a,,b', 'Depends', /missing package name/],
  ['a | | b', 'Depends', /missing package name/],
  ['a |', 'Depends', /missing package name/],
  ['a (>= 1', 'Depends', /version unterminated/],
  ['a (>= 1 2)', 'Depends', /version contains "2" instead of "\)"/],
  ['a (>= 1 (2)', 'Depends', /version contains "\(" instead of "\)"/],
  ['a (>= )', 'Depends', /version "": the version is empty/],
  ['a (>= 1.0-)', 'Depends', /debian_revision .*empty/],
  ['a (>= 1:)', 'Depends', /nothing after/],
  ['a (>= v1)', 'Depends', /does not start with a digit/],
  ['a (<> 1)', 'Depends', /bad version relationship "<>"/],
  ['a (>< 1)', 'Depends', /bad version relationship "><"/],
  ['a b', 'Depends', /unexpected "b" after the reference to "a"/],
  ['a (>= 1) b', 'Depends', /unexpected "b"/],
  ['a :any', 'Depends', /unexpected ":"/],
  ['-a', 'Depends', /invalid package name "-a": must start with a letter or digit/],
  ['a@b', 'Depends', /invalid package name "a@b": character "@" is not allowed/],
  ['a:', 'Depends', /missing architecture name/],
  ['a:am_d64', 'Depends', /invalid architecture name "am_d64"/],
  ['a:-any', 'Depends', /invalid architecture name "-any"/],
  ['a | b', 'Conflicts', /alternatives \("\|"\) are not allowed in Conflicts/],
  ['a | b', 'Breaks', /not allowed in Breaks/],
  ['a | b', 'Provides', /not allowed in Provides/],
  ['a | b', 'Replaces', /not allowed in Replaces/],
  ['a | b', 'Build-Conflicts', /not allowed in Build-Conflicts/],
  ['a (>= 1)', 'Provides', /only "=" may be used in Provides/],
  ['a [amd64]', 'Depends', /unexpected "\["/],
  ['a <!nocheck>', 'Depends', /unexpected "<"/],
  ['a [amd64 !i386]', 'Build-Depends', /mixes negated and plain names/],
  ['a []', 'Build-Depends', /empty architecture list/],
  ['a [amd64', 'Build-Depends', /architecture list unterminated/],
  ['a [am%64]', 'Build-Depends', /invalid architecture "am%64"/],
  ['a <>', 'Build-Depends', /empty build profile list/],
  ['a <!nocheck', 'Build-Depends', /build profile list unterminated/],
  ['a <!>', 'Build-Depends', /invalid build profile "!"/],
  ['a <nocheck> [amd64]', 'Build-Depends', /unexpected "\["/],
  ['a [amd64] (>= 1)', 'Build-Depends', /unexpected "\("/],
];

const WHITE = ['', '', ' ', '  ', '\n ', '\t', '\n\t', ' \n  ', '\r\n '];

/** spaced writes `groups` with random white space wherever the syntax allows it (and one blank where it needs one). */
function spaced(groups: readonly (readonly Relation[])[], rand: () => number): string {
  const ws = () => WHITE[Math.floor(rand() * WHITE.length)]!;
  const must = () => ws() || ' ';
  const rel = (r: Relation) => {
    let out = r.arch === undefined ? r.name : `${r.name}:${r.arch}`;
    if (r.op !== undefined) out += `${ws()}(${ws()}${r.op}${ws()}${r.version}${ws()})`;
    if (r.architectures) out += `${ws()}[${ws()}${r.architectures.join(must())}${ws()}]`;
    for (const p of r.profiles ?? []) out += `${ws()}<${ws()}${p.join(must())}${ws()}>`;
    return out;
  };
  return `${ws()}${groups.map((g) => g.map(rel).join(`${ws()}|${ws()}`)).join(`${ws()},${ws()}`)}${ws()}`;
}

describe('parseRelations', () => {
  for (const [text, want, field] of PARSED) {
    it(`${field ?? 'Depends'}: ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseRelations(text, field ? { field } : {}), want);
    });
  }

  for (const [text, field, why] of MALFORMED) {
    it(`${field}: rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseRelations(text, { field }),
        (err: { code?: string; message: string }) =>
          err.code === 'ERR_RELATION_INVALID' && err.message.startsWith(`${field} field ${JSON.stringify(text.trim())}: `) && why.test(err.message),
      );
    });
  }

  it('names the position and keeps the version error as the cause', () => {
    assert.throws(
      () => parseRelations('libc6 (>= 2.36), foo (>= 1.0-)'),
      (err: Error & { code?: string }) => err.code === 'ERR_RELATION_INVALID' && /at character 26\)$/.test(err.message) && (err.cause as { code?: string }).code === 'ERR_VERSION_INVALID',
    );
  });

  it('shortens very long field text in messages', () => {
    const long = `${Array.from({ length: 200 }, (_, i) => `pkg${i}`).join(', ')}, bad!name`;
    assert.throws(() => parseRelations(long), (err: Error) => err.message.length < 400 && err.message.includes('bad!name'));
  });

  it('reads the obsolete forms as dpkg does, with warnings', () => {
    const cases: [string, RelationOperator, string][] = [
      ['a (< 1)', '<=', '1'],
      ['a (> 1)', '>=', '1'],
      ['a (<1)', '<=', '1'],
      ['a (1.0)', '=', '1.0'],
    ];
    for (const [text, op, version] of cases) {
      const warnings: Warning[] = [];
      assert.deepEqual(parseRelations(text, { onWarning: (w) => warnings.push(w) }), [[{ name: 'a', op, version }]]);
      assert.deepEqual(warnings.map((w) => w.code), ['W_RELATION_OBSOLETE_SYNTAX'], text);
    }
    // A version glued to the operator and starting with a non-alphanumeric: dpkg warns, then
    // rejects the version unless lax.
    const glued: Warning[] = [];
    assert.deepEqual(parseRelations('a (>=~1)', { lenient: true, onWarning: (w) => glued.push(w) }), [[{ name: 'a', op: '>=', version: '~1' }]]);
    assert.deepEqual(glued.map((w) => w.code), ['W_RELATION_OBSOLETE_SYNTAX', 'W_VERSION_NONSTANDARD']);
    assert.match(glued[0]!.message, /non-alphanumeric/);
    assert.throws(() => parseRelations('a (>=~1)'), { code: 'ERR_RELATION_INVALID' });
  });

  it('accepts with lenient what dpkg accepts only in lax mode, with warnings', () => {
    const warnings: Warning[] = [];
    const onWarning = (w: Warning) => warnings.push(w);
    assert.deepEqual(parseRelations('a (>= 1)', { field: 'Provides', lenient: true, onWarning }), [[{ name: 'a', op: '>=', version: '1' }]]);
    assert.deepEqual(parseRelations('b (>= v1_0)', { lenient: true, onWarning }), [[{ name: 'b', op: '>=', version: 'v1_0' }]]);
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['W_RELATION_PROVIDES_OPERATOR', 'W_VERSION_NONSTANDARD'],
    );
    assert.throws(() => parseRelations('b (>= 1 0)', { lenient: true }), { code: 'ERR_RELATION_INVALID' });
  });

  it('parses the same relations whatever white space separates the tokens', () => {
    const rand = versionRandom(99);
    for (const [text, want, field] of PARSED) {
      for (let i = 0; i < 30; i++) {
        const variant = spaced(want, rand);
        assert.deepEqual(parseRelations(variant, field ? { field } : {}), want, JSON.stringify(variant) + ' from ' + JSON.stringify(text));
      }
    }
  });

  it('parses random relations written with random white space', () => {
    const rand = versionRandom(5);
    const ops: RelationOperator[] = ['<<', '<=', '=', '>=', '>>'];
    const names = ['a', 'libc6', 'g++', 'x.org', 'foo-bar', 'lib3ds-1-3'];
    for (let i = 0; i < 300; i++) {
      const groups: Relation[][] = [];
      const n = 1 + Math.floor(rand() * 4);
      for (let g = 0; g < n; g++) {
        const group: Relation[] = [];
        const m = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < m; k++) {
          const r: { -readonly [K in keyof Relation]: Relation[K] } = { name: names[Math.floor(rand() * names.length)]! };
          if (rand() < 0.3) r.arch = ['any', 'native', 'amd64'][Math.floor(rand() * 3)]!;
          if (rand() < 0.6) {
            r.op = ops[Math.floor(rand() * ops.length)]!;
            r.version = randomVersion(rand);
          }
          if (rand() < 0.3) r.architectures = rand() < 0.5 ? ['amd64', 'linux-any'] : ['!i386'];
          if (rand() < 0.3) r.profiles = [['!nocheck'], ['cross', 'stage1']].slice(0, 1 + Math.floor(rand() * 2));
          group.push(r);
        }
        groups.push(group);
      }
      const text = spaced(groups, rand);
      assert.deepEqual(parseRelations(text, { field: 'Build-Depends' }), groups, JSON.stringify(text));
    }
  });
});

describe('formatRelations', () => {
  it('round-trips every table case', () => {
    for (const [, want, field] of PARSED) assert.deepEqual(parseRelations(formatRelations(want), field ? { field } : {}), want);
  });

  it('writes the canonical form', () => {
    const [[first]] = parseRelations('a:any(>=1)[amd64]<!nocheck><cross>', { field: 'Build-Depends' }) as [[Relation]];
    assert.equal(formatRelation(first), 'a:any (>= 1) [amd64] <!nocheck> <cross>');
    assert.equal(formatRelations(parseRelations('a|b ,c')), 'a | b, c');
  });
});

describe('satisfiesVersion', () => {
  const CASES: readonly (readonly [string, RelationOperator, string, boolean])[] = [
    ['2.36-9', '>=', '2.34', true],
    ['2.36-9', '<<', '2.36', false],
    ['2.36~rc1', '<<', '2.36', true],
    ['1.0', '=', '1.0-0', true],
    ['1.0', '=', '0:1.0', true],
    ['1.0-1', '<=', '1.0-1', true],
    ['1.0-1', '>>', '1.0-1', false],
    ['1:0.1', '>>', '9.9', true],
    ['1.0+b1', '>=', '1.0', true],
    ['1.0-1~bpo12+1', '>=', '1.0-1', false],
  ];
  for (const [version, op, constraint, want] of CASES) {
    it(`${version} ${op} ${constraint} is ${want}`, () => assert.equal(satisfiesVersion(version, op, constraint), want));
  }

  it('throws ERR_VERSION_INVALID for an invalid version', () => {
    assert.throws(() => satisfiesVersion('1.0', '>=', '1.0 1'), { code: 'ERR_VERSION_INVALID' });
  });

  it('agrees with dpkg --compare-versions for every operator', async (t) => {
    if (!requireTool(t, 'dpkg')) return;
    const rand = versionRandom(77);
    const ops: RelationOperator[] = ['<<', '<=', '=', '>=', '>>'];
    const questions: DpkgQuestion[] = [];
    const ours: boolean[] = [];
    for (const [version, op, constraint] of CASES) {
      questions.push({ a: version, relation: op, b: constraint });
      ours.push(satisfiesVersion(version, op, constraint));
    }
    for (let i = 0; i < 200; i++) {
      const a = randomVersion(rand);
      const b = rand() < 0.2 ? a : randomVersion(rand);
      const op = ops[i % ops.length]!;
      questions.push({ a, relation: op, b });
      ours.push(satisfiesVersion(a, op, b));
    }
    // The obsolete `<` and `>`: dpkg reads them as `<=` and `>=`, and so does parseRelations.
    for (let i = 0; i < 40; i++) {
      const a = randomVersion(rand);
      const b = rand() < 0.3 ? a : randomVersion(rand);
      const obsolete = i % 2 === 0 ? '<' : '>';
      const [[rel]] = parseRelations(`x (${obsolete} ${b})`) as [[Relation]];
      questions.push({ a, relation: obsolete, b });
      ours.push(satisfiesVersion(a, rel.op!, rel.version!));
    }
    const answers = await dpkgCompare(questions);
    const wrong = questions.filter((_, i) => answers[i] !== ours[i]);
    assert.deepEqual(wrong, []);
    t.diagnostic(`dpkg agreed on ${questions.length} relations`);
  });
});
