/**
 * readControlFiles: a .deb's control.tar read into memory (it is small, and capped): the
 * control stanza, conffiles, md5sums, triggers, shlibs and the maintainer scripts, which
 * slipway reads and never executes (deb(5), Debian Policy 6 and 8.6).
 */
import type { Readable } from 'node:stream';
import { printable } from './ar-header.js';
import { debMalformed } from './deb-error.js';
import { normaliseDebPath } from './deb-path.js';
import { readTarMember, type MemberCompression } from './read-tar-member.js';

/** MaintainerScript names a maintainer script (Debian Policy 6). */
export type MaintainerScript = 'preinst' | 'postinst' | 'prerm' | 'postrm' | 'config';

/** MAINTAINER_SCRIPTS lists every {@link MaintainerScript}. */
export const MAINTAINER_SCRIPTS: readonly MaintainerScript[] = ['preinst', 'postinst', 'prerm', 'postrm', 'config'];

/** ControlFiles are the files of a package's control.tar. Text files are decoded as UTF-8. */
export interface ControlFiles {
  /** The `control` stanza as text; see parseControl. */
  readonly control: string;
  /** `conffiles`: one absolute path per line (and `remove-on-upgrade` flags, dpkg 1.20.1+). */
  readonly conffiles?: string;
  /** `md5sums`: `<md5>  <path without leading />` lines. */
  readonly md5sums?: string;
  readonly triggers?: string;
  readonly shlibs?: string;
  /** Maintainer scripts as shipped (usually shell, possibly binaries); never run. */
  readonly scripts: Readonly<Partial<Record<MaintainerScript, Buffer>>>;
  /** Every other regular file (symbols, templates, ...) by its name in the tar without `./`. */
  readonly other: ReadonlyMap<string, Buffer>;
}

const TEXT_FILES = new Set(['control', 'conffiles', 'md5sums', 'triggers', 'shlibs']);

/**
 * readControlFiles reads the control.tar in `src` whole; its decompressed size is capped
 * by `maxBytes` (ERR_DEB_UNSAFE). A missing `control` file, or an entry that is neither a
 * regular file nor a directory, is ERR_DEB_MALFORMED.
 */
export async function readControlFiles(
  src: Readable,
  opts: { subject: string; member: string; compression: MemberCompression; maxBytes: number; capName: string },
): Promise<ControlFiles> {
  const { subject, member } = opts;
  const text = new Map<string, string>();
  const scripts: Partial<Record<MaintainerScript, Buffer>> = {};
  const other = new Map<string, Buffer>();
  let current = '(before the first entry)';
  for await (const { header: h, body } of readTarMember(src, { ...opts, current: () => current })) {
    current = printable(h.name);
    const name = normaliseDebPath(h.name, subject, member).slice(1);
    if (h.type === 'directory') continue;
    if (h.type !== 'file' && h.type !== 'contiguous-file') {
      throw debMalformed(subject, `${member} ${current}`, `a ${h.type ?? 'tar entry of unknown type'} in control.tar, which holds only regular files`);
    }
    const bytes = await collect(body);
    if (TEXT_FILES.has(name)) text.set(name, bytes.toString('utf8'));
    else if ((MAINTAINER_SCRIPTS as readonly string[]).includes(name)) scripts[name as MaintainerScript] = bytes;
    else other.set(name, bytes);
  }
  const control = text.get('control');
  if (control === undefined) throw debMalformed(subject, member, 'no control file in control.tar');
  const optional = (k: string) => (text.has(k) ? { [k]: text.get(k)! } : {});
  return { control, ...optional('conffiles'), ...optional('md5sums'), ...optional('triggers'), ...optional('shlibs'), scripts, other };
}

async function collect(body: Readable | undefined): Promise<Buffer> {
  if (!body) return Buffer.alloc(0);
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
