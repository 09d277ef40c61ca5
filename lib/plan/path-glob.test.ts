/** Path globs over image paths: segments, depth, classes, braces, keep patterns, and bad patterns refused by name. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePathGlob, pathFilter, PathGlobProblem } from './path-glob.js';

describe('compilePathGlob', () => {
  const cases: [string, string, boolean][] = [
    ['/usr/share/doc/**', '/usr/share/doc/curl/copyright', true],
    ['/usr/share/doc/**', '/usr/share/doc', false],
    ['/usr/share/doc/*/copyright', '/usr/share/doc/curl/copyright', true],
    ['/usr/share/doc/*/copyright', '/usr/share/doc/a/b/copyright', false],
    ['/usr/**/man', '/usr/man', true],
    ['/usr/**/man', '/usr/share/x/man', true],
    ['/usr/share/locale/{de,fr}/**', '/usr/share/locale/fr/LC_MESSAGES/x.mo', true],
    ['/usr/share/locale/{de,fr}/**', '/usr/share/locale/it/LC_MESSAGES/x.mo', false],
    ['/etc/[!a]*.conf', '/etc/b.conf', true],
    ['/etc/[!a]*.conf', '/etc/a.conf', false],
    ['/usr/lib/?.so', '/usr/lib/x.so', true],
    ['/usr/lib/x.so', '/usr/lib/xxso', false],
    ['/usr/share/.hidden/*', '/usr/share/.hidden/f', true],
  ];
  for (const [pattern, path, want] of cases) {
    it(`${pattern} ${want ? 'matches' : 'does not match'} ${path}`, () => assert.equal(compilePathGlob(pattern).matches(path), want));
  }

  it('refuses relative and broken patterns with a PathGlobProblem', () => {
    for (const bad of ['usr/share/doc/**', '/usr/[x', '/usr/{a,b', '/usr/[]]x']) assert.throws(() => compilePathGlob(bad), PathGlobProblem, bad);
    assert.equal(compilePathGlob('/usr/share/foo}').matches('/usr/share/foo}'), true, 'a stray brace is a literal');
  });

  it('keeps what a keep pattern matches, even when excluded', () => {
    const f = pathFilter(['/usr/share/doc/**'], ['/usr/share/doc/*/copyright']);
    assert.equal(f.excluded('/usr/share/doc/curl/changelog.gz'), true);
    assert.equal(f.excluded('/usr/share/doc/curl/copyright'), false);
    assert.equal(f.kept('/usr/share/doc/curl/copyright'), true);
    assert.equal(pathFilter([], []).empty, true);
  });
});
