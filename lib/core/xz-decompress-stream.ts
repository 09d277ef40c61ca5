/**
 * XzDecompressStream: .xz decompression as a Node Transform. It drives xz-embedded (public
 * domain / 0BSD, by Lasse Collin and Igor Pavlov), compiled to WebAssembly and shipped by
 * the `xz-decompress` package, directly: one WebAssembly instance per stream.
 *
 * Why not the package's own `XzReadableStream`: it shares one instance between all streams
 * of the process and serialises them with a process-wide lock, so a stream that is held open
 * (a .deb's data.tar.xz waiting for a layer writer) blocks every other xz stream, and a
 * stream destroyed while queued releases a lock it does not hold. An instance per stream has
 * no shared state; its memory (at most the 64 MiB dictionary plus 128 KiB of buffers) goes
 * with the stream. See docs/decisions.md ("xz").
 *
 * What the decoder accepts (xz-embedded as built by xz-decompress 0.2.x): the .xz format
 * (tukaani.org xz-file-format-1.2.1) with LZMA2, integrity checks none, CRC32 and CRC64,
 * concatenated streams and stream padding (§2.2), dictionaries up to 64 MiB (`xz -9e`).
 * SHA-256 checks and BCJ/delta filters are refused with an error, never skipped.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Transform, type TransformCallback } from 'node:stream';

/** xz_ret values (xz-embedded linux/include/linux/xz.h). */
const XZ_OK = 0;
const XZ_STREAM_END = 1;
const XZ_PROBLEMS: Readonly<Record<number, string>> = {
  2: 'uses an integrity check this decoder cannot verify',
  3: 'needs more memory than is available',
  4: 'needs a dictionary larger than 64 MiB',
  5: 'is not in the xz format (bad magic bytes or stream header)',
  6: 'uses an option this decoder does not support (a SHA-256 check, a BCJ or delta filter, or a reserved flag)',
  7: 'is corrupt (bad LZMA2 data, header, index or integrity check)',
  8: 'is truncated (the input ends inside an xz stream)',
};

/** What the WebAssembly module exports (xz-decompress src/native/xz-decompress.c). */
interface XzExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  create_context(): number;
  destroy_context(ctx: number): void;
  supply_input(ctx: number, size: number): void;
  get_next_output(ctx: number): number;
}

interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/**
 * xzModule compiles the decoder once per process. The package ships the binary as a base64
 * data URL inside its bundle; it is read with a synchronous read on first use, as `require`
 * would, because it is code, not data.
 */
function xzModule(): object {
  if (compiled !== undefined) return compiled;
  const bundlePath = createRequire(import.meta.url).resolve('xz-decompress');
  const match = /data:application\/wasm;base64,([A-Za-z0-9+/=]+)/.exec(readFileSync(bundlePath, 'utf8'));
  if (!match?.[1]) throw new Error(`xz: no WebAssembly decoder found in ${bundlePath}; slipway needs xz-decompress 0.2.x`);
  compiled = new wasm.Module(Buffer.from(match[1], 'base64'));
  return compiled;
}

/**
 * XzWasmDecoder is one decoder context. Its context struct starts with `size_t bufsize` and
 * a `struct xz_buf` {in, in_pos, in_size, out, out_pos, out_size}: 32-bit words 0..6.
 */
class XzWasmDecoder {
  readonly #x: XzExports;
  readonly #ctx: number;
  readonly bufSize: number;
  readonly #inAddr: number;
  readonly #outAddr: number;

