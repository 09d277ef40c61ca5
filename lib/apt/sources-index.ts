/**
 * Sources indices (the `deb-src` side of a repository): stanzas to {@link SourceRecord}s —
 * where a source package's files are and what they hash to, who maintains it and where its
 * history lives — for bills of materials that name the source of every binary.
 */
import type { Readable } from 'node:stream';
import { SlipwayError } from '../core/index.js';
import { AptFormatError } from './apt-format-error.js';
import { readStanzas } from './deb822.js';
import type { AptClientContext } from './client-context.js';
import { openIndex } from './fetch-index.js';
import type { SnapshotIndex } from './load-packages.js';
import { originOf } from './load-packages.js';
import type { PackageOrigin } from './packages-index.js';
import { foldField, type Stanza } from './stanza.js';

/** SourceFile is one file of a source package, from its Checksums-Sha256 field. */
export interface SourceFile {
  readonly name: string;
  readonly size: number;
  /** sha256 as 64 lowercase hex digits. */
  readonly sha256: string;
}

/** SourceRecord is one source package as a Sources index lists it. */
export interface SourceRecord {
  /** name is the Package field (the source package's name). */
  readonly name: string;
  readonly version: string;
  /** binaries are the binary packages it builds (the Binary field), in order. */
  readonly binaries: readonly string[];
  /** directory holds its files, relative to the repository URI (e.g. `pool/main/h/hello`). */
  readonly directory: string;
  readonly files: readonly SourceFile[];
  readonly maintainer: string | undefined;
  readonly homepage: string | undefined;
  readonly vcsGit: string | undefined;
  readonly vcsBrowser: string | undefined;
  readonly origin: PackageOrigin;
}

const SHA256_LINE = /^([0-9a-fA-F]{64})\s+([0-9]{1,15})\s+(\S+)$/;

/**
 * parseSourceRecord reads one Sources stanza. Throws ERR_APT_MALFORMED naming `subject` and
 * the stanza's line when Package, Version, Directory or Checksums-Sha256 is missing or a
 * checksum line is malformed.
 */
export function parseSourceRecord(stanza: Stanza, origin: PackageOrigin, subject: string): SourceRecord {
  const fail = (problem: string): never => {
    throw new AptFormatError('ERR_APT_MALFORMED', subject, stanza.line, `source ${stanza.get('Package') ?? '(no Package)'}: ${problem}`);
  };
  const name = stanza.get('Package') ?? fail('has no Package field');
  const version = stanza.get('Version') ?? fail('has no Version field');
  const directory = stanza.get('Directory') ?? fail('has no Directory field');
  const sums = stanza.get('Checksums-Sha256') ?? fail('has no Checksums-Sha256 field');
  const files: SourceFile[] = [];
  for (const line of sums.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const m = SHA256_LINE.exec(line) ?? fail(`Checksums-Sha256 line "${line}" is not "sha256 size name"`);
    files.push({ sha256: m[1]!.toLowerCase(), size: Number(m[2]), name: m[3]! });
  }
  const opt = (field: string) => {
    const v = stanza.get(field);
    return v === undefined ? undefined : foldField(v);
  };
  return {
    name,
    version,
    binaries: (opt('Binary') ?? '').split(',').map((b) => b.trim()).filter(Boolean),
    directory,
    files,
    maintainer: opt('Maintainer'),
    homepage: opt('Homepage'),
    vcsGit: opt('Vcs-Git'),
    vcsBrowser: opt('Vcs-Browser'),
    origin,
  };
}

/** readSourceRecords reads a (decompressed, verified) Sources index into records, in index order. */
export async function* readSourceRecords(src: Readable | AsyncIterable<Uint8Array | string>, origin: PackageOrigin, opts: { name: string; signal?: AbortSignal }): AsyncIterable<SourceRecord> {
  for await (const stanza of readStanzas(src, opts)) yield parseSourceRecord(stanza, origin, opts.name);
}

/** SourceIndex holds source records by source package name, in the order added. */
export class SourceIndex {
  readonly #byName = new Map<string, SourceRecord[]>();
  #size = 0;

  /** add appends a record. */
  add(record: SourceRecord): void {
    const list = this.#byName.get(record.name);
    if (list === undefined) this.#byName.set(record.name, [record]);
    else list.push(record);
    this.#size++;
  }

  /** byName returns every version of source package `name`, in the order added. */
  byName(name: string): readonly SourceRecord[] {
    return this.#byName.get(name) ?? [];
  }

  /** size is the number of records added. */
  get size(): number {
    return this.#size;
  }
}

/**
 * loadSourceIndex reads every Sources index of `entries` (decompressed and checked against its
 * Release as it streams) into one SourceIndex, in entry order. Errors: ERR_APT_MALFORMED and
 * ERR_APT_HASH_MISMATCH naming the index; ERR_ABORTED.
 */
export async function loadSourceIndex(entries: readonly SnapshotIndex[], ctx: Pick<AptClientContext, 'store' | 'signal'>): Promise<SourceIndex> {
  const index = new SourceIndex();
  for (const entry of entries) {
    if (entry.index.kind !== 'Sources') continue;
    const subject = entry.index.subject;
    try {
      const src = await openIndex(entry.index, ctx);
      for await (const r of readSourceRecords(src, originOf(entry), { name: subject, ...(ctx.signal ? { signal: ctx.signal } : {}) })) index.add(r);
    } catch (err) {
      if (err instanceof SlipwayError) throw err;
      throw new SlipwayError('ERR_APT_MALFORMED', `${subject}: cannot be decompressed: ${(err as Error).message}`, { cause: err });
    }
  }
  return index;
}
