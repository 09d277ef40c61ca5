import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it, type TestContext } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import { byteAtATime, splitRandomly } from '../../fixtures/apt-chunks.js';
import { compressBytes } from '../../fixtures/compress-bytes.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { compressionOf, openDecompressor, type ArchiveCompression } from './decompress.js';

/** sample makes `size` bytes, half words and half skewed binary, deterministically from `seed`. */
function sample(size: number, seed: number): Buffer {
  const rand = seededRandom(seed);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    out[i] = i % 4096 < 2048 ? 97 + Math.floor(rand() ** 2 * 26) : Math.floor(256 * rand() ** 5);
  }
  return out;
}

/** xz runs the xz(1) program over `input` with `args` and returns its stdout. */
function xz(input: Buffer, ...args: string[]): Buffer {
  const r = spawnSync('xz', ['-c', '-T1', ...args], { input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`xz ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

/** decode writes `chunks` through openDecompressor(kind) and returns the output. */
async function decode(chunks: readonly Buffer[], kind: Exclude<ArchiveCompression, 'bzip2'> = 'xz'): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk);
      cb();
    },
  });
  await pipeline(Readable.from(chunks), openDecompressor(kind), sink);
  return Buffer.concat(out);
}

/** rejectsXz asserts that decoding `data` fails with an Error whose message starts with `xz:`. */
async function rejectsXz(data: Buffer, what: string): Promise<void> {
  await assert.rejects(decode([data]), (err: Error) => {
    assert.ok(err instanceof Error, what);
    assert.match(err.message, /^xz: /, what);
    return true;
  }, what);
}

const has = (t: TestContext) => requireTool(t, 'xz');

describe('compressionOf', () => {
  it('names each magic number', () => {
    assert.equal(compressionOf(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
    assert.equal(compressionOf(gzipSync(Buffer.from('x'))), 'gzip');
    assert.equal(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), 'zstd');
    assert.equal(compressionOf(Buffer.from('BZh9')), 'bzip2');
    assert.equal(compressionOf(Buffer.from('ustar')), 'none');
  });
});

describe('openDecompressor', () => {
  it('round-trips gzip, zstd and none', async () => {
    const data = sample(300_000, 1);
    assert.ok((await decode(splitRandomly(gzipSync(data), 1, 4096), 'gzip')).equals(data));
    assert.ok((await decode(splitRandomly(await compressBytes(data, 'zst'), 2, 4096), 'zstd')).equals(data));
    assert.ok((await decode(splitRandomly(data, 3, 4096), 'none')).equals(data));
  });
});

describe("openDecompressor('zstd')", () => {
  const MiB = 1024 * 1024;

  it('keeps its output buffer bounded when a small input expands to 64 MiB, read slowly', async () => {
    // 64 MiB of zeros compress to a few KiB of RLE blocks: 128 KiB of output per 4 bytes.
    const bomb = await compressBytes(Buffer.alloc(64 * MiB), 'zst');
    assert.ok(bomb.length < 64 * 1024, `${bomb.length} bytes`);
    const d = openDecompressor('zstd');
    let total = 0;
    let writes = 0;
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, cb) {
        total += chunk.length;
        writes++;
        maxBuffered = Math.max(maxBuffered, d.readableLength);
        assert.ok(chunk.every((b) => b === 0));
        setImmediate(cb); // a reader that takes a turn of the event loop per chunk
      },
    });
    await pipeline(Readable.from([bomb]), d, slow);
    assert.equal(total, 64 * MiB);
    assert.ok(writes >= 64 * MiB / (128 * 1024), `${writes} writes`);
    assert.ok(maxBuffered <= 4 * MiB, `${maxBuffered} bytes buffered`);
  });

  it('stops decoding while nobody reads', async () => {
    const d = openDecompressor('zstd');
    d.write(await compressBytes(Buffer.alloc(64 * MiB), 'zst'));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(d.readableLength <= 4 * MiB, `${d.readableLength} bytes buffered`);
    d.destroy();
  });

  it('decodes byte at a time and in random splits, and fails on truncation', async () => {
    const data = sample(300_000, 21);
    const z = await compressBytes(data, 'zst');
    assert.ok((await decode(byteAtATime(z.subarray(0, 4000)).concat([z.subarray(4000)]), 'zstd')).equals(data));
    assert.ok((await decode(splitRandomly(z, 22, 100_000), 'zstd')).equals(data));
    await assert.rejects(decode([z.subarray(0, z.length - 3)], 'zstd'));
  });
});

describe("openDecompressor('xz')", () => {
  const variants: [string, string[]][] = [
    ['default (-6, CRC64)', []],
    ['--check=crc32', ['--check=crc32']],
    ['--check=crc64', ['--check=crc64']],
    ['--check=none', ['--check=none']],
    ['--block-size=16384 (many blocks)', ['--block-size=16384']],
    ['-0', ['-0']],
    ['-9e (64 MiB dictionary)', ['-9e']],
  ];
  for (const [name, args] of variants) {
    it(`decodes xz ${name} output exactly, whole and in random splits`, (t) => {
      if (!has(t)) return;
      const data = sample(400_000, 7);
      const packed = xz(data, ...args);
      return (async () => {
        assert.ok((await decode([packed])).equals(data), 'whole');
        assert.ok((await decode(splitRandomly(packed, 1, 70_000))).equals(data), 'pieces up to 70,000 bytes');
        assert.ok((await decode(splitRandomly(packed, 2, 600))).equals(data), 'pieces up to 600 bytes');
      })();
    });
  }

  it('decodes a small input fed one byte at a time', async (t) => {
    if (!has(t)) return;
    const data = sample(20_000, 3);
    for (const args of [[], ['--check=none'], ['--block-size=4096']]) {
      assert.ok((await decode(byteAtATime(xz(data, ...args)))).equals(data), args.join(' ') || 'default');
    }
  });

  it('decodes empty content', async (t) => {
    if (!has(t)) return;
    assert.equal((await decode([xz(Buffer.alloc(0))])).length, 0);
  });

  it('decodes concatenated streams (cat a.xz b.xz), with and without stream padding', async (t) => {
    if (!has(t)) return;
    const a = sample(100_000, 4);
    const b = sample(50_000, 5);
    const ax = xz(a);
    const bx = xz(b, '--check=crc32');
    const both = Buffer.concat([a, b]);
    assert.ok((await decode(splitRandomly(Buffer.concat([ax, bx]), 9, 999))).equals(both), 'cat a.xz b.xz');
    const padded = Buffer.concat([ax, Buffer.alloc(8), bx, Buffer.alloc(4)]);
    assert.ok((await decode(byteAtATime(padded))).equals(both), 'with padding, byte at a time');
    assert.ok((await decode([Buffer.concat([ax, ax, ax])])).equals(Buffer.concat([a, a, a])), 'three streams');
  });

  it('fails on stream padding that is not a multiple of four bytes', async (t) => {
    if (!has(t)) return;
    const ax = xz(sample(1000, 4));
    await rejectsXz(Buffer.concat([ax, Buffer.alloc(3)]), 'trailing padding of 3');
    await rejectsXz(Buffer.concat([ax, Buffer.alloc(5), ax]), 'padding of 5 between streams');
  });

  it('fails on every truncation, never yielding short output silently', async (t) => {
    if (!has(t)) return;
    const data = sample(1500, 6);
    // A small dictionary keeps each of the ~2,000 decoders cheap; truncation does not depend on it.
    for (const args of [['--lzma2=dict=64KiB'], ['--lzma2=dict=64KiB', '--check=none']]) {
      const packed = xz(data, ...args);
      for (let len = 0; len < packed.length; len++) await rejectsXz(packed.subarray(0, len), `${args.join(' ')}, first ${len} of ${packed.length} bytes`);
    }
  });

  it('never yields wrong output from a corrupt byte in a checked stream', async (t) => {
    if (!has(t)) return;
    const data = sample(3000, 8);
    for (const args of [['--check=crc32', '--lzma2=dict=64KiB'], ['--check=crc64', '--lzma2=dict=64KiB']]) {
      const packed = xz(data, ...args);
      const accepted: number[] = [];
      for (let pos = 0; pos < packed.length; pos++) {
        const bad = Buffer.from(packed);
        bad[pos] = bad[pos]! ^ 0x55;
        const what = `${args[0]}, byte ${pos} of ${packed.length} flipped`;
        const out = await decode([bad]).catch((err: Error) => {
          assert.match(err.message, /^xz: /, what);
          return undefined;
        });
        if (out === undefined) continue;
        // xz-embedded ignores the first byte of each LZMA2 range-coder init (always 0 from an
        // encoder; liblzma rejects other values): the output is then still the original.
        assert.ok(out.equals(data), `${what}: decoded to other bytes`);
        accepted.push(pos);
      }
      assert.ok(accepted.length <= 1, `${args[0]}: flips accepted at ${accepted.join(', ')}`);
    }
  });

  it('fails on trailing garbage, empty input and non-xz input', async (t) => {
    if (!has(t)) return;
    await rejectsXz(Buffer.concat([xz(sample(1000, 2)), Buffer.from('garbage!')]), 'trailing garbage');
    await rejectsXz(Buffer.alloc(0), 'empty input');
    await rejectsXz(gzipSync(sample(1000, 2)), 'gzip data');
  });

  it('refuses a SHA-256 check rather than skipping it (xz-embedded cannot verify SHA-256)', async (t) => {
    if (!has(t)) return;
    await assert.rejects(decode([xz(sample(1000, 2), '--check=sha256')]), /^Error: xz: .*SHA-256/);
  });

  it('keeps its output buffer bounded when a small input expands hugely', async (t) => {
    if (!has(t)) return;
    const bomb = xz(Buffer.alloc(32 * 1024 * 1024), '-0');
    assert.ok(bomb.length < 32 * 1024, `${bomb.length} bytes`);
    const d = openDecompressor('xz');
    d.write(bomb);
    // Nobody reads: the decoder must stop after a few output blocks, not expand 32 MiB.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.ok(d.readableLength <= 512 * 1024, `${d.readableLength} bytes buffered`);
    d.destroy();
  });

  it('runs streams side by side: one held open does not block another', async (t) => {
    if (!has(t)) return;
    const a = sample(300_000, 10);
    const b = sample(200_000, 11);
    const ax = xz(a);
    const held = openDecompressor('xz');
    const gotA: Buffer[] = [];
    held.on('data', (c: Buffer) => gotA.push(c));
    held.write(ax.subarray(0, ax.length >> 1));
    held.pause();
    // While the first stream is half-written and paused, a second one decodes completely.
    assert.ok((await decode([xz(b)])).equals(b));
    const destroyed = openDecompressor('xz');
    destroyed.write(ax.subarray(0, 1000));
    destroyed.destroy();
    assert.ok((await decode([xz(b)])).equals(b), 'after another stream was destroyed midway');
    held.resume();
    const done = new Promise((resolve, reject) => held.on('end', resolve).on('error', reject));
    held.end(ax.subarray(ax.length >> 1));
    await done;
    assert.ok(Buffer.concat(gotA).equals(a));
  });
});
