import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeValue, formatKeyPath, isPlainObject, type KeyPath } from './key-path.js';

describe('formatKeyPath', () => {
  const cases: [KeyPath, string][] = [
    [[], ''],
    [['files', 2, 'dest'], 'files[2].dest'],
    [['config', 'env', 'MODE'], 'config.env.MODE'],
    [['config', 'stop-signal'], 'config.stop-signal'],
    [['annotations', 'org.opencontainers.image.title'], 'annotations["org.opencontainers.image.title"]'],
    [['config', 'env', '1A'], 'config.env["1A"]'],
    [[0], '[0]'],
  ];
  for (const [path, want] of cases) it(want || '(root)', () => assert.equal(formatKeyPath(path), want));
});

describe('describeValue', () => {
  const cases: [unknown, string][] = [
    ['x', 'a string'],
    [5, 'an integer (5)'],
    [1.5, 'a number (1.5)'],
    [true, 'a boolean (true)'],
    [null, 'null (an empty value)'],
    [[1], 'a list'],
    [{}, 'a mapping'],
    [new Uint8Array(1), 'binary data'],
  ];
  for (const [value, want] of cases) it(want, () => assert.equal(describeValue(value), want));
});

describe('isPlainObject', () => {
  const cases: [unknown, boolean][] = [
    [{}, true],
    [Object.create(null), true],
    [[], false],
    [null, false],
    [new Map(), false],
    [new Date(0), false],
    ['x', false],
  ];
  for (const [value, want] of cases) it(`${describeValue(value)} → ${want}`, () => assert.equal(isPlainObject(value), want));
});
