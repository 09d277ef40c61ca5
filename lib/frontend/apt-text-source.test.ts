import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkSourceText, classifySourceText, DEB822_PATTERN, ONE_LINE_PATTERN } from './apt-text-source.js';

const STANZA = 'Types: deb\nURIs: http://deb.example/debian\nSuites: bookworm\nComponents: main\nSigned-By: /k.gpg\n';

describe('classifySourceText', () => {
  const cases: [string, string | undefined][] = [
    ['system', 'system'],
    ['System', undefined],
    [' system', undefined],
    ['deb http://deb.example/debian bookworm main', 'one-line'],
    ['deb-src [trusted=yes] http://deb.example/debian bookworm main', 'one-line'],
    ['deb\thttp://deb.example/debian bookworm main', 'one-line'],
    ['  deb http://deb.example/debian bookworm main\n', 'one-line'],
    ['debian http://deb.example/debian bookworm main', undefined],
    [STANZA, 'deb822'],
    ['# a comment\nuris: http://deb.example/debian\nsuites: ./\n', 'deb822'],
    ['Suites: bookworm\n', undefined],
    ['rpm http://deb.example/debian', undefined],
  ];
  for (const [text, want] of cases) it(`${JSON.stringify(text).slice(0, 50)} → ${want}`, () => assert.equal(classifySourceText(text), want));

  it('uses the patterns the JSON Schema shows', () => {
    assert.ok(ONE_LINE_PATTERN.test('deb-src x y'));
    assert.ok(DEB822_PATTERN.test(STANZA));
  });
});

describe('checkSourceText', () => {
  const ok = ['system', 'deb http://deb.example/debian ./', 'deb [arch=amd64] http://deb.example/debian bookworm main # note', STANZA];
  for (const text of ok) it(`takes ${JSON.stringify(text).slice(0, 50)}`, () => assert.equal(checkSourceText(text), undefined));

  const bad: [string, RegExp][] = [
    ['deb http://deb.example/debian', /no suite/],
    ['deb ', /no URI and suite/],
    ['deb [arch=amd64] ', /no URI and suite/],
    ['deb [arch=amd64 http://deb.example/debian bookworm', /no closing "\]"/],
    ['deb http://deb.example/debian a main\ndeb http://deb.example/debian b main\n', /several lines/],
    ['', /must not be empty/],
    ['rpm http://deb.example/debian bookworm', /is not an apt source/],
  ];
  for (const [text, problem] of bad) {
    it(`rejects ${JSON.stringify(text).slice(0, 50)}`, () => {
      const p = checkSourceText(text);
      assert.match(p?.problem ?? '', problem);
      assert.ok(p?.hint, 'has a hint');
    });
  }

  it('suggests system for a near miss', () => {
    assert.equal(checkSourceText('sytsem')?.suggestion, 'system');
    assert.equal(checkSourceText('System')?.suggestion, 'system');
  });

  it('shows a short, credential-free start of an unknown item', () => {
    const p = checkSourceText(`dep https://user:secret@deb.example/debian?token=secret bookworm main and a very long tail\nline two`);
    assert.equal(p?.problem, '"dep https://deb.example/debian bookworm…" is not an apt source');
  });
});
