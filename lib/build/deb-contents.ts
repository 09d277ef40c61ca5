/**
 * readDebContents: one cached .deb read once, as dpkg would unpack it: its control files, the
 * list of its data entries (metadata only) and, while reading, every regular file's bytes
 * appended to a spool file, so layers can be written later without decompressing again.
 * A few small files the build needs to compute maintainer-script effects (CA certificates,
 * base-passwd's masters, ld.so.conf.d) are captured in memory as well.
 *
 * Package files never become files on the host: the spool is one opaque file per package in
 * the cache's temporary directory, removed when the build ends.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { dataCapFromInstalledSize, readDeb, type ControlFiles, type DebEntry, type DebEntryType } from '../deb/index.js';
import { discardTempFile } from '../core/index.js';
import { checkRecord } from './merge-packages.js';

/** DebRecord is one data.tar entry of a package, without its bytes. */
export interface DebRecord {
  /** Path as the package ships it (`/bin/bash`), before merged-/usr canonicalisation. */
  readonly path: string;
  readonly type: DebEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkname?: string;
  readonly devmajor?: number;
  readonly devminor?: number;
  /** Offset of a regular file's bytes in the package's spool. */
  readonly offset?: number;
}

/** DebContents is what the build knows of one package after reading it. */
export interface DebContents {
  /** sha256 (hex) of the .deb. */
  readonly sha256: string;
  readonly control: ControlFiles;
  readonly records: readonly DebRecord[];
  /** MD5 (hex) of each conffile's bytes, by path. */
  readonly conffileMd5: ReadonlyMap<string, string>;
  /** Bytes of the files the build reads for maintainer-script effects, by path. */
  readonly captured: ReadonlyMap<string, Buffer>;
}

/** MAX_CAPTURED_BYTES caps one captured file. */
export const MAX_CAPTURED_BYTES = 1024 * 1024;

/** CAPTURED says which package files the build reads itself (small, and needed for effects). */
export function isCapturedPath(path: string): boolean {
  return (
    /^\/usr\/share\/ca-certificates\/.+\.crt$/.test(path) ||
    /^\/usr\/local\/share\/ca-certificates\/.+\.crt$/.test(path) ||
    path === '/etc/ca-certificates.conf' ||
    /^\/usr\/share\/base-files\/[^/]+$/.test(path) ||
    path === '/usr/share/libc-bin/nsswitch.conf' ||
    path === '/usr/share/base-passwd/passwd.master' ||
    path === '/usr/share/base-passwd/group.master' ||
    path === '/etc/ld.so.conf' ||
    /^\/etc\/ld\.so\.conf\.d\/[^/]+\.conf$/.test(path)
  );
}

/** ReadDebContentsOptions: what errors call the package, and where its spool goes. */
export interface ReadDebContentsOptions {
  readonly subject: string;
  readonly sha256: string;
  /** Path of the spool file to write; undefined reads metadata only. */
  readonly spool?: string;
  readonly signal?: AbortSignal;
}

/**
 * readDebContents reads the .deb in `src`. With `spool`, every regular file's bytes are
 * appended to that file in archive order and each record carries its offset. The spool is
 * removed when reading fails. Errors are readDeb's (ERR_DEB_MALFORMED, ERR_DEB_UNSAFE).
 */
export async function readDebContents(src: Readable, opts: ReadDebContentsOptions): Promise<DebContents> {
  const sink = opts.spool !== undefined ? createWriteStream(opts.spool) : undefined;
  try {
    const result = await readParts(src, opts, sink);
    if (sink) {
      sink.end();
      await once(sink, 'close');
    }
    return result;
  } catch (err) {
    if (sink) await discardTempFile(sink, opts.spool!);
    throw err;
  }
}

async function readParts(src: Readable, opts: ReadDebContentsOptions, sink: WriteStream | undefined): Promise<DebContents> {
  let control: ControlFiles | undefined;
  const records: DebRecord[] = [];
  const conffileMd5 = new Map<string, string>();
  const captured = new Map<string, Buffer>();
  let conffiles = new Set<string>();
  let offset = 0;
  for await (const part of readDeb(src, { subject: opts.subject, maxBytes: dataCapFromInstalledSize, ...(opts.signal ? { signal: opts.signal } : {}) })) {
    if (part.kind === 'control') {
      control = part.entries;
      conffiles = conffilePaths(control.conffiles);
      continue;
    }
    for await (const e of part.entries) {
      if (e.type !== 'file' || !e.body) {
        checkRecord(e, `${opts.subject}: ${e.path}`);
        records.push(recordOf(e));
        continue;
      }
      const md5 = conffiles.has(e.path) ? createHash('md5') : undefined;
      // Captured files are small by nature (certificates, account masters); a large one is not read for effects.
      const keep = isCapturedPath(e.path) && e.size <= MAX_CAPTURED_BYTES ? ([] as Buffer[]) : undefined;
      const start = offset;
      for await (const chunk of e.body as AsyncIterable<Buffer>) {
        md5?.update(chunk);
        keep?.push(chunk);
        offset += chunk.length;
        if (sink && !sink.write(chunk)) await once(sink, 'drain');
      }
      if (md5) conffileMd5.set(e.path, md5.digest('hex'));
      if (keep) captured.set(e.path, Buffer.concat(keep));
      records.push({ ...recordOf(e), ...(sink ? { offset: start } : {}) });
    }
  }
  // readDeb fails on a package without control or data, so both were seen here.
  return { sha256: opts.sha256, control: control!, records, conffileMd5, captured };
}

function recordOf(e: DebEntry): DebRecord {
  return {
    path: e.path,
    type: e.type,
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
    ...(e.devmajor !== undefined ? { devmajor: e.devmajor, devminor: e.devminor ?? 0 } : {}),
  };
}

/** readMd5sumsLine reads one line of deb-md5sums(5), `<md5>  <path without the leading slash>`, as an absolute path and a lower-case MD5. */
export function readMd5sumsLine(line: string): { readonly md5: string; readonly path: string } | undefined {
  const m = /^([0-9a-fA-F]{32}) [ *]?(.+)$/.exec(line);
  return m ? { md5: m[1]!.toLowerCase(), path: `/${m[2]}` } : undefined;
}

/** conffilePaths reads deb-conffiles(5): one absolute path per line, optionally after flags. */
export function conffilePaths(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const line of (text ?? '').split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    // `remove-on-upgrade /etc/x`: flags come before the path.
    const path = t.slice(t.lastIndexOf(' ') + 1);
    if (path.startsWith('/')) out.add(path);
  }
  return out;
}
