import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPath, filePath, imagePath, modeField, ownerField, sourceField } from './schema-fields.js';

describe('checkPath', () => {
  const cases: [string, RegExp | undefined][] = [
    ['/srv/app', undefined],
    ['/', undefined],
    ['/a//b/./c/', undefined],
    ['', /empty/],
    ['srv', /not an absolute path/],
    ['/a/../b', /"\.\." component/],
    ['/a\0b', /NUL/],
  ];
  for (const [p, want] of cases) {
    it(`${JSON.stringify(p)} → ${want ?? 'fine'}`, () => {
      const problem = checkPath(p);
      if (want) assert.match(problem?.problem ?? '', want);
      else assert.equal(problem, undefined);
    });
  }
});

describe('imagePath', () => {
  it('rejects relative paths and .. with ERR_CONFIG_INVALID_VALUE', () => {
    for (const p of ['a', '/..']) assert.throws(() => imagePath('d').validate(p), { code: 'ERR_CONFIG_INVALID_VALUE' });
  });
});

describe('filePath', () => {
  it('rejects a trailing slash', () => {
    assert.throws(() => filePath('d', 'a file').validate('/etc/'), { code: 'ERR_CONFIG_INVALID_VALUE' });
    assert.equal(filePath('d', 'a file').validate('/etc/x'), '/etc/x');
  });
});

describe('modeField', () => {
  const cases: [unknown, string | undefined][] = [
    ['0644', undefined],
    ['7777', undefined],
    ['64', 'ERR_CONFIG_INVALID_VALUE'],
    ['0o644', 'ERR_CONFIG_INVALID_VALUE'],
    ['08', 'ERR_CONFIG_INVALID_VALUE'],
    [644, 'ERR_CONFIG_INVALID_TYPE'],
  ];
  for (const [value, code] of cases) {
    it(`${JSON.stringify(value)} → ${code ?? 'valid'}`, () => {
      if (code) assert.throws(() => modeField('m').validate(value), { code });
      else assert.equal(modeField('m').validate(value), value);
    });
  }
});

describe('ownerField', () => {
  it('accepts the four forms and rejects others', () => {
    for (const o of ['1:2', '1', 'app', 'app:staff']) assert.equal(ownerField('o').validate(o), o);
    for (const o of ['', 'a:b:c', ':1', 'a b']) assert.throws(() => ownerField('o').validate(o), { code: 'ERR_CONFIG_INVALID_VALUE' });
  });
});

describe('sourceField', () => {
  it('needs git or url', () => {
    assert.doesNotThrow(() => sourceField.validate({ git: 'g', ref: 'r' }));
    assert.doesNotThrow(() => sourceField.validate({ url: 'u' }));
    assert.throws(() => sourceField.validate({ ref: 'r' }, ['s']), { code: 'ERR_CONFIG_MISSING_KEY', location: { keyPath: 's.git' } });
  });
});
