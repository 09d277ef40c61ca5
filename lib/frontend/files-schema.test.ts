import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileItemSchema, isHttpUrl } from './files-schema.js';

describe('isHttpUrl', () => {
  const cases: [string, boolean][] = [
    ['https://example.invalid/x.tgz', true],
    ['HTTP://example.invalid/x.tgz', true],
    ['x.tgz', false],
    ['./https://x', false],
    ['ftp://example.invalid/x', false],
  ];
  for (const [value, want] of cases) it(`${value} → ${want}`, () => assert.equal(isHttpUrl(value), want));
});

describe('fileItemSchema', () => {
  const cases: [unknown, string | undefined, string | undefined][] = [
    [{ src: 'a', dest: '/x' }, undefined, undefined],
    [{ src: [], dest: '/x' }, 'ERR_CONFIG_INVALID_VALUE', 'src'],
    [{ src: '', dest: '/x' }, 'ERR_CONFIG_INVALID_VALUE', 'src'],
    [{ src: 'C:/x', dest: '/x' }, 'ERR_CONFIG_INVALID_VALUE', 'src'],
    [{ content: 'x'.repeat(1024 * 1024 + 1), dest: '/x' }, 'ERR_CONFIG_INVALID_VALUE', 'content'],
    [{ tarball: 'https://[bad', dest: '/x', sha256: 'a'.repeat(64) }, 'ERR_CONFIG_INVALID_VALUE', 'tarball'],
    [{ tarball: 'x.tar', dest: '/x', sha256: 'a'.repeat(63) }, 'ERR_CONFIG_INVALID_VALUE', 'sha256'],
    [{ tarball: 'x.tar', dest: '/x', strip: 1.5 }, 'ERR_CONFIG_INVALID_TYPE', 'strip'],
    [{ symlink: '', dest: '/x' }, 'ERR_CONFIG_INVALID_VALUE', 'symlink'],
    [{ symlink: 'a', dest: '/' }, 'ERR_CONFIG_INVALID_VALUE', 'dest'],
    [{ dir: '/d', dest: '/x' }, 'ERR_CONFIG_UNKNOWN_KEY', 'dest'],
  ];
  for (const [value, code, keyPath] of cases) {
    it(`${JSON.stringify(value).slice(0, 60)} → ${code ?? 'valid'}`, () => {
      if (!code) return assert.equal(fileItemSchema.validate(value), value);
      assert.throws(() => fileItemSchema.validate(value), { code, location: { keyPath } });
    });
  }
});
