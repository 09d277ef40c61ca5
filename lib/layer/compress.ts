/**
 * createCompressor: layer compression as a Transform. gzip (pako) and zstd (zstd-wasm) run
 * in a shared pool of worker threads, one per core, so independent layers compress in
 * parallel while the main thread keeps encoding tar. See docs/decisions.md for why pako.
 */
import { availableParallelism } from 'node:os';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { SlipwayError } from '../core/index.js';
import type { CompressReply, CompressRequest } from './compress-worker.js';

/** Compression is how a layer blob is compressed. */
export type Compression = 'gzip' | 'zstd' | 'none';

/** DEFAULT_LEVELS are the levels used when none is given: gzip's fastest (see docs/decisions.md) and zstd's own default. */
export const DEFAULT_LEVELS: Readonly<Record<Exclude<Compression, "none">, number>> = { gzip: 1, zstd: 3 };

/** Bytes gathered before one message goes to the worker. */
const POST_BYTES = 512 * 1024;
/** Messages a stream may have in a worker before it waits. */
const MAX_IN_FLIGHT = 4;

class WorkerPool {
  readonly #idle: Worker[] = [];
  readonly #waiting: ((w: Worker) => void)[] = [];
  readonly #live = new Set<Worker>();
  readonly size = Math.max(1, availableParallelism());

  async acquire(): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle) {
      idle.ref();
      return idle;
    }
    if (this.#live.size < this.size) return this.#spawn();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #spawn(): Worker {
    const w = new Worker(new URL('./compress-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.#live.add(w);
    // A worker that dies on its own (not discarded) gives its place to whoever waits.
    w.once('exit', () => {
      if (!this.#live.delete(w)) return;
      const i = this.#idle.indexOf(w);
      if (i >= 0) this.#idle.splice(i, 1);
      this.#serveWaiter();
    });
    return w;
  }

  #serveWaiter(): void {
    const next = this.#waiting.shift();
    if (next) next(this.#spawn());
  }

  release(w: Worker): void {
    w.removeAllListeners('message');
    w.removeAllListeners('error');
    const next = this.#waiting.shift();
    if (next) {
      next(w);
      return;
    }
    w.unref();
    this.#idle.push(w);
  }

  /** discard terminates a worker whose codec state is unknown and hands its place on at once. */
  discard(w: Worker): void {
    w.removeAllListeners('message');
    w.removeAllListeners('error');
    this.#live.delete(w);
    void w.terminate();
    this.#serveWaiter();
  }
}

const pool = new WorkerPool();

/** CompressorOptions choose the level; defaults in {@link DEFAULT_LEVELS}. */
export interface CompressorOptions {
  readonly level?: number;
}

/** createCompressor returns a Transform that compresses with `compression`; `none` passes bytes through. */
export function createCompressor(compression: Compression, opts: CompressorOptions = {}): Transform {
  if (compression === 'none') return new PassThrough();
  return new WorkerCompressor(compression, opts.level ?? DEFAULT_LEVELS[compression]);
}

class WorkerCompressor extends Transform {
  #worker: Promise<Worker>;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #inFlight = 0;
  #resume: (() => void) | undefined;
  #finish: ((err?: Error | null) => void) | undefined;
  #released = false;

  constructor(codec: 'gzip' | 'zstd', level: number) {
    super();
    this.#worker = pool.acquire().then((w) => {
      w.on('message', (reply: CompressReply) => this.#onReply(reply));
      w.on('error', (err) => this.destroy(err));
      this.#post(w, { op: 'start', codec, level });
      return w;
    });
  }

  #post(w: Worker, msg: CompressRequest): void {
    this.#inFlight++;
    w.postMessage(msg, msg.op === 'data' ? [msg.buf] : []);
  }

  #onReply(reply: CompressReply): void {
    this.#inFlight--;
    if (reply.op === 'error') {
      this.destroy(new SlipwayError('ERR_INTERNAL', `layer compression failed: ${reply.message}`));
      return;
    }
    if (reply.buf.byteLength > 0) this.push(Buffer.from(reply.buf));
    if (reply.op === 'done') {
      void this.#worker.then((w) => this.#release(w, false));
      const finish = this.#finish;
      this.#finish = undefined;
      finish?.();
      return;
    }
    const resume = this.#resume;
    if (resume && this.#inFlight < MAX_IN_FLIGHT) {
      this.#resume = undefined;
      resume();
    }
  }

  #release(w: Worker, broken: boolean): void {
    if (this.#released) return;
    this.#released = true;
    if (broken) pool.discard(w);
    else pool.release(w);
  }

  #sendPending(w: Worker): void {
    if (this.#pendingBytes === 0) return;
    const joined = Buffer.concat(this.#pending, this.#pendingBytes);
    // A fresh ArrayBuffer that can be transferred without copying again.
    const buf = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#post(w, { op: 'data', buf });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < POST_BYTES) {
      cb();
      return;
    }
    this.#worker.then(
      (w) => {
        this.#sendPending(w);
        if (this.#inFlight < MAX_IN_FLIGHT) cb();
        else this.#resume = () => cb();
      },
      (err: Error) => cb(err),
    );
  }

  override _flush(cb: TransformCallback): void {
    this.#worker.then(
      (w) => {
        this.#sendPending(w);
        this.#finish = (err) => cb(err);
        this.#post(w, { op: 'end' });
      },
      (err: Error) => cb(err),
    );
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    // A stream torn down mid-way leaves codec state in its worker: discard that worker.
    void this.#worker.then((w) => this.#release(w, this.#finish !== undefined || !this.writableFinished));
    cb(err);
  }
}
