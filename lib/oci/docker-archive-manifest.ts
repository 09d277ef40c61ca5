/**
 * The metadata of a `docker save` archive, as `docker load` and containers/image's
 * docker-archive transport read it: `manifest.json`, `repositories`, and the legacy
 * per-layer directories (`<id>/VERSION`, `<id>/json`, `<id>/layer.tar`) that `repositories`
 * points into. Pure: an image in, archive members out.
 *
 * Legacy layer IDs follow containers/image's docker/internal/tarfile writer: the layer's
 * ChainID (image-spec config.md "Layer ChainID") folded into the layer's legacy JSON, hashed.
 */
import { canonicalJson, digestHex, sha256Digest, type Digest, type JsonValue } from '../core/index.js';
import type { ArchiveEntry } from './archive-tar.js';
import { familiarName, formatDockerReference, type DockerReference } from './docker-reference.js';
import type { Image } from './image.js';

/** DockerManifestEntry is one element of `manifest.json`. */
export interface DockerManifestEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[];
  readonly Layers: readonly string[];
}

/** dockerConfigName is the config's member name: `<config digest hex>.json`. */
export function dockerConfigName(image: Image): string {
  return `${digestHex(image.config.descriptor.digest)}.json`;
}

/** dockerLayerName is an uncompressed layer's member name: `<diffId hex>.tar`. */
export function dockerLayerName(diffId: Digest): string {
  return `${digestHex(diffId)}.tar`;
}

/**
 * dockerManifestEntry is `image`'s `manifest.json` element: config, RepoTags (empty without
 * a tag, as skopeo writes an untagged archive) and layers, base first.
 */
export function dockerManifestEntry(image: Image, tag?: DockerReference): DockerManifestEntry {
  return {
    Config: dockerConfigName(image),
    RepoTags: tag ? [formatDockerReference(tag)] : [],
    Layers: image.layers.map((l) => dockerLayerName(l.diffId)),
  };
}

/** Members of the top layer's legacy JSON copied from the image config, as docker and skopeo do. */
const LEGACY_CONFIG_KEYS = ['architecture', 'config', 'container', 'container_config', 'created', 'docker_version', 'os'] as const;

/**
 * dockerLegacyEntries are the legacy layer directories, base first, each holding `VERSION`
 * (`1.0`), `json` (id, parent, and for the top layer the config's platform and runtime) and
 * `layer.tar`, a symlink to the layer's `<diffId hex>.tar`. Returns them with the top layer's ID.
 */
export function dockerLegacyEntries(image: Image): { entries: ArchiveEntry[]; topId: string | undefined } {
  const config = image.config.value as unknown as Record<string, JsonValue | undefined>;
  const entries: ArchiveEntry[] = [];
  let chainId: Digest | undefined;
  let parent: string | undefined;
  image.layers.forEach((layer, i) => {
    chainId = chainId === undefined ? layer.diffId : sha256Digest(`${chainId} ${layer.diffId}`);
    const json: Record<string, JsonValue | undefined> = { ...(parent ? { parent } : {}) };
    if (i === image.layers.length - 1) for (const k of LEGACY_CONFIG_KEYS) if (config[k] !== undefined) json[k] = config[k];
    const id = digestHex(sha256Digest(canonicalJson({ ...json, layer_id: chainId })));
    entries.push(
      { type: 'directory', name: `${id}/` },
      { type: 'file', name: `${id}/VERSION`, bytes: Buffer.from('1.0') },
      { type: 'file', name: `${id}/json`, bytes: Buffer.from(canonicalJson({ ...json, id })) },
      { type: 'symlink', name: `${id}/layer.tar`, linkname: `../${dockerLayerName(layer.diffId)}` },
    );
    parent = id;
  });
  return { entries, topId: parent };
}

/** dockerRepositories is the `repositories` file: `{ familiar name: { tag: top legacy layer ID } }`. */
export function dockerRepositories(tag: DockerReference, topId: string): Buffer {
  return Buffer.from(canonicalJson({ [familiarName(tag)]: { [tag.tag]: topId } }));
}
