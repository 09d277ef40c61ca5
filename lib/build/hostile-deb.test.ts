/**
 * Hostile packages through a whole build (STYLE.md §6 security cases): each .deb is made in
 * code, served from a generated, properly signed repository that lists its real size and
 * SHA256 (so the download verifies and the reader or the merge is what refuses it), and
 * requested by a config. Each build must fail with its code and a message naming the package
 * and the path or member, and leave nothing behind: no output, nothing outside the output and
 * cache directories, and nothing of the package in the cache.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import { constants, crc32, createGunzip, deflateRawSync, gzipSync } from 'node:zlib';
import { buildAptRepo, poolPath, type AptRepo, type RepoPackage } from '../../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../../fixtures/apt-server.js';
import { buildDeb, packTar, type TarEntry } from '../../fixtures/deb-builder.js';
import { makeTar } from '../../fixtures/make-tar.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { runTool } from '../../fixtures/run-tool.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { rawDeb, withDebBytes } from '../../fixtures/with-deb-bytes.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage } from './build-image.js';

const MTIME = 1686387473;
const GZ = { control: 'gz', data: 'gz' } as const;
const BOMB_MIB = 200;

/** HostileCase is one package: how its bytes are made, and how the build must fail. */
interface HostileCase {
  readonly title: string;
  readonly spec: RepoPackage;
  readonly code: 'ERR_DEB_UNSAFE' | 'ERR_DEB_MALFORMED';
  /** Text the message must hold besides the package: the path or member. */
  readonly names: readonly string[];
  readonly make: (spec: RepoPackage) => Promise<Buffer>;
}

const spec = (name: string, fields: Record<string, string> = {}): RepoPackage => ({ package: name, version: '1.0', architecture: 'amd64', fields, compression: GZ });
const dirs = (...names: string[]): TarEntry[] => ['./', ...names].map((name) => ({ name, type: 'directory' as const, mode: 0o755 }));
const dataTarGz = async (entries: readonly TarEntry[]) => ({ name: 'data.tar.gz', bytes: gzipSync(await packTar(entries, MTIME)) });

/**
 * gzipBomb is a valid gzip of `head`, `mib` MiB of zeros, then `tail`, about 1 KiB per MiB:
 * each part deflated on its own and ended by a full flush (so it refers to nothing before it),
 * the last one final, then the CRC-32 and length of the whole.
 */
