/**
 * Decompression by magic bytes or by name: gzip (node:zlib), zstd (fzstd, pure JavaScript),
 * xz (xz-embedded in WebAssembly, see xz-decompress-stream.ts), or none. Decompressed output
 * is the same on every platform whichever implementation runs. Shared by input tarballs
 * (build), docker-archive layers (oci), apt indices (Packages.xz) and .deb members.
 */
import { open } from 'node:fs/promises';
import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { XzDecompressStream } from './xz-decompress-stream.js';

/** ArchiveCompression is what {@link sniffCompression} can tell. */
export type ArchiveCompression = 'gzip' | 'zstd' | 'xz' | 'bzip2' | 'none';

/** sniffCompression reads the first bytes of the file at `path` and names its compression. */
export async function sniffCompression(path: string): Promise<ArchiveCompression> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(6);
    const { bytesRead } = await fh.read(buf, 0, 6, 0);
    return compressionOf(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** compressionOf names the compression whose magic number starts `head`. */
export function compressionOf(head: Uint8Array): ArchiveCompression {
  const starts = (...magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  return 'none';
}

/**
 * openDecompressor returns a Transform that decompresses `kind` (bzip2 is not supported).
 * xz accepts concatenated streams and stream padding, and fails on corrupt or truncated
 * input; see {@link XzDecompressStream} for what it refuses.
 */
export function openDecompressor(kind: Exclude<ArchiveCompression, 'bzip2'>): Transform {
  if (kind === 'gzip') return createGunzip();
  if (kind === 'zstd') return new ZstdDecompressStream();
  if (kind === 'xz') return new XzDecompressStream();
  return new PassThrough();
}

/**
 * ZSTD_STEP_BYTES is how much compressed input the zstd decoder is given at once. fzstd
 * decodes synchronously every block an input completes, and a block is at most 128 KiB of
 * output (RFC 8878 §3.1.1.2.4) from as little as 4 bytes of input (an RLE block), so one step
 * yields at most (64 / 4 + 1) × 128 KiB ≈ 2.1 MiB before the stream can wait for its reader.
 */
const ZSTD_STEP_BYTES = 64;

/**
 * ZstdDecompressStream wraps fzstd's streaming decoder as a Transform. Output respects
 * backpressure: input is decoded {@link ZSTD_STEP_BYTES} at a time, and after a step whose
 * output filled the readable buffer the stream waits for the reader, so a small input that
 * expands hugely is not buffered whole.
 */
class ZstdDecompressStream extends Transform {
  #full = false;
  #resume: (() => void) | undefined;
  readonly #decoder = new Decompress((data) => {
    // Copied: the decoder may reuse its block buffer for the next block.
    if (data.length > 0 && !this.push(Buffer.from(data))) this.#full = true;
  });

  constructor() {
    super({ readableHighWaterMark: 256 * 1024 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#run(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)).then(() => cb(), (err: Error) => cb(err));
  }

  override _flush(cb: TransformCallback): void {
    try {
      // Every complete block was decoded in _transform: this only checks that the input ends
      // at the end of a frame (fzstd throws otherwise), so it yields no output.
      this.#decoder.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _read(size: number): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
    super._read(size);
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
    cb(err);
  }

  async #run(input: Uint8Array): Promise<void> {
    for (let pos = 0; pos < input.length && !this.destroyed; pos += ZSTD_STEP_BYTES) {
      this.#decoder.push(input.subarray(pos, pos + ZSTD_STEP_BYTES));
      if (this.#full) {
        this.#full = false;
        await new Promise<void>((resolve) => (this.#resume = resolve));
      }
    }
  }
}
