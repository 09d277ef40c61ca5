import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { chunkings } from '../../fixtures/apt-chunks.js';
import { buildDeb, type DebSpec } from '../../fixtures/deb-builder.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { asContentsLine, checkFields, dpkgContents, readAll, type Read, type Seen } from '../../fixtures/deb-oracle.js';
import { readDeb, type ControlFiles } from './index.js';

type C = 'gz' | 'xz' | 'zst' | 'none';
const KINDS: readonly C[] = ['gz', 'xz', 'zst', 'none'];
const SUFFIX: Record<C, string> = { gz: '.gz', xz: '.xz', zst: '.zst', none: '' };

const r = seededRandom(7);
const NOISE = Buffer.from(Array.from({ length: 200_000 }, () => Math.floor(r() * 256)));

const SPEC: DebSpec = {
  package: 'hello',
  version: '1:2.10-3',
  architecture: 'amd64',
  fields: { Depends: 'libc6 (>= 2.34),\n libfoo | libbar', 'Multi-Arch': 'foreign', Description: 'greets\n A longer text.\n .\n Second paragraph.' },
  files: [
    { path: '/usr/bin/hello', body: '#!/bin/sh\necho hello\n', mode: 0o755 },
    { path: '/usr/bin/hi', type: 'symlink', target: 'hello' },
    { path: '/usr/bin/abs', type: 'symlink', target: '/usr/bin/hello' },
    { path: '/usr/bin/hello.hard', type: 'hardlink', target: '/usr/bin/hello' },
    { path: '/etc/hello.conf', body: 'greeting=hello\n' },
    { path: '/usr/share/hello/noise.bin', body: NOISE },
    { path: '/usr/share/hello/empty', body: '' },
    { path: '/var/lib/hello', type: 'directory', mode: 0o700 },
    { path: '/tmp/sticky', type: 'directory', mode: 0o1777 },
    { path: 'usr/sbin/hello-setuid', body: Buffer.from([0, 1, 2, 255]), mode: 0o4755 },
    { path: '/usr/sbin/setgid', body: 'g', mode: 0o2750 },
  ],
  conffiles: ['/etc/hello.conf'],
  scripts: { postinst: '#!/bin/sh\nset -e\nupdate-alternatives --install /usr/bin/greet greet /usr/bin/hello 10\n', prerm: '#!/bin/sh\nexit 0\n', config: '#!/bin/sh\n' },
  triggers: 'interest-noawait /usr/share/hello\n',
};

