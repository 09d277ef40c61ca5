/**
 * writeOciArchive: an artifact as an oci-archive, the tar of an OCI image layout that
 * `skopeo copy oci-archive:FILE:REF` reads (containers-transports(5)).
 */
import { canonicalJson, type Descriptor, type JsonValue } from '../core/index.js';
import { writeArchiveFile, type ArchiveEntry } from './archive-tar.js';
import { artifactBlobs, layoutEntries } from './artifact-blobs.js';
import { verifyOciRefName } from './destination.js';
import type { ImageArtifact } from './image.js';
import { blobName, openVerifiedBlob } from './layout-blob.js';
import { IMAGE_LAYOUT_VERSION, INDEX_FILE, LAYOUT_FILE } from './layout-dir.js';
import { mergeLayoutIndex } from './layout-index.js';
import { outputError } from './output-error.js';

/** ArchiveWriteOptions control the archive writers. */
export interface ArchiveWriteOptions {
  /** mtime of every tar entry, whole seconds since the epoch (SOURCE_DATE_EPOCH); default 0. */
  readonly mtime?: number;
  readonly signal?: AbortSignal;
  /** As {@link LayoutWriteOptions.platformRefs}: per-platform refs for a multi-platform artifact. Default true. */
  readonly platformRefs?: boolean;
}

/**
 * ociArchiveEntries lists the archive's members in the order written: `oci-layout`,
 * `index.json`, `blobs/`, `blobs/sha256/`, then every blob once, sorted by digest. Blob
 * bodies are verified against their descriptors as they are read.
 */
export function ociArchiveEntries(ref: string, artifact: ImageArtifact, platformRefs = true): { entries: ArchiveEntry[]; root: Descriptor } {
  const records = layoutEntries(artifact, ref, platformRefs);
  const index = mergeLayoutIndex(undefined, records);
  const blobs = artifactBlobs(artifact).sort((a, b) => (a.descriptor.digest < b.descriptor.digest ? -1 : a.descriptor.digest > b.descriptor.digest ? 1 : 0));
  const algs = [...new Set(blobs.map((b) => b.descriptor.digest.slice(0, b.descriptor.digest.indexOf(':'))))].sort();
  const entries: ArchiveEntry[] = [
    { type: 'file', name: LAYOUT_FILE, bytes: Buffer.from(canonicalJson({ imageLayoutVersion: IMAGE_LAYOUT_VERSION })) },
    { type: 'file', name: INDEX_FILE, bytes: Buffer.from(canonicalJson(index as unknown as JsonValue)) },
    { type: 'directory', name: 'blobs/' },
    ...algs.map((alg): ArchiveEntry => ({ type: 'directory', name: `blobs/${alg}/` })),
    ...blobs.map((b): ArchiveEntry => ({ type: 'file', name: blobName(b.descriptor.digest), size: b.descriptor.size, open: (o) => openVerifiedBlob(b, o) })),
  ];
  return { entries, root: records[0]! };
}

/**
 * writeOciArchive writes `artifact` as an oci-archive at `file` with the ref name `ref`, and
 * returns the root descriptor recorded in its index.json (as {@link writeOciLayout}). The tar
 * is deterministic (see archive-tar.ts): the same artifact, ref and mtime always give the same
 * bytes. An existing file is replaced, atomically: the archive is written to a temporary file
 * in the same directory and renamed into place only when complete and verified.
 *
 * Errors: ERR_OUTPUT_DESTINATION for an invalid ref, ERR_OUTPUT_WRITE, ERR_ABORTED.
 */
export async function writeOciArchive(file: string, ref: string, artifact: ImageArtifact, opts: ArchiveWriteOptions = {}): Promise<Descriptor> {
  const subject = `oci-archive:${file}:${ref}`;
  verifyOciRefName(ref, subject);
  const { entries, root } = ociArchiveEntries(ref, artifact, opts.platformRefs ?? true);
  try {
    await writeArchiveFile(file, entries, { mtime: opts.mtime ?? 0, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    throw outputError(err, subject, opts.signal);
  }
  return root;
}
