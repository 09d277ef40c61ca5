/**
 * GeneratedEntry: a filesystem object that a maintainer script would have made (a link of
 * update-alternatives, the CA bundle, /etc/passwd), computed declaratively by slipway and
 * handed to the build as plain data.
 */

/** GeneratedEntry is one file, symlink or directory for the image, owned by root unless it says otherwise. */
export interface GeneratedEntry {
  /** Absolute, normalised path in the image, e.g. `/etc/alternatives/awk`. */
  readonly path: string;
  readonly type: 'file' | 'symlink' | 'directory';
  /** Permission bits, e.g. 0o644 for files, 0o777 for symlinks, 0o755 for directories. */
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
  /** Bytes of a file. */
  readonly content?: Buffer;
  /** Target of a symlink, as written (absolute or relative). */
  readonly linkname?: string;
}