const SMALL: DebSpec = { package: 'tiny', version: '1.0', architecture: 'all', files: [{ path: '/usr/share/tiny/a', body: 'a\n' }, { path: '/usr/share/tiny/b', type: 'symlink', target: 'a' }] };

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-readdeb-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('readDeb', () => {
  for (const control of KINDS) {
    for (const data of KINDS) {
      it(`control.tar${SUFFIX[control]} + data.tar${SUFFIX[data]} reads as dpkg-deb reads it`, async (t) => {
        if (!requireTool(t, 'dpkg-deb', 'xz')) return;
        const bytes = await buildDeb({ ...SPEC, compression: { control, data } });
        const deb = join(dir, `hello-${control}-${data}.deb`);
        await writeFile(deb, bytes);
        const got = await readAll(Readable.from([bytes]), deb);
        assert.deepEqual(got.members, [`control.tar${SUFFIX[control]}`, `data.tar${SUFFIX[data]}`]);
        assert.deepEqual(got.entries.map(asContentsLine), dpkgContents(deb));
        await checkExtracted(deb, got, join(dir, `x-${control}-${data}`));
        await checkControlFiles(deb, got.control, join(dir, `c-${control}-${data}`));
        checkFields(deb, got.control.control);
      });
    }
  }

  it('yields what the spec says: paths, modes, links, bodies', async (t) => {
    if (!requireTool(t, 'xz')) return;
    const got = await readAll(Readable.from([await buildDeb(SPEC)]));
    const byPath = new Map(got.entries.map((e) => [e.path, e]));
    assert.equal(got.entries[0]!.path, '/');
    assert.deepEqual(pick(byPath.get('/usr/bin/hi')), { type: 'symlink', mode: 0o777, linkname: 'hello' });
    assert.deepEqual(pick(byPath.get('/usr/bin/abs')), { type: 'symlink', mode: 0o777, linkname: '/usr/bin/hello' });
    assert.deepEqual(pick(byPath.get('/usr/bin/hello.hard')), { type: 'hardlink', mode: 0o755, linkname: '/usr/bin/hello' });
    assert.deepEqual(pick(byPath.get('/usr/sbin/hello-setuid')), { type: 'file', mode: 0o4755, linkname: undefined });
    assert.deepEqual(pick(byPath.get('/var/lib/hello')), { type: 'directory', mode: 0o700, linkname: undefined });
    assert.equal(byPath.get('/usr/share/hello/noise.bin')!.sha256, createHash('sha256').update(NOISE).digest('hex'));
    assert.equal(byPath.get('/usr/share/hello/noise.bin')!.size, NOISE.length);
    assert.equal(byPath.get('/usr/share/hello/empty')!.sha256, createHash('sha256').digest('hex'));
    assert.ok(got.entries.every((e) => e.uid === 0 && e.gid === 0 && e.uname === 'root'));
    assert.equal(got.control.conffiles, '/etc/hello.conf\n');
    assert.equal(got.control.triggers, SPEC.triggers);
    assert.deepEqual(Object.keys(got.control.scripts).sort(), ['config', 'postinst', 'prerm']);
    assert.equal(got.control.scripts.postinst?.toString(), SPEC.scripts!.postinst);
  });

  for (const kind of KINDS) {
    it(`gives the same result fed whole, byte at a time and in random splits (${kind})`, async (t) => {
      if (!requireTool(t, 'xz')) return;
      const small = await buildDeb({ ...SMALL, compression: { control: kind, data: kind } });
      const big = await buildDeb({ ...SPEC, compression: { control: kind, data: kind } });
      for (const bytes of [small, big]) {
        const want = await readAll(Readable.from([bytes]));
        for (const [how, pieces] of chunkings(bytes)) {
          if (how === 'byte-at-a-time' && bytes === big) continue;
          assert.deepEqual(await readAll(Readable.from(pieces)), want, how);
        }
      }
    });
  }

  it('skips file bodies left unread; stopping early destroys the source', async (t) => {
    if (!requireTool(t, 'xz')) return;
    const bytes = await buildDeb(SPEC);
    const paths: string[] = [];
    for await (const part of readDeb(Readable.from([bytes]), { subject: 'hello.deb' })) {
      if (part.kind === 'data') for await (const e of part.entries) paths.push(e.path);
    }
    assert.deepEqual(paths, (await readAll(Readable.from([bytes]))).entries.map((e) => e.path));
    const src = Readable.from([bytes]);
    for await (const part of readDeb(src, { subject: 'hello.deb' })) {
      assert.equal(part.kind, 'control');
      break;
    }
    assert.equal(src.destroyed, true);
  });

  it('stops with ERR_ABORTED when its signal aborts', async (t) => {
    if (!requireTool(t, 'xz')) return;
    const ac = new AbortController();
    const bytes = await buildDeb(SPEC);
    await assert.rejects(async () => {
      for await (const part of readDeb(Readable.from(chunkings(bytes)[2]![1]), { subject: 'hello.deb', signal: ac.signal })) {
        if (part.kind === 'data') for await (const e of part.entries) if (e.path === '/usr/bin/hello') ac.abort();
      }
    }, { code: 'ERR_ABORTED', message: /^hello\.deb: reading was aborted/ });
  });

  for (const z of ['gzip', 'xz', 'zstd', 'none'] as const) {
    it(`reads a package dpkg-deb --build -Z${z} made (GNU long names, hard links, a fifo)`, async (t) => {
      if (!requireTool(t, 'dpkg-deb')) return;
      const root = join(dir, `tree-${z}`);
      const long = `usr/share/${'d'.repeat(80)}/${'e'.repeat(80)}`;
      await mkdir(join(root, 'DEBIAN'), { recursive: true });
      await mkdir(join(root, long), { recursive: true });
      await writeFile(join(root, 'DEBIAN', 'control'), 'Package: built\nVersion: 2.0-1\nArchitecture: all\nMaintainer: M <m@example.invalid>\nDescription: built by dpkg-deb\n');
      await writeFile(join(root, 'DEBIAN', 'postinst'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      await writeFile(join(root, long, 'file'), NOISE.subarray(0, 70_000));
      await link(join(root, long, 'file'), join(root, long, 'hard'));
      await symlink('file', join(root, long, 'sym'));
      await writeFile(join(root, 'usr', 'share', 'suid'), 'x', { mode: 0o755 });
      await chmod(join(root, 'usr', 'share', 'suid'), 0o4755);
      mustRun('mkfifo', [join(root, 'usr', 'share', 'fifo')]);
      const deb = join(dir, `built-${z}.deb`);
      mustRun('dpkg-deb', ['--root-owner-group', `-Z${z}`, '-b', root, deb], { env: { SOURCE_DATE_EPOCH: '1686387473' } });
      const got = await readAll(createReadStream(deb), deb);
      assert.deepEqual(got.entries.map(asContentsLine), dpkgContents(deb));
      assert.ok(got.entries.some((e) => e.type === 'hardlink') && got.entries.some((e) => e.type === 'fifo'));
      const file = got.entries.find((e) => e.path === `/${long}/file`);
      assert.equal(file?.sha256, createHash('sha256').update(NOISE.subarray(0, 70_000)).digest('hex'));
      await checkControlFiles(deb, got.control, join(dir, `built-c-${z}`));
      checkFields(deb, got.control.control);
    });
  }
});

function pick(e: Seen | undefined) {
  assert.ok(e);
  return { type: e.type, mode: e.mode, linkname: e.linkname };
}

/** checkExtracted compares every regular file body with what dpkg-deb -x writes. */
async function checkExtracted(deb: string, got: Read, into: string): Promise<void> {
  mustRun('dpkg-deb', ['-x', deb, into]);
  for (const e of got.entries) {
    if (e.type !== 'file') continue;
    const want = createHash('sha256').update(await readFile(join(into, e.path))).digest('hex');
    assert.equal(e.sha256, want, `${deb} ${e.path}`);
  }
}

/** checkControlFiles compares every control file with what dpkg-deb -e writes. */
async function checkControlFiles(deb: string, c: ControlFiles, into: string): Promise<void> {
  mustRun('dpkg-deb', ['-e', deb, into]);
  const ours = new Map<string, Buffer>(c.other);
  for (const k of ['control', 'conffiles', 'md5sums', 'triggers', 'shlibs'] as const) {
    const v = c[k];
    if (v !== undefined) ours.set(k, Buffer.from(v));
  }
  for (const [k, v] of Object.entries(c.scripts)) ours.set(k, v);
  const names = (await readdir(into)).sort();
  assert.deepEqual([...ours.keys()].sort(), names, deb);
  for (const n of names) assert.deepEqual(ours.get(n), await readFile(join(into, n)), `${deb} ${n}`);
}
