/**
 * build-decompress-worker: a worker thread of bench/build-codec-floor.ts. For each .deb path it
 * is sent, it finds the data.tar member with slipway's ar reader and decompresses it with
 * openDecompressor (the decoders slipway's build uses), nothing else: no tar parsing. It
 * answers with the decompressed bytes (transferred, not copied) and its busy time.
 */
import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { openDecompressor, type ArchiveCompression } from '../lib/core/index.js';
import { readAr } from '../lib/deb/index.js';

/** DecompressRequest names one .deb to decompress. */
export interface DecompressRequest {
  readonly path: string;
}

/** DecompressReply carries one .deb's decompressed data.tar, or why it failed. */
export type DecompressReply =
  | { readonly ok: true; readonly path: string; readonly member: string; readonly tar: ArrayBuffer; readonly busyMs: number }
  | { readonly ok: false; readonly path: string; readonly message: string };

/** memberCompression names the codec of a data.tar member by its suffix (deb(5)). */
function memberCompression(name: string): Exclude<ArchiveCompression, 'bzip2'> {
  if (name.endsWith('.xz')) return 'xz';
  if (name.endsWith('.gz')) return 'gzip';
  if (name.endsWith('.zst')) return 'zstd';
  if (name === 'data.tar') return 'none';
  throw new Error(`unsupported member ${name}`);
}

async function decompressDataTar(path: string): Promise<{ member: string; tar: ArrayBuffer }> {
  for await (const m of readAr(createReadStream(path), { subject: path })) {
    if (!m.name.startsWith('data.tar')) {
      m.body.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const c of m.body.pipe(openDecompressor(memberCompression(m.name))) as AsyncIterable<Buffer>) {
      chunks.push(c);
      total += c.length;
    }
    // One buffer of our own, so it can be transferred without sharing a pool.
    const tar = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      tar.set(c, at);
      at += c.length;
    }
    return { member: m.name, tar: tar.buffer };
  }
  throw new Error('no data.tar member');
}

parentPort?.on('message', (req: DecompressRequest) => {
  const t0 = performance.now();
  decompressDataTar(req.path).then(
    ({ member, tar }) => {
      const reply: DecompressReply = { ok: true, path: req.path, member, tar, busyMs: performance.now() - t0 };
      parentPort!.postMessage(reply, [tar]);
    },
    (err: unknown) => parentPort!.postMessage({ ok: false, path: req.path, message: (err as Error).message } satisfies DecompressReply),
  );
});
