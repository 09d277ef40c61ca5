/**
 * oci: the OCI object model and its representations on disk. Pure builders of the image
 * config, manifest and index (canonical JSON); destinations named like containers/image
 * transports; writers of an OCI image layout directory (merged with what is there), an
 * oci-archive and a `docker save` archive, all atomic and deterministic; and the readers
 * behind `slipway inspect`.
 *
 * Imports only core (and the tar-stream and fzstd packages); knows nothing of Debian, plans
 * or builds. Other modules import this file, never the files beside it.
 */
export * from './media-types.js';
export * from './json-blob.js';
export * from './image.js';
export * from './spec-types.js';
export * from './build-documents.js';
export * from './destination.js';
export * from './docker-reference.js';
export * from './descriptor-platform.js';
export * from './parse-documents.js';
export * from './artifact-blobs.js';
export * from './layout-index.js';
export * from './pull-through.js';
export * from './layout-blob.js';
export * from './layout-dir.js';
export * from './archive-tar.js';
export * from './output-error.js';
export * from './write-oci-layout.js';
export * from './write-oci-archive.js';
export * from './decompress-layer.js';
export * from './docker-archive-manifest.js';
export * from './write-docker-archive.js';
export * from './select-image.js';
export * from './scan-archive.js';
export * from './image-report.js';
export * from './read-oci-layout.js';
export * from './read-docker-archive.js';
export * from './read-image.js';
