/**
 * The index.json of an OCI image layout (image-spec image-layout.md): which entries a ref
 * owns, and how a write's entries are merged into those already there. Pure: data in, data out.
 *
 * A multi-platform ref REF owns its root entry (the nested image index) and one "platform
 * ref" per image, `REF-OS-ARCH[-VARIANT]`, pointing straight at that platform's manifest.
 * The platform refs exist for tools that cannot pick a platform from a nested index
 * (umoci 0.4.7 reports "tag is ambiguous"); `umoci unpack --image DIR:latest-linux-arm64` works.
 */
import type { Descriptor, DescriptorPlatform } from '../core/index.js';
import { isOciRefName } from './destination.js';
import { ANNOTATION_REF_NAME, MediaType } from './media-types.js';
import type { ImageIndex } from './spec-types.js';

/** refNameOf is the `org.opencontainers.image.ref.name` of an index.json entry, if it has one. */
export function refNameOf(d: Descriptor): string | undefined {
  return d.annotations?.[ANNOTATION_REF_NAME];
}

/**
 * platformRefName is the platform ref of `platform` under `ref`: `REF-OS-ARCH[-VARIANT]`
 * (`latest-linux-arm64`, `v1-linux-arm-v7`), or undefined when that is not a valid ref name.
 */
export function platformRefName(ref: string, platform: DescriptorPlatform): string | undefined {
  const name = [ref, platform.os, platform.architecture, ...(platform.variant ? [platform.variant] : [])].join('-');
  return isOciRefName(name) ? name : undefined;
}

/**
 * isPlatformRefOf tells whether index.json entry `d` is a platform ref of `ref`: its ref name is
 * {@link platformRefName} of `ref` and of the entry's own platform.
 */
export function isPlatformRefOf(d: Descriptor, ref: string): boolean {
  const name = refNameOf(d);
  return name !== undefined && d.platform !== undefined && name === platformRefName(ref, d.platform);
}

/**
 * mergeLayoutIndex returns `existing` (or a new, empty index.json) with `entries` recorded;
 * `entries[0]` is the root entry of ref REF, the rest its platform refs. Every entry REF owns
 * (ref name REF, or a platform ref of REF) is removed, and the new entries go where the first
 * removed one was, or at the end for a new ref. Other entries keep their order; entries
 * without a ref name and every other member of the document are kept as they were.
 */
export function mergeLayoutIndex(existing: ImageIndex | undefined, entries: readonly Descriptor[]): ImageIndex {
  const ref = entries[0] ? refNameOf(entries[0]) : undefined;
  if (ref === undefined) throw new TypeError('mergeLayoutIndex: the first entry needs a ref name');
  const base: ImageIndex = existing ?? { schemaVersion: 2, mediaType: MediaType.imageIndex, manifests: [] };
  const owned = (d: Descriptor): boolean => refNameOf(d) === ref || isPlatformRefOf(d, ref);
  const manifests: Descriptor[] = [];
  let placed = false;
  for (const m of base.manifests) {
    if (!owned(m)) manifests.push(m);
    else if (!placed) {
      manifests.push(...entries);
      placed = true;
    }
  }
  if (!placed) manifests.push(...entries);
  return { ...base, manifests };
}

/** layoutRefs lists the ref names of index.json's entries, in entry order, each once. */
export function layoutRefs(index: ImageIndex): string[] {
  return [...new Set(index.manifests.map(refNameOf).filter((r): r is string => r !== undefined))];
}

/**
 * mainEntries are index.json's entries less the platform refs of other entries: what a reader
 * chooses from when no ref is given.
 */
export function mainEntries(index: ImageIndex): Descriptor[] {
  const refs = layoutRefs(index);
  return index.manifests.filter((d) => !refs.some((r) => r !== refNameOf(d) && isPlatformRefOf(d, r)));
}
