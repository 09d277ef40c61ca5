import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { zstdCompressSyncOrUndefined } from '../../fixtures/zstd.js';
import { makeTar, makeTarGz, type TarSpecEntry } from '../../fixtures/make-tar.js';
import { ContentStore } from '../fetch/index.js';
import type { TarballItem } from '../plan/index.js';
import { tarballEntries } from './tarball-source.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('tarballEntries', () => {
  let dir: string;
  let store: ContentStore;
  let server: Server;
  let base: string;
  const served = new Map<string, Buffer>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-tarball-'));
    store = new ContentStore(join(dir, 'store'));
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  async function local(name: string, bytes: Buffer, extra: Partial<TarballItem> = {}): Promise<TarballItem> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return { kind: 'tarball', dest: '/opt/x', location: { path }, sha256: sha(bytes), strip: 0, at: { keyPath: 'files[0]' }, ...extra };
  }

  const sample: TarSpecEntry[] = [
    { name: 'pkg/', type: 'directory' },
    { name: 'pkg/bin/tool', mode: 0o755, body: 'tool\n', uid: 5, gid: 6 },
    { name: 'pkg/link', type: 'symlink', linkname: 'bin/tool' },
  ];

  it('rebases entries below dest, keeping ids, modes and links; strip drops leading components', async () => {
    const item = await local('a.tar.gz', await makeTarGz(sample), { strip: 1 });
    const got = await tarballEntries(item, 0, { store });
    assert.deepEqual(
      got.map((e) => [e.path, e.type, e.mode.toString(8), `${e.uid}:${e.gid}`, e.linkname ?? '']),
      [
        ['/opt/x', 'directory', '755', '0:0', ''],
        ['/opt/x/bin/tool', 'file', '755', '5:6', ''],
        ['/opt/x/link', 'symlink', '644', '0:0', 'bin/tool'],
      ],
    );
  });

  it('reads plain and zstd tarballs too', async (t) => {
    const plain = await local('a.tar', await makeTar(sample));
    assert.equal((await tarballEntries(plain, 0, { store })).length, 3);
    const zst = zstdCompressSyncOrUndefined(await makeTar(sample));
    if (!zst) {
      if (process.env['CI'] === 'true') throw new Error('zstd(1) missing');
      t.skip('zstd(1) missing');
      return;
    }
    assert.equal((await tarballEntries(await local('a.tar.zst', zst), 0, { store })).length, 3);
  });

  it('security: refuses a name that climbs out with ".." (path traversal)', async () => {
    const item = await local('evil.tar.gz', await makeTarGz([{ name: 'ok.txt', body: 'x' }, { name: '../../etc/passwd', body: 'root::0:0::/:/bin/sh\n' }]));
    await assert.rejects(tarballEntries(item, 0, { store }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_LAYER_UNSAFE_PATH');
      assert.match(err.message, /evil\.tar\.gz: entry "\.\.\/\.\.\/etc\/passwd" climbs out/);
      return true;
    });
  });

  it('security: refuses a hard link that points outside what is unpacked', async () => {
    const item = await local('evil-link.tar', await makeTar([{ name: 'a', type: 'link', linkname: '../../etc/shadow' }]));
    await assert.rejects(tarballEntries(item, 0, { store }), { code: 'ERR_LAYER_UNSAFE_PATH' });
  });

  it('security: refuses device nodes', async () => {
    const item = await local('dev.tar', await makeTar([{ name: 'dev/null', type: 'character-device' }]));
    await assert.rejects(tarballEntries(item, 0, { store }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_LAYER_UNSAFE_PATH');
      assert.match(err.message, /dev\/null is a character-device/);
      return true;
    });
  });

  it('fails with ERR_INPUT_DIGEST_MISMATCH naming the file when the sha256 differs', async () => {
    const item = await local('b.tar.gz', await makeTarGz(sample));
    await assert.rejects(tarballEntries({ ...item, sha256: '0'.repeat(64) }, 0, { store }), (err: Error & { code?: string; subject?: string }) => {
      assert.equal(err.code, 'ERR_INPUT_DIGEST_MISMATCH');
      assert.match(err.subject ?? '', /b\.tar\.gz$/);
      return true;
    });
  });

  it('fails with ERR_INPUT_MALFORMED on a truncated archive, and refuses xz clearly', async () => {
    const whole = await makeTarGz(sample);
    const cut = whole.subarray(0, whole.length - 30);
    await assert.rejects(tarballEntries(await local('cut.tar.gz', cut), 0, { store }), { code: 'ERR_INPUT_MALFORMED' });
    const xz = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]);
    await assert.rejects(tarballEntries(await local('x.tar.xz', xz), 0, { store }), { code: 'ERR_INPUT_MALFORMED' });
  });

  it('downloads a URL on 127.0.0.1 into the store, verified, and reuses it', async () => {
    const bytes = await makeTarGz(sample);
    served.set('/a.tar.gz', bytes);
    const item: TarballItem = { kind: 'tarball', dest: '/opt/x', location: { url: `${base}/a.tar.gz` }, sha256: sha(bytes), strip: 0, at: { keyPath: 'files[0]' } };
    assert.equal((await tarballEntries(item, 0, { store })).length, 3);
    assert.ok(await store.has(`sha256:${sha(bytes)}` as never));
    served.delete('/a.tar.gz');
    assert.equal((await tarballEntries(item, 0, { store })).length, 3, 'served from the store');
  });

  it('re-verifies a download already in the store: a tampered entry is fetched again', async () => {
    const bytes = await makeTarGz(sample);
    served.set('/tamper.tar.gz', bytes);
    const own = new ContentStore(join(dir, 'tamper-store'));
    const item: TarballItem = { kind: 'tarball', dest: '/opt/x', location: { url: `${base}/tamper.tar.gz` }, sha256: sha(bytes), strip: 0, at: { keyPath: 'files[0]' } };
    await tarballEntries(item, 0, { store: own });
    const other = await makeTarGz([{ name: 'evil', body: 'not what was pinned' }]);
    await writeFile(own.path(`sha256:${sha(bytes)}` as never), other);
    const got = await tarballEntries(item, 0, { store: own });
    assert.deepEqual(got.map((e) => e.path), ['/opt/x/pkg', '/opt/x/pkg/bin/tool', '/opt/x/pkg/link']);
    assert.ok((await readFile(own.path(`sha256:${sha(bytes)}` as never))).equals(bytes), 'the store holds the pinned bytes again');
  });

  it('security: refuses GNU sparse files and other types it cannot copy faithfully', async () => {
    const tarBytes = await makeTar([{ name: 'sparse', body: 'x'.repeat(10) }]);
    tarBytes[156] = 'S'.charCodeAt(0);
    // Fix the header checksum after changing the type flag.
    tarBytes.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += tarBytes[i]!;
    tarBytes.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await assert.rejects(tarballEntries(await local('sparse.tar', tarBytes), 0, { store }), { code: 'ERR_INPUT_MALFORMED' });
  });

  it('unpacks a rootfs tarball (with its "./" entry) at "/"', async () => {
    const item = await local('rootfs.tar', await makeTar([{ name: './', type: 'directory' }, { name: './etc/', type: 'directory' }, { name: './etc/hostname', body: 'box\n' }]), { dest: '/' });
    assert.deepEqual((await tarballEntries(item, 0, { store })).map((e) => e.path), ['/etc', '/etc/hostname']);
  });

  it('a URL whose bytes differ from sha256 fails and leaves nothing in the store', async () => {
    const bytes = await makeTarGz(sample);
    served.set('/wrong.tar.gz', bytes);
    const fresh = new ContentStore(join(dir, 'fresh-store'));
    const item: TarballItem = { kind: 'tarball', dest: '/opt/x', location: { url: `${base}/wrong.tar.gz` }, sha256: 'a'.repeat(64), strip: 0, at: { keyPath: 'files[0]' } };
    await assert.rejects(tarballEntries(item, 0, { store: fresh }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_INPUT_DIGEST_MISMATCH');
      assert.match(err.message, /^files\[0\]\.sha256: http:\/\/127\.0\.0\.1:\d+\/wrong\.tar\.gz: expected sha256:a{64}, got sha256:/);
      return true;
    });
    assert.deepEqual(await readdir(join(dir, 'fresh-store', 'sha256')), []);
    const missing: TarballItem = { ...item, location: { url: `${base}/missing.tar.gz` } };
    await assert.rejects(tarballEntries(missing, 0, { store: fresh }), { code: 'ERR_FETCH_HTTP' });
  });
});
