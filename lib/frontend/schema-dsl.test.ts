import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorCode } from '../core/index.js';
import { anyOf, array, boolean, defaultReporter, integer, map, object, oneOfByKey, quoteHint, string, unknownKey, type Schema } from './schema-dsl.js';

interface Case {
  readonly value: unknown;
  /** Omitted when the value is valid. */
  readonly code?: ErrorCode;
  readonly keyPath?: string;
  readonly suggestion?: string;
}

function runCases(schema: Schema<unknown>, cases: readonly Case[]): void {
  for (const c of cases) {
    it(`${JSON.stringify(c.value)} → ${c.code ?? 'valid'}${c.keyPath ? ` at ${c.keyPath}` : ''}`, () => {
      if (!c.code) {
        assert.equal(schema.validate(c.value), c.value);
        return;
      }
      assert.throws(() => schema.validate(c.value), (err: { code: string; location: { keyPath?: string }; suggestion?: string }) => {
        assert.equal(err.code, c.code);
        assert.equal(err.location.keyPath, c.keyPath);
        if (c.suggestion) assert.equal(err.suggestion, c.suggestion);
        return true;
      });
    });
  }
}

describe('string', () => {
  runCases(string({ description: 'd', pattern: /^[a-z]+$/, maxLength: 4 }), [
    { value: 'abc' },
    { value: 'ABC', code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: 'abcde', code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: 1, code: 'ERR_CONFIG_INVALID_TYPE' },
    { value: null, code: 'ERR_CONFIG_INVALID_TYPE' },
  ]);
  runCases(string({ description: 'd', enum: ['gzip', 'zstd'] }), [
    { value: 'zstd' },
    { value: 'gzp', code: 'ERR_CONFIG_INVALID_VALUE', suggestion: 'gzip' },
  ]);
  runCases(string({ description: 'd', minLength: 1, check: (s) => (s === 'x' ? { problem: 'no x' } : undefined) }), [
    { value: 'y' },
    { value: '', code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: 'x', code: 'ERR_CONFIG_INVALID_VALUE' },
  ]);
  it('renders type, pattern, enum and lengths as JSON Schema', () => {
    assert.deepEqual(string({ description: 'd', pattern: /^a$/, minLength: 1, maxLength: 2 }).toJsonSchema(), { description: 'd', type: 'string', pattern: '^a$', minLength: 1, maxLength: 2 });
    assert.deepEqual(string({ description: 'e', enum: ['a', 'b'] }).toJsonSchema(), { description: 'e', type: 'string', enum: ['a', 'b'] });
  });
  it('gives the type hint on a type error', () => {
    const s = string({ description: 'd', typeHint: (v) => (typeof v === 'number' ? 'quote it' : undefined) });
    assert.throws(() => s.validate(5), { code: 'ERR_CONFIG_INVALID_TYPE', hint: 'quote it', message: 'expected a string, got an integer (5)' });
  });
});

describe('quoteHint', () => {
  it('hints to quote numbers and booleans only', () => {
    assert.match(quoteHint(8080) ?? '', /"8080"/);
    assert.match(quoteHint(false) ?? '', /"false"/);
    assert.equal(quoteHint([]), undefined);
    assert.throws(() => string({ description: 'd' }).validate(1), { hint: 'quote the value so YAML reads it as a string: "1"' });
  });
});

describe('integer', () => {
  runCases(integer({ description: 'd', min: 0, max: 10 }), [
    { value: 0 },
    { value: 10 },
    { value: 11, code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: -1, code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: 1.5, code: 'ERR_CONFIG_INVALID_TYPE' },
    { value: '1', code: 'ERR_CONFIG_INVALID_TYPE' },
    { value: 2 ** 60, code: 'ERR_CONFIG_INVALID_TYPE' },
  ]);
  it('renders minimum and maximum', () => {
    assert.deepEqual(integer({ description: 'd', min: 1 }).toJsonSchema(), { description: 'd', type: 'integer', minimum: 1 });
  });
});

