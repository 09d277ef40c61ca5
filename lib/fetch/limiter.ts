/**
 * Limiter: bounded concurrency. At most `max` tasks run at once; the others wait in the order
 * they asked (FIFO). One Limiter is shared by everything a Fetcher downloads.
 */

/** Limiter runs at most {@link Limiter.max} tasks at a time. */
export class Limiter {
  /** max is the number of tasks that may run at once (at least 1). */
  readonly max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`Limiter: max must be a positive integer, got ${max}`);
    this.max = max;
  }

  /** active is the number of tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** waiting is the number of tasks queued for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * run waits for a slot, runs `task` and frees the slot when it settles, returning its
   * result. When `signal` aborts while waiting, the task never starts and run rejects with
   * the signal's reason.
   */
  async run<T>(task: () => Promise<T>, opts: { signal?: AbortSignal } = {}): Promise<T> {
    await this.#acquire(opts.signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', onAbort);
        this.#active++;
        resolve();
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(start);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(start);
    });
  }

  #release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }
}
