/**
 * Builders of the three OCI JSON documents from their parts. Pure: data in, JsonBlob out.
 */
import type { Descriptor, DescriptorPlatform, Layer } from '../core/index.js';
import { jsonBlob, type JsonBlob } from './json-blob.js';
import { MediaType } from './media-types.js';
import type { HistoryJson, ImageConfig, ImageIndex, ImageManifest, RuntimeConfigJson } from './spec-types.js';
import type { Image } from './image.js';

/** ImageConfigInput is what an image config is made of. */
export interface ImageConfigInput {
  readonly platform: DescriptorPlatform;
  /** RFC 3339 creation time (from SOURCE_DATE_EPOCH). */
  readonly created: string;
  readonly runtime: RuntimeConfigJson;
  /** Layers, base first; their diffIds become rootfs.diff_ids. */
  readonly layers: readonly Layer[];
  /** One history entry per layer, same order (`empty_layer` entries may be added). */
  readonly history: readonly HistoryJson[];
}

/** buildImageConfig makes the image config blob (OCI image-spec config.md). */
export function buildImageConfig(input: ImageConfigInput): JsonBlob<ImageConfig> {
  const runtime = Object.fromEntries(Object.entries(input.runtime).filter(([, v]) => v !== undefined)) as RuntimeConfigJson;
  const value: ImageConfig = {
    created: input.created,
    architecture: input.platform.architecture,
    os: input.platform.os,
    ...(input.platform.variant ? { variant: input.platform.variant } : {}),
    config: runtime,
    rootfs: { type: 'layers', diff_ids: input.layers.map((l) => l.diffId) },
    history: input.history,
  };
  return jsonBlob(MediaType.imageConfig, value);
}

/** buildImage makes the manifest over a config and its layers (OCI image-spec manifest.md). */
export function buildImage(config: JsonBlob<ImageConfig>, layers: readonly Layer[], annotations: Readonly<Record<string, string>> = {}): Image {
  const value: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.imageManifest,
    config: config.descriptor,
    layers: layers.map((l) => l.descriptor),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  const platform: DescriptorPlatform = {
    architecture: config.value.architecture,
    os: config.value.os,
    ...(config.value.variant ? { variant: config.value.variant } : {}),
  };
  return { manifest: jsonBlob(MediaType.imageManifest, value, { platform }), config, layers };
}

/** buildIndex makes an image index listing each image's manifest with its platform (image-index.md). */
export function buildIndex(images: readonly Image[], annotations: Readonly<Record<string, string>> = {}): JsonBlob<ImageIndex> {
  const manifests: Descriptor[] = images.map((img) => img.manifest.descriptor);
  const value: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.imageIndex,
    manifests,
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
  return jsonBlob(MediaType.imageIndex, value);
}
