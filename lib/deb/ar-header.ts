/**
 * parseArHeader: one 60-byte member header of the common ar format (the `!<arch>\n` archive
 * that dpkg-deb writes, deb(5) and ar(5)): name 16, mtime 12, uid 6, gid 6, mode 8 (octal),
 * size 10 (decimal), then the two bytes "`\n". Fields are ASCII, padded with spaces.
 */
import { debMalformed } from './deb-error.js';

/** AR_MAGIC starts every ar archive. */
export const AR_MAGIC = '!<arch>\n';
/** AR_HEADER_BYTES is the size of one member header. */
export const AR_HEADER_BYTES = 60;

/** ArHeader is what a member header states. */
export interface ArHeader {
  /** Member name without padding or GNU's trailing `/`. */
  readonly name: string;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly uid: number;
  readonly gid: number;
  /** File mode bits, e.g. 0o100644. */
  readonly mode: number;
  /** Size of the member's data in bytes, without the padding byte. */
  readonly size: number;
}

/**
 * parseArHeader decodes `head` (60 bytes read at `offset` of `subject`). Throws
 * ERR_DEB_MALFORMED for a missing terminator, an empty name, or a number field that is not
 * a number (size must be given; the others may be blank, read as 0).
 */
export function parseArHeader(head: Buffer, offset: number, subject: string): ArHeader {
  const text = head.toString('latin1');
  const field = (start: number, end: number) => text.slice(start, end).replace(/ +$/, '');
  let name = field(0, 16);
  const where = `ar member header at offset ${offset}${name ? ` ("${printable(name)}")` : ''}`;
  if (text.slice(58, 60) !== '`\n') throw debMalformed(subject, where, 'bad header: it does not end with "`\\n"');
  // GNU ar ends names with "/"; "/" and "//" alone are its symbol table and long-name table.
  if (name.length > 1 && name.endsWith('/') && !name.startsWith('/')) name = name.slice(0, -1);
  if (name === '') throw debMalformed(subject, where, 'bad header: the member has no name');
  const number = (label: string, raw: string, radix: 8 | 10, required: boolean): number => {
    if (raw === '' && !required) return 0;
    const ok = radix === 10 ? /^[0-9]+$/.test(raw) : /^[0-7]+$/.test(raw);
    if (!ok) throw debMalformed(subject, where, `${label} ${JSON.stringify(raw)} is not a${radix === 8 ? 'n octal' : ' decimal'} number`);
    return parseInt(raw, radix);
  };
  return {
    name,
    mtime: number('mtime', field(16, 28), 10, false),
    uid: number('uid', field(28, 34), 10, false),
    gid: number('gid', field(34, 40), 10, false),
    mode: number('mode', field(40, 48), 8, false),
    size: number('size', field(48, 58), 10, true),
  };
}

/** printable replaces control characters so a hostile name cannot garble a message. */
export function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
