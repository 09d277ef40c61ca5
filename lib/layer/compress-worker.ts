/**
 * The compression worker: one stream at a time, gzip via pako or zstd via zstd-wasm.
 *
 * Input is cut into fixed-size blocks before it reaches the codec, so the output depends
 * only on the bytes and the level, never on how the caller happened to chunk them. zstd
 * output is a sequence of independent frames of ZSTD_FRAME_BYTES input each (valid per
 * RFC 8878 section 3.1, and what pzstd does).
 */
import { parentPort } from 'node:worker_threads';
import { createRequire } from 'node:module';
import pako from 'pako';

/** Messages the main thread sends. */
export type CompressRequest =
  | { op: 'start'; codec: 'gzip' | 'zstd'; level: number }
  | { op: 'data'; buf: ArrayBuffer }
  | { op: 'end' };

/** Messages the worker answers with, one `out` per `data` and one `done` per `end`. */
export type CompressReply = { op: 'out'; buf: ArrayBuffer } | { op: 'done'; buf: ArrayBuffer } | { op: 'error'; message: string };

const GZIP_BLOCK_BYTES = 256 * 1024;
const ZSTD_FRAME_BYTES = 4 * 1024 * 1024;

interface ZstdModule {
  init(): Promise<void>;
  compress(buf: Uint8Array, level?: number): Uint8Array;
}
const zstdModule = createRequire(import.meta.url)('@bokuweb/zstd-wasm') as ZstdModule;
let zstdReady: Promise<void> | undefined;

interface Codec {
  /** feed takes one block of exactly the codec's block size, or the last, shorter one. */
  feed(block: Uint8Array, last: boolean): void;
  readonly blockBytes: number;
}

let codec: Codec | undefined;
let pending: Uint8Array[] = [];
let pendingBytes = 0;
let out: Uint8Array[] = [];

function gzipCodec(level: number): Codec {
  const deflate = new pako.Deflate({ gzip: true, level: level as pako.DeflateOptions['level'], chunkSize: 64 * 1024 });
  deflate.onData = (chunk: Uint8Array) => out.push(chunk);
  return {
    blockBytes: GZIP_BLOCK_BYTES,
    feed(block, last) {
      deflate.push(block, last);
      if (deflate.err) throw new Error(`gzip: ${deflate.msg}`);
    },
  };
}

function zstdCodec(level: number): Codec {
  return {
    blockBytes: ZSTD_FRAME_BYTES,
    feed(block) {
      if (block.length > 0) out.push(zstdModule.compress(block, level));
    },
  };
}

/** take concatenates and removes the first `n` pending bytes. */
function take(n: number): Uint8Array {
  const block = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const head = pending[0]!;
    const need = n - filled;
    if (head.length <= need) {
      block.set(head, filled);
      filled += head.length;
      pending.shift();
    } else {
      block.set(head.subarray(0, need), filled);
      pending[0] = head.subarray(need);
      filled += need;
    }
  }
  pendingBytes -= n;
  return block;
}

function drainOut(): ArrayBuffer {
  const total = out.reduce((n, c) => n + c.length, 0);
  const joined = new Uint8Array(total);
  let at = 0;
  for (const c of out) {
    joined.set(c, at);
    at += c.length;
  }
  out = [];
  return joined.buffer;
}

async function handle(msg: CompressRequest): Promise<CompressReply> {
  switch (msg.op) {
    case 'start':
      pending = [];
      pendingBytes = 0;
      out = [];
      if (msg.codec === 'zstd') {
        zstdReady ??= zstdModule.init();
        await zstdReady;
        codec = zstdCodec(msg.level);
      } else {
        codec = gzipCodec(msg.level);
      }
      return { op: 'out', buf: new ArrayBuffer(0) };
    case 'data': {
      const c = codec!;
      pending.push(new Uint8Array(msg.buf));
      pendingBytes += msg.buf.byteLength;
      while (pendingBytes >= c.blockBytes) c.feed(take(c.blockBytes), false);
      return { op: 'out', buf: drainOut() };
    }
    case 'end': {
      const c = codec!;
      while (pendingBytes >= c.blockBytes) c.feed(take(c.blockBytes), false);
      c.feed(take(pendingBytes), true);
      codec = undefined;
      return { op: 'done', buf: drainOut() };
    }
  }
}

// Requests are handled strictly in order, one at a time.
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (msg: CompressRequest) => {
  queue = queue.then(async () => {
    try {
      const reply = await handle(msg);
      parentPort!.postMessage(reply, [reply.op === 'error' ? new ArrayBuffer(0) : reply.buf]);
    } catch (err) {
      parentPort!.postMessage({ op: 'error', message: (err as Error).message } satisfies CompressReply);
    }
  });
});
