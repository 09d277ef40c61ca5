/**
 * build-codec-floor: the codec floor of bench/build.ts, in a process of its own. `node
 * build-codec-floor.js DEB...` does only what no layer build can avoid for these packages:
 *
 * 1. decompress every data.tar member (xz/gzip/zstd by openDecompressor, as the build does),
 *    in worker threads, one per core (build-decompress-worker.ts), largest .deb first;
 * 2. gzip every decompressed tar at the default level through createCompressor, the layer
 *    compressor's worker pool (one worker per core), all streams started at once as the
 *    build starts its layers.
 *
 * No tar parsing, hashing, spooling or writing. The floor is the sum of the two phases' wall
 * times (each keeps every core busy). Prints one JSON line ({@link CodecFloorResult}).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { createCompressor } from '../lib/layer/index.js';
import type { DecompressReply } from './build-decompress-worker.js';

/** CodecFloorResult is what the child prints: wall and CPU times in ms, sizes in bytes. */
export interface CodecFloorResult {
  readonly ms: number;
  readonly decompressMs: number;
  readonly compressMs: number;
  /** CPU time of the whole process (every thread) in each phase. */
  readonly decompressCpuMs: number;
  readonly compressCpuMs: number;
  readonly debs: number;
  readonly debBytes: number;
  readonly tarBytes: number;
  readonly gzipBytes: number;
  /** data.tar members by codec, e.g. `{ "data.tar.xz": 40 }`. */
  readonly members: Readonly<Record<string, number>>;
  readonly cores: number;
}

const GZIP_SLICE_BYTES = 64 * 1024;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** decompressAll decompresses each deb's data.tar on `cores` worker threads. */
async function decompressAll(paths: readonly string[], cores: number): Promise<{ tars: Buffer[]; members: Record<string, number> }> {
  const order = [...paths.keys()].sort((a, b) => statSync(paths[b]!).size - statSync(paths[a]!).size);
  const tars: Buffer[] = new Array(paths.length);
  const members: Record<string, number> = {};
  let next = 0;
  const url = new URL('./build-decompress-worker.js', import.meta.url);
  const runWorker = async () => {
    const w = new Worker(url);
    try {
      while (next < order.length) {
        const i = order[next++]!;
        const reply = await new Promise<DecompressReply>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage({ path: paths[i]! });
        });
        w.removeAllListeners('error');
        if (!reply.ok) throw new Error(`${reply.path}: ${reply.message}`);
        tars[i] = Buffer.from(reply.tar);
        members[reply.member] = (members[reply.member] ?? 0) + 1;
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(cores, paths.length) }, runWorker));
  return { tars, members };
}

/** gzipAll compresses every tar through the layer compressor's pool and returns the compressed bytes. */
async function gzipAll(tars: readonly Buffer[]): Promise<number> {
  let out = 0;
  await Promise.all(
    tars.map(async (tar) => {
      const slices = function* () {
        for (let at = 0; at < tar.length; at += GZIP_SLICE_BYTES) yield tar.subarray(at, at + GZIP_SLICE_BYTES);
      };
      await pipeline(Readable.from(slices()), createCompressor('gzip'), new Writable({
        write(chunk: Buffer, _enc, cb) {
          out += chunk.length;
          cb();
        },
      }));
    }),
  );
  return out;
}

async function main(paths: readonly string[]): Promise<CodecFloorResult> {
  const cores = Math.max(1, availableParallelism());
  let t0 = performance.now();
  let c0 = cpuMs();
  const { tars, members } = await decompressAll(paths, cores);
  const decompressMs = performance.now() - t0;
  const decompressCpuMs = cpuMs() - c0;
  t0 = performance.now();
  c0 = cpuMs();
  const gzipBytes = await gzipAll(tars);
  const compressMs = performance.now() - t0;
  const compressCpuMs = cpuMs() - c0;
  return {
    ms: decompressMs + compressMs,
    decompressMs,
    compressMs,
    decompressCpuMs,
    compressCpuMs,
    debs: paths.length,
    debBytes: paths.reduce((n, p) => n + statSync(p).size, 0),
    tarBytes: tars.reduce((n, t) => n + t.length, 0),
    gzipBytes,
    members,
    cores,
  };
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node build-codec-floor.js DEB...');
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await main(paths))}\n`);
// The compressor pool's idle workers are unref'd; nothing else keeps the process alive.
