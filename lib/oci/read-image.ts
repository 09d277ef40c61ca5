/**
 * readOciImage: what `slipway inspect` shows, from any destination slipway writes.
 */
import type { Destination } from './destination.js';
import type { ImageReport } from './image-report.js';
import { readDockerArchiveImage } from './read-docker-archive.js';
import { readLayoutDirImage, readOciArchiveImage, type ReadImageOptions } from './read-oci-layout.js';

/**
 * readOciImage reads the image at `dest` (an OCI layout directory, an oci-archive or a docker
 * archive) into plain data: the root descriptor and index, and per platform the manifest,
 * config and layers, every blob checked against its descriptor. With `dest.ref` the image of
 * that ref (RepoTag for docker-archive) is read, else the only one there.
 *
 * Errors: ERR_OCI_NOT_FOUND when the path, ref or a blob is missing (listing the refs there);
 * ERR_OCI_MALFORMED for invalid JSON, a bad layout or archive, or a blob that does not match
 * its digest or size; ERR_ABORTED.
 */
export async function readOciImage(dest: Destination, opts: ReadImageOptions = {}): Promise<ImageReport> {
  switch (dest.transport) {
    case 'oci':
      return readLayoutDirImage(dest, opts);
    case 'oci-archive':
      return readOciArchiveImage(dest, opts);
    case 'docker-archive':
      return readDockerArchiveImage(dest, opts);
  }
}
