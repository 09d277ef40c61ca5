/**
 * readAr: a streaming reader of the common ar format (`!<arch>\n`) as dpkg-deb writes it
 * (deb(5)): each member is a 60-byte header then its data, padded with `\n` to an even
 * length. Member bodies are streamed from the source as they are read, never buffered whole.
 */
import { Readable } from 'node:stream';
import { AR_HEADER_BYTES, AR_MAGIC, parseArHeader, printable, type ArHeader } from './ar-header.js';
import { ChunkReader } from './chunk-reader.js';
import { debMalformed } from './deb-error.js';
import { MAX_DEB_MEMBER_BYTES } from './deb-limits.js';

/** ArMember is one member of an ar archive: its header facts and its data as a stream. */
export interface ArMember extends ArHeader {
  /** Offset in the archive of the member's first data byte. */
  readonly offset: number;
  /**
   * The member's data, exactly `size` bytes. Drain it (or destroy it) before pulling the
   * next member: the next pull skips whatever is left unread and destroys this stream.
   * It fails with ERR_DEB_MALFORMED when the archive ends before `size` bytes.
   */
  readonly body: Readable;
}

/** ReadArOptions name the archive in errors and bound its members. */
export interface ReadArOptions {
  /** What errors name: a file name or `package=version/arch`. */
  readonly subject: string;
  /** Refuse (ERR_DEB_MALFORMED) a member whose header states more bytes; default and ceiling {@link MAX_DEB_MEMBER_BYTES}. */
  readonly maxMemberBytes?: number;
  readonly signal?: AbortSignal;
}

/** BODY_CHUNK_BYTES is the most one body read hands on at once. */
const BODY_CHUNK_BYTES = 256 * 1024;

/**
 * readAr yields the members of the ar archive `src` in order. Each body must be drained
 * before the next member is pulled (see {@link ArMember.body}). Errors (ERR_DEB_MALFORMED,
 * naming the subject, member and offset): bad magic, a bad or truncated header, a size that
 * is not a number or larger than the cap, a truncated member. ERR_ABORTED on `signal`.
 * Stopping early (break, return) destroys `src`.
 */
export async function* readAr(src: Readable, opts: ReadArOptions): AsyncGenerator<ArMember, void, undefined> {
  const { subject } = opts;
  const cap = Math.min(opts.maxMemberBytes ?? MAX_DEB_MEMBER_BYTES, MAX_DEB_MEMBER_BYTES);
  const reader = new ChunkReader(src, subject, opts.signal);
  try {
    const magic = await reader.readExactly(AR_MAGIC.length);
    if (magic.length === 0) throw debMalformed(subject, 'offset 0', 'bad magic: the file is empty, not an ar archive');
    if (magic.toString('latin1') !== AR_MAGIC) {
      throw debMalformed(subject, 'offset 0', `bad magic ${JSON.stringify(magic.toString('latin1'))}: not an ar archive (a .deb starts with "!<arch>\\n")`);
    }
    for (;;) {
      const at = reader.offset;
      const head = await reader.readExactly(AR_HEADER_BYTES);
      if (head.length === 0) return;
      if (head.length < AR_HEADER_BYTES) throw debMalformed(subject, `ar member header at offset ${at}`, `truncated: the archive ends ${head.length} bytes into a ${AR_HEADER_BYTES}-byte header`);
      const header = parseArHeader(head, at, subject);
      const where = `member ${printable(header.name)} at offset ${at}`;
      if (header.size > cap) throw debMalformed(subject, where, `member larger than MAX_DEB_MEMBER_BYTES: ${header.size} bytes, over the cap of ${cap}`);
      const body = new MemberBody(reader, header.size, subject, where);
      yield { ...header, offset: reader.offset, body };
      await body.finish();
      // Odd sizes are padded with one byte; a missing pad at the very end is tolerated.
      if (header.size % 2 === 1) await reader.skip(1);
    }
  } finally {
    await reader.close();
  }
}

/** MemberBody streams `size` bytes from the shared reader. */
class MemberBody extends Readable {
  readonly #reader: ChunkReader;
  readonly #subject: string;
  readonly #where: string;
  readonly #size: number;
  #left: number;
  #pulling: Promise<void> | undefined;
  #wanted = false;
  #failure: Error | undefined;

  constructor(reader: ChunkReader, size: number, subject: string, where: string) {
    super({ highWaterMark: BODY_CHUNK_BYTES });
    this.#reader = reader;
    this.#size = size;
    this.#left = size;
    this.#subject = subject;
    this.#where = where;
  }

  override _read(): void {
    this.#wanted = true;
    if (!this.#pulling) this.#pulling = this.#loop();
  }

  /** finish waits for a read in flight, then skips what the consumer left; throws what failed the body. */
  async finish(): Promise<void> {
    await this.#pulling;
    if (this.#failure) throw this.#failure;
    if (this.#left > 0) {
      if (!this.destroyed) this.destroy();
      const want = this.#left;
      const got = await this.#reader.skip(want);
      this.#left -= got;
      if (got < want) throw this.#truncated();
    }
  }

  /** #loop reads while the stream wants data; `_read` during a read only sets #wanted again. */
  async #loop(): Promise<void> {
    try {
      while (this.#wanted && !this.destroyed) {
        this.#wanted = false;
        if (this.#left === 0) {
          this.push(null);
          break;
        }
        await this.#pull();
      }
    } finally {
      this.#pulling = undefined;
    }
  }

  async #pull(): Promise<void> {
    let chunk: Buffer | undefined;
    try {
      chunk = await this.#reader.readUpTo(Math.min(this.#left, BODY_CHUNK_BYTES));
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (!chunk) {
      if (!this.destroyed) this.#fail(this.#truncated());
      return;
    }
    this.#left -= chunk.length;
    if (this.destroyed) return;
    if (this.push(chunk)) this.#wanted = true;
    if (this.#left === 0) this.push(null);
  }

  #fail(err: Error): void {
    this.#failure = err;
    this.destroy(err);
  }

  #truncated(): Error {
    const read = this.#size - this.#left;
    return debMalformed(this.#subject, this.#where, `truncated member: the archive ends after ${read} of its ${this.#size} bytes (at offset ${this.#reader.offset})`);
  }
}
