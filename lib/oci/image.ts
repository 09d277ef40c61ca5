/**
 * The in-memory shape of a built image, as the writers take it and the readers give it.
 */
import type { Layer } from '../core/index.js';
import type { JsonBlob } from './json-blob.js';
import type { ImageConfig, ImageIndex, ImageManifest } from './spec-types.js';

/** Image is one platform's image: manifest, config and layers (base first). */
export interface Image {
  readonly manifest: JsonBlob<ImageManifest>;
  readonly config: JsonBlob<ImageConfig>;
  /** Layers, base first, in manifest order. */
  readonly layers: readonly Layer[];
}

/**
 * ImageArtifact is what a build produces: one image, or an index over one image per platform.
 * `root` is the top object (the index when there is one, else the image's manifest); its
 * digest is the image's digest.
 */
export interface ImageArtifact {
  readonly index?: JsonBlob<ImageIndex>;
  /** Images in index order (one when there is no index). */
  readonly images: readonly Image[];
}

/** rootBlob is the artifact's top object: the index, or the only manifest. */
export function rootBlob(a: ImageArtifact): JsonBlob<ImageIndex> | JsonBlob<ImageManifest> {
  if (a.index) return a.index;
  const only = a.images[0];
  if (!only || a.images.length !== 1) throw new TypeError('ImageArtifact without index must hold exactly one image');
  return only.manifest;
}
