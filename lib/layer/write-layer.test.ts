import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { createCompressor, DEFAULT_LEVELS, writeLayer, type Compression, type LayerEntry } from './index.js';

/** seededBytes is deterministic pseudo-random data with some repetition, `n` bytes. */
function seededBytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = i % 7 === 0 ? 0x41 : x >>> 24;
  }
  return b;
}

const BIG = seededBytes(3 * 1024 * 1024 + 17);
const LONG_NAME = `/${'d'.repeat(120)}/${'f'.repeat(110)}`;
const UNICODE = '/srv/caf\u00e9/\u65e5\u672c.txt';

function entries(): LayerEntry[] {
  const file = (path: string, body: Buffer, mode = 0o644, uid = 0, gid = 0): LayerEntry => ({
    path,
    type: 'file',
    mode,
    uid,
    gid,
    size: body.length,
    // Split the body at odd places: output must not depend on chunking.
    open: async () => Readable.from([body.subarray(0, 1), body.subarray(1, 4099), body.subarray(4099)]),
  });
  return [
    { path: '/bin', type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 },
    file('/bin/big', BIG, 0o4755, 10001, 10001),
    { path: '/bin/sh', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'dash' },
    { path: '/tmp', type: 'directory', mode: 0o1777, uid: 0, gid: 0, size: 0 },
    file('/tmp/empty', Buffer.alloc(0), 0o600),
    file('/tmp/hard-target', Buffer.from('same inode\n')),
    { path: '/tmp/hard-z', type: 'hardlink', mode: 0o644, uid: 0, gid: 0, size: 0, linkname: '/tmp/hard-target' },
    file('/tmp/setgid', Buffer.from('x'), 0o2755, 3000000, 3000001),
    file(LONG_NAME, Buffer.from('long\n')),
    file(UNICODE, Buffer.from('unicode\n')),
  ];
}

describe('writeLayer', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-layer-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const decompress: Record<Compression, string> = { gzip: 'gzip -dc', zstd: 'zstd -dcq', none: 'cat' };
  for (const compression of ['gzip', 'zstd', 'none'] as const) {
    it(`${compression}: diffId is the sha256 of the tar, digest of the blob; GNU tar reads every entry`, async (t) => {
      if (!requireTool(t, 'tar', 'gzip', 'zstd')) return;
      const layer = await writeLayer(entries(), { compression, mediaType: 'm', blobsDir: dir, mtime: 1_700_000_000 });
      const blob = await readFile(join(dir, 'sha256', layer.descriptor.digest.slice(7)));
      assert.equal(blob.length, layer.descriptor.size);
      assert.equal(`sha256:${createHash('sha256').update(blob).digest('hex')}`, layer.descriptor.digest);
      const path = join(dir, 'sha256', layer.descriptor.digest.slice(7));
      const tarSha = mustRun('sh', ['-c', `${decompress[compression]} "$0" | sha256sum`, path]).split(' ')[0];
      assert.equal(`sha256:${tarSha}`, layer.diffId);
      const listing = mustRun('sh', ['-c', `${decompress[compression]} "$0" | tar -tvf - --numeric-owner --full-time`, path]);
      const lines = listing.trim().split('\n');
      assert.deepEqual(
        lines.map((l) => l.split(/\s+/).slice(5).join(' ')),
        ['bin/', 'bin/big', 'bin/sh -> dash', 'tmp/', 'tmp/empty', 'tmp/hard-target', 'tmp/hard-z link to tmp/hard-target', 'tmp/setgid', LONG_NAME.slice(1), UNICODE.slice(1)],
      );
      assert.match(lines[1]!, /^-rwsr-xr-x 10001\/10001 3145745 2023-11-14 22:13:20 bin\/big$/);
      assert.match(lines[3]!, /^drwxrwxrwt 0\/0 /);
      assert.match(lines[7]!, /^-rwxr-sr-x 3000000\/3000001 /, 'ids past ustar octal fields go to PAX');
      const body = mustRun('sh', ['-c', `${decompress[compression]} "$0" | tar -xOf - bin/big | sha256sum`, path]).split(' ')[0];
      assert.equal(body, createHash('sha256').update(BIG).digest('hex'));
    });
  }

  it('is deterministic: the same entries give the same digest', async () => {
    const a = await writeLayer(entries(), { compression: 'gzip', mediaType: 'm', blobsDir: dir, mtime: 0 });
    const b = await writeLayer(entries(), { compression: 'gzip', mediaType: 'm', blobsDir: dir, mtime: 0 });
    assert.equal(a.descriptor.digest, b.descriptor.digest);
    assert.equal(a.diffId, b.diffId);
    const c = await writeLayer(entries(), { compression: 'gzip', mediaType: 'm', blobsDir: dir, mtime: 1 });
    assert.notEqual(c.diffId, a.diffId, 'mtime is part of the tar');
  });

  it('fails, leaving no blob, when a body is shorter than declared', async () => {
    const bad: LayerEntry = { path: '/x', type: 'file', mode: 0o644, uid: 0, gid: 0, size: 10, open: async () => Readable.from([Buffer.from('short')]) };
    await assert.rejects(writeLayer([bad], { compression: 'gzip', mediaType: 'm', blobsDir: join(dir, 'short'), mtime: 0 }), { code: 'ERR_INPUT_MALFORMED' });
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual(await readdir(join(dir, 'short', 'sha256')), []);
  });
});

