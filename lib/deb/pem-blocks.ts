/**
 * pem-blocks: reads the PEM blocks of a file as OpenSSL's PEM_read_bio does (crypto/pem/pem_lib.c,
 * PEM_FLAG_EAY_COMPATIBLE), so that `openssl rehash` can be reproduced byte for byte: lines are
 * taken 254 bytes at a time, trailing control, space and high bytes are dropped from each, text
 * before a `-----BEGIN <label>-----` line is ignored, a header ends at a blank line and the body
 * is base64 as EVP_DecodeUpdate reads it (RFC 7468 section 2 describes the format).
 */

/** PemBlock is one decoded `-----BEGIN <label>-----` block. */
export interface PemBlock {
  /** The label, e.g. `CERTIFICATE`, `X509 CRL`, `TRUSTED CERTIFICATE`. */
  readonly label: string;
  /** RFC 1421 header lines (`Proc-Type: ...`), each ending in `\n`; empty when there are none. */
  readonly header: string;
  /** The decoded body. */
  readonly data: Buffer;
}

/** PemReadResult is every block of a file, or why OpenSSL would refuse the file as a whole. */
export type PemReadResult = { readonly ok: true; readonly blocks: readonly PemBlock[] } | { readonly ok: false; readonly reason: string };

/** Bytes one BIO_gets call returns at most (a 255-byte buffer less its NUL). */
const PEM_LINE_BYTES = 254;
const BEGIN = '-----BEGIN ';
const END = '-----END ';
const TAIL = '-----\n';

class LineReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  /** next is the next BIO_gets line as raw bytes (cut at a NUL, as strlen cuts it), or undefined at the end. */
  next(): Buffer | undefined {
    if (this.pos >= this.buf.length) return undefined;
    const limit = Math.min(this.buf.length, this.pos + PEM_LINE_BYTES);
    const nl = this.buf.indexOf(0x0a, this.pos);
    const stop = nl >= 0 && nl < limit ? nl + 1 : limit;
    const line = this.buf.subarray(this.pos, stop);
    this.pos = stop;
    const nul = line.indexOf(0);
    const text = nul >= 0 ? line.subarray(0, nul) : line;
    return text.length === 0 ? undefined : text;
  }
}

/** sanitize strips what a signed `char <= ' '` test strips from the end of a line and ends it with `\n`. */
function sanitize(line: Buffer): string {
  let len = line.length;
  while (len > 0 && (line[len - 1]! <= 0x20 || line[len - 1]! >= 0x80)) len--;
  return line.subarray(0, len).toString('latin1') + '\n';
}

/** readPemBlocks reads every PEM block of `content`, or says why PEM_X509_INFO_read_bio would fail on it. */
export function readPemBlocks(content: Buffer): PemReadResult {
  const lines = new LineReader(content);
  const blocks: PemBlock[] = [];
  for (;;) {
    const label = readBeginLine(lines);
    if (label === undefined) return { ok: true, blocks };
    const block = readBlockBody(lines, label);
    if (typeof block === 'string') return { ok: false, reason: `PEM block ${label}: ${block}` };
    blocks.push(block);
  }
}

function readBeginLine(lines: LineReader): string | undefined {
  for (let raw = lines.next(); raw !== undefined; raw = lines.next()) {
    const line = sanitize(raw);
    if (line.startsWith(BEGIN) && line.endsWith(TAIL)) return line.slice(BEGIN.length, line.length - TAIL.length);
  }
  return undefined;
}

/** readBlockBody follows get_header_and_data: returns the block or the reason it is refused. */
function readBlockBody(lines: LineReader, label: string): PemBlock | string {
  let state: 'maybe' | 'header' | 'post' = 'maybe';
  let first = ''; // header lines, or the body when no blank line comes
  let data = '';
  let end = false;
  for (;;) {
    const raw = lines.next();
    if (raw === undefined) return 'no END line';
    if (state === 'maybe' && raw.includes(0x3a)) state = 'header';
    const line = sanitize(raw);
    if (line === '\n') {
      if (state === 'post') return 'a second blank line';
      state = 'post';
      continue;
    }
    if (line.startsWith(END)) {
      if (line !== `${END}${label}${TAIL}`) return 'END line does not match';
      break;
    }
    if (end) return 'a short line before the end of the base64 body';
    if (state === 'post') {
      data += line;
      if (line.length > 65) return 'base64 line longer than 64 characters after a header';
      if (line.length < 65) end = true;
    } else {
      first += line;
    }
  }
  const [header, body] = state === 'maybe' ? ['', first] : [first, data];
  const decoded = decodeBase64(body);
  if (decoded === undefined) return 'bad base64';
  if (decoded.length === 0) return 'no data';
  return { label, header, data: decoded };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * decodeBase64 decodes as one EVP_DecodeUpdate + EVP_DecodeFinal call: spaces, tabs, CR and LF
 * are skipped, `-` ends the input, `=` pads at most twice and only at the end, any other byte
 * fails, and the count of base64 characters must be a multiple of four.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const values: number[] = [];
  let pad = 0;
  for (const ch of text) {
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    if (ch === '-') break;
    const v = ch === '=' ? 0 : B64.indexOf(ch);
    if (v < 0) return undefined;
    if (ch === '=') pad++;
    else if (pad > 0) return undefined;
    if (pad > 2) return undefined;
    values.push(v);
  }
  if (values.length % 4 !== 0) return undefined;
  const out = Buffer.alloc((values.length / 4) * 3);
  for (let i = 0, o = 0; i < values.length; i += 4, o += 3) {
    const n = (values[i]! << 18) | (values[i + 1]! << 12) | (values[i + 2]! << 6) | values[i + 3]!;
    out[o] = n >> 16;
    out[o + 1] = (n >> 8) & 0xff;
    out[o + 2] = n & 0xff;
  }
  if (pad > out.length) return undefined;
  return out.subarray(0, out.length - pad);
}
