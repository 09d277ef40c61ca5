/**
 * Media types of the OCI image-spec (media-types.md) and the Docker ones slipway reads.
 */

/** MediaType names every media type slipway writes or reads. */
export const MediaType = {
  imageIndex: 'application/vnd.oci.image.index.v1+json',
  imageManifest: 'application/vnd.oci.image.manifest.v1+json',
  imageConfig: 'application/vnd.oci.image.config.v1+json',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** layerMediaType is the OCI layer media type for a compression. */
export function layerMediaType(compression: 'gzip' | 'zstd' | 'none'): string {
  return compression === 'gzip' ? MediaType.layerGzip : compression === 'zstd' ? MediaType.layerZstd : MediaType.layerTar;
}

/** ANNOTATION_REF_NAME is the annotation naming a reference in an OCI layout's index.json (annotations.md). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
