/**
 * pullThrough: a lazily opened chain of streams, for archive members and blobs that must
 * not start flowing (and so not fail unheard) before their consumer is attached.
 */
import { pipeline, Readable, type Transform } from 'node:stream';

/**
 * pullThrough is a Readable of `open()`'s bytes passed through `stages()`, both made only on the
 * first read, so no stage runs (or fails) before a consumer is attached. An error or early
 * close of any stage fails the stream; destroying the stream destroys every stage.
 */
export function pullThrough(open: () => Promise<Readable>, stages: () => Transform[]): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const all: Readable[] = [await open(), ...stages()];
    // The callback form of pipeline wires errors and premature closes through every stage
    // and returns the last one, whose iterator then fails; its own report is not needed.
    const last = (pipeline as unknown as (streams: readonly Readable[], cb: (err?: Error | null) => void) => Readable)(all, () => {});
    try {
      for await (const chunk of last) yield chunk as Buffer;
    } finally {
      for (const s of all) s.destroy();
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
