/**
 * What is at an OCI layout's path before slipway writes or reads it: nothing, an empty
 * directory, an image layout (image-spec image-layout.md), or something else.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_JSON_BLOB_BYTES, SlipwayError } from '../core/index.js';
import { malformedError, parseImageIndex, parseJsonObject } from './parse-documents.js';
import type { ImageIndex } from './spec-types.js';

/** LAYOUT_FILE is the marker file of an image layout; INDEX_FILE its entry point. */
export const LAYOUT_FILE = 'oci-layout';
/** INDEX_FILE is the image layout's top-level image index. */
export const INDEX_FILE = 'index.json';
/** IMAGE_LAYOUT_VERSION is the `imageLayoutVersion` slipway writes. */
export const IMAGE_LAYOUT_VERSION = '1.0.0';

/** LayoutDirState says what a layout path holds: `index` is the parsed index.json of a layout. */
export type LayoutDirState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'layout'; readonly index: ImageIndex };

/**
 * inspectLayoutDir looks at `dir`. A non-empty directory without `oci-layout`, or a file, is
 * refused with ERR_OUTPUT_WRITE; a layout whose `oci-layout` or `index.json` is missing or
 * invalid with ERR_OCI_MALFORMED. Nothing is changed either way.
 */
export async function inspectLayoutDir(dir: string): Promise<LayoutDirState> {
  const st = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) return { kind: 'missing' };
  const notLayout = (why: string): SlipwayError =>
    new SlipwayError('ERR_OUTPUT_WRITE', `${dir}: ${why}`, {
      hint: 'choose a new or empty directory, or an existing OCI image layout',
    });
  if (!st.isDirectory()) throw notLayout('is not a directory');
  const names = await readdir(dir);
  if (names.length === 0) return { kind: 'empty' };
  if (!names.includes(LAYOUT_FILE)) throw notLayout(`is not empty and has no ${LAYOUT_FILE} file, so it is not an OCI image layout`);
  await readLayoutMarker(dir);
  return { kind: 'layout', index: await readLayoutIndex(dir) };
}

/** readLayoutMarker reads and checks `oci-layout`: an object with a string imageLayoutVersion. */
export async function readLayoutMarker(dir: string): Promise<void> {
  const path = join(dir, LAYOUT_FILE);
  const v = parseJsonObject(await readJsonFile(path, path), path);
  if (typeof v['imageLayoutVersion'] !== 'string') throw malformedError(path, 'imageLayoutVersion is missing');
}

/** readLayoutIndex reads and parses a layout's `index.json`. */
export async function readLayoutIndex(dir: string): Promise<ImageIndex> {
  const path = join(dir, INDEX_FILE);
  return parseImageIndex(await readJsonFile(path, path), path);
}

/**
 * readJsonFile reads a JSON document of at most MAX_JSON_BLOB_BYTES. A missing file is
 * ERR_OCI_MALFORMED (the layout lacks a part), a larger one too.
 */
export async function readJsonFile(path: string, subject: string): Promise<Buffer> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw malformedError(subject, 'is missing');
  if (st.size > MAX_JSON_BLOB_BYTES) throw malformedError(subject, `is ${st.size} bytes, more than the ${MAX_JSON_BLOB_BYTES} allowed for a JSON document`);
  return readFile(path);
}
