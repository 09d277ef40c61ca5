import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineCounter, parseDocument } from 'yaml';
import type { KeyPath } from './key-path.js';
import { locateInDocument, parseYamlSource } from './yaml-source.js';

const TEXT = ['a:', '  b: 1', '  c:', '  d: [x, { e: f }]', 'g: &g', '  h: 2', 'i: *g', ''].join('\n');

describe('locateInDocument', () => {
  const lc = new LineCounter();
  const locate = locateInDocument(parseDocument(TEXT, { lineCounter: lc }), lc);
  const cases: [KeyPath, 'key' | 'value', number, number][] = [
    [[], 'value', 1, 1],
    [['a'], 'key', 1, 1],
    [['a'], 'value', 2, 3],
    [['a', 'b'], 'key', 2, 3],
    [['a', 'b'], 'value', 2, 6],
    [['a', 'c'], 'value', 3, 3], // an empty value is located at its key
    [['a', 'd', 1], 'value', 4, 10],
    [['a', 'd', 1, 'e'], 'key', 4, 12],
    [['a', 'd', 1, 'e'], 'value', 4, 15],
    [['a', 'missing'], 'value', 2, 3], // a missing key is located at its mapping
    [['a', 'd', 7], 'value', 4, 6],
    [['i', 'h'], 'value', 6, 6], // through an alias, at the anchored node
  ];
  for (const [path, target, line, column] of cases) {
    it(`${JSON.stringify(path)} ${target} → ${line}:${column}`, () => assert.deepEqual(locate(path, target), { line, column }));
  }
});

describe('parseYamlSource', () => {
  it('returns the plain value', () => {
    assert.deepEqual(parseYamlSource(TEXT, 'x.yaml').value, { a: { b: 1, c: null, d: ['x', { e: 'f' }] }, g: { h: 2 }, i: { h: 2 } });
  });

  const failures: [string, string, number, number, string | undefined][] = [
    ['duplicate key in a flow mapping', 'a: { b: 1, b: 2 }\n', 1, 12, 'a.b'],
    ['duplicate key in a list item', 'l:\n  - k: 1\n    k: 2\n', 3, 5, 'l[0].k'],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n', 3, 1, undefined],
    ['unterminated quote (at the end of input)', 'a: "x\n', 2, 1, undefined],
    ['a list as a mapping key', 'a:\n  ? [x]\n  : b\n', 2, 5, 'a'],
  ];
  for (const [name, text, line, column, keyPath] of failures) {
    it(`rejects ${name} with ERR_CONFIG_SYNTAX at ${line}:${column}`, () => {
      assert.throws(
        () => parseYamlSource(text, 'x.yaml'),
        (err: { code: string; location: { file?: string; line?: number; column?: number; keyPath?: string } }) => {
          assert.equal(err.code, 'ERR_CONFIG_SYNTAX');
          assert.deepEqual(err.location, { file: 'x.yaml', line, column, ...(keyPath ? { keyPath } : {}) });
          return true;
        },
      );
    });
  }
});
