import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError, DigestMismatchError, SlipwayError, errorCodes, formatLocation } from './errors.js';
import { renderErrorsDoc } from './errors-doc.js';

describe('errorCodes', () => {
  it('every code is ERR_<AREA>_<WHAT> with a one-line summary and exit 1 or 2', () => {
    for (const [code, info] of Object.entries(errorCodes)) {
      assert.match(code, /^ERR_[A-Z]+(_[A-Z]+)*$/);
      assert.ok(info.summary.length > 10 && !info.summary.includes('\n'), code);
      assert.ok(info.exitCode === 1 || info.exitCode === 2, code);
    }
  });

  it('docs/errors.md is generated from the table (run `npm run docs:errors` after changing it)', () => {
    const committed = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    assert.equal(committed, renderErrorsDoc());
  });

  it('config and input errors exit 2, build failures exit 1', () => {
    for (const [code, info] of Object.entries(errorCodes)) {
      if (code.startsWith('ERR_CONFIG_') || code.startsWith('ERR_INPUT_')) assert.equal(info.exitCode, 2, code);
    }
    assert.equal(errorCodes.ERR_OUTPUT_WRITE.exitCode, 1);
  });
});

describe('SlipwayError', () => {
  it('carries code, hint, cause and exit code', () => {
    const cause = new Error('inner');
    const err = new SlipwayError('ERR_FETCH_NETWORK', 'GET x: reset', { hint: 'retry', cause });
    assert.equal(err.code, 'ERR_FETCH_NETWORK');
    assert.equal(err.hint, 'retry');
    assert.equal(err.cause, cause);
    assert.equal(err.exitCode, 1);
    assert.equal(err.transient, true);
    assert.deepEqual(err.toJSON(), { code: 'ERR_FETCH_NETWORK', message: 'GET x: reset', hint: 'retry' });
  });
});

describe('ConfigError', () => {
  it('puts the location first and turns a suggestion into a hint', () => {
    const err = new ConfigError('ERR_CONFIG_UNKNOWN_KEY', { file: 'a.yaml', line: 3, column: 5, keyPath: 'files[0].dset' }, 'unknown key "dset"', { suggestion: 'dest' });
    assert.equal(err.message, 'a.yaml:3:5 files[0].dset: unknown key "dset"');
    assert.equal(err.hint, 'did you mean "dest"?');
    assert.equal(err.exitCode, 2);
  });
});

describe('formatLocation', () => {
  const cases: [Parameters<typeof formatLocation>[0], string][] = [
    [{}, ''],
    [{ keyPath: 'platforms[1]' }, 'platforms[1]: '],
    [{ file: 'x.yaml' }, 'x.yaml: '],
    [{ file: 'x.yaml', line: 2 }, 'x.yaml:2: '],
    [{ file: 'x.yaml', line: 2, column: 7, keyPath: 'base' }, 'x.yaml:2:7 base: '],
  ];
  for (const [loc, want] of cases) it(JSON.stringify(loc), () => assert.equal(formatLocation(loc), want));
});

describe('DigestMismatchError', () => {
  it('names subject, expected and actual', () => {
    const err = new DigestMismatchError('ERR_INPUT_DIGEST_MISMATCH', 'x.tar.gz', 'sha256:aa', 'sha256:bb', 3);
    assert.equal(err.code, 'ERR_INPUT_DIGEST_MISMATCH');
    assert.equal(err.subject, 'x.tar.gz');
    assert.match(err.message, /^x\.tar\.gz: expected sha256:aa, got sha256:bb/);
  });
});
