/**
 * ChunkReader: pull-based reads from a Readable's chunks, counting the bytes consumed, for
 * the ar reader: exactly n bytes for a header, up to n bytes for a body, or skip n bytes.
 */
import type { Readable } from 'node:stream';
import { abortError, markSourceError } from './deb-error.js';

const EMPTY = Buffer.alloc(0);

/** ChunkReader reads `src` on demand; one read at a time (callers serialise). */
export class ChunkReader {
  /** offset is how many bytes of `src` have been consumed so far. */
  offset = 0;
  readonly #it: AsyncIterator<unknown>;
  readonly #subject: string;
  readonly #signal: AbortSignal | undefined;
  #head: Buffer = EMPTY;
  #done = false;

  constructor(src: Readable, subject: string, signal?: AbortSignal) {
    this.#it = src[Symbol.asyncIterator]();
    this.#subject = subject;
    this.#signal = signal;
  }

  /** readUpTo returns the next 1..max bytes, or undefined at the end of input. */
  async readUpTo(max: number): Promise<Buffer | undefined> {
    if (!(await this.#fill())) return undefined;
    const out = this.#head.subarray(0, max);
    this.#head = this.#head.subarray(out.length);
    this.offset += out.length;
    return out;
  }

  /** readExactly returns the next `n` bytes, or fewer when the input ends first. */
  async readExactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const chunk = await this.readUpTo(n - got);
      if (!chunk) break;
      parts.push(chunk);
      got += chunk.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
  }

  /** skip discards up to `n` bytes and returns how many it discarded (fewer at the end of input). */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const chunk = await this.readUpTo(Math.min(left, Number.MAX_SAFE_INTEGER));
      if (!chunk) break;
      left -= chunk.length;
    }
    return n - left;
  }

  /** close stops reading: the source iterator is returned, which destroys the stream. */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#it.return?.();
  }

  async #fill(): Promise<boolean> {
    while (this.#head.length === 0) {
      if (this.#signal?.aborted) throw abortError(this.#subject, this.#signal);
      if (this.#done) return false;
      let r: IteratorResult<unknown>;
      try {
        r = await this.#it.next();
      } catch (err) {
        throw markSourceError(err);
      }
      if (r.done) {
        this.#done = true;
        return false;
      }
      const v = r.value;
      this.#head = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array);
    }
    return true;
  }
}
