/**
 * bench gzip: pako against node:zlib on the same bytes (the decision in docs/decisions.md).
 * Prints median wall time of several runs, throughput, output sizes, and whether the two
 * produce identical bytes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pako from 'pako';
import { median, timeIt } from './stats.js';

/**
 * sampleBytes gathers `size` bytes shaped like a real layer: half JavaScript text from
 * node_modules, half machine code from the node binary.
 */
function sampleBytes(size: number): Buffer {
  const half = size >> 1;
  const text: Buffer[] = [];
  let have = 0;
  const dir = join(process.cwd(), 'node_modules', 'typescript', 'lib');
  for (const name of readdirSync(dir).sort()) {
    if (have >= half) break;
    if (!name.endsWith('.js')) continue;
    const b = readFileSync(join(dir, name));
    text.push(b);
    have += b.length;
  }
  const binary = readFileSync(process.execPath).subarray(0, size - half);
  return Buffer.concat([Buffer.concat(text).subarray(0, half), binary]);
}

/** runGzipBench runs the comparison with `runs` repetitions on `mib` MiB. */
export async function runGzipBench(runs = 5, mib = 32): Promise<void> {
  const data = sampleBytes(mib * 1024 * 1024);
  const pakoTimes: number[] = [];
  const zlibTimes: number[] = [];
  let pakoOut = Buffer.alloc(0);
  let zlibOut = Buffer.alloc(0);
  for (let i = 0; i < runs; i++) {
    pakoTimes.push(timeIt(() => (pakoOut = Buffer.from(pako.gzip(data, { level: 6 })))));
    zlibTimes.push(timeIt(() => (zlibOut = gzipSync(data, { level: 6 }))));
  }
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);
  const p = median(pakoTimes);
  const z = median(zlibTimes);
  console.log(`gzip level 6 on ${mib} MiB, median of ${runs} runs (node ${process.version}, ${process.arch})`);
  console.log(`  pako       ${p.toFixed(0)} ms  ${((mib * 1000) / p).toFixed(1)} MiB/s  ${pakoOut.length} bytes  ${sha(pakoOut)}`);
  console.log(`  node:zlib  ${z.toFixed(0)} ms  ${((mib * 1000) / z).toFixed(1)} MiB/s  ${zlibOut.length} bytes  ${sha(zlibOut)}`);
  console.log(`  ratio pako/zlib ${(p / z).toFixed(2)}; identical output: ${pakoOut.equals(zlibOut)}`);
}
