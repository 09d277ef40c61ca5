/**
 * ASCII armor (RFC 4880 §6, kept in RFC 9580 §6): `-----BEGIN PGP …-----` blocks of base64
 * with an optional CRC24 checksum line. The `BEGIN PGP SIGNED MESSAGE` line of a cleartext
 * message is not a block and is passed over; its signature block is read like any other.
 */
import { MAX_ARMOR_CHARS } from './limits.js';
import { PgpError } from './pgp-error.js';

/** ArmorBlock is one armored block. */
export interface ArmorBlock {
  /** label is the text between `BEGIN PGP ` and `-----`, e.g. `PUBLIC KEY BLOCK` or `SIGNATURE`. */
  readonly label: string;
  /** headers are the armor headers (`Comment`, `Version`, ...) in order, as name and value. */
  readonly headers: readonly (readonly [string, string])[];
  /** data is the decoded binary content. */
  readonly data: Uint8Array;
}

const BEGIN = /^-----BEGIN PGP ([A-Z0-9 ,/]+)-----$/;
const HEADER = /^([^\s:]+): ?(.*)$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/;
const CHECKSUM = /^=([A-Za-z0-9+/]{4})$/;
const SIGNED_MESSAGE = 'SIGNED MESSAGE';

/**
 * readArmor decodes every armored block in `text`, in order; text outside blocks is ignored.
 * Headers are skipped, the CRC24 checksum is checked when present. Throws a PgpError
 * (ERR_PGP_MALFORMED) naming `subject` when `text` has no block, a block is not terminated
 * by its matching END line, holds characters that are not base64, or fails its checksum.
 */
export function readArmor(text: string, subject: string): ArmorBlock[] {
  const fail = (line: number, problem: string): never => {
    throw new PgpError(subject, `line ${line + 1}: ${problem}`);
  };
  if (text.length > MAX_ARMOR_CHARS) throw new PgpError(subject, `armored text has ${text.length} characters (at most ${MAX_ARMOR_CHARS} are accepted)`);
  const lines = text.split('\n');
  const blocks: ArmorBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN.exec(lines[i]!.trimEnd());
    if (!m || m[1] === SIGNED_MESSAGE) continue;
    const label = m[1]!;
    const headers: [string, string][] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!.trimEnd();
      if (line === '') {
        j++;
        break;
      }
      const h = HEADER.exec(line);
      if (!h) break; // tolerate a block without the blank line after its headers
      headers.push([h[1]!, h[2]!]);
    }
    const body: string[] = [];
    let checksum: string | undefined;
    const end = `-----END PGP ${label}-----`;
    for (; ; j++) {
      if (j >= lines.length) fail(i, `armor block "BEGIN PGP ${label}" has no "${end}" line`);
      const line = lines[j]!.trim();
      if (line === end) break;
      if (line.startsWith('-----')) fail(j, `"${line.slice(0, 60)}" inside armor block "BEGIN PGP ${label}"`);
      const c = CHECKSUM.exec(line);
      if (c) {
        if (checksum !== undefined) fail(j, 'armor block has two checksum lines');
        checksum = c[1]!;
      } else if (checksum !== undefined) fail(j, 'armor block has data after its checksum line');
      else if (!BASE64_LINE.test(line)) fail(j, 'armor block has a character that is not base64');
      else body.push(line);
    }
    blocks.push({ label, headers, data: decodeBody(body.join(''), checksum, (p) => fail(i, `armor block "BEGIN PGP ${label}" ${p}`)) });
    i = j;
  }
  if (blocks.length === 0) throw new PgpError(subject, 'has no ASCII-armored OpenPGP block ("-----BEGIN PGP ...-----")');
  return blocks;
}

/**
 * dearmor returns the binary content of every armored block in `text`, in order, or of the
 * blocks labelled `label` only (e.g. `SIGNATURE`). Throws like {@link readArmor}, and when no
 * block has the wanted label.
 */
export function dearmor(text: string, subject: string, label?: string): Uint8Array[] {
  const blocks = readArmor(text, subject);
  const wanted = label === undefined ? blocks : blocks.filter((b) => b.label === label);
  if (wanted.length === 0) throw new PgpError(subject, `has no "BEGIN PGP ${label}" block (found ${blocks.map((b) => b.label).join(', ')})`);
  return wanted.map((b) => b.data);
}

/** decodeBody decodes base64 (padding only at the end) and checks the CRC24 when given. */
function decodeBody(b64: string, checksum: string | undefined, fail: (problem: string) => never): Uint8Array {
  const pad = b64.indexOf('=');
  if (b64.length % 4 !== 0 || (pad >= 0 && (pad < b64.length - 2 || !/^=+$/.test(b64.slice(pad))))) fail('is not valid base64');
  const data = new Uint8Array(Buffer.from(b64, 'base64'));
  if (data.length === 0) fail('is empty');
  if (checksum !== undefined) {
    const want = Buffer.from(checksum, 'base64');
    const got = crc24(data);
    if (want.length !== 3 || ((want[0]! << 16) | (want[1]! << 8) | want[2]!) !== got) fail('fails its CRC24 checksum');
  }
  return data;
}

/** crc24 is the armor checksum of RFC 4880 §6.1 (initial value 0xB704CE, generator 0x1864CFB). */
export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) crc = ((crc << 8) ^ CRC24_TABLE[((crc >>> 16) ^ byte) & 0xff]!) & 0xffffff;
  return crc;
}

/** CRC24_TABLE holds the CRC24 of each byte value, for a byte-at-a-time loop. */
const CRC24_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let crc = n << 16;
  for (let k = 0; k < 8; k++) {
    crc <<= 1;
    if (crc & 0x1000000) crc ^= 0x1864cfb;
  }
  return crc & 0xffffff;
});

/**
 * armoredText returns `data` as text when it is not binary OpenPGP (whose first byte always
 * has its top bit set), so that it can be read as armor; undefined for binary data.
 */
export function armoredText(data: Uint8Array | string): string | undefined {
  if (typeof data === 'string') return data;
  if (data.length > 0 && (data[0]! & 0x80) !== 0) return undefined;
  if (data.length > MAX_ARMOR_CHARS) return undefined;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
}
