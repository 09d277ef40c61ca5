/**
 * bench xz: xz decompression by xz-decompress (xz-embedded in WebAssembly), lzma-native
 * (liblzma, native addon) and slipway's openDecompressor('xz'), against `xz -dc` (the peer)
 * in the same run (the decision in docs/decisions.md). Inputs: a real Packages.xz from the
 * host's apt mirror (when the host has one) and 32 MiB of seeded layer-like bytes compressed
 * with `xz -6`. Each run is a fresh process, so peak RSS is that decoder's own; prints medians
 * of `runs` runs, decompressed MiB/s, peak RSS and the time ratio to `xz -dc`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compressBytes } from '../fixtures/compress-bytes.js';
import { readHostAptSources } from '../fixtures/host-apt-sources.js';
import { fetchHostIndex, testCacheDir } from '../fixtures/host-mirror-index.js';
import { seededRandom } from '../fixtures/seeded-random.js';
import { median } from './stats.js';
import type { XzChildImpl, XzChildResult } from './xz-child.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'xz-child.js');
const IMPLS: readonly XzChildImpl[] = ['lzma-native', 'xz-decompress', 'openDecompressor'];
const DEBIAN_ARCH: Readonly<Record<string, string>> = { x64: 'amd64', arm64: 'arm64', ia32: 'i386', arm: 'armhf', ppc64: 'ppc64el', s390x: 's390x' };

/** BenchInput is one compressed file and what it decompresses to. */
interface BenchInput {
  readonly label: string;
  readonly path: string;
  /** sha256 hex of the decompressed bytes, when known in advance. */
  readonly sha256?: string;
}

/** Run is one timed decompression: wall ms, output size and digest, peak RSS and (node only) RSS at start in KiB. */
interface Run {
  readonly ms: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly maxRssKiB: number | undefined;
  readonly startRssKiB?: number;
}

/**
 * layerLikeBytes makes `size` bytes shaped like a layer's tar, deterministically from `seed`:
 * 512-byte headers and padding, then per file either text (words drawn Zipf-like from a
 * seeded vocabulary), machine-code-like bytes (skewed byte frequencies with repeated runs) or
 * incompressible bytes (already-compressed assets).
 */
