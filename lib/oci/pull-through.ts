/**
 * pullThrough: a lazily opened chain of streams, for archive members and blobs that must
 * not start flowing (and so not fail unheard) before their consumer is attached.
 */
import { Readable, type Transform } from 'node:stream';

/**
 * pullThrough is a Readable of `open()`'s bytes passed through `stages()`, both made only on the
 * first read, so no stage runs (or fails) before a consumer is attached. An error in any
 * stage fails the stream; destroying the stream destroys every stage.
 */
export function pullThrough(open: () => Promise<Readable>, stages: () => Transform[]): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const source = await open();
    const all = [source, ...stages()];
    for (let i = 1; i < all.length; i++) all[i - 1]!.on('error', (err) => all[i]!.destroy(err));
    const last = all.reduce((from, to) => from.pipe(to as Transform));
    try {
      for await (const chunk of last) yield chunk as Buffer;
    } finally {
      for (const s of all) s.destroy();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
