/**
 * writeOciLayout: an artifact into an OCI image layout directory (image-spec
 * image-layout.md), merged with what is already there.
 *
 * Order makes it safe: blobs first (children before parents, each verified and renamed into
 * place), `oci-layout` next, and index.json last, replaced atomically. Until that last rename
 * an existing layout reads exactly as before; after it, every blob index.json names is present.
 * Two writers must not write the same layout at the same time (index.json is not locked).
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, writeFileAtomic, type Descriptor, type JsonValue } from '../core/index.js';
import { artifactBlobs, layoutEntries } from './artifact-blobs.js';
import { verifyOciRefName } from './destination.js';
import type { ImageArtifact } from './image.js';
import { writeLayoutBlob } from './layout-blob.js';
import { IMAGE_LAYOUT_VERSION, INDEX_FILE, inspectLayoutDir, LAYOUT_FILE, type LayoutDirState } from './layout-dir.js';
import { mergeLayoutIndex } from './layout-index.js';
import { outputError } from './output-error.js';

/** LayoutWriteOptions control {@link writeOciLayout}. */
export interface LayoutWriteOptions {
  readonly signal?: AbortSignal;
  /**
   * Also record each platform's manifest of a multi-platform artifact as `REF-OS-ARCH[-VARIANT]`
   * (see {@link layoutEntries}), for tools that cannot choose from a nested index. Default true.
   */
  readonly platformRefs?: boolean;
}

/**
 * writeOciLayout writes `artifact` into the layout at `dir` under the ref name `ref` and
 * returns the descriptor recorded in index.json: the image index's (a nested index) when the
 * artifact has one, else the manifest's with its platform, annotated with
 * `org.opencontainers.image.ref.name`.
 *
 * A multi-platform artifact also gets one platform ref per image (`REF-linux-arm64`, see
 * {@link LayoutWriteOptions.platformRefs}). index.json keeps its other entries in order; the
 * entries REF owns are replaced in place, a new REF is appended (see {@link mergeLayoutIndex});
 * it is written as canonical JSON. Blobs already present with the right size are not written again.
 *
 * Errors: ERR_OUTPUT_WRITE for a non-empty directory that is not a layout, or when writing
 * fails; ERR_OCI_MALFORMED for a layout with an invalid index.json (nothing is changed);
 * ERR_ABORTED. On failure an existing layout still reads as before (new blobs may remain),
 * and a directory this call created is removed.
 */
export async function writeOciLayout(dir: string, ref: string, artifact: ImageArtifact, opts: LayoutWriteOptions = {}): Promise<Descriptor> {
  const subject = `oci:${dir}:${ref}`;
  verifyOciRefName(ref, subject);
  const state = await inspectLayoutDir(dir).catch((err: unknown) => {
    throw outputError(err, subject, opts.signal);
  });
  const entries = layoutEntries(artifact, ref, opts.platformRefs ?? true);
  let created: string | undefined;
  try {
    if (state.kind === 'missing') created = await mkdir(dir, { recursive: true });
    for (const blob of artifactBlobs(artifact)) {
      opts.signal?.throwIfAborted();
      await writeLayoutBlob(dir, blob, opts.signal ? { signal: opts.signal } : {});
    }
    opts.signal?.throwIfAborted();
    if (state.kind !== 'layout') await writeFileAtomic(join(dir, LAYOUT_FILE), canonicalJson({ imageLayoutVersion: IMAGE_LAYOUT_VERSION }));
    const index = mergeLayoutIndex(state.kind === 'layout' ? state.index : undefined, entries);
    await writeFileAtomic(join(dir, INDEX_FILE), canonicalJson(index as unknown as JsonValue));
    return entries[0]!;
  } catch (err) {
    await undoNewLayout(dir, state, created);
    throw outputError(err, subject, opts.signal);
  }
}

/** undoNewLayout removes what a failed write put into a directory that held no layout before. */
async function undoNewLayout(dir: string, state: LayoutDirState, created: string | undefined): Promise<void> {
  if (state.kind === 'missing') {
    await rm(created ?? dir, { recursive: true, force: true });
  } else if (state.kind === 'empty') {
    for (const name of await readdir(dir).catch(() => [])) await rm(join(dir, name), { recursive: true, force: true });
  }
}
