/**
 * deb822: the control-file syntax of Debian Policy §5.1 (and deb822(5)) that Packages,
 * Sources, Release and `.sources` files share. Stanzas ("paragraphs") are separated by blank
 * lines; a field is `Name: value`; a line starting with a space or tab continues the field
 * above it. This is the hot path of index loading: lines are found by byte offset in the
 * chunks as they arrive, each run of complete lines is decoded once, and field names come
 * from a cache instead of being decoded again for every stanza.
 */
import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';
import { SlipwayError } from '../core/index.js';
import { AptFormatError, type AptFormatErrorCode } from './apt-format-error.js';
import { FieldListStanza, type Stanza } from './stanza.js';

/** MAX_DEB822_LINE_BYTES caps one line of a deb822 file (bytes, without its line ending). */
export const MAX_DEB822_LINE_BYTES = 1024 * 1024;
/** MAX_DEB822_STANZA_BYTES caps one stanza of a deb822 file (bytes, line endings included). */
export const MAX_DEB822_STANZA_BYTES = 16 * 1024 * 1024;

/** Deb822Options say how to read a deb822 input and how to name it in errors. */
export interface Deb822Options {
  /** name is the file, URL or index named in error messages; `<input>` when absent. */
  readonly name?: string;
  /**
   * comments allows lines starting with `#` (apt's `.sources` files have them, Packages and
   * Release files do not); when false such a line is an error. Default false.
   */
  readonly comments?: boolean;
  /** code is the error code for syntax errors: ERR_APT_MALFORMED (default) for repository files, ERR_APT_SOURCES_INVALID for the user's sources. */
  readonly code?: AptFormatErrorCode;
  readonly signal?: AbortSignal;
}

/** FieldKey is one lowercased field name; `seen` stamps the stanza it last appeared in, `index` where. */
interface FieldKey {
  readonly key: string;
  seen: number;
  index: number;
}

/** FieldName is one spelling of a field name, cached by a hash of its bytes. */
interface FieldName {
  readonly name: string;
  readonly key: FieldKey;
}

/** MAX_FIELD_KEYS caps the distinct field names one input may use (real indices use fewer than 100). */
const MAX_FIELD_KEYS = 65536;
const NAME_SLOTS = 512;
/** BLOCK_BYTES is about how much {@link parseStanzas} decodes at once. */
const BLOCK_BYTES = 64 * 1024;
const NO_HIGH_BYTES: readonly number[] = [Infinity];
const NO_BYTES = Buffer.alloc(0);
const HIGH_BYTES = /[\x80-\xff]+/g;

/**
 * StanzaParser turns complete lines into stanzas. It holds the state between lines (the
 * stanza being built, the line number) and a cache of field names, so that the common case
 * decodes no name and allocates no key.
 *
 * Each block of lines is decoded once as latin1, where string offsets equal byte offsets:
 * ASCII values are slices of that string, and only values holding bytes ≥ 0x80 (found once
 * per block) are decoded again from the bytes as UTF-8.
 */
class StanzaParser {
  readonly #subject: string;
  readonly #comments: boolean;
  readonly #code: AptFormatErrorCode;
  #line = 0;
  #stanza = 1;
  #stanzaLine = 0;
  #stanzaBytes = 0;
  #keys: string[] = [];
  #names: string[] = [];
  #values: string[] = [];
  #lines: number[] = [];
  readonly #slots: (FieldName | undefined)[] = new Array<FieldName | undefined>(NAME_SLOTS).fill(undefined);
  readonly #fieldKeys = new Map<string, FieldKey>();
  /** The block being parsed: its bytes, its latin1 text, where it starts, its runs of high bytes. */
  #bytes: Buffer = NO_BYTES;
  #text = '';
  #base = 0;
  #highs: readonly number[] = NO_HIGH_BYTES;
  #high = 0;
  #done: Stanza[] = [];
  /** Byte spans [start, end) of completed stanzas, in pairs, when asked for (whole-buffer parses only). */
  readonly #spans: number[] | undefined;
  #spanStart = 0;
  #spanEnd = 0;

