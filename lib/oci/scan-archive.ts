/**
 * scanArchive: one streaming pass over an image archive (oci-archive, docker-archive) that
 * records every member's size and digest and keeps only small JSON members in memory.
 * Nothing is extracted to disk, so member names cannot escape anywhere.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { MAX_JSON_BLOB_BYTES, MAX_TAR_ENTRIES, SlipwayError, type Digest, type OpenOptions } from '../core/index.js';
import { malformedError } from './parse-documents.js';

/** ScannedFile is a regular member: size and digest of its bytes, and the bytes when it looked like JSON. */
export interface ScannedFile {
  readonly size: number;
  /** Digest of the bytes, with the algorithm of `blobs/<alg>/` for blobs, else sha256. */
  readonly digest: Digest;
  /** The first bytes (up to 4), for telling compressions apart. */
  readonly head: Buffer;
  /** The bytes, kept for members of at most MAX_JSON_BLOB_BYTES that start with '{' or '['. */
  readonly bytes?: Buffer;
}

/** ArchiveScan is what one pass over an archive found, by normalised member name. */
export interface ArchiveScan {
  readonly files: ReadonlyMap<string, ScannedFile>;
  /** Symlinks: member name → target member name (resolved against the link's directory). */
  readonly links: ReadonlyMap<string, string>;
}

/** MAX_HELD_JSON_BYTES caps the JSON members one scan keeps in memory, together. */
export const MAX_HELD_JSON_BYTES = 4 * MAX_JSON_BLOB_BYTES;

/** memberName normalises a tar member name: no leading `./` or `/`, no trailing `/`. */
export function memberName(name: string): string {
  return posix.normalize(name).replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

/**
 * scanArchive reads the tar at `file` once. A missing file is ERR_OCI_NOT_FOUND; a file that is
 * not a tar, or has more than MAX_TAR_ENTRIES members or too much JSON, is ERR_OCI_MALFORMED.
 */
export async function scanArchive(file: string, opts: OpenOptions = {}): Promise<ArchiveScan> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new SlipwayError('ERR_OCI_NOT_FOUND', `${file}: no such archive`, { hint: 'check the path; build the image first' });
  const files = new Map<string, ScannedFile>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  let count = 0;
  let held = 0;
  const consume = (async () => {
    for await (const entry of extract) {
      if (++count > MAX_TAR_ENTRIES) throw malformedError(file, `more than ${MAX_TAR_ENTRIES} members`);
      const name = memberName(entry.header.name);
      if (entry.header.type === 'symlink' && entry.header.linkname) {
        links.set(name, memberName(posix.join(posix.dirname(name), entry.header.linkname)));
      }
      if (entry.header.type !== 'file' && entry.header.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const scanned = await scanMember(entry as unknown as AsyncIterable<Buffer>, name, entry.header.size ?? 0, MAX_HELD_JSON_BYTES - held);
      held += scanned.bytes?.length ?? 0;
      files.set(name, scanned);
    }
  })();
  try {
    await Promise.all([pipeline(createReadStream(file, opts.signal ? { signal: opts.signal } : {}), extract as unknown as NodeJS.WritableStream), consume]);
  } catch (err) {
    extract.destroy();
    await consume.catch(() => {});
    if (err instanceof SlipwayError) throw err;
    if (opts.signal?.aborted) throw new SlipwayError('ERR_ABORTED', `${file}: reading was aborted`, { cause: err });
    throw malformedError(file, `not a readable tar archive (${err instanceof Error ? err.message : String(err)})`, err);
  }
  return { files, links };
}

async function scanMember(entry: AsyncIterable<Buffer>, name: string, size: number, room: number): Promise<ScannedFile> {
  const alg = /^blobs\/(sha256|sha512)\//.exec(name)?.[1] ?? 'sha256';
  const hash: Hash = createHash(alg);
  const chunks: Buffer[] = [];
  let keep = size <= Math.min(MAX_JSON_BLOB_BYTES, room);
  let head = Buffer.alloc(0);
  let seen = 0;
  for await (const chunk of entry) {
    if (seen === 0 && keep) keep = chunk[0] === 0x7b || chunk[0] === 0x5b;
    if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
    hash.update(chunk);
    if (keep) chunks.push(chunk);
    seen += chunk.length;
  }
  const digest = `${alg}:${hash.digest('hex')}` as Digest;
  return { size: seen, digest, head, ...(keep && seen > 0 ? { bytes: Buffer.concat(chunks) } : {}) };
}
