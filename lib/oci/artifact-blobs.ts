/**
 * What an artifact consists of, as the layout and archive writers need it: every blob once,
 * children before parents, and the root descriptor an index.json entry points at.
 */
import type { Blob, Descriptor } from '../core/index.js';
import { rootBlob, type ImageArtifact } from './image.js';
import { platformRefName } from './layout-index.js';
import { ANNOTATION_REF_NAME } from './media-types.js';

/**
 * artifactBlobs lists every blob of `artifact` once (by digest): layers (base first, image by
 * image), then configs, then manifests, then the index. A writer that stores them in this
 * order never has a document on disk whose children are missing.
 */
export function artifactBlobs(artifact: ImageArtifact): Blob[] {
  const seen = new Set<string>();
  const out: Blob[] = [];
  const add = (b: Blob): void => {
    if (seen.has(b.descriptor.digest)) return;
    seen.add(b.descriptor.digest);
    out.push(b);
  };
  for (const img of artifact.images) img.layers.forEach(add);
  for (const img of artifact.images) add(img.config);
  for (const img of artifact.images) add(img.manifest);
  if (artifact.index) add(artifact.index);
  return out;
}

/**
 * rootDescriptor is the index.json entry for `artifact` under `ref`: the image index's
 * descriptor when there is one (a nested index, image-spec image-layout.md), else the only
 * manifest's descriptor with its platform; annotated with `org.opencontainers.image.ref.name`.
 */
export function rootDescriptor(artifact: ImageArtifact, ref: string): Descriptor {
  const d = rootBlob(artifact).descriptor;
  return { ...d, annotations: { ...d.annotations, [ANNOTATION_REF_NAME]: ref } };
}

/**
 * layoutEntries are the index.json entries `artifact` gets under `ref`: the
 * {@link rootDescriptor} first, then, when the root is an image index and `platformRefs` is on,
 * one platform ref per image (`REF-OS-ARCH[-VARIANT]`, see {@link platformRefName}) pointing at
 * its manifest, in index order.
 */
export function layoutEntries(artifact: ImageArtifact, ref: string, platformRefs: boolean): Descriptor[] {
  const entries = [rootDescriptor(artifact, ref)];
  if (!artifact.index || !platformRefs) return entries;
  for (const img of artifact.images) {
    const d = img.manifest.descriptor;
    const name = d.platform ? platformRefName(ref, d.platform) : undefined;
    if (name !== undefined) entries.push({ ...d, annotations: { ...d.annotations, [ANNOTATION_REF_NAME]: name } });
  }
  return entries;
}
