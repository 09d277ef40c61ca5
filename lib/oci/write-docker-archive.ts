/**
 * writeDockerArchive: one image in the `docker save` format, which `docker load` and
 * `skopeo copy docker-archive:FILE` read. Layers are stored uncompressed, as that format
 * requires, each checked against its diffId on the way in.
 */
import { canonicalJson, type Digest, type JsonValue, type Layer } from '../core/index.js';
import { writeArchiveFile, type ArchiveEntry } from './archive-tar.js';
import { openUncompressedLayer, uncompressedSize } from './decompress-layer.js';
import { dockerConfigName, dockerLayerName, dockerLegacyEntries, dockerManifestEntry, dockerRepositories } from './docker-archive-manifest.js';
import { parseDockerReference } from './docker-reference.js';
import type { Image } from './image.js';
import { openVerifiedBlob } from './layout-blob.js';
import { outputError } from './output-error.js';

/** DockerArchiveWriteOptions control {@link writeDockerArchive}. */
export interface DockerArchiveWriteOptions {
  /** mtime of every tar entry, whole seconds since the epoch (SOURCE_DATE_EPOCH); default 0. */
  readonly mtime?: number;
  readonly signal?: AbortSignal;
}

/**
 * writeDockerArchive writes `image` to `file` as a docker archive tagged `ref` (`name[:tag]`,
 * tag `latest` when left out; no RepoTags and no `repositories` when `ref` is undefined, as
 * skopeo writes an untagged archive). Returns the image ID, the config's digest.
 *
 * Members, in this order: `manifest.json`, `repositories` (when tagged), `<config hex>.json`,
 * the legacy layer directories, then each distinct layer as `<diffId hex>.tar`. gzip and zstd
 * layers are decompressed twice, once to learn the tar's size for its header and once to
 * store it, and both times checked against the diffId; the tar is deterministic and replaces
 * `file` atomically, only once every layer has been verified.
 *
 * A multi-platform artifact has no docker-archive form: pick one image with {@link selectImage}.
 * Errors: ERR_OUTPUT_DESTINATION for an invalid ref, ERR_OUTPUT_WRITE (also when a layer's
 * bytes do not match its digest or diffId), ERR_ABORTED.
 */
export async function writeDockerArchive(file: string, ref: string | undefined, image: Image, opts: DockerArchiveWriteOptions = {}): Promise<Digest> {
  const subject = `docker-archive:${file}${ref === undefined ? '' : `:${ref}`}`;
  const tag = ref === undefined ? undefined : parseDockerReference(ref);
  const signal = opts.signal ? { signal: opts.signal } : {};
  try {
    const layers = await layerEntries(image.layers, signal);
    const legacy = dockerLegacyEntries(image);
    const entries: ArchiveEntry[] = [
      { type: 'file', name: 'manifest.json', bytes: Buffer.from(canonicalJson([dockerManifestEntry(image, tag)] as unknown as JsonValue)) },
      ...(tag && legacy.topId ? [{ type: 'file' as const, name: 'repositories', bytes: dockerRepositories(tag, legacy.topId) }] : []),
      { type: 'file', name: dockerConfigName(image), size: image.config.descriptor.size, open: (o) => openVerifiedBlob(image.config, o) },
      ...legacy.entries,
      ...layers,
    ];
    await writeArchiveFile(file, entries, { mtime: opts.mtime ?? 0, ...signal });
  } catch (err) {
    throw outputError(err, subject, opts.signal);
  }
  return image.config.descriptor.digest;
}

/** layerEntries are the `<diffId hex>.tar` members, one per distinct diffId, base first. */
async function layerEntries(layers: readonly Layer[], opts: { signal?: AbortSignal }): Promise<ArchiveEntry[]> {
  const out: ArchiveEntry[] = [];
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.diffId)) continue;
    seen.add(layer.diffId);
    const size = await uncompressedSize(layer, opts);
    out.push({ type: 'file', name: dockerLayerName(layer.diffId), size, open: (o) => openUncompressedLayer(layer, size, o) });
  }
  return out;
}
