/**
 * LayerCache: layers made from packages, kept by a key that names everything that decides
 * their bytes (each entry's metadata and contentKey, the compression and level, the mtime
 * and the tar encoding's version), so that a rebuild recompresses nothing it compressed
 * before. The blob itself lives in the content store; the cache maps key → descriptor and
 * diffId, written after the blob is in place, and an entry whose blob has gone is ignored.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest, writeFileAtomic, type Digest, type Layer } from '../core/index.js';
import { blobLayer, type Compression, type LayerEntry } from '../layer/index.js';

/** TAR_ENCODING changes whenever the tar writer's output for the same entries changes. */
const TAR_ENCODING = 'slipway-tar-1';

interface Stored {
  readonly key: string;
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly diffId: Digest;
}

/** layerKey names a layer of `entries`, or undefined when a file has no contentKey (its bytes are unknown until read). */
export function layerKey(entries: readonly LayerEntry[], o: { readonly compression: Compression; readonly level?: number; readonly mtime: number; readonly mediaType: string }): string | undefined {
  const rows: unknown[] = [TAR_ENCODING, o.compression, o.level ?? null, o.mtime, o.mediaType];
  for (const e of entries) {
    if (e.type === 'file' && e.contentKey === undefined) return undefined;
    rows.push([e.path, e.type, e.mode, e.uid, e.gid, e.size, e.linkname ?? null, e.devmajor ?? null, e.devminor ?? null, e.contentKey ?? null]);
  }
  return sha256Digest(JSON.stringify(rows)).slice('sha256:'.length);
}

/** LayerCache finds and records layers by key under `<cacheDir>/layers/`. */
export class LayerCache {
  readonly #dir: string;
  readonly #blobs: string;

  constructor(cacheDir: string, blobsDir: string) {
    this.#dir = join(cacheDir, 'layers');
    this.#blobs = blobsDir;
  }

  /** get returns the layer recorded under `key` whose blob is still present, or undefined. */
  async get(key: string): Promise<Layer | undefined> {
    let s: Stored;
    try {
      s = JSON.parse(await readFile(join(this.#dir, `${key}.json`), 'utf8')) as Stored;
    } catch {
      return undefined;
    }
    if (s.key !== key || typeof s.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(s.digest) || !/^sha256:[0-9a-f]{64}$/.test(String(s.diffId))) return undefined;
    const path = join(this.#blobs, 'sha256', s.digest.slice('sha256:'.length));
    try {
      if ((await stat(path)).size !== s.size) return undefined;
    } catch {
      return undefined;
    }
    return blobLayer(path, { mediaType: s.mediaType, digest: s.digest, size: s.size }, s.diffId);
  }

  /** put records `layer` under `key`. */
  async put(key: string, layer: Layer): Promise<void> {
    const s: Stored = { key, mediaType: layer.descriptor.mediaType, digest: layer.descriptor.digest, size: layer.descriptor.size, diffId: layer.diffId };
    await writeFileAtomic(join(this.#dir, `${key}.json`), JSON.stringify(s));
  }
}
