import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { architectureField, KNOWN_ARCHITECTURES, noRepeats, redactUri, urlField, word } from './apt-fields.js';

describe('redactUri', () => {
  const cases: [string, string][] = [
    ['http://deb.example/debian', 'http://deb.example/debian'],
    ['https://u:secret@deb.example/debian', 'https://deb.example/debian'],
    ['https://deb.example/k.asc?token=secret#x', 'https://deb.example/k.asc'],
    ['u:secret@deb.example/debian', 'deb.example/debian'],
    ['//u:secret@deb.example/debian', '//deb.example/debian'],
    ['deb.example/debian', 'deb.example/debian'],
  ];
  for (const [text, want] of cases) it(`${text} → ${want}`, () => assert.equal(redactUri(text), want));
});

describe('urlField', () => {
  const repo = urlField('u', ['http:', 'https:', 'file:']);
  const cases: [string, string | undefined][] = [
    ['http://deb.example/debian', undefined],
    ['https://deb.example/debian/', undefined],
    ['file:///srv/repo', undefined],
    ['file:/srv/repo', undefined],
    ['', 'ERR_CONFIG_INVALID_VALUE'],
    ['/srv/repo', 'ERR_CONFIG_INVALID_VALUE'],
    ['deb.example/debian', 'ERR_CONFIG_INVALID_VALUE'],
    ['ftp://deb.example/debian', 'ERR_CONFIG_INVALID_VALUE'],
    ['mirror+file:/etc/apt/mirrors.txt', 'ERR_CONFIG_INVALID_VALUE'],
  ];
  for (const [value, code] of cases) {
    it(`${JSON.stringify(value)} → ${code ?? 'valid'}`, () => {
      if (!code) return assert.equal(repo.validate(value), value);
      assert.throws(() => repo.validate(value), { code });
    });
  }
  it('takes only the schemes it is given', () => {
    assert.throws(() => urlField('k', ['https:']).validate('http://deb.example/k.asc'), { code: 'ERR_CONFIG_INVALID_VALUE', hint: 'slipway reads these over https only' });
  });
});

describe('architectureField', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['amd64', undefined, undefined],
    ['all', undefined, undefined],
    ['hurd-amd64', undefined, undefined],
    ['mipsel', undefined, undefined],
    ['loong64', undefined, undefined],
    ['sparc', undefined, undefined],
    ['amd46', 'ERR_CONFIG_INVALID_VALUE', 'amd64'],
    ['armfh', 'ERR_CONFIG_INVALID_VALUE', 'armhf'],
    ['ppc64le', 'ERR_CONFIG_INVALID_VALUE', 'ppc64el'],
    ['aarch64', 'ERR_CONFIG_INVALID_VALUE', 'arm64'],
    ['i686', 'ERR_CONFIG_INVALID_VALUE', 'i386'],
    ['x86_64', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['AMD64', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['', 'ERR_CONFIG_INVALID_VALUE', undefined],
  ];
  for (const [value, code, suggestion] of cases) {
    it(`${JSON.stringify(value)} → ${code ?? 'valid'}${suggestion ? ` (${suggestion})` : ''}`, () => {
      if (!code) return assert.equal(architectureField.validate(value), value);
      assert.throws(() => architectureField.validate(value), (err: { code: string; suggestion?: string }) => {
        assert.equal(err.code, code);
        assert.equal(err.suggestion, suggestion);
        return true;
      });
    });
  }
  it('accepts every known name', () => {
    for (const a of KNOWN_ARCHITECTURES) assert.equal(architectureField.validate(a), a);
  });
});

describe('noRepeats', () => {
  it('names the first repeat and where it was first', () => {
    assert.equal(noRepeats('suite')(['a', 'b']), undefined);
    assert.deepEqual(noRepeats('suite')(['a', 'b', 'a']), { at: [2], problem: 'suite "a" is listed twice (first at [0])', hint: 'list each suite once' });
  });
});

describe('word', () => {
  const suite = word('s', 'suite');
  it('takes a non-empty string without white space', () => {
    assert.equal(suite.validate('bookworm/updates'), 'bookworm/updates');
    assert.throws(() => suite.validate(''), { code: 'ERR_CONFIG_INVALID_VALUE', message: 'must not be empty' });
    assert.throws(() => suite.validate('a b'), { code: 'ERR_CONFIG_INVALID_VALUE', hint: 'write one suite per list item' });
  });
});
