/** Named limits of the .deb reader: they bound memory and work on hostile or mistaken packages. */

/**
 * MAX_DEB_MEMBER_BYTES caps the size of one ar member (bytes, as its header states). The
 * largest packages in Debian's archive are a few GiB; a larger header is refused before reading.
 */
export const MAX_DEB_MEMBER_BYTES = 16 * 1024 * 1024 * 1024;

/** MAX_DEBIAN_BINARY_BYTES caps the `debian-binary` member (dpkg-deb reads it into a small buffer too). */
export const MAX_DEBIAN_BINARY_BYTES = 64;

/**
 * MAX_DEB_CONTROL_BYTES caps control.tar after decompression. It is read into memory; its
 * largest file is md5sums, a few MiB for the biggest packages.
 */
export const MAX_DEB_CONTROL_BYTES = 64 * 1024 * 1024;

/**
 * MAX_DEB_DATA_BYTES caps data.tar after decompression (tar headers and padding included),
 * whatever `maxBytes` a caller gives: a decompression bomb fails here, not on a full disk.
 */
export const MAX_DEB_DATA_BYTES = 32 * 1024 * 1024 * 1024;
