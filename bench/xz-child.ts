/**
 * xz-child: one measured decompression for bench/xz.ts, in a process of its own so that its
 * peak RSS is its own. `node xz-child.js IMPL FILE` streams FILE (64 KiB reads) through IMPL
 * into a hashing sink and prints one JSON line: wall ms, output bytes, sha256, RSS at start
 * and peak RSS in KiB.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { openDecompressor } from '../lib/core/index.js';

/** XzChildImpl names a decoder the child can run. */
export type XzChildImpl = 'xz-decompress' | 'lzma-native' | 'openDecompressor';

/** XzChildResult is what the child prints. */
export interface XzChildResult {
  readonly ms: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly startRssKiB: number;
  readonly maxRssKiB: number;
}

const require = createRequire(import.meta.url);

interface LzmaNative {
  createStream(coder: 'streamDecoder', opts: { flags: number }): Transform;
  readonly CONCATENATED: number;
}
type XzReadableStreamCtor = new (src: WebReadableStream<Uint8Array>) => WebReadableStream<Uint8Array>;

function decoded(impl: XzChildImpl, file: string): Readable {
  const src = createReadStream(file);
  if (impl === 'xz-decompress') {
    const { XzReadableStream } = require('xz-decompress') as { XzReadableStream: XzReadableStreamCtor };
    return Readable.fromWeb(new XzReadableStream(Readable.toWeb(src) as WebReadableStream<Uint8Array>));
  }
  const codec = impl === 'lzma-native' ? lzmaDecoder() : openDecompressor('xz');
  src.on('error', (e) => codec.destroy(e));
  return src.pipe(codec);
}

function lzmaDecoder(): Transform {
  const lzma = require('lzma-native') as LzmaNative;
  return lzma.createStream('streamDecoder', { flags: lzma.CONCATENATED });
}

async function main(): Promise<void> {
  const [impl, file] = process.argv.slice(2) as [XzChildImpl, string];
  const startRssKiB = Math.round(process.memoryUsage.rss() / 1024);
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      bytes += chunk.length;
      cb();
    },
  });
  const t0 = process.hrtime.bigint();
  await pipeline(decoded(impl, file), sink);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const out: XzChildResult = { ms, bytes, sha256: hash.digest('hex'), startRssKiB, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
