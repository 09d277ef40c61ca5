import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FsTree, type TreeInput } from './index.js';

const file = (path: string, extra: Partial<TreeInput> = {}): TreeInput => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, layer: 0, origin: `in ${path}`, digest: async () => 'd', ...extra });
const dir = (path: string, extra: Partial<TreeInput> = {}): TreeInput => ({ path, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0, layer: 0, origin: `dir ${path}`, ...extra });
const link = (path: string, target: string): TreeInput => ({ path, type: 'hardlink', mode: 0o644, uid: 0, gid: 0, size: 0, layer: 0, origin: `link ${path}`, linkname: target });

describe('FsTree', () => {
  it('emits parents first, in byte order, with implicit parents 0755 root', async () => {
    const t = new FsTree();
    await t.add(file('/b/c'));
    await t.add(file('/a-z'));
    await t.add(file('/a/x'));
    assert.deepEqual(
      t.layerEntries(0).map((e) => `${e.path} ${e.type} ${e.mode.toString(8)}`),
      ['/a directory 755', '/a-z file 644', '/a/x file 644', '/b directory 755', '/b/c file 644'],
    );
  });

  it('groups hard links so that each names an entry already written', async () => {
    const t = new FsTree();
    await t.add(file('/opt/z'));
    await t.add(link('/opt/a', '/opt/z'));
    await t.add(link('/opt/b', '/opt/z'));
    assert.deepEqual(
      t.layerEntries(0).map((e) => `${e.path} ${e.type}${e.linkname ? ` ${e.linkname}` : ''}`),
      ['/opt directory', '/opt/a file', '/opt/b hardlink /opt/a', '/opt/z hardlink /opt/a'],
    );
  });

  it('lets identical writes through and names both origins of a conflict', async () => {
    const t = new FsTree();
    await t.add(file('/etc/x'));
    await t.add(file('/etc/x', { origin: 'again' }));
    await assert.rejects(t.add(file('/etc/x', { origin: 'files[3]', digest: async () => 'other' })), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_LAYER_PATH_CONFLICT');
      assert.match(err.message, /^\/etc\/x: written by in \/etc\/x and by files\[3\] with different content$/);
      return true;
    });
    await assert.rejects(t.add(file('/etc/x', { mode: 0o600 })), { code: 'ERR_LAYER_PATH_CONFLICT' });
    await assert.rejects(t.add(file('/etc/x/y')), { code: 'ERR_LAYER_PATH_CONFLICT' });
  });

  for (const order of ['soft first', 'declared first'] as const) {
    it(`a soft directory yields to a declared one (${order})`, async () => {
      const t = new FsTree();
      const soft = dir('/srv/lib', { soft: true, uid: 10001, gid: 10001 });
      const declared = dir('/srv/lib', { mode: 0o700 });
      for (const d of order === 'soft first' ? [soft, declared] : [declared, soft]) await t.add(d);
      await t.add(file('/srv/lib/x'));
      const got = t.layerEntries(0).find((e) => e.path === '/srv/lib')!;
      assert.equal(got.mode, 0o700);
      assert.equal(got.uid, 0);
    });
  }

  it('a soft directory keeps its owner as a parent', async () => {
    const t = new FsTree();
    await t.add(dir('/srv/app/lib', { soft: true, uid: 7, gid: 7 }));
    await t.add(file('/srv/app/lib/x'));
    assert.equal(t.layerEntries(0).find((e) => e.path === '/srv/app/lib')!.uid, 7);
  });
});
