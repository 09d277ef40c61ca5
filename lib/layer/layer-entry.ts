/**
 * LayerEntry: one filesystem object as it goes into a layer tar.
 */
import type { Readable } from 'node:stream';
import type { OpenOptions } from '../core/index.js';

/** EntryType is the kind of filesystem object. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo';

/** LayerEntry is a filesystem object: metadata plus, for regular files, an opener of its bytes. */
export interface LayerEntry {
  /** Absolute, normalised path in the image (`/etc/passwd`). */
  readonly path: string;
  readonly type: EntryType;
  /** Permission bits including setuid (0o4000), setgid (0o2000) and sticky (0o1000). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Size in bytes of a regular file's body; 0 for everything else. */
  readonly size: number;
  /** Symlink target as written (absolute or relative), or a hard link's absolute target path. */
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /**
   * contentKey identifies a regular file's bytes without reading them (e.g. the .deb's sha256
   * and the entry's index in it): equal keys promise equal bytes. Layer caches key on it.
   */
  readonly contentKey?: string;
  /** open returns the body of a regular file: exactly `size` bytes. Absent for other types. */
  readonly open?: (opts?: OpenOptions) => Promise<Readable>;
}

/** tarName is the name an image path gets inside a layer tar: relative, directories with a trailing slash. */
export function tarName(path: string, type: EntryType): string {
  const rel = path.replace(/^\/+/, '');
  return type === 'directory' ? `${rel}/` : rel;
}

/** comparePaths orders image paths by their UTF-8 bytes, so parents always precede children. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
