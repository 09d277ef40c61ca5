/**
 * Parsers of the OCI JSON documents slipway reads back: image index (also index.json),
 * manifest, config and the descriptors in them. They check the members slipway relies on and
 * keep every other member as it was, so a document can be written back unchanged.
 */
import { isDigest, SlipwayError, type Descriptor } from '../core/index.js';
import type { ImageConfig, ImageIndex, ImageManifest } from './spec-types.js';

type JsonObject = Record<string, unknown>;

/** malformedError is the ERR_OCI_MALFORMED error about `subject` that parsers and readers throw. */
export function malformedError(subject: string, why: string, cause?: unknown): SlipwayError {
  return new SlipwayError('ERR_OCI_MALFORMED', `${subject}: ${why}`, {
    hint: 'the image was damaged or written by a tool that does not follow the OCI image-spec; write it again',
    ...(cause === undefined ? {} : { cause }),
  });
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** parseJsonObject decodes UTF-8 JSON bytes that must hold an object; ERR_OCI_MALFORMED names `subject`. */
export function parseJsonObject(bytes: Uint8Array, subject: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw malformedError(subject, 'not valid JSON', err);
  }
  if (!isObject(value)) throw malformedError(subject, 'not a JSON object');
  return value;
}

/** parseDescriptor checks that `v` is a descriptor (image-spec descriptor.md): mediaType, digest, size. */
export function parseDescriptor(v: unknown, subject: string): Descriptor {
  if (!isObject(v)) throw malformedError(subject, 'descriptor is not an object');
  if (typeof v['mediaType'] !== 'string') throw malformedError(subject, 'descriptor has no mediaType');
  if (typeof v['digest'] !== 'string' || !isDigest(v['digest'])) throw malformedError(subject, `descriptor digest ${JSON.stringify(v['digest'])} is not a sha256/sha512 digest`);
  const size = v['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw malformedError(subject, `descriptor size ${JSON.stringify(size)} is not a byte count`);
  if (v['annotations'] !== undefined && !isStringMap(v['annotations'])) throw malformedError(subject, 'descriptor annotations are not strings');
  const p = v['platform'];
  if (p !== undefined && !(isObject(p) && typeof p['architecture'] === 'string' && typeof p['os'] === 'string')) {
    throw malformedError(subject, 'descriptor platform lacks architecture or os');
  }
  return v as unknown as Descriptor;
}

function isStringMap(v: unknown): boolean {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** parseImageIndex parses an image index or a layout's index.json (image-index.md). */
export function parseImageIndex(bytes: Uint8Array, subject: string): ImageIndex {
  const v = parseJsonObject(bytes, subject);
  if (v['schemaVersion'] !== 2) throw malformedError(subject, 'schemaVersion is not 2');
  const manifests = v['manifests'];
  if (!Array.isArray(manifests)) throw malformedError(subject, 'manifests is not a list');
  manifests.forEach((m, i) => parseDescriptor(m, `${subject} manifests[${i}]`));
  return v as unknown as ImageIndex;
}

/** parseImageManifest parses an image manifest (manifest.md): config and layer descriptors. */
export function parseImageManifest(bytes: Uint8Array, subject: string): ImageManifest {
  const v = parseJsonObject(bytes, subject);
  if (v['schemaVersion'] !== 2) throw malformedError(subject, 'schemaVersion is not 2');
  parseDescriptor(v['config'], `${subject} config`);
  const layers = v['layers'];
  if (!Array.isArray(layers)) throw malformedError(subject, 'layers is not a list');
  layers.forEach((l, i) => parseDescriptor(l, `${subject} layers[${i}]`));
  return v as unknown as ImageManifest;
}

/** parseImageConfig parses an image config (config.md): architecture, os and rootfs.diff_ids. */
export function parseImageConfig(bytes: Uint8Array, subject: string): ImageConfig {
  const v = parseJsonObject(bytes, subject);
  if (typeof v['architecture'] !== 'string' || typeof v['os'] !== 'string') throw malformedError(subject, 'architecture or os missing');
  const rootfs = v['rootfs'];
  const ids = isObject(rootfs) ? rootfs['diff_ids'] : undefined;
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigest(d))) throw malformedError(subject, 'rootfs.diff_ids is not a list of digests');
  return v as unknown as ImageConfig;
}
