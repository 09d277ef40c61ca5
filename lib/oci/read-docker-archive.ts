/**
 * readDockerArchiveImage: a `docker save` archive (manifest.json, configs, layer tars) read
 * in one streaming pass for `slipway inspect`. Such an archive stores no manifest, so the
 * report's images have none; layers are described by their stored bytes.
 */
import type { Descriptor, Digest } from '../core/index.js';
import { configPlatform } from './descriptor-platform.js';
import { formatDestination, type Destination } from './destination.js';
import { formatDockerReference, parseDockerReference } from './docker-reference.js';
import { notFoundError, type ImageReport, type ImageSummary, type LayerSummary } from './image-report.js';
import { MediaType } from './media-types.js';
import { malformedError, parseImageConfig } from './parse-documents.js';
import type { ReadImageOptions } from './read-oci-layout.js';
import { memberName, scanArchive, type ArchiveScan, type ScannedFile } from './scan-archive.js';

/** DOCKER_LAYER_TAR is the Docker media type of an uncompressed layer, as docker-archive stores them. */
export const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';

interface ManifestEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[];
  readonly Layers: readonly string[];
}

/**
 * readDockerArchiveImage reads the image tagged `dest.ref` (or the only one) from the docker
 * archive `dest.path`. Tags compare in normalised form (`app` is `docker.io/library/app:latest`).
 * Errors: ERR_OCI_NOT_FOUND (no file, no such tag, a missing member), ERR_OCI_MALFORMED.
 */
export async function readDockerArchiveImage(dest: Destination, opts: ReadImageOptions = {}): Promise<ImageReport> {
  const file = dest.path;
  const scan = await scanArchive(file, opts.signal ? { signal: opts.signal } : {});
  const entries = parseManifestJson(scan, file);
  const refs = entries.flatMap((e) => e.RepoTags);
  const entry = selectEntry(entries, dest.ref, formatDestination(dest), refs);
  const member = (name: string, subject: string): ScannedFile => {
    const f = resolveMember(scan, name);
    if (!f) throw notFoundError(subject, `member ${JSON.stringify(name)} is missing`, undefined, 'the archive is incomplete; write the image again');
    return f;
  };
  const cfgFile = member(entry.Config, `${file}: config ${entry.Config}`);
  const subject = `${file}: ${entry.Config}`;
  if (!cfgFile.bytes) throw malformedError(subject, 'is not a JSON document');
  const config = parseImageConfig(cfgFile.bytes, subject);
  const diffIds = config.rootfs.diff_ids as readonly Digest[];
  if (diffIds.length !== entry.Layers.length) throw malformedError(subject, `lists ${diffIds.length} diff_ids, but manifest.json lists ${entry.Layers.length} layers`);
  const layers = entry.Layers.map((name, i): LayerSummary => describeLayer(member(name, `${file}: layer ${name}`), diffIds[i]!, `${file}: ${name}`));
  const configDescriptor: Descriptor = { mediaType: MediaType.dockerConfig, digest: cfgFile.digest, size: cfgFile.size };
  const image: ImageSummary = { platform: configPlatform(config), configDescriptor, config, layers };
  const ref = dest.ref === undefined ? entry.RepoTags[0] : dest.ref;
  return { destination: dest, ...(ref === undefined ? {} : { ref }), refs, images: [image] };
}

function describeLayer(f: ScannedFile, diffId: Digest, subject: string): LayerSummary {
  const starts = (...magic: number[]) => magic.every((b, i) => f.head[i] === b);
  const mediaType = starts(0x1f, 0x8b) ? MediaType.dockerLayerGzip : starts(0x28, 0xb5, 0x2f, 0xfd) ? MediaType.layerZstd : DOCKER_LAYER_TAR;
  if (mediaType === DOCKER_LAYER_TAR && f.digest !== diffId) throw malformedError(subject, `uncompressed layer has digest ${f.digest}, but the config's diff_id is ${diffId}`);
  return { digest: f.digest, size: f.size, mediaType, diffId };
}

function resolveMember(scan: ArchiveScan, name: string): ScannedFile | undefined {
  let n = memberName(name);
  for (let hops = 0; hops < 8 && !scan.files.has(n); hops++) {
    const target = scan.links.get(n);
    if (target === undefined) break;
    n = target;
  }
  return scan.files.get(n);
}

function parseManifestJson(scan: ArchiveScan, file: string): ManifestEntry[] {
  const subject = `${file}: manifest.json`;
  const bytes = scan.files.get('manifest.json')?.bytes;
  if (!bytes) throw malformedError(subject, 'is missing, so this is not a docker archive');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw malformedError(subject, 'not valid JSON', err);
  }
  const ok = (e: unknown): e is ManifestEntry => {
    const o = e as Record<string, unknown> | null;
    const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
    return typeof o === 'object' && o !== null && typeof o['Config'] === 'string' && strings(o['Layers']) && (o['RepoTags'] === null || o['RepoTags'] === undefined || strings(o['RepoTags']));
  };
  if (!Array.isArray(value) || !value.every(ok)) throw malformedError(subject, 'is not a list of {Config, RepoTags, Layers}');
  return value.map((e) => ({ ...e, RepoTags: e.RepoTags ?? [] }));
}

function normalTag(text: string): string | undefined {
  try {
    return formatDockerReference(parseDockerReference(text));
  } catch {
    return undefined;
  }
}

function selectEntry(entries: readonly ManifestEntry[], ref: string | undefined, subject: string, refs: readonly string[]): ManifestEntry {
  if (ref === undefined) {
    if (entries.length === 1) return entries[0]!;
    throw notFoundError(subject, entries.length === 0 ? 'manifest.json lists no images' : `manifest.json lists ${entries.length} images; name one with :NAME:TAG`, refs);
  }
  const want = normalTag(ref);
  const found = entries.find((e) => e.RepoTags.some((t) => normalTag(t) === want));
  if (!found) throw notFoundError(subject, `no image tagged ${JSON.stringify(ref)}`, refs);
  return found;
}