describe('boolean', () => {
  runCases(boolean({ description: 'd' }), [{ value: true }, { value: 'true', code: 'ERR_CONFIG_INVALID_TYPE' }]);
});

describe('array', () => {
  const list = array(string({ description: 's' }), { description: 'l', minItems: 1 });
  runCases(list, [
    { value: ['a'] },
    { value: [], code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: 'a', code: 'ERR_CONFIG_INVALID_TYPE' },
    { value: ['a', 2], code: 'ERR_CONFIG_INVALID_TYPE', keyPath: '[1]' },
  ]);
  it('says "a list of strings"', () => {
    assert.equal(list.expected, 'a list of strings');
    assert.throws(() => list.validate('x'), { message: 'expected a list of strings, got a string' });
  });
  it('gives the minItems hint on a short list', () => {
    const hinted = array(string({ description: 's' }), { description: 'l', minItems: 1, minItemsHint: 'list one' });
    assert.throws(() => hinted.validate([]), { code: 'ERR_CONFIG_INVALID_VALUE', hint: 'list one', message: 'must have at least 1 item' });
  });
  it('reports a check problem at the item it names', () => {
    const unique = array(string({ description: 's' }), { description: 'l', check: (l) => (l[0] === l[1] ? { at: [1], problem: 'twice' } : undefined) });
    assert.throws(() => unique.validate(['a', 'a'], ['xs']), { code: 'ERR_CONFIG_INVALID_VALUE', location: { keyPath: 'xs[1]' } });
  });
});

describe('map', () => {
  runCases(map(string({ description: 'v' }), { description: 'm', keyPattern: /^[A-Z]+$/ }), [
    { value: { A: 'x', B: '' } },
    { value: { A: 1 }, code: 'ERR_CONFIG_INVALID_TYPE', keyPath: 'A' },
    { value: { a: 'x' }, code: 'ERR_CONFIG_INVALID_VALUE', keyPath: 'a' },
    { value: ['A'], code: 'ERR_CONFIG_INVALID_TYPE' },
  ]);
  it('renders propertyNames and additionalProperties', () => {
    assert.deepEqual(map(string({ description: 'v' }), { description: 'm', keyPattern: /^A$/ }).toJsonSchema(), {
      description: 'm',
      type: 'object',
      propertyNames: { pattern: '^A$' },
      additionalProperties: { description: 'v', type: 'string' },
    });
  });
});

describe('object', () => {
  const point = object({ x: integer({ description: 'x' }), y: integer({ description: 'y' }), label: string({ description: 'l' }) }, { description: 'p', required: ['x', 'y'] });
  runCases(point, [
    { value: { x: 1, y: 2 } },
    { value: { x: 1, y: 2, label: 'a' } },
    { value: { x: 1 }, code: 'ERR_CONFIG_MISSING_KEY', keyPath: 'y' },
    { value: { x: 1, y: 2, lable: 'a' }, code: 'ERR_CONFIG_UNKNOWN_KEY', keyPath: 'lable', suggestion: 'label' },
    { value: { x: 1, y: '2' }, code: 'ERR_CONFIG_INVALID_TYPE', keyPath: 'y' },
    { value: new Map(), code: 'ERR_CONFIG_INVALID_TYPE' },
  ]);
  it('treats undefined members as absent', () => {
    assert.doesNotThrow(() => point.validate({ x: 1, y: 2, label: undefined, other: undefined }));
    assert.throws(() => point.validate({ x: 1, y: undefined }), { code: 'ERR_CONFIG_MISSING_KEY' });
  });
  it('reports an unknown key before a missing one', () => {
    assert.throws(() => point.validate({ x: 1, z: 2 }), { code: 'ERR_CONFIG_UNKNOWN_KEY' });
  });
  it('renders closed JSON Schema objects', () => {
    const json = point.toJsonSchema();
    assert.equal(json['additionalProperties'], false);
    assert.deepEqual(json['required'], ['x', 'y']);
    assert.deepEqual(Object.keys(json['properties'] as object), ['x', 'y', 'label']);
  });
});