  constructor() {
    this.#x = new wasm.Instance(xzModule(), {}).exports as XzExports;
    if (typeof this.#x.get_next_output !== 'function') throw new Error('xz: the WebAssembly decoder lacks get_next_output; slipway needs xz-decompress 0.2.x');
    this.#ctx = this.#x.create_context();
    const words = this.#words();
    this.bufSize = words[0]!;
    this.#inAddr = words[1]!;
    this.#outAddr = words[4]!;
  }

  // A fresh view on every use: memory.buffer is replaced whenever the decoder grows memory.
  #words(): Uint32Array {
    return new Uint32Array(this.#x.memory.buffer, this.#ctx, 7);
  }

  /** needsInput tells whether the last input given has been consumed. */
  get needsInput(): boolean {
    const w = this.#words();
    return w[2] === w[3];
  }

  /** supply hands the decoder `bytes` (at most bufSize); an empty array means "input has ended". */
  supply(bytes: Uint8Array): void {
    new Uint8Array(this.#x.memory.buffer, this.#inAddr, bytes.length).set(bytes);
    this.#x.supply_input(this.#ctx, bytes.length);
  }

  /** step decodes until input is consumed or the output buffer is full; returns the xz_ret and a copy of the output. */
  step(): { ret: number; out: Buffer | undefined; full: boolean } {
    const ret = this.#x.get_next_output(this.#ctx);
    const w = this.#words();
    const n = w[5]!;
    const out = n === 0 ? undefined : Buffer.from(new Uint8Array(this.#x.memory.buffer, this.#outAddr, n));
    w[5] = 0;
    return { ret, out, full: n === this.bufSize };
  }

  dispose(): void {
    this.#x.destroy_context(this.#ctx);
  }
}

const NO_INPUT = new Uint8Array(0);

/**
 * XzDecompressStream decompresses .xz data (one or more concatenated streams, with stream
 * padding) written to it. Corrupt, truncated or unsupported input fails the stream with an
 * Error whose message starts with `xz:`; output already pushed is then not to be trusted (a
 * consumer that verifies a digest, as slipway's do, never commits it). Output respects
 * backpressure, so a small input that expands hugely is not buffered whole.
 */
export class XzDecompressStream extends Transform {
  #decoder: XzWasmDecoder | undefined;
  #consumed = 0;
  #resume: (() => void) | undefined;

  constructor() {
    // Room for a few of the decoder's 64 KiB output blocks before waiting for the reader.
    super({ readableHighWaterMark: 256 * 1024 });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#run(chunk, false).then(() => cb(), (err: Error) => cb(err));
  }

  override _flush(cb: TransformCallback): void {
    this.#run(NO_INPUT, true).then(() => cb(), (err: Error) => cb(err));
  }

  override _read(size: number): void {
    this.#wake();
    super._read(size);
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.#decoder?.dispose();
    this.#decoder = undefined;
    this.#wake();
    cb(err);
  }

  #wake(): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  async #run(input: Uint8Array, finish: boolean): Promise<void> {
    // Created on first use: a stream that never sees input costs nothing.
    this.#decoder ??= new XzWasmDecoder();
    let pos = 0;
    if (finish) this.#decoder.supply(NO_INPUT);
    for (;;) {
      const dec = this.#decoder;
      if (dec === undefined) return; // destroyed while waiting
      if (!finish && dec.needsInput) {
        if (pos === input.length) return;
        const n = Math.min(dec.bufSize, input.length - pos);
        dec.supply(input.subarray(pos, pos + n));
        pos += n;
        this.#consumed += n;
      }
      const { ret, out } = dec.step();
      if (ret !== XZ_OK && ret !== XZ_STREAM_END) throw this.#error(ret);
      if (out && !this.push(out)) await new Promise<void>((resolve) => (this.#resume = resolve));
      // With finish set, xz-embedded ends with XZ_STREAM_END (complete) or an error (truncated:
      // XZ_BUF_ERROR after two calls without progress), so this loop ends.
      if (ret === XZ_STREAM_END) {
        this.#decoder?.dispose();
        this.#decoder = undefined;
        return;
      }
    }
  }

  #error(ret: number): Error {
    this.#decoder?.dispose();
    this.#decoder = undefined;
    const problem = XZ_PROBLEMS[ret] ?? `fails with xz-embedded code ${ret}`;
    return new Error(`xz: the input ${problem}; ${this.#consumed} compressed bytes read`);
  }
}
