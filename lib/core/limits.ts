/** Named limits that bound memory and work on hostile or mistaken input. */

/** MAX_CONFIG_BYTES caps the size of an image config file read into memory. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** MAX_JSON_BLOB_BYTES caps OCI JSON blobs (manifest, index, config) read into memory. */
export const MAX_JSON_BLOB_BYTES = 8 * 1024 * 1024;
/** MAX_INLINE_FILE_BYTES caps inline `content:` files. */
export const MAX_INLINE_FILE_BYTES = 1024 * 1024;
/** MAX_TAR_ENTRIES caps the number of entries read from one input tarball. */
export const MAX_TAR_ENTRIES = 1_000_000;
/** MAX_LINK_DEPTH caps how many symlinks are followed while resolving one path. */
export const MAX_LINK_DEPTH = 40;
