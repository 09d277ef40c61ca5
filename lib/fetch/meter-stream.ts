/**
 * MeterStream: a pass-through that counts bytes, reports each chunk, and fails as soon as
 * more than a limit has passed, so an oversized download is cut off at once instead of being
 * read to its end.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** MeterStream passes at most `limit` bytes; the chunk that crosses it fails the stream with `tooLarge()`. */
export class MeterStream extends Transform {
  #received = 0;
  readonly #limit: number;
  readonly #onChunk: (bytes: number, received: number) => void;
  readonly #tooLarge: () => Error;

  constructor(limit: number, onChunk: (bytes: number, received: number) => void, tooLarge: () => Error) {
    super();
    this.#limit = limit;
    this.#onChunk = onChunk;
    this.#tooLarge = tooLarge;
  }

  /** received is the number of bytes passed so far. */
  get received(): number {
    return this.#received;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#received += chunk.length;
    if (this.#received > this.#limit) {
      cb(this.#tooLarge());
      return;
    }
    this.#onChunk(chunk.length, this.#received);
    cb(null, chunk);
  }
}
