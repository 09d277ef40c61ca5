/**
 * readDataEntries: the entries of a .deb's data.tar as {@link DebEntry} values, checked for
 * what would escape the package root or expand without bound.
 */
import { Readable } from 'node:stream';
import type tar from 'tar-stream';
import { MAX_TAR_ENTRIES } from '../core/index.js';
import { printable } from './ar-header.js';
import { debMalformed, debUnsafe } from './deb-error.js';
import { normaliseDebPath } from './deb-path.js';
import { readTarMember, type MemberCompression } from './read-tar-member.js';

/** DebEntryType is the kind of one data.tar entry. */
export type DebEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** DebEntry is one entry of a package's data.tar, as dpkg would unpack it. */
export interface DebEntry {
  /** Absolute, normalised path: `./usr/bin/x` in the tar is `/usr/bin/x`; the root is `/`. */
  readonly path: string;
  readonly type: DebEntryType;
  /** Permission bits with setuid, setgid and sticky (`mode & 0o7777`). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Owner and group names, when the tar records them (dpkg prefers them over the ids). */
  readonly uname?: string;
  readonly gname?: string;
  /** Bytes of data: the file's length for `file`, 0 for every other type. */
  readonly size: number;
  /**
   * For `symlink` the target exactly as written (absolute targets are allowed: an image has
   * its own root); for `hardlink` the absolute path of a file earlier in the same package.
   */
  readonly linkname?: string;
  /** Device numbers of `char` and `block` entries. */
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
  /** The contents of a `file`, `size` bytes. Drain it before pulling the next entry; what is left is skipped. */
  readonly body?: Readable;
}

/** DataEntriesOptions name the package and member and cap the decompressed size. */
export interface DataEntriesOptions {
  readonly subject: string;
  readonly member: string;
  readonly compression: MemberCompression;
  /** Cap on the decompressed data.tar in bytes (headers included), and on the sum of file sizes. */
  readonly maxBytes: number;
  readonly capName: string;
}

const TYPES: Partial<Record<NonNullable<tar.Header['type']>, DebEntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

/**
 * readDataEntries yields the entries of the data.tar in `src`, in archive order. Refused
 * with ERR_DEB_UNSAFE, naming the package and path: a `..` component, a hard link to
 * anything but a regular file earlier in the package, files or a tar larger than
 * `maxBytes`. ERR_DEB_MALFORMED for tar types dpkg would not unpack and broken tars.
 */
export async function* readDataEntries(src: Readable, opts: DataEntriesOptions): AsyncGenerator<DebEntry, void, undefined> {
  const { subject, member } = opts;
  const files = new Set<string>();
  let declared = 0;
  let count = 0;
  let current = '(before the first entry)';
  for await (const { header: h, body } of readTarMember(src, { ...opts, current: () => current })) {
    current = printable(h.name);
    if (++count > MAX_TAR_ENTRIES) throw debUnsafe(subject, `${member} ${current}`, `more than MAX_TAR_ENTRIES (${MAX_TAR_ENTRIES}) entries`);
    const path = normaliseDebPath(h.name, subject, member);
    const type = h.type ? TYPES[h.type] : undefined;
    if (!type) throw debMalformed(subject, `${member} ${current}`, `tar type ${h.type ?? 'unknown'} is not one dpkg unpacks`);
    const size = type === 'file' ? (h.size ?? 0) : 0;
    declared += size;
    if (declared > opts.maxBytes) throw debUnsafe(subject, `${member} ${current}`, `files add up to ${declared} bytes, more than ${opts.maxBytes} (${opts.capName}): a decompression bomb or an unexpectedly large package`);
    const entry: DebEntry = {
      path,
      type,
      mode: (h.mode ?? 0) & 0o7777,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      ...(h.uname ? { uname: h.uname } : {}),
      ...(h.gname ? { gname: h.gname } : {}),
      size,
      mtime: h.mtime ? Math.floor(h.mtime.getTime() / 1000) : 0,
      ...linkFields(h, type, files, subject, `${member} ${current}`),
      ...(type === 'char' || type === 'block' ? { devmajor: h.devmajor ?? 0, devminor: h.devminor ?? 0 } : {}),
      ...(type === 'file' ? { body: body ?? emptyBody() } : {}),
    };
    if (type === 'file' || type === 'hardlink') files.add(path);
    yield entry;
  }
}

function linkFields(h: tar.Header, type: DebEntryType, files: ReadonlySet<string>, subject: string, where: string): { linkname?: string } {
  if (type === 'symlink') {
    if (!h.linkname) throw debMalformed(subject, where, 'symlink without a target');
    return { linkname: h.linkname };
  }
  if (type !== 'hardlink') return {};
  const raw = h.linkname ?? '';
  if (raw.split('/').includes('..')) throw debUnsafe(subject, where, `hard link to ${JSON.stringify(raw)} climbs out with ".."`);
  const target = normaliseDebPath(raw, subject, where);
  if (!files.has(target)) throw debUnsafe(subject, where, `hard link to ${target}, which is not a regular file earlier in the package`);
  return { linkname: target };
}

function emptyBody(): Readable {
  return Readable.from([], { objectMode: false });
}