describe('writeLayer under failure', () => {
  it('a layer waiting for a worker still finishes when every busy worker is discarded', async () => {
    const { availableParallelism } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'slipway-pool-'));
    try {
      const body = seededBytes(4 * 1024 * 1024, 11);
      const entry = (fail: boolean): LayerEntry[] => [
        {
          path: '/f',
          type: 'file',
          mode: 0o644,
          uid: 0,
          gid: 0,
          size: body.length,
          open: async () =>
            fail
              ? Readable.from(
                  (async function* () {
                    yield body.subarray(0, 2 * 1024 * 1024);
                    await new Promise((r) => setTimeout(r, 100));
                    throw new Error('input broke');
                  })(),
                )
              : Readable.from([body]),
        },
      ];
      const opts = { compression: 'gzip' as const, mediaType: 'm', blobsDir: dir, mtime: 0 };
      const jobs = Array.from({ length: availableParallelism() }, () => writeLayer(entry(true), opts).then(() => 'ok', () => 'failed'));
      jobs.push(writeLayer(entry(false), opts).then(() => 'ok', () => 'failed'));
      const results = await Promise.all(jobs);
      assert.equal(results.at(-1), 'ok');
      assert.ok(results.slice(0, -1).every((r) => r === 'failed'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('createCompressor', () => {
  async function compress(kind: Compression, chunks: Buffer[]): Promise<Buffer> {
    const out: Buffer[] = [];
    const c = createCompressor(kind);
    const done = (async () => {
      for await (const b of c) out.push(b as Buffer);
    })();
    for (const chunk of chunks) if (!c.write(chunk)) await new Promise((r) => c.once('drain', r));
    c.end();
    await done;
    return Buffer.concat(out);
  }

  for (const kind of ['gzip', 'zstd'] as const) {
    it(`${kind}: output does not depend on how the input is chunked`, async () => {
      const data = seededBytes(5 * 1024 * 1024, 7);
      const whole = await compress(kind, [data]);
      const bytewise = await compress(kind, [data.subarray(0, 1), data.subarray(1, 3), data.subarray(3, 700_001), data.subarray(700_001)]);
      const small: Buffer[] = [];
      for (let i = 0; i < data.length; i += 65_521) small.push(data.subarray(i, i + 65_521));
      assert.ok(whole.equals(bytewise));
      assert.ok(whole.equals(await compress(kind, small)));
    });
  }

  it('gzip output is what canonical zlib (pako) makes, readable by gzip(1)', async (t) => {
    if (!requireTool(t, 'gzip')) return;
    const data = seededBytes(100_000, 3);
    const gz = await compress('gzip', [data]);
    const pako = (await import('pako')).default;
    assert.ok(gz.equals(Buffer.from(pako.gzip(data, { level: DEFAULT_LEVELS.gzip as 1 }))));
    const { writeFile } = await import('node:fs/promises');
    const p = join(tmpdir(), `slipway-gz-${process.pid}.gz`);
    await writeFile(p, gz);
    try {
      assert.equal(mustRun('sh', ['-c', 'gzip -dc "$0" | sha256sum', p]).split(' ')[0], createHash('sha256').update(data).digest('hex'));
    } finally {
      await rm(p, { force: true });
    }
  });

  it('compresses several streams at once', async () => {
    const inputs = [1, 2, 3, 4, 5].map((s) => seededBytes(1024 * 1024, s));
    const outs = await Promise.all(inputs.map((d) => compress('gzip', [d])));
    const pako = (await import('pako')).default;
    outs.forEach((o, i) => assert.ok(Buffer.from(pako.ungzip(o)).equals(inputs[i]!)));
  });
});
