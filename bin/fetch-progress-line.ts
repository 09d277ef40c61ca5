/**
 * FetchProgressLine: one self-rewriting terminal line for download progress — files done of
 * files started, bytes received, retries — redrawn at most every 100 ms.
 */
import type { FetchProgress } from '../lib/index.js';

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** FetchProgressLine renders FetchProgress events on a TTY stream. */
export class FetchProgressLine {
  #started = 0;
  #done = 0;
  #cached = 0;
  #bytes = 0;
  #retries = 0;
  #drawnAt = 0;
  #shown = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** update takes one event and redraws when due. */
  update(e: FetchProgress): void {
    if (e.type === 'start') this.#started++;
    else if (e.type === 'bytes') this.#bytes += e.bytes;
    else if (e.type === 'done') this.#done++;
    else if (e.type === 'cached') this.#cached++;
    else {
      this.#retries++;
      this.#started--;
    }
    const now = Date.now();
    if (now - this.#drawnAt < 100 && e.type === 'bytes') return;
    this.#drawnAt = now;
    const retries = this.#retries ? `, ${this.#retries} retried` : '';
    const cached = this.#cached ? `, ${this.#cached} cached` : '';
    this.out.write(`\r\x1b[Kfetching ${this.#done}/${this.#started} files, ${mib(this.#bytes)}${cached}${retries}`);
    this.#shown = true;
  }

  /** clear removes the line. */
  clear(): void {
    if (this.#shown) this.out.write('\r\x1b[K');
    this.#shown = false;
  }
}