function gzipBomb(head: Buffer, mib: number, tail: Buffer): Buffer {
  const zeros = Buffer.alloc(1 << 20);
  const flush = { level: 9, finishFlush: constants.Z_FULL_FLUSH };
  let crc = crc32(head);
  for (let i = 0; i < mib; i++) crc = crc32(zeros, crc);
  crc = crc32(tail, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((head.length + mib * (1 << 20) + tail.length) % 2 ** 32, 4);
  const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  const block = deflateRawSync(zeros, flush);
  return Buffer.concat([gzipHeader, deflateRawSync(head, flush), ...Array<Buffer>(mib).fill(block), deflateRawSync(tail, { level: 9 }), trailer]);
}

/** bombData is a data.tar.gz of one file of `mib` MiB of zeros under ./usr/share/. */
async function bombData(mib: number): Promise<Buffer> {
  const tar = await packTar([...dirs('./usr/', './usr/share/'), { name: './usr/share/bomb', type: 'file', mode: 0o644, body: Buffer.alloc(0) }], MTIME);
  // The last 512-byte header is the file's; give it the bomb's size and fix its checksum.
  const headers = tar.subarray(0, 4 * 512);
  const h = headers.subarray(3 * 512, 4 * 512);
  h.write(`${(mib << 20).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return gzipBomb(headers, mib, Buffer.alloc(1024));
}

async function gunzippedLength(gz: Buffer): Promise<number> {
  let n = 0;
  await pipeline(Readable.from([gz]), createGunzip(), async (src: AsyncIterable<Buffer>) => {
    for await (const c of src) n += c.length;
  });
  return n;
}

const CASES: readonly HostileCase[] = [
  {
    title: 'path traversal: ./../../etc/evil in data.tar',
    spec: spec('evil-dotdot'),
    code: 'ERR_DEB_UNSAFE',
    names: ['data.tar.gz', './../../etc/evil'],
    make: async (s) => rawDeb(s, await dataTarGz([...dirs(), { name: './../../etc/evil', type: 'file', mode: 0o644, body: Buffer.from('root::0:0::/:/bin/sh\n') }])),
  },
  {
    title: 'path traversal inside a path: ./usr/../../x',
    spec: spec('evil-usr-dotdot'),
    code: 'ERR_DEB_UNSAFE',
    names: ['data.tar.gz', './usr/../../x'],
    make: async (s) => rawDeb(s, await dataTarGz([...dirs('./usr/'), { name: './usr/../../x', type: 'file', mode: 0o644, body: Buffer.from('x') }])),
  },
  {
    title: 'symlink escape: ./usr/lib/evil -> ../../../../../tmp/x',
    spec: spec('evil-link'),
    code: 'ERR_DEB_UNSAFE',
    names: ['/usr/lib/evil', '../../../../../tmp/x'],
    make: async (s) => rawDeb(s, await dataTarGz([...dirs('./usr/', './usr/lib/'), { name: './usr/lib/evil', type: 'symlink', mode: 0o777, linkname: '../../../../../tmp/x' }])),
  },
  {
    title: 'symlink escape with a file placed below the link',
    spec: spec('evil-below-link'),
    code: 'ERR_DEB_UNSAFE',
    names: ['/usr/lib/evil'],
    make: async (s) =>
      rawDeb(s, await dataTarGz([
        ...dirs('./usr/', './usr/lib/'),
        { name: './usr/lib/evil', type: 'symlink', mode: 0o777, linkname: '../../../../../tmp/x' },
        { name: './usr/lib/evil/payload', type: 'file', mode: 0o644, body: Buffer.from('payload\n') },
      ])),
  },
  {
    title: `decompression bomb: ${BOMB_MIB} MiB of zeros in data.tar.gz, Installed-Size: 4`,
    spec: spec('evil-bomb', { 'Installed-Size': '4' }),
    code: 'ERR_DEB_UNSAFE',
    names: ['data.tar.gz', './usr/share/bomb'],
    make: async (s) => {
      const data = await bombData(BOMB_MIB);
      assert.ok(data.length < 512 * 1024, `the bomb is small: ${data.length} bytes`);
      // node:zlib as the oracle: the member really expands to more than 200 MiB.
      assert.equal(await gunzippedLength(data), 4 * 512 + (BOMB_MIB << 20) + 1024);
      return rawDeb(s, { name: 'data.tar.gz', bytes: data });
    },
  },
  {
    title: 'a truncated ar member: the .deb cut short inside data.tar.gz',
    spec: spec('evil-truncated'),
    code: 'ERR_DEB_MALFORMED',
    names: ['data.tar.gz'],
    make: async (s) => {
      const random = seededRandom(6);
      const body = Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(random() * 256)));
      const whole = await buildDeb({ ...s, files: [{ path: '/usr/share/evil/noise', body }] });
      // The data member comes last and holds ~64 KiB that do not compress: cut 20 KiB off it.
      return whole.subarray(0, whole.length - 20 * 1024);
    },
  },
  {
    title: 'a device node in data.tar',
    spec: spec('evil-device'),
    code: 'ERR_DEB_UNSAFE',
    names: ['/dev/evil'],
    make: async (s) => rawDeb(s, { name: 'data.tar', bytes: await makeTar([{ name: './', type: 'directory' }, { name: './dev/', type: 'directory' }, { name: './dev/evil', type: 'character-device', mode: 0o666 }]) }),
  },
];

/** listing returns the names in `dir`, or [] when it does not exist. */
async function listing(dir: string): Promise<string[]> {
  return readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

describe('buildImage refuses hostile packages and leaves nothing behind', { timeout: 120_000 }, () => {
  let root: string;
  let work: string;
  let repo: AptRepo;
  let server: RepoServer;
  const hostile = new Map<string, Buffer>();
  const saved = { cwd: process.cwd(), TMPDIR: process.env['TMPDIR'], HOME: process.env['HOME'], XDG_CACHE_HOME: process.env['XDG_CACHE_HOME'] };
  // Private stand-ins for the places a build might write without being asked to.
  const privateDirs = () => ['tmp', 'home', 'xdg-cache'].map((d) => join(root, d));

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-hostile-'));
    work = join(root, 'work');
    await mkdir(work);
    for (const d of privateDirs()) await mkdir(d);
    repo = await buildAptRepo({ suites: [{ suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], indexCompression: ['xz', 'gz'], packages: CASES.map((c) => c.spec) }] });
    for (const c of CASES) {
      const bytes = await c.make(c.spec);
      hostile.set(c.spec.package, bytes);
      repo = await withDebBytes(repo, poolPath(c.spec), bytes);
    }
    server = await serveRepo(repo.files);
    await writeFile(join(work, 'archive.gpg'), repo.key!.binaryPublicKey);
    // The build runs in `work`; os.tmpdir(), HOME and the user cache point at empty private dirs.
    const [tmp, home, xdg] = privateDirs();
    process.env['TMPDIR'] = tmp;
    process.env['HOME'] = home;
    process.env['XDG_CACHE_HOME'] = xdg;
    process.chdir(work);
  });
  after(async () => {
    process.chdir(saved.cwd);
    for (const k of ['TMPDIR', 'HOME', 'XDG_CACHE_HOME'] as const) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await server?.close();
    if (!process.env['KEEP']) await rm(root, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(c.title, async () => {
      const name = c.spec.package;
      const out = join(work, `out-${name}`);
      const cache = join(root, `cache-${name}`);
      const yaml = `apt:\n  sources:\n    - uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: ${join(work, 'archive.gpg')}\n  packages: [${name}]\n`;
      await assert.rejects(stat(out), { code: 'ENOENT' });
      const plan = parseConfigText(yaml, join(work, 'slipway.yaml'));
      await assert.rejects(buildImage(plan, { output: `oci:${out}`, cacheDir: cache, cwd: work, sourceDateEpoch: 1700000000 }), (err: Error & { code?: string }) => {
        assert.equal(err.code, c.code, err.message);
        assert.ok(err.message.includes(`${name} 1.0 (amd64)`), `the message names the package: ${err.message}`);
        for (const n of c.names) assert.ok(err.message.includes(n), `the message names ${n}: ${err.message}`);
        return true;
      });
      assert.ok(server.requests.some((r) => r.path === poolPath(c.spec) && r.status === 200), 'the .deb was downloaded (and verified)');

      await assert.rejects(stat(out), { code: 'ENOENT' }, 'no output');
      assert.deepEqual(await listing(work), ['archive.gpg'], 'nothing written in the working directory');
      for (const d of privateDirs()) assert.deepEqual(await listing(d), [], `nothing written in ${d} (TMPDIR, HOME, XDG_CACHE_HOME)`);

      const sha256 = createHash('sha256').update(hostile.get(name)!).digest('hex');
      assert.deepEqual((await listing(join(cache, 'debs'))).filter((f) => f.endsWith('.json')), [], 'no .deb contents cached');
      assert.deepEqual((await listing(join(cache, 'layers'))).filter((f) => f.endsWith('.json')), [], 'no layer cached');
      assert.deepEqual(await listing(join(cache, 'tmp')), [], 'no spool left');
      const blobs = await listing(join(cache, 'blobs', 'sha256'));
      assert.equal(blobs.includes(sha256), false, `the hostile .deb (sha256:${sha256}) is not left in the blob store`);
      assert.deepEqual(blobs.filter((b) => b.startsWith('.')), [], 'no temporary blob left');
    });
  }

  it('dpkg-deb also refuses the truncated package (oracle)', async (t) => {
    if (!requireTool(t, 'dpkg-deb')) return;
    const file = join(root, 'truncated.deb');
    await writeFile(file, hostile.get('evil-truncated')!);
    try {
      const r = runTool('dpkg-deb', ['--fsys-tarfile', file]);
      assert.notEqual(r.status, 0, 'dpkg-deb reads the whole data member');
    } finally {
      await rm(file, { force: true });
    }
  });
});
