import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Warning } from '../core/index.js';
import { dpkgCompare, RELATION_FOR_SIGN, type DpkgQuestion } from '../../fixtures/dpkg-oracle.js';
import { randomVersion, versionRandom } from '../../fixtures/debian-versions.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { compareParsedVersions, compareVersions, formatVersion, isValidVersion, MAX_EPOCH, parseVersion, type DebianVersion } from './debian-version.js';

const LONG_A = `1.${'9'.repeat(40)}`;
const LONG_B = `1.1${'0'.repeat(40)}`;

/** [a, b, sign of compareVersions(a, b)]: Debian Policy 5.6.12, deb-version(5) and dpkg's t-version.c. */
const ORDERED: readonly (readonly [string, string, -1 | 0 | 1])[] = [
  // `~` sorts before everything, even the end of the string.
  ['1.0~rc1', '1.0', -1],
  ['1.0~', '1.0', -1],
  ['1.0~~', '1.0~', -1],
  ['1.0~~a', '1.0~', -1],
  ['1.0~~', '1.0~~a', -1],
  ['1.0~rc1~git', '1.0~rc1', -1],
  ['1.0.0~beta2', '1.0.0~rc1', -1],
  ['1.0+~', '1.0+', -1],
  ['1.0~', '1.0~0', 0],
  ['1.0-1~bpo12+1', '1.0-1', -1],
  ['1.0-1', '1.0-1~bpo', 1],
  // Letters sort before non-letters; upper case before lower case (ASCII).
  ['1.0', '1.0a', -1],
  ['1.0a', '1.0b', -1],
  ['1.0Z', '1.0a', -1],
  ['1.0a', '1.0+', -1],
  ['1.0a', '1.0.', -1],
  ['1.0+', '1.0.', -1],
  ['1.0', '1.0+b1', -1],
  ['1.0+dfsg', '1.0', 1],
  ['1.0+dfsg-1', '1.0-1', 1],
  ['1.18.0+dfsg1', '1.18.0+dfsg', 1],
  ['7.6p2-4', '7.6-0', 1],
  ['1.0-1ubuntu1', '1.0-1', 1],
  ['1.0-1ubuntu1', '1.0-1+b1', -1],
  // Digit runs compare as numbers, of any length; leading zeros do not count.
  ['2.30-1', '2.3-1', 1],
  ['9', '10', -1],
  ['1.9', '1.10', -1],
  ['1.001', '1.1', 0],
  ['1.0', '1.00', 0],
  ['1.0', '1.0.0', -1],
  ['1.0.20230101123456789', '1.0.20230101123456790', -1],
  ['18446744073709551616', '18446744073709551615', 1],
  [LONG_A, LONG_B, -1],
  [`1.${'0'.repeat(30)}5`, '1.5', 0],
  // A shared prefix that ends inside a digit run: the whole run still counts.
  ['1.10', '1.1a', 1],
  ['1.01', '1.1', 0],
  ['1.0009', '1.001', 1],
  ['2.0.100', '2.0.99', 1],
  ['1.2.3-10', '1.2.3-9', 1],
  // Revisions: absent equals "0"; compared like upstream versions.
  ['1.0', '1.0-0', 0],
  ['1.0-00', '1.0', 0],
  ['1.0-a', '1.0', 1],
  ['1.0-~', '1.0', -1],
  ['1.0-1', '1.0-1.1', -1],
  ['1.0-2', '1.0-10', -1],
  ['1.2.3-1', '1.2.3-1+deb12u1', -1],
  ['1.2.3-1+deb12u1', '1.2.3-1+deb12u2', -1],
  ['2.36-9+deb12u10', '2.36-9+deb12u9', 1],
  // Revision after the LAST hyphen; colons in upstream after an epoch.
  ['1.2-3-4', '1.2-3-5', -1],
  ['1.2-3-4', '1.2-4-1', -1],
  ['0:0-0-0', '0:0-0-0', 0],
  ['1:2:3', '1:2:4', -1],
  ['1:2:3-1', '1:2-1', 1],
  // Epochs decide first.
  ['1:0.9', '2.0', 1],
  ['2:1.0', '1:9.9', 1],
  ['10:1', '9:2', 1],
  ['0:1.0', '1.0', 0],
  ['0001:1', '1:1', 0],
  ['1.0', '1:0.1', -1],
  [`${MAX_EPOCH}:0`, `${MAX_EPOCH - 1}:9`, 1],
  ['0:0-0', '0', 0],
  ['0:09azAZ.-+~:-0', '0:9azAZ.-+~:-0', 0],
  // Accepted by dpkg --compare-versions with a warning only.
  ['a', '1', 1],
  ['1:a', '1:b', -1],
  ['1.1', '1_1', -1],
  ['1.0@', '1.0~', 1],
  ['1.0!', '1.0a', 1],
];

