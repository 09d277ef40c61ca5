/**
 * What `slipway inspect` shows of an image on disk, and how it is gathered from an OCI
 * layout (directory or archive): from a root descriptor down through image indexes to each
 * manifest, its config and its layers, every blob checked against its descriptor.
 */
import { SlipwayError, type Descriptor, type DescriptorPlatform, type Digest } from '../core/index.js';
import { configPlatform } from './descriptor-platform.js';
import type { Destination } from './destination.js';
import { layoutRefs, mainEntries, refNameOf } from './layout-index.js';
import { MediaType } from './media-types.js';
import { malformedError, parseImageConfig, parseImageIndex, parseImageManifest } from './parse-documents.js';
import type { ImageConfig, ImageIndex, ImageManifest } from './spec-types.js';

/** LayerSummary is one layer of an image: its blob and, from the config, its diffId. */
export interface LayerSummary {
  readonly digest: Digest;
  /** Size in bytes of the blob as stored (compressed, for compressed layers). */
  readonly size: number;
  readonly mediaType: string;
  /** sha256 of the uncompressed tar, from the config's rootfs.diff_ids. */
  readonly diffId: Digest;
}

/** ImageSummary is one platform's image. */
export interface ImageSummary {
  readonly platform: DescriptorPlatform;
  /** The manifest's descriptor; absent for docker-archive, which stores no manifest. */
  readonly manifestDescriptor?: Descriptor;
  readonly manifest?: ImageManifest;
  readonly configDescriptor: Descriptor;
  readonly config: ImageConfig;
  /** Layers, base first. */
  readonly layers: readonly LayerSummary[];
}

/** ImageReport is everything {@link readOciImage} found at a destination. */
export interface ImageReport {
  readonly destination: Destination;
  /** The ref that was read (an OCI ref name, or a docker-archive RepoTag), when it has one. */
  readonly ref?: string;
  /** Every ref at the destination, in the order stored. */
  readonly refs: readonly string[];
  /** The index.json entry that was read; absent for docker-archive. */
  readonly root?: Descriptor;
  /** The image index the root points at, for a multi-platform image. */
  readonly index?: ImageIndex;
  /** Images in index order (one for a single-platform image). */
  readonly images: readonly ImageSummary[];
}

/** BlobSource reads blobs of a layout by descriptor, verifying them. */
export interface BlobSource {
  /** readBytes returns a small blob (at most MAX_JSON_BLOB_BYTES), checked against `d`'s size and digest. */
  readBytes(d: Descriptor, subject: string): Promise<Buffer>;
  /** checkBlob fails unless the blob is present with `d`'s size (and digest, where the source checks it). */
  checkBlob(d: Descriptor, subject: string): Promise<void>;
}

/**
 * notFoundError is the ERR_OCI_NOT_FOUND error readers throw: for a missing ref it lists the
 * `refs` there are; without `refs` (a missing path or blob) the hint is `hint`.
 */
export function notFoundError(subject: string, why: string, refs?: readonly string[], hint = 'check the path, or build the image first'): SlipwayError {
  const listed = refs === undefined ? hint : refs.length ? `available refs: ${refs.join(', ')}` : 'the destination holds no named images';
  return new SlipwayError('ERR_OCI_NOT_FOUND', `${subject}: ${why}`, { hint: listed });
}

/**
 * selectLayoutEntry picks the index.json entry named `ref`, or without a ref the only entry
 * (platform refs of another entry not counted). Throws ERR_OCI_NOT_FOUND listing the refs.
 */
export function selectLayoutEntry(index: ImageIndex, ref: string | undefined, subject: string): Descriptor {
  const refs = layoutRefs(index);
  if (ref !== undefined) {
    const found = index.manifests.find((d) => refNameOf(d) === ref);
    if (!found) throw notFoundError(subject, `no image with ref ${JSON.stringify(ref)}`, refs);
    return found;
  }
  const main = mainEntries(index);
  if (main.length === 1) return main[0]!;
  throw notFoundError(subject, main.length === 0 ? 'index.json lists no images' : `index.json lists ${main.length} images; name one with :REF`, refs);
}

const INDEX_TYPES: readonly string[] = [MediaType.imageIndex, MediaType.dockerManifestList];
const MANIFEST_TYPES: readonly string[] = [MediaType.imageManifest, MediaType.dockerManifest];
/** Deepest nesting of image indexes followed. */
const MAX_INDEX_DEPTH = 4;

/**
 * resolveImages follows `root` through image indexes (nested ones too, up to a depth of 4) to
 * every image manifest, reading and checking manifests, configs and layers from `source`.
 * Index entries of other media types (artifacts, signatures) are skipped. Errors name `where`
 * (the destination) first, then the document or blob.
 */
export async function resolveImages(root: Descriptor, source: BlobSource, where: string): Promise<{ index?: ImageIndex; images: ImageSummary[] }> {
  if (MANIFEST_TYPES.includes(root.mediaType)) return { images: [await readImageSummary(root, source, where)] };
  if (!INDEX_TYPES.includes(root.mediaType)) throw malformedError(`${where} root ${root.digest}`, `media type ${root.mediaType} is neither an image index nor a manifest`);
  const images: ImageSummary[] = [];
  const walk = async (d: Descriptor, depth: number): Promise<ImageIndex> => {
    const subject = `${where} index ${d.digest}`;
    if (depth > MAX_INDEX_DEPTH) throw malformedError(subject, `image indexes nested deeper than ${MAX_INDEX_DEPTH}`);
    const index = parseImageIndex(await source.readBytes(d, subject), subject);
    for (const m of index.manifests) {
      if (INDEX_TYPES.includes(m.mediaType)) await walk(m, depth + 1);
      else if (MANIFEST_TYPES.includes(m.mediaType)) images.push(await readImageSummary(m, source, where));
    }
    return index;
  };
  const index = await walk(root, 1);
  return { index, images };
}

async function readImageSummary(d: Descriptor, source: BlobSource, where: string): Promise<ImageSummary> {
  const subject = `${where} manifest ${d.digest}`;
  const manifest = parseImageManifest(await source.readBytes(d, subject), subject);
  const configSubject = `${where} config ${manifest.config.digest}`;
  const config = parseImageConfig(await source.readBytes(manifest.config, configSubject), configSubject);
  const diffIds = config.rootfs.diff_ids as readonly Digest[];
  if (diffIds.length !== manifest.layers.length) {
    throw malformedError(subject, `${manifest.layers.length} layers, but its config lists ${diffIds.length} diff_ids`);
  }
  const layers: LayerSummary[] = [];
  for (const [i, l] of manifest.layers.entries()) {
    await source.checkBlob(l, `${where} layer ${l.digest}`);
    layers.push({ digest: l.digest, size: l.size, mediaType: l.mediaType, diffId: diffIds[i]! });
  }
  return { platform: d.platform ?? configPlatform(config), manifestDescriptor: d, manifest, configDescriptor: manifest.config, config, layers };
}