export function layerLikeBytes(size: number, seed: number): Buffer {
  const rand = seededRandom(seed);
  const vocab = Array.from({ length: 4096 }, () => Array.from({ length: 2 + Math.floor(rand() * 9) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''));
  const out = Buffer.alloc(size);
  let pos = 0;
  const put = (b: number) => {
    if (pos < size) out[pos++] = b;
  };
  while (pos < size) {
    const header = Buffer.alloc(512);
    header.write(`usr/share/${vocab[Math.floor(rand() * vocab.length)]}/${vocab[Math.floor(rand() * vocab.length)]}\0`, 0, 'latin1');
    header.write('0000644\x000000000\x000000000\x00', 100, 'latin1');
    for (const b of header) put(b);
    const len = Math.floor(2 ** (10 + rand() * 8));
    const kind = rand();
    const start = pos;
    for (let n = 0; n < len && pos < size; ) {
      if (kind < 0.6) {
        const word = vocab[Math.floor(vocab.length * rand() ** 3)]!;
        for (let i = 0; i < word.length; i++) put(word.charCodeAt(i));
        put(rand() < 0.1 ? 10 : 32);
        n += word.length + 1;
      } else if (kind < 0.92) {
        if (rand() < 0.05 && pos - start > 64) {
          const from = start + Math.floor(rand() * (pos - start - 32));
          for (let i = 0; i < 16 + Math.floor(rand() * 48); i++) put(out[from + i]!);
        } else put(Math.floor(256 * rand() ** 4));
        n++;
      } else {
        put(Math.floor(rand() * 256));
        n++;
      }
    }
    while (pos % 512 !== 0 && pos < size) put(0);
  }
  return out;
}

function runChild(impl: XzChildImpl, path: string): Promise<Run> {
  return collect(process.execPath, [CHILD, impl, path], (stdout) => {
    const r = JSON.parse(stdout) as XzChildResult;
    return { ms: r.ms, bytes: r.bytes, sha256: r.sha256, maxRssKiB: r.maxRssKiB, startRssKiB: r.startRssKiB };
  });
}

/** runPeer times `xz -dc`, hashing its output here; GNU time (when present) reports its peak RSS. */
async function runPeer(path: string): Promise<Run> {
  const timed = existsSync('/usr/bin/time');
  const [cmd, args] = timed ? ['/usr/bin/time', ['-f', '%M', 'xz', '-dc', path]] : ['xz', ['-dc', path]];
  const hash = createHash('sha256');
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const stderr = await collect(cmd, args, (_out, err) => err, (chunk) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = timed ? Number(stderr.trim().split('\n').pop()) : NaN;
  return { ms, bytes, sha256: hash.digest('hex'), maxRssKiB: Number.isFinite(rss) ? rss : undefined };
}

function collect<T>(cmd: string, args: readonly string[], done: (stdout: string, stderr: string) => T, onData?: (chunk: Buffer) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => (onData ? onData(c) : out.push(c)));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString();
      if (code === 0) resolve(done(Buffer.concat(out).toString(), stderr));
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

/** hostPackagesXz downloads (once, into the test cache) the Packages.xz of the first suite the host's apt sources name. */
async function hostPackagesXz(): Promise<BenchInput | undefined> {
  const source = readHostAptSources().find((s) => s.types.includes('deb') && s.components.includes('main') && s.uris.some((u) => /^https?:/.test(u)));
  const suite = source?.suites[0];
  const arch = DEBIAN_ARCH[process.arch];
  if (suite === undefined || arch === undefined) return undefined;
  const path = `main/binary-${arch}/Packages.xz`;
  // optional: true returns undefined instead of skipping, so no test context is used.
  const file = await fetchHostIndex({} as TestContext, { suite, path, optional: true });
  return file === undefined ? undefined : { label: `Packages.xz (${suite} ${path})`, path: file };
}

async function layerInput(mib: number, seed: number): Promise<BenchInput> {
  const raw = layerLikeBytes(mib * 1024 * 1024, seed);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const path = join(testCacheDir(), 'bench-xz', `layer-${mib}MiB-seed${seed}-${sha256.slice(0, 12)}.xz`);
  if (!existsSync(path)) {
    await mkdir(dirname(path), { recursive: true });
    writeFileSync(path, await compressBytes(raw, 'xz'));
  }
  return { label: `${mib} MiB layer-like, seed ${seed}, xz -6`, path, sha256 };
}

const mibOf = (bytes: number) => bytes / (1024 * 1024);
const fmtRss = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);
const fmtGrowth = (rs: readonly Run[]) =>
  rs.every((r) => r.startRssKiB !== undefined && r.maxRssKiB !== undefined) ? `(+${fmtRss(median(rs.map((r) => r.maxRssKiB! - r.startRssKiB!)))} over start)` : '';

async function benchInput(input: BenchInput, runs: number): Promise<void> {
  const names = ['xz -dc', ...IMPLS];
  const results = new Map<string, Run[]>(names.map((n) => [n, []]));
  // Interleaved, so that drift in the machine's load spreads over every decoder alike.
  for (let i = 0; i < runs; i++) {
    results.get('xz -dc')!.push(await runPeer(input.path));
    for (const impl of IMPLS) results.get(impl)!.push(await runChild(impl, input.path));
  }
  const want = input.sha256 ?? results.get('xz -dc')![0]!.sha256;
  const outBytes = results.get('xz -dc')![0]!.bytes;
  const peer = median(results.get('xz -dc')!.map((r) => r.ms));
  console.log(`${input.label}: ${mibOf(statSync(input.path).size).toFixed(1)} MiB → ${mibOf(outBytes).toFixed(1)} MiB`);
  for (const name of names) {
    const rs = results.get(name)!;
    const ms = median(rs.map((r) => r.ms));
    const rss = rs.every((r) => r.maxRssKiB !== undefined) ? median(rs.map((r) => r.maxRssKiB!)) : undefined;
    const ok = rs.every((r) => r.sha256 === want && r.bytes === outBytes) ? 'output ok' : 'OUTPUT DIFFERS';
    console.log(
      `  ${name.padEnd(17)} ${ms.toFixed(0).padStart(6)} ms  ${((mibOf(outBytes) * 1000) / ms).toFixed(1).padStart(6)} MiB/s  ×${(ms / peer).toFixed(2)} of xz  peak RSS ${fmtRss(rss).padStart(9)} ${fmtGrowth(rs).padEnd(22)} ${ok}`,
    );
  }
}

/** runXzBench measures every decoder `runs` times on each input and prints medians. */
export async function runXzBench(runs = 5): Promise<void> {
  const version = (await collect('xz', ['--version'], (out) => out.split('\n')[0] ?? '')).trim();
  console.log(`xz decompression, median of ${runs} runs, one process per run (node ${process.version}, ${process.arch}, ${version})`);
  console.log('  MiB/s is decompressed output per second; a node process starts at ~45 MiB RSS, so its growth is shown too');
  const inputs: BenchInput[] = [];
  const packages = await hostPackagesXz();
  if (packages) inputs.push(packages);
  else console.log('  (no apt source on this host: the Packages.xz input is skipped)');
  inputs.push(await layerInput(32, 1));
  for (const input of inputs) await benchInput(input, runs);
}