/** [text, epoch, upstream, revision]. */
const PARSED: readonly (readonly [string, number, string, string])[] = [
  ['0', 0, '0', ''],
  ['0:0', 0, '0', ''],
  ['0:0-0', 0, '0', '0'],
  ['0:0.0-0.0', 0, '0.0', '0.0'],
  ['1:0', 1, '0', ''],
  ['5:1', 5, '1', ''],
  ['0:0-0-0', 0, '0-0', '0'],
  ['0:0-0-0-0', 0, '0-0-0', '0'],
  ['0:0:0-0', 0, '0:0', '0'],
  ['0:0:0:0-0', 0, '0:0:0', '0'],
  ['0:0:0-0-0', 0, '0:0-0', '0'],
  ['0:0-0:0-0', 0, '0-0:0', '0'],
  ['0:09azAZ.-+~:-0', 0, '09azAZ.-+~:', '0'],
  ['0:0-azAZ09.+~', 0, '0', 'azAZ09.+~'],
  ['2.36-9+deb12u10', 0, '2.36', '9+deb12u10'],
  ['1:2.0~rc1+dfsg-3~bpo12+1', 1, '2.0~rc1+dfsg', '3~bpo12+1'],
  ['007:1', 7, '1', ''],
  [`${MAX_EPOCH}:1`, MAX_EPOCH, '1', ''],
  ['  \t0:0-1', 0, '0', '1'],
  ['0:0-1\t  ', 0, '0', '1'],
  ['\t  0:0-1  \t', 0, '0', '1'],
];

/** Errors in every mode: [text, what the message must say]. */
const INVALID: readonly (readonly [string, RegExp])[] = [
  ['', /empty/],
  ['  ', /empty/],
  ['0:', /nothing after/],
  [':1.0', /epoch .*empty/],
  ['1.0-', /debian_revision .*empty/],
  ['0:0 0-1', /white space/],
  ['-1:0-1', /epoch "-1" is not a number/],
  ['+1:0', /epoch "\+1" is not a number/],
  ['999999999999999999999999:0-1', /larger than 2147483647/],
  [`${MAX_EPOCH + 1}:0`, /larger than/],
  ['a:0-0', /epoch "a" is not a number/],
  ['A:0-0', /not a number/],
  ['1.0:1', /epoch "1.0" is not a number/],
  ['-0', /upstream_version is empty/],
  ['0:-0', /upstream_version is empty/],
  ['1.0é', /not allowed/],
  ['1.0\u0000', /not allowed/],
];

/** Warnings in dpkg: errors by default, accepted with `lenient`. */
const NONSTANDARD: readonly string[] = [
  '0:abc3-0',
  'v1.0',
  ...[...'!#@$%&/|\\<>()[]{};,_=*^\''].map((c) => `0:0${c}-0`),
  '0:0-0:0',
  ...[...'!#@$%&/|\\<>()[]{}:;,_=*^\''].map((c) => `0:0-0${c}`),
];

