/**
 * bench deb: reading real Debian packages with readDeb (ar, control, data.tar decompressed
 * and every entry's body drained) beside `dpkg-deb --fsys-tarfile` (ar and decompression
 * only, output discarded) in the same run; medians of several runs and ratios. The packages
 * come from the host mirror through slipway's client (verified, kept in the bench cache).
 */
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDebianSuites } from '../fixtures/host-debian-repos.js';
import { aptStateDir, loadPackageIndex, updateRepositories } from '../lib/apt/index.js';
import { parseDigest } from '../lib/core/index.js';
import { readDeb } from '../lib/deb/index.js';
import { ContentStore, Fetcher } from '../lib/fetch/index.js';
import { median } from './stats.js';

/** PACKAGES span xz data of different shapes: many small files, one large library, compiled Python. */
const PACKAGES = ['tzdata', 'libc6', 'python3.11-minimal', 'coreutils'];

async function drain(path: string): Promise<number> {
  let bytes = 0;
  for await (const part of readDeb(createReadStream(path), { subject: path })) {
    if (part.kind !== 'data') continue;
    for await (const e of part.entries) {
      if (e.body) for await (const c of e.body) bytes += (c as Buffer).length;
    }
  }
  return bytes;
}

/** runDebBench prints, per package, the medians of `runs` runs of slipway and dpkg-deb and their ratio. */
export async function runDebBench(runs = 5): Promise<void> {
  const repos = hostDebianSuites(['bookworm'], { updates: false, security: false });
  if (repos === undefined) throw new Error('bench deb needs an apt source for bookworm main in /etc/apt');
  const cacheDir = process.env['SLIPWAY_BENCH_CACHE'] ?? join(tmpdir(), 'slipway-bench-cache');
  const store = new ContentStore(join(cacheDir, 'blobs'));
  const fetcher = new Fetcher({ store });
  const ctx = { fetcher, store, stateDir: aptStateDir(cacheDir) };
  const snapshot = await updateRepositories(repos, { architectures: ['amd64'] }, ctx);
  const index = await loadPackageIndex(snapshot.indices, 'amd64', ctx);
  const debs: { name: string; path: string; size: number }[] = [];
  for (const name of PACKAGES) {
    const r = index.byName(name)[0]!;
    const digest = parseDigest(`sha256:${r.sha256}`);
    await fetcher.fetchVerified([new URL(r.filename, r.origin.poolUrls![0]).toString()], { sha256: digest, size: r.size, subject: r.filename });
    debs.push({ name: `${r.name} ${r.version}`, path: store.path(digest), size: r.size });
  }
  await fetcher.close();
  console.log(`deb: readDeb (all entries drained) vs dpkg-deb --fsys-tarfile > /dev/null, median of ${runs} runs`);
  for (const d of debs) {
    const ours: number[] = [];
    const peer: number[] = [];
    let bytes = 0;
    await drain(d.path); // warm-up
    for (let i = 0; i < runs; i++) {
      let t0 = process.hrtime.bigint();
      bytes = await drain(d.path);
      ours.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      const r = spawnSync('sh', ['-c', `dpkg-deb --fsys-tarfile "$1" > /dev/null`, 'sh', d.path]);
      if (r.status !== 0) throw new Error(`dpkg-deb failed on ${d.path}: ${r.stderr.toString()}`);
      peer.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const a = median(ours);
    const b = median(peer);
    console.log(`  ${d.name.padEnd(40)} ${(d.size / 1048576).toFixed(1).padStart(5)} MiB .deb, ${(bytes / 1048576).toFixed(1).padStart(6)} MiB of files: slipway ${a.toFixed(0).padStart(5)} ms, dpkg-deb ${b.toFixed(0).padStart(5)} ms, ratio ${(a / b).toFixed(2)}`);
  }
}