  constructor(opts: Deb822Options, spans = false) {
    this.#spans = spans ? [] : undefined;
    this.#subject = opts.name ?? '<input>';
    this.#comments = opts.comments ?? false;
    this.#code = opts.code ?? 'ERR_APT_MALFORMED';
  }

  /**
   * feed parses the lines in `b[pos, end)`. Every line there ends with `\n`, except that the
   * last one may lack it at the end of the input.
   */
  feed(b: Buffer, pos: number, end: number): void {
    if (pos >= end) return;
    const text = b.toString('latin1', pos, end);
    let highs = NO_HIGH_BYTES;
    if (!isAscii(b.subarray(pos, end))) {
      const found: number[] = [];
      HIGH_BYTES.lastIndex = 0;
      for (let m = HIGH_BYTES.exec(text); m; m = HIGH_BYTES.exec(text)) found.push(m.index);
      found.push(Infinity);
      highs = found;
    }
    this.#bytes = b;
    this.#text = text;
    this.#base = pos;
    this.#highs = highs;
    this.#high = 0;
    const n = text.length;
    for (let i = 0; i < n; ) {
      let nl = text.indexOf('\n', i);
      if (nl < 0) nl = n;
      let e = nl;
      if (e > i && text.charCodeAt(e - 1) === 13) e--;
      if (++this.#line === 1 && text.startsWith('\xef\xbb\xbf', i)) i += 3;
      if (e - i > MAX_DEB822_LINE_BYTES) throw this.error(`line is longer than ${MAX_DEB822_LINE_BYTES} bytes`);
      this.#parseLine(text, i, e);
      i = nl + 1;
    }
    // Let the block go: stanzas hold slices of its text, not the parser.
    this.#bytes = NO_BYTES;
    this.#text = '';
  }

  /** finish ends the input: a last stanza without a trailing blank line is complete too. */
  finish(): void {
    this.#endStanza();
  }

  /** spans returns the byte spans [start, end) of every stanza completed, as pairs (when made with `spans`). */
  spans(): number[] {
    return this.#spans ?? [];
  }

  /** take returns the stanzas completed so far and forgets them. */
  take(): Stanza[] {
    const out = this.#done;
    this.#done = [];
    return out;
  }

  /** error is a syntax error on the current line. */
  error(problem: string, hint?: string): AptFormatError {
    return new AptFormatError(this.#code, this.#subject, this.#line, problem, hint ? { hint } : {});
  }

  /** lineTooLong is the error for the line not yet ended (not yet counted) growing past the limit. */
  lineTooLong(): AptFormatError {
    return new AptFormatError(this.#code, this.#subject, this.#line + 1, `line is longer than ${MAX_DEB822_LINE_BYTES} bytes`);
  }

  /** decode returns the block's text from `s` to `e` (offsets into the block), as UTF-8. */
  #decode(s: number, e: number): string {
    const highs = this.#highs;
    let h = highs[this.#high]!;
    while (h < s) h = highs[++this.#high]!;
    return h >= e ? this.#text.slice(s, e) : this.#bytes.toString('utf8', this.#base + s, this.#base + e);
  }

  #parseLine(text: string, s: number, e: number): void {
    if (s === e) return this.#endStanza();
    const c = text.charCodeAt(s);
    if (c === 32 || c === 9) return this.#continuation(text, s, e);
    if (c === 35) {
      if (this.#comments) return;
      throw this.error('a comment line ("#") where only fields may be', 'this file type has no comments: is it really a deb822 index?');
    }
    // A field: a name of printable US-ASCII other than ':' (Policy §5.1), a colon, a value.
    let i = s;
    let hash = 0;
    while (i < e) {
      const x = text.charCodeAt(i);
      if (x === 58) break;
      if (x <= 32 || x >= 127) i = e;
      else {
        hash = (hash * 31 + x) | 0;
        i++;
      }
    }
    if (i === e) throw this.error('neither a field ("Name: value") nor a continuation line (starting with a space)');
    if (i === s) throw this.error('a field with an empty name');
    const key = this.#fieldName(text, s, i, hash & (NAME_SLOTS - 1));
    let vs = i + 1;
    while (vs < e && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    let ve = e;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    if (this.#values.length === 0) {
      this.#stanzaLine = this.#line;
      this.#spanStart = this.#base + s;
    }
    this.#spanEnd = this.#base + e;
    if (key.key.seen === this.#stanza) {
      throw this.error(`field "${key.name}" appears twice in one stanza (first on line ${this.#lines[key.key.index]})`);
    }
    key.key.seen = this.#stanza;
    key.key.index = this.#values.length;
    this.#stanzaBytes += e - s + 1;
    if (this.#stanzaBytes > MAX_DEB822_STANZA_BYTES) throw this.error(`stanza is longer than ${MAX_DEB822_STANZA_BYTES} bytes`);
    this.#keys.push(key.key.key);
    this.#names.push(key.name);
    this.#values.push(vs === ve ? '' : this.#decode(vs, ve));
    this.#lines.push(this.#line);
  }

  /** fieldName returns the cached spelling of the name at `text[s, e)`, adding it on a miss. */
  #fieldName(text: string, s: number, e: number, slot: number): FieldName {
    const cached = this.#slots[slot];
    if (cached !== undefined && cached.name.length === e - s && text.startsWith(cached.name, s)) return cached;
    // A fresh copy, so the cache does not keep the whole block's text alive.
    const name = this.#bytes.toString('latin1', this.#base + s, this.#base + e);
    const lower = name.toLowerCase();
    let key = this.#fieldKeys.get(lower);
    if (key === undefined) {
      if (this.#fieldKeys.size >= MAX_FIELD_KEYS) throw this.error(`more than ${MAX_FIELD_KEYS} distinct field names`);
      key = { key: lower, seen: 0, index: 0 };
      this.#fieldKeys.set(lower, key);
    }
    const entry = { name, key };
    this.#slots[slot] = entry;
    return entry;
  }

  #continuation(text: string, s: number, e: number): void {
    let i = s + 1;
    while (i < e && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    // Policy §5.1: parsers may take a line of only blanks as a stanza separator.
    if (i === e) return this.#endStanza();
    const last = this.#values.length - 1;
    if (last < 0) throw this.error('a continuation line (starting with a space) before any field');
    this.#stanzaBytes += e - s + 1;
    if (this.#stanzaBytes > MAX_DEB822_STANZA_BYTES) throw this.error(`stanza is longer than ${MAX_DEB822_STANZA_BYTES} bytes`);
    this.#spanEnd = this.#base + e;
    // Policy §5.6.13: " ." stands for an empty line in a multi-line value.
    this.#values[last] += e - s === 2 && text.charCodeAt(s + 1) === 46 ? '\n' : `\n${this.#decode(s + 1, e)}`;
  }

  #endStanza(): void {
    if (this.#values.length > 0) {
      this.#done.push(new FieldListStanza(this.#stanzaLine, this.#keys, this.#names, this.#values, this.#lines));
      this.#spans?.push(this.#spanStart, this.#spanEnd);
      this.#keys = [];
      this.#names = [];
      this.#values = [];
      this.#lines = [];
      this.#stanzaBytes = 0;
      this.#stanza++;
    }
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`readStanzas: chunks must be bytes or strings, got ${typeof chunk}`);
}

/**
 * readStanzas parses a deb822 stream into stanzas, in file order. Chunks may split lines and
 * UTF-8 characters anywhere. Accepts CRLF line endings, a UTF-8 byte order mark, any number
 * of blank lines between stanzas and a last line without a newline; `#` lines only with
 * `comments: true`. Throws an {@link AptFormatError} (ERR_APT_MALFORMED unless `opts.code`
 * says otherwise) naming `opts.name` and the line for a line that is neither a field nor a
 * continuation, a continuation before any field, a field given twice in one stanza, or a line
 * or stanza past {@link MAX_DEB822_LINE_BYTES} / {@link MAX_DEB822_STANZA_BYTES}; ERR_ABORTED
 * when `opts.signal` fires.
 */
export async function* readStanzas(src: Readable | AsyncIterable<Uint8Array | string>, opts: Deb822Options = {}): AsyncIterable<Stanza> {
  const parser = new StanzaParser(opts);
  // Bytes of a line not yet ended, copied: the source may reuse its chunk buffers.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of src) {
    if (opts.signal?.aborted) throw new SlipwayError('ERR_ABORTED', `${opts.name ?? '<input>'}: reading was aborted`, { cause: opts.signal.reason });
    const b = toBuffer(chunk);
    const last = b.lastIndexOf(10);
    if (last < 0) {
      if (b.length === 0) continue;
      pending.push(Buffer.from(b));
      pendingBytes += b.length;
      if (pendingBytes > MAX_DEB822_LINE_BYTES + 2) throw parser.lineTooLong();
      continue;
    }
    let pos = 0;
    if (pendingBytes > 0) {
      pos = b.indexOf(10) + 1;
      pending.push(b.subarray(0, pos));
      const line = Buffer.concat(pending, pendingBytes + pos);
      pending = [];
      pendingBytes = 0;
      parser.feed(line, 0, line.length);
    }
    parser.feed(b, pos, last + 1);
    if (last + 1 < b.length) {
      pending.push(Buffer.from(b.subarray(last + 1)));
      pendingBytes = b.length - last - 1;
    }
    for (const stanza of parser.take()) yield stanza;
  }
  if (pendingBytes > 0) {
    const line = Buffer.concat(pending, pendingBytes);
    parser.feed(line, 0, line.length);
  }
  parser.finish();
  for (const stanza of parser.take()) yield stanza;
}

/** parseStanzas parses deb822 text held in memory; the same rules and errors as {@link readStanzas}. */
export function parseStanzas(text: string | Uint8Array, opts: Omit<Deb822Options, 'signal'> = {}): Stanza[] {
  return parseInBlocks(new StanzaParser(opts), toBuffer(text)).take();
}

/**
 * StanzaSpans are the stanzas of a buffer with where each lies: stanza `i` is the bytes
 * `[spans[2i], spans[2i+1])` (from its first field to the end of its last line, without the
 * line ending), so it can be parsed again alone later.
 */
export interface StanzaSpans {
  readonly stanzas: Stanza[];
  readonly spans: readonly number[];
}

/** parseStanzaSpans parses deb822 bytes held in memory like {@link parseStanzas}, also giving each stanza's byte span. */
export function parseStanzaSpans(bytes: Uint8Array, opts: Omit<Deb822Options, 'signal'> = {}): StanzaSpans {
  const stanzas: Stanza[] = [];
  const spans: number[] = [];
  forEachStanzaSpan(bytes, opts, (stanza, start, end) => {
    stanzas.push(stanza);
    spans.push(start, end);
  });
  return { stanzas, spans };
}

/**
 * forEachStanzaSpan parses deb822 bytes held in memory like {@link parseStanzas}, handing each
 * stanza and its byte span [start, end) to `fn` as soon as its block is parsed, so that the
 * stanzas of a large index need not all be held at once.
 */
export function forEachStanzaSpan(bytes: Uint8Array, opts: Omit<Deb822Options, 'signal'>, fn: (stanza: Stanza, start: number, end: number) => void): void {
  const parser = new StanzaParser(opts, true);
  let taken = 0;
  const drain = () => {
    const spans = parser.spans();
    for (const stanza of parser.take()) {
      fn(stanza, spans[2 * taken]!, spans[2 * taken + 1]!);
      taken++;
    }
  };
  parseInBlocks(parser, toBuffer(bytes), drain);
  drain();
}

function parseInBlocks(parser: StanzaParser, b: Buffer, afterBlock?: () => void): StanzaParser {
  // In blocks ending at a newline, as a stream would arrive: smaller strings to decode and scan.
  for (let pos = 0; pos < b.length; ) {
    const nl = pos + BLOCK_BYTES < b.length ? b.indexOf(10, pos + BLOCK_BYTES) : -1;
    const end = nl < 0 ? b.length : nl + 1;
    parser.feed(b, pos, end);
    afterBlock?.();
    pos = end;
  }
  parser.finish();
  return parser;
}
