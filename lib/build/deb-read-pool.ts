/**
 * readDebInWorker: {@link readDebContents} run in a pool of worker threads, one per core, so
 * the packages of a build decompress in parallel. Workers are started on demand and ended by
 * {@link DebReadPool.close}; an abort ends them at once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SlipwayError, type ErrorCode } from '../core/index.js';
import type { ControlFiles, MaintainerScript } from '../deb/index.js';
import type { DebContents } from './deb-contents.js';
import type { DebReadRequest } from './deb-read-worker.js';

interface Waiter {
  readonly resolve: (w: Worker) => void;
  readonly reject: (err: unknown) => void;
}

type Reply = { ok: true; contents: DebContents } | { ok: false; code: ErrorCode; message: string; hint?: string };

/** DebReadPool runs package reads in worker threads. */
export class DebReadPool {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  readonly #waiting: Waiter[] = [];
  readonly #size: number;

  constructor(size = availableParallelism()) {
    this.#size = Math.max(1, size);
  }

  /** read reads the package `req.blob` into `req.spool` in a worker. */
  async read(req: DebReadRequest, signal?: AbortSignal): Promise<DebContents> {
    signal?.throwIfAborted();
    const w = await this.#acquire(signal);
    let reply: Reply;
    try {
      reply = await new Promise<Reply>((resolve, reject) => {
        const cleanup = () => {
          signal?.removeEventListener('abort', onAbort);
          w.off('message', done);
          w.off('error', fail);
        };
        const onAbort = () => {
          cleanup();
          reject(signal!.reason);
        };
        const done = (r: Reply) => {
          cleanup();
          resolve(r);
        };
        const fail = (err: Error) => {
          cleanup();
          reject(new SlipwayError('ERR_INTERNAL', `${req.subject}: the reading worker failed: ${err.message}`, { cause: err }));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        w.once('message', done);
        w.once('error', fail);
        w.postMessage(req);
      });
    } catch (err) {
      // Aborted or broken mid-read: the worker may still be working, so it is ended, not reused.
      await this.#discard(w);
      throw err;
    }
    this.#release(w);
    if (!reply.ok) throw new SlipwayError(reply.code, reply.message, reply.hint !== undefined ? { hint: reply.hint } : {});
    return revive(reply.contents);
  }

  async #acquire(signal?: AbortSignal): Promise<Worker> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#all.size < this.#size) {
      // A small young generation: a worker's garbage is short-lived stream chunks, and every MiB counts against peak RSS.
      const w = new Worker(new URL('./deb-read-worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      this.#all.add(w);
      return w;
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.#waiting.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.#waiting.indexOf(waiter);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  #release(w: Worker): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(w);
    else this.#idle.push(w);
  }

  async #discard(w: Worker): Promise<void> {
    this.#all.delete(w);
    const i = this.#idle.indexOf(w);
    if (i >= 0) this.#idle.splice(i, 1);
    await w.terminate();
    const next = this.#waiting.shift();
    if (next) void this.#acquire().then(next.resolve, next.reject);
  }

  /** close ends every worker; reads still waiting for one fail. */
  async close(): Promise<void> {
    for (const w of this.#waiting.splice(0)) w.reject(new SlipwayError('ERR_ABORTED', 'the build ended before this package was read'));
    await Promise.all([...this.#all].map((w) => w.terminate()));
    this.#all.clear();
    this.#idle.length = 0;
  }
}

/** revive turns the structured clone of DebContents (Uint8Arrays) back into Buffers. */
function revive(c: DebContents): DebContents {
  const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const ctl = c.control;
  const scripts: Partial<Record<MaintainerScript, Buffer>> = {};
  for (const [k, v] of Object.entries(ctl.scripts)) if (v) scripts[k as MaintainerScript] = buf(v);
  const control: ControlFiles = { ...ctl, scripts, other: new Map([...ctl.other].map(([k, v]) => [k, buf(v)])) };
  return { ...c, control, captured: new Map([...c.captured].map(([k, v]) => [k, buf(v)])) };
}
