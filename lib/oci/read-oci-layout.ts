/**
 * Readers of OCI image layouts for `slipway inspect`: a layout directory, or an oci-archive
 * read in one streaming pass. Both check every blob they reach against its descriptor.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestMismatchError, MAX_JSON_BLOB_BYTES, SlipwayError, VerifyStream, type Descriptor } from '../core/index.js';
import { formatDestination, type Destination } from './destination.js';
import { notFoundError, resolveImages, selectLayoutEntry, type BlobSource, type ImageReport } from './image-report.js';
import { blobName, blobPath } from './layout-blob.js';
import { INDEX_FILE, LAYOUT_FILE, readLayoutIndex, readLayoutMarker } from './layout-dir.js';
import { layoutRefs, refNameOf } from './layout-index.js';
import { malformedError, parseImageIndex, parseJsonObject } from './parse-documents.js';
import { scanArchive, type ArchiveScan } from './scan-archive.js';
import type { ImageIndex } from './spec-types.js';

/** ReadImageOptions control the readers. */
export interface ReadImageOptions {
  readonly signal?: AbortSignal;
  /**
   * Hash every layer of a layout directory to check its digest (default true); when false only
   * sizes are checked. Archive readers always hash, as they read every byte anyway.
   */
  readonly verifyLayers?: boolean;
}

async function reportFromLayout(dest: Destination, index: ImageIndex, source: BlobSource): Promise<ImageReport> {
  const where = formatDestination(dest);
  const root = selectLayoutEntry(index, dest.ref, where);
  const resolved = await resolveImages(root, source, where);
  const ref = refNameOf(root);
  return {
    destination: dest,
    ...(ref === undefined ? {} : { ref }),
    refs: layoutRefs(index),
    root,
    ...(resolved.index ? { index: resolved.index } : {}),
    images: resolved.images,
  };
}

function checkDigest(bytes: Buffer, d: Descriptor, subject: string): void {
  const alg = d.digest.slice(0, d.digest.indexOf(':'));
  const got = `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
  if (got !== d.digest) throw malformedError(subject, `content has digest ${got}, not ${d.digest}`);
}

/**
 * readLayoutDirImage reads the image named by `dest.ref` (or the only one) from the layout
 * directory `dest.path`. Errors: ERR_OCI_NOT_FOUND (no directory, ref or blob),
 * ERR_OCI_MALFORMED (not a layout, invalid documents, blobs that do not match).
 */
export async function readLayoutDirImage(dest: Destination, opts: ReadImageOptions = {}): Promise<ImageReport> {
  const dir = dest.path;
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw notFoundError(formatDestination(dest), `no layout directory at ${dir}`);
  await readLayoutMarker(dir);
  return reportFromLayout(dest, await readLayoutIndex(dir), layoutDirSource(dir, opts));
}

function layoutDirSource(dir: string, opts: ReadImageOptions): BlobSource {
  const sized = async (d: Descriptor, subject: string): Promise<string> => {
    const path = blobPath(dir, d.digest);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) throw new SlipwayError('ERR_OCI_NOT_FOUND', `${subject}: blob missing at ${path}`, { hint: 'the layout is incomplete; write the image again' });
    if (st.size !== d.size) throw malformedError(subject, `blob is ${st.size} bytes, its descriptor says ${d.size}`);
    return path;
  };
  const signal = opts.signal ? { signal: opts.signal } : {};
  return {
    async readBytes(d, subject) {
      if (d.size > MAX_JSON_BLOB_BYTES) throw malformedError(subject, `is ${d.size} bytes, more than the ${MAX_JSON_BLOB_BYTES} allowed for a JSON document`);
      const bytes = await readFile(await sized(d, subject), signal);
      checkDigest(bytes, d, subject);
      return bytes;
    },
    async checkBlob(d, subject) {
      const path = await sized(d, subject);
      if (opts.verifyLayers === false) return;
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      await pipeline(createReadStream(path), new VerifyStream({ digest: d.digest, size: d.size, subject }), sink, signal).catch((err: unknown) => {
        throw err instanceof DigestMismatchError ? malformedError(subject, `content does not match: ${err.message}`, err) : err;
      });
    },
  };
}

/**
 * readOciArchiveImage reads the image named by `dest.ref` (or the only one) from the
 * oci-archive `dest.path`, streaming it once: only JSON documents are held in memory.
 * Errors as {@link readLayoutDirImage}.
 */
export async function readOciArchiveImage(dest: Destination, opts: ReadImageOptions = {}): Promise<ImageReport> {
  const scan = await scanArchive(dest.path, opts.signal ? { signal: opts.signal } : {});
  const member = (name: string): Buffer => {
    const bytes = scan.files.get(name)?.bytes;
    if (!bytes) throw malformedError(`${dest.path}: ${name}`, 'is missing, so this is not an oci-archive');
    return bytes;
  };
  const marker = parseJsonObject(member(LAYOUT_FILE), `${dest.path}: ${LAYOUT_FILE}`);
  if (typeof marker['imageLayoutVersion'] !== 'string') throw malformedError(`${dest.path}: ${LAYOUT_FILE}`, 'imageLayoutVersion is missing');
  const index = parseImageIndex(member(INDEX_FILE), `${dest.path}: ${INDEX_FILE}`);
  return reportFromLayout(dest, index, archiveSource(scan, dest.path));
}

function archiveSource(scan: ArchiveScan, file: string): BlobSource {
  const find = (d: Descriptor, subject: string) => {
    const f = scan.files.get(blobName(d.digest));
    if (!f) throw new SlipwayError('ERR_OCI_NOT_FOUND', `${subject}: blob missing from ${file}`, { hint: 'the archive is incomplete; write the image again' });
    if (f.size !== d.size) throw malformedError(subject, `blob is ${f.size} bytes, its descriptor says ${d.size}`);
    if (f.digest !== d.digest) throw malformedError(subject, `content has digest ${f.digest}, not ${d.digest}`);
    return f;
  };
  return {
    readBytes: async (d, subject) => {
      const bytes = find(d, subject).bytes;
      if (!bytes) throw malformedError(subject, `is not a JSON document of at most ${MAX_JSON_BLOB_BYTES} bytes`);
      return bytes;
    },
    checkBlob: async (d, subject) => {
      find(d, subject);
    },
  };
}
