import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocator } from './locate.js';
import { normaliseAccounts } from './normalise-accounts.js';
import { normaliseFiles, parseMode } from './normalise-files.js';

describe('parseMode', () => {
  const cases: [string, number][] = [
    ['0644', 0o644],
    ['755', 0o755],
    ['4755', 0o4755],
    ['1777', 0o1777],
    ['000', 0],
  ];
  for (const [text, want] of cases) it(`${text} → 0o${want.toString(8)}`, () => assert.equal(parseMode(text), want));
});

describe('normaliseFiles', () => {
  const loc = createLocator('f.yaml', undefined);
  const accounts = normaliseAccounts({}, loc);
  it('gives each kind its defaults', () => {
    const items = normaliseFiles(
      [{ src: ['a', 'b'], dest: '/x/' }, { content: '', dest: '/c' }, { tarball: 't.tar', dest: '/t' }, { symlink: 'c', dest: '/l' }, { dir: '/d' }],
      '/base',
      accounts,
      loc,
    );
    assert.deepEqual(items, [
      { kind: 'glob', dest: '/x', patterns: ['a', 'b'], baseDir: '/base', destIsDir: true, at: { file: 'f.yaml', keyPath: 'files[0]' } },
      { kind: 'inline', dest: '/c', content: '', mode: 0o644, owner: { uid: 0, gid: 0 }, at: { file: 'f.yaml', keyPath: 'files[1]' } },
      { kind: 'tarball', dest: '/t', location: { path: '/base/t.tar' }, strip: 0, at: { file: 'f.yaml', keyPath: 'files[2]' } },
      { kind: 'symlink', dest: '/l', target: 'c', owner: { uid: 0, gid: 0 }, at: { file: 'f.yaml', keyPath: 'files[3]' } },
      { kind: 'directory', dest: '/d', mode: 0o755, owner: { uid: 0, gid: 0 }, at: { file: 'f.yaml', keyPath: 'files[4]' } },
    ]);
  });
});