describe('parseVersion', () => {
  for (const [text, epoch, upstream, revision] of PARSED) {
    it(`splits ${JSON.stringify(text)}`, () => assert.deepEqual(parseVersion(text), { epoch, upstream, revision }));
  }

  for (const [text, why] of INVALID) {
    it(`rejects ${JSON.stringify(text)} in both modes`, () => {
      for (const lenient of [false, true]) {
        assert.throws(
          () => parseVersion(text, { lenient }),
          (err: { code?: string; message: string }) => err.code === 'ERR_VERSION_INVALID' && err.message.startsWith(`version ${JSON.stringify(text)}: `) && why.test(err.message),
        );
      }
    });
  }

  it('rejects what dpkg only warns about unless lenient, and then warns', () => {
    for (const text of NONSTANDARD) {
      assert.throws(() => parseVersion(text), { code: 'ERR_VERSION_INVALID' }, text);
      const warnings: Warning[] = [];
      const v = parseVersion(text, { lenient: true, onWarning: (w) => warnings.push(w) });
      assert.deepEqual(parseVersion(formatVersion(v), { lenient: true }), v);
      assert.equal(warnings.length, 1, text);
      assert.equal(warnings[0]!.code, 'W_VERSION_NONSTANDARD');
      assert.ok(warnings[0]!.message.includes(JSON.stringify(text)), warnings[0]!.message);
    }
  });

  it('ignores random leading and trailing blanks and rejects blanks inside', () => {
    const rand = versionRandom(7);
    const blanks = () => [' ', '\t', '  ', ' \t', ''][Math.floor(rand() * 5)]!;
    for (let i = 0; i < 500; i++) {
      const text = randomVersion(rand);
      const want = parseVersion(text);
      assert.deepEqual(parseVersion(`${blanks()}${text}${blanks()}`), want, text);
      const cut = 1 + Math.floor(rand() * (text.length - 1));
      if (text.length > 1) assert.throws(() => parseVersion(`${text.slice(0, cut)}${blanks() || ' '}${text.slice(cut)}`), { code: 'ERR_VERSION_INVALID' });
    }
  });
});

describe('formatVersion', () => {
  it('round-trips every parsed version', () => {
    const rand = versionRandom(11);
    for (let i = 0; i < 2000; i++) {
      const v = parseVersion(randomVersion(rand, true), { lenient: true });
      assert.deepEqual(parseVersion(formatVersion(v), { lenient: true }), v);
    }
  });

  it('writes the epoch only when needed', () => {
    const cases: [DebianVersion, string][] = [
      [{ epoch: 0, upstream: '1.0', revision: '' }, '1.0'],
      [{ epoch: 0, upstream: '1.0', revision: '1' }, '1.0-1'],
      [{ epoch: 2, upstream: '1.0', revision: '1' }, '2:1.0-1'],
      [{ epoch: 0, upstream: '1:0', revision: '1' }, '0:1:0-1'],
    ];
    for (const [v, text] of cases) assert.equal(formatVersion(v), text);
  });
});

describe('isValidVersion', () => {
  it('follows parseVersion', () => {
    assert.equal(isValidVersion('1.0-1'), true);
    assert.equal(isValidVersion('1.0-'), false);
    assert.equal(isValidVersion('v1'), false);
    assert.equal(isValidVersion('v1', { lenient: true }), true);
  });
});