describe('oneOfByKey', () => {
  const item = oneOfByKey(
    {
      src: object({ src: string({ description: 's' }), dest: string({ description: 'd' }) }, { description: 'a', required: ['src', 'dest'], name: 'a src item' }),
      dir: object({ dir: string({ description: 'd' }), mode: string({ description: 'm' }) }, { description: 'b', required: ['dir'], name: 'a dir item' }),
    },
    { description: 'i', name: 'an item' },
  );
  runCases(item, [
    { value: { src: 'a', dest: 'b' } },
    { value: { dir: 'a', mode: '1' } },
    { value: {}, code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: { src: 'a', dir: 'b', dest: 'c' }, code: 'ERR_CONFIG_INVALID_VALUE' },
    { value: { src: 'a', dest: 'b', mode: '1' }, code: 'ERR_CONFIG_UNKNOWN_KEY', keyPath: 'mode' },
    { value: { scr: 'a', dest: 'b' }, code: 'ERR_CONFIG_UNKNOWN_KEY', keyPath: 'scr', suggestion: 'src' },
    { value: { src: 'a' }, code: 'ERR_CONFIG_MISSING_KEY', keyPath: 'dest' },
    { value: 'a', code: 'ERR_CONFIG_INVALID_TYPE' },
  ]);
  it('names the conflicting keys', () => {
    assert.throws(() => item.validate({ src: 'a', dir: 'b' }), { message: 'an item needs exactly one of src, dir; src and dir conflict' });
  });
  it('says the given hints when no variant key, or several, are present', () => {
    const hinted = oneOfByKey(
      { src: object({ src: string({ description: 's' }) }, { description: 'a' }), dir: object({ dir: string({ description: 'd' }) }, { description: 'b' }) },
      { description: 'i', missingHint: 'add src:', conflictHint: 'keep one' },
    );
    assert.throws(() => hinted.validate({}), { hint: 'add src:' });
    assert.throws(() => hinted.validate({ src: 'a', dir: 'b' }), { hint: 'keep one' });
    assert.throws(() => item.validate({}), { hint: 'add one of src, dir' });
  });
  it('renders a oneOf of closed variants', () => {
    const json = item.toJsonSchema();
    assert.equal((json['oneOf'] as unknown[]).length, 2);
  });
});

describe('anyOf', () => {
  const portish = anyOf([string({ description: 's' }), integer({ description: 'i', min: 1 })], { description: 'p' });
  runCases(portish, [{ value: '80' }, { value: 80 }, { value: 0, code: 'ERR_CONFIG_INVALID_VALUE' }, { value: true, code: 'ERR_CONFIG_INVALID_TYPE' }]);
  it('lists the alternatives it expects', () => {
    assert.equal(portish.expected, 'a string or an integer');
  });
});

describe('unknownKey', () => {
  it('suggests the closest key or lists them all', () => {
    assert.equal(unknownKey('dset', ['dest', 'mode'], ['f']).suggestion, 'dest');
    assert.deepEqual(unknownKey('zzzz', ['dest', 'mode'], ['f'], 'an item'), {
      code: 'ERR_CONFIG_UNKNOWN_KEY',
      path: ['f', 'zzzz'],
      target: 'key',
      problem: '"zzzz" is not a key of an item',
      hint: 'an item takes: dest, mode',
    });
  });
});

describe('defaultReporter', () => {
  it('builds a ConfigError with only a key path', () => {
    const err = defaultReporter({ code: 'ERR_CONFIG_INVALID_VALUE', path: ['a', 0], target: 'value', problem: 'bad', suggestion: 'good' });
    assert.equal((err as { code?: string }).code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal(err.message, 'a[0]: bad');
    assert.deepEqual((err as { location?: object }).location, { keyPath: 'a[0]' });
  });
});
