/**
 * Layers uncompressed: for docker-archive, which stores each layer as a plain tar named by
 * its diffId. gzip through node:zlib, zstd through fzstd (pure JavaScript); the output is
 * checked against the layer's diffId (OCI image-spec config.md "Layer DiffID") in passing.
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VerifyStream, openDecompressor, type Layer, type OpenOptions } from '../core/index.js';
import { MediaType } from './media-types.js';
import { pullThrough } from './pull-through.js';

/** LayerCompression is how a layer blob is compressed, as its media type says. */
export type LayerCompression = 'gzip' | 'zstd' | 'none';

/**
 * layerCompression reads a layer's compression from its media type (`+gzip`, `+zstd`, the
 * Docker `.tar.gzip`); anything else is taken as an uncompressed tar.
 */
export function layerCompression(mediaType: string): LayerCompression {
  if (mediaType.endsWith('+gzip') || mediaType === MediaType.dockerLayerGzip) return 'gzip';
  if (mediaType.endsWith('+zstd') || mediaType.endsWith('.zstd')) return 'zstd';
  return 'none';
}

/**
 * uncompressedSize reads `layer` once, uncompressed, and returns the size in bytes of its tar,
 * failing when the tar's sha256 is not the layer's diffId. For an uncompressed layer it is
 * the blob's size, read without opening it.
 */
export async function uncompressedSize(layer: Layer, opts: OpenOptions = {}): Promise<number> {
  const compression = layerCompression(layer.descriptor.mediaType);
  if (compression === 'none') return layer.descriptor.size;
  let size = 0;
  const count = new Writable({
    write(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      cb();
    },
  });
  await pipeline(await layer.open(opts), openDecompressor(compression), diffIdCheck(layer), count, opts.signal ? { signal: opts.signal } : {});
  return size;
}

/**
 * openUncompressedLayer opens `layer` as its plain tar, `size` bytes (from
 * {@link uncompressedSize}) whose sha256 must be the diffId; the stream fails before its
 * end otherwise. The layer is opened on the first read; destroying the stream closes it.
 */
export async function openUncompressedLayer(layer: Layer, size: number, opts: OpenOptions = {}): Promise<Readable> {
  return pullThrough(() => layer.open(opts), () => [openDecompressor(layerCompression(layer.descriptor.mediaType)), diffIdCheck(layer, size)]);
}

function diffIdCheck(layer: Layer, size?: number): VerifyStream {
  return new VerifyStream({
    digest: layer.diffId,
    ...(size === undefined ? {} : { size }),
    subject: `layer ${layer.descriptor.digest} uncompressed (diffId)`,
  });
}