describe('compareVersions', () => {
  for (const [a, b, want] of ORDERED) {
    it(`${a} ${want < 0 ? '<' : want > 0 ? '>' : '='} ${b}`, () => {
      assert.equal(compareVersions(a, b), want);
      assert.equal(compareVersions(b, a), -want || 0);
    });
  }

  it('sorts the deb-version(5) example: ~~ < ~~a < ~ < (nothing) < a', () => {
    const want = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a'];
    const shuffled = [want[3]!, want[0]!, want[4]!, want[2]!, want[1]!];
    assert.deepEqual(shuffled.sort(compareVersions), want);
  });

  it('throws ERR_VERSION_INVALID naming the version', () => {
    assert.throws(() => compareVersions('1.0', '1.0 1'), { code: 'ERR_VERSION_INVALID', message: /^version "1.0 1": / });
    assert.throws(() => compareVersions('', '1.0'), { code: 'ERR_VERSION_INVALID' });
    assert.throws(() => compareVersions('1.0-', '1.0-'), { code: 'ERR_VERSION_INVALID' });
  });

  it('is antisymmetric and transitive on random versions', () => {
    const rand = versionRandom(3);
    const vs = Array.from({ length: 400 }, () => randomVersion(rand, true));
    const sorted = [...vs].sort(compareVersions);
    for (let i = 0; i + 1 < sorted.length; i++) assert.ok(compareVersions(sorted[i]!, sorted[i + 1]!) <= 0);
    for (let i = 0; i < 2000; i++) {
      const a = vs[Math.floor(rand() * vs.length)]!;
      const b = vs[Math.floor(rand() * vs.length)]!;
      assert.equal(compareVersions(a, b), -compareVersions(b, a) || 0);
      assert.equal(compareVersions(a, b), compareParsedVersions(parseVersion(a, { lenient: true }), parseVersion(b, { lenient: true })));
    }
  });

  it('accepts and splits exactly what parseVersion accepts, on random strings', () => {
    const rand = versionRandom(17);
    const alphabet = ['0', '1', '9', '00', 'a', 'Z', '.', '+', '~', '-', '-', ':', ':', ' ', '\t', '_', '\u0000', 'é', '2147483648'];
    let valid = 0;
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const n = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < n; k++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const other = randomVersion(rand, true);
      if (!isValidVersion(text, { lenient: true })) {
        assert.throws(() => compareVersions(text, other), { code: 'ERR_VERSION_INVALID' }, JSON.stringify(text));
        assert.throws(() => compareVersions(other, text), { code: 'ERR_VERSION_INVALID' }, JSON.stringify(text));
        continue;
      }
      valid++;
      const parsed = parseVersion(text, { lenient: true });
      const want = compareParsedVersions(parsed, parseVersion(other, { lenient: true }));
      assert.equal(compareVersions(text, other), want, `${JSON.stringify(text)} vs ${other}`);
      assert.equal(compareVersions(other, text), -want || 0, `${other} vs ${JSON.stringify(text)}`);
    }
    assert.ok(valid > 1000 && valid < 4500, `${valid} valid`);
  });

  it('agrees with dpkg --compare-versions on the table and on random pairs', async (t) => {
    if (!requireTool(t, 'dpkg')) return;
    const rand = versionRandom(20240601);
    const pairs: [string, string][] = ORDERED.map(([a, b]) => [a, b]);
    for (let i = 0; i < 150; i++) pairs.push([randomVersion(rand), randomVersion(rand)]);
    for (let i = 0; i < 150; i++) pairs.push([randomVersion(rand, true), randomVersion(rand, true)]);
    // Pairs that differ in one place are where ordering bugs hide.
    for (let i = 0; i < 100; i++) {
      const a = randomVersion(rand);
      const at = Math.floor(rand() * a.length);
      const b = `${a.slice(0, at)}${['~', '0', '9', 'a', '.', '+', ''][Math.floor(rand() * 7)]}${a.slice(at + 1)}`;
      if (isValidVersion(b)) pairs.push([a, b]);
    }
    const questions: DpkgQuestion[] = pairs.map(([a, b]) => ({ a, b, relation: RELATION_FOR_SIGN[compareVersions(a, b)] }));
    const answers = await dpkgCompare(questions);
    const wrong = questions.filter((_, i) => !answers[i]);
    assert.deepEqual(wrong, [], `dpkg disagrees on ${wrong.length} of ${questions.length}`);
    t.diagnostic(`dpkg agreed on ${questions.length} pairs`);
  });
});

describe('compareParsedVersions', () => {
  it('orders epoch, then upstream_version, then debian_revision', () => {
    const v = (epoch: number, upstream: string, revision: string): DebianVersion => ({ epoch, upstream, revision });
    assert.equal(compareParsedVersions(v(0, '0', ''), v(0, '0', '')), 0);
    assert.equal(compareParsedVersions(v(0, '0', '00'), v(0, '00', '0')), 0);
    assert.equal(compareParsedVersions(v(0, '9', '9'), v(1, '0', '0')), -1);
    assert.equal(compareParsedVersions(v(0, 'a', '0'), v(0, 'b', '0')), -1);
    assert.equal(compareParsedVersions(v(0, '0', 'b'), v(0, '0', 'a')), 1);
  });
});
