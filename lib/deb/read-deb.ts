/**
 * readDeb: a Debian binary package (deb(5)) read as a stream: the ar members
 * `debian-binary`, `control.tar[.gz|.xz|.zst]` and `data.tar[.gz|.xz|.zst]`, in that order.
 * Members whose names start with `_` between them are skipped and anything after data.tar
 * is ignored, as dpkg-deb does.
 */
import type { Readable } from 'node:stream';
import { printable } from './ar-header.js';
import { debMalformed } from './deb-error.js';
import { MAX_DEB_CONTROL_BYTES, MAX_DEB_DATA_BYTES, MAX_DEBIAN_BINARY_BYTES } from './deb-limits.js';
import { readAr, type ArMember } from './read-ar.js';
import { readControlFiles, type ControlFiles } from './read-control-files.js';
import { readDataEntries, type DebEntry } from './read-data-entries.js';
import type { MemberCompression } from './read-tar-member.js';

/** DebPart is one part of a package, in order: first its control files, then its data entries. */
export type DebPart =
  | { readonly kind: 'control'; readonly member: string; readonly entries: ControlFiles }
  | {
      readonly kind: 'data';
      readonly member: string;
      /** data.tar's entries in archive order; iterate them before pulling the next part (which ends the package). */
      readonly entries: AsyncIterable<DebEntry>;
    };

/** ReadDebOptions name the package in errors and bound what it may expand to. */
export interface ReadDebOptions {
  /** What errors name: a file name or `package=version/arch`. */
  readonly subject: string;
  /**
   * Cap on data.tar after decompression, in bytes (tar headers included), e.g. from the
   * Installed-Size with some slack; never above {@link MAX_DEB_DATA_BYTES}. A function is
   * asked once the control files are read (see {@link dataCapFromInstalledSize}).
   */
  readonly maxBytes?: number | ((control: ControlFiles) => number | undefined);
  readonly signal?: AbortSignal;
}

const COMPRESSIONS: Readonly<Record<string, MemberCompression>> = { '': 'none', '.gz': 'gzip', '.xz': 'xz', '.zst': 'zstd' };

/**
 * readDeb yields the control part, then the data part, of the package in `src`; the .deb
 * is streamed, never buffered whole (control.tar alone is read into memory, capped by
 * {@link MAX_DEB_CONTROL_BYTES}). Errors name the subject and member: ERR_DEB_MALFORMED for
 * a bad ar archive, a `debian-binary` other than 2.x, members missing or out of order, an
 * unsupported compression (bzip2, lzma), a broken tar; ERR_DEB_UNSAFE for hostile paths and
 * links and for a data.tar larger than `maxBytes` (see readDataEntries); ERR_ABORTED.
 */
export async function* readDeb(src: Readable, opts: ReadDebOptions): AsyncGenerator<DebPart, void, undefined> {
  const { subject } = opts;
  let expect: 'debian-binary' | 'control.tar' | 'data.tar' = 'debian-binary';
  let control: ControlFiles | undefined;
  for await (const m of readAr(src, { subject, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    const where = `member ${printable(m.name)} at offset ${m.offset - 60}`;
    if (expect === 'debian-binary') {
      if (m.name !== 'debian-binary') throw debMalformed(subject, where, 'the first member is not debian-binary: not a Debian binary package');
      await checkFormatVersion(m, subject, where);
      expect = 'control.tar';
      continue;
    }
    if (m.name.startsWith('_')) continue;
    if (expect === 'control.tar') {
      if (m.name.startsWith('data.tar')) throw debMalformed(subject, where, `${m.name} comes before control.tar; dpkg requires debian-binary, control.tar, data.tar in this order`);
      const compression = compressionOf(m.name, 'control.tar', subject, where);
      const entries = await readControlFiles(m.body, { subject, member: m.name, compression, maxBytes: MAX_DEB_CONTROL_BYTES, capName: 'MAX_DEB_CONTROL_BYTES' });
      control = entries;
      yield { kind: 'control', member: m.name, entries };
      expect = 'data.tar';
      continue;
    }
    const compression = compressionOf(m.name, 'data.tar', subject, where);
    const asked = typeof opts.maxBytes === 'function' ? (control ? opts.maxBytes(control) : undefined) : opts.maxBytes;
    const own = asked !== undefined && asked < MAX_DEB_DATA_BYTES;
    const maxBytes = own ? asked : MAX_DEB_DATA_BYTES;
    const capName = own ? (typeof opts.maxBytes === 'function' ? 'the Installed-Size in its control file, with slack' : 'the maxBytes option') : 'MAX_DEB_DATA_BYTES';
    yield { kind: 'data', member: m.name, entries: readDataEntries(m.body, { subject, member: m.name, compression, maxBytes, capName }) };
    return;
  }
  const what = expect === 'debian-binary' ? 'no members at all' : `no ${expect} member`;
  throw debMalformed(subject, 'end of archive', `${what}: the package is incomplete`);
}

async function checkFormatVersion(m: ArMember, subject: string, where: string): Promise<void> {
  if (m.size > MAX_DEBIAN_BINARY_BYTES) throw debMalformed(subject, where, `${m.size} bytes, more than MAX_DEBIAN_BINARY_BYTES (${MAX_DEBIAN_BINARY_BYTES})`);
  const parts: Buffer[] = [];
  for await (const c of m.body) parts.push(c as Buffer);
  const text = Buffer.concat(parts).toString('latin1');
  // deb(5): the member holds "2.0\n"; dpkg accepts any minor version of format 2.
  if (!/^2\.[0-9]+\n/.test(text)) {
    throw debMalformed(subject, where, `format version ${JSON.stringify(text)}, not 2.x: slipway reads the deb format 2.0 that dpkg writes`);
  }
}

/** compressionOf reads the compression from a member name `<base><suffix>`. */
function compressionOf(name: string, base: 'control.tar' | 'data.tar', subject: string, where: string): MemberCompression {
  if (!name.startsWith(base)) throw debMalformed(subject, where, `unexpected member; ${base} was expected here`);
  const suffix = name.slice(base.length);
  const kind = COMPRESSIONS[suffix];
  if (kind) return kind;
  if (suffix === '.bz2' || suffix === '.lzma') {
    throw debMalformed(subject, where, `${suffix.slice(1)}-compressed members are not supported (slipway reads gzip, xz, zstd and uncompressed members)`);
  }
  throw debMalformed(subject, where, `unknown compression "${printable(suffix)}" of ${base}`);
}

/**
 * dataCapFromInstalledSize bounds a data.tar by the package's own Installed-Size (KiB): three
 * times the declared size plus 1 MiB covers tar headers, padding and hard links of any real
 * package, and stops a decompression bomb long before it fills memory or disk.
 */
export function dataCapFromInstalledSize(control: ControlFiles): number | undefined {
  const m = /^Installed-Size:[ \t]*([0-9]+)[ \t]*$/im.exec(control.control);
  if (!m) return undefined;
  return Number(m[1]) * 1024 * 3 + 1024 * 1024;
}
