import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AptFormatError } from './index.js';

describe('AptFormatError', () => {
  const table: [ConstructorParameters<typeof AptFormatError>, string, 1 | 2, Record<string, unknown>][] = [
    [['ERR_APT_MALFORMED', 'dists/x/Release', 12, 'no SHA256'], 'dists/x/Release:12: no SHA256', 1, { code: 'ERR_APT_MALFORMED', message: 'dists/x/Release:12: no SHA256', subject: 'dists/x/Release', line: 12 }],
    [['ERR_APT_SOURCES_INVALID', '/etc/apt/sources.list', undefined, 'cannot be read'], '/etc/apt/sources.list: cannot be read', 2, { code: 'ERR_APT_SOURCES_INVALID', message: '/etc/apt/sources.list: cannot be read', subject: '/etc/apt/sources.list' }],
  ];
  for (const [args, message, exit, json] of table) {
    it(message, () => {
      const err = new AptFormatError(...args);
      assert.equal(err.message, message);
      assert.equal(err.exitCode, exit);
      assert.equal(err.transient, false);
      assert.deepEqual(err.toJSON(), json);
    });
  }
});
