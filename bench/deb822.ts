/**
 * bench deb822: the deb822 parser on a synthetic Packages index of 64,000 stanzas shaped like
 * bookworm's main amd64 index (fixtures/apt-packages.ts), streamed in 64 KiB chunks as a file
 * read would deliver it, and parsed whole from memory (every stanza kept). Prints the median of several
 * runs, after one warm-up, as stanzas/s and MB/s.
 */
import { formatPackagesIndex, syntheticPackages } from '../fixtures/apt-packages.js';
import { parseStanzas, readStanzas } from '../lib/apt/index.js';
import { median } from './stats.js';

async function* chunksOf(data: Buffer, size: number): AsyncIterable<Buffer> {
  for (let pos = 0; pos < data.length; pos += size) yield data.subarray(pos, pos + size);
}

async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** runDeb822Bench parses `stanzas` synthetic stanzas `runs` times each way and prints medians. */
export async function runDeb822Bench(runs = 7, stanzas = 64_000): Promise<void> {
  const data = Buffer.from(formatPackagesIndex(syntheticPackages(stanzas, 1)));
  const mb = data.length / 1e6;
  const streamed: number[] = [];
  const whole: number[] = [];
  let count = 0;
  // One warm-up run each, then the measured runs, each kind together so one's garbage does
  // not land in the other's time.
  for (let i = 0; i <= runs; i++) {
    const ms = await timeAsync(async () => {
      count = 0;
      for await (const _ of readStanzas(chunksOf(data, 64 * 1024))) count++;
    });
    if (i > 0) streamed.push(ms);
  }
  for (let i = 0; i <= runs; i++) {
    const ms = await timeAsync(async () => parseStanzas(data));
    if (i > 0) whole.push(ms);
  }
  if (count !== stanzas) throw new Error(`bench deb822: parsed ${count} stanzas, expected ${stanzas}`);
  const line = (label: string, ms: number) =>
    `  ${label.padEnd(28)} ${ms.toFixed(0).padStart(5)} ms  ${Math.round((stanzas * 1000) / ms).toLocaleString('en-US').padStart(9)} stanzas/s  ${((mb * 1000) / ms).toFixed(1)} MB/s`;
  console.log(`deb822 on ${stanzas} synthetic stanzas, ${mb.toFixed(1)} MB, median of ${runs} runs (node ${process.version}, ${process.arch})`);
  console.log(line('readStanzas, 64 KiB chunks', median(streamed)));
  console.log(line('parseStanzas, in memory', median(whole)));
}
