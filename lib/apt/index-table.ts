/**
 * The parsed form of a Packages index that the cache keeps, as apt keeps its pkgcache: the
 * decompressed index (a verified blob in the content store) and a table of where each stanza
 * lies with its name, version, architecture and provided names, keyed by the digest of the
 * index as fetched. The first load decompresses, verifies, parses and checks every record and
 * writes the table; later loads read the two files and parse a record only when it is looked up.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestHex, isDigest, SlipwayError, writeFileAtomic, type Digest } from '../core/index.js';
import type { AptClientContext } from './client-context.js';
import { forEachStanzaSpan, parseStanzas } from './deb822.js';
import { openIndex, type FetchedIndex } from './fetch-index.js';
import { mentionsOf, parsePackageRecord, parseProvidedNames, type PackageOrigin, type PackageRecord } from './packages-index.js';

/** INDEX_TABLE_FORMAT changes whenever the table layout or what the parser accepts changes. */
export const INDEX_TABLE_FORMAT = 2;

/** IndexTableEntry is one stanza of an index: what lookups need without parsing it, and where it is. */
export interface IndexTableEntry {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  readonly provides: readonly string[];
  /** start and end are the stanza's byte span in the decompressed index. */
  readonly start: number;
  readonly end: number;
}

/** IndexTable is a loaded index: its decompressed bytes and its stanzas' table. */
export interface IndexTable {
  readonly data: Buffer;
  readonly entries: readonly IndexTableEntry[];
  /** built is true when this call parsed the index (first load), false when the table came from the cache. */
  readonly built: boolean;
  /** mentions are the names the index mentions, in first-mention order (see mentionsOf), newline-joined. */
  readonly mentions: string;
}

type Row = [string, string, string, string, number, number];

interface TableFile {
  readonly format: number;
  readonly data: Digest;
  readonly size: number;
  readonly rows: Row[];
  /** mentions joined by newlines. */
  readonly mentions: string;
}

const VALIDATION_ORIGIN: PackageOrigin = { uri: '', suite: '', component: '' };

function tablePath(ctx: Pick<AptClientContext, 'stateDir'>, index: FetchedIndex): string {
  return join(ctx.stateDir, 'indices', `${digestHex(index.digest)}.v${INDEX_TABLE_FORMAT}.json`);
}

function toEntries(rows: readonly Row[], size: number): IndexTableEntry[] | undefined {
  const out: IndexTableEntry[] = [];
  for (const r of rows) {
    if (!Array.isArray(r) || r.length !== 6) return undefined;
    const [name, version, architecture, provides, start, end] = r;
    if (typeof name !== 'string' || typeof version !== 'string' || typeof architecture !== 'string' || typeof provides !== 'string') return undefined;
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start || end > size) return undefined;
    out.push({ name, version, architecture, provides: provides === '' ? [] : provides.split(' '), start, end });
  }
  return out;
}

async function readCached(index: FetchedIndex, ctx: Pick<AptClientContext, 'store' | 'stateDir'>): Promise<IndexTable | undefined> {
  let file: TableFile;
  try {
    file = JSON.parse(await readFile(tablePath(ctx, index), 'utf8')) as TableFile;
  } catch {
    return undefined;
  }
  if (file?.format !== INDEX_TABLE_FORMAT || typeof file.data !== 'string' || !isDigest(file.data) || !Array.isArray(file.rows) || typeof file.mentions !== 'string') return undefined;
  // The table must point at the blob the Release vouches for, when it lists the uncompressed index.
  const expected = index.compression === 'none' ? index.digest : index.uncompressed ? `sha256:${index.uncompressed.sha256}` : undefined;
  if (expected !== undefined && file.data !== expected) return undefined;
  if (!(await ctx.store.has(file.data))) return undefined;
  const data = await readFile(ctx.store.path(file.data));
  if (data.length !== file.size) return undefined;
  const entries = toEntries(file.rows, data.length);
  return entries === undefined ? undefined : { data, entries, built: false, mentions: file.mentions };
}

async function storeDecompressed(index: FetchedIndex, ctx: Pick<AptClientContext, 'store' | 'signal'>): Promise<Digest> {
  if (index.compression === 'none') return index.digest;
  const src = await openIndex(index, ctx);
  try {
    return (await ctx.store.put(src, ctx.signal ? { signal: ctx.signal } : {})).digest;
  } catch (err) {
    if (err instanceof SlipwayError) throw err;
    throw new SlipwayError('ERR_APT_MALFORMED', `${index.subject}: cannot be decompressed: ${(err as Error).message}`, { cause: err, hint: 'the repository serves a corrupt index; try another mirror' });
  }
}

async function build(index: FetchedIndex, ctx: Pick<AptClientContext, 'store' | 'stateDir' | 'signal'>): Promise<IndexTable> {
  const digest = await storeDecompressed(index, ctx);
  const data = await readFile(ctx.store.path(digest));
  const rows: Row[] = [];
  const entries: IndexTableEntry[] = [];
  const mentions = new Set<string>();
  forEachStanzaSpan(data, { name: index.subject }, (stanza, start, end) => {
    // Every record is checked once here, so a lazy parse later cannot fail on bad data.
    const r = parsePackageRecord(stanza, VALIDATION_ORIGIN, index.subject);
    for (const m of mentionsOf(r)) mentions.add(m);
    const provides = r.provides === undefined ? [] : parseProvidedNames(r.provides);
    rows.push([r.name, r.version, r.architecture, provides.join(' '), start, end]);
    entries.push({ name: r.name, version: r.version, architecture: r.architecture, provides, start, end });
  });
  const file: TableFile = { format: INDEX_TABLE_FORMAT, data: digest, size: data.length, rows, mentions: [...mentions].join('\n') };
  await mkdir(join(ctx.stateDir, 'indices'), { recursive: true });
  await writeFileAtomic(tablePath(ctx, index), JSON.stringify(file));
  return { data, entries, built: true, mentions: file.mentions };
}

/**
 * openIndexTable loads a fetched Packages index in its cached parsed form, building it on
 * first use. Errors on first use: ERR_APT_HASH_MISMATCH (does not decompress to what the
 * Release lists), ERR_APT_MALFORMED (corrupt compression, deb822 or record errors, naming
 * the index and line). A damaged table is rebuilt, never trusted.
 */
export async function openIndexTable(index: FetchedIndex, ctx: Pick<AptClientContext, 'store' | 'stateDir' | 'signal'>): Promise<IndexTable> {
  return (await readCached(index, ctx)) ?? build(index, ctx);
}

/**
 * recordAt parses the stanza of `entry` in `table` into a PackageRecord from `origin`. Throws
 * ERR_APT_MALFORMED when the bytes there are not the stanza the table names (a damaged cache).
 */
export function recordAt(table: IndexTable, entry: IndexTableEntry, origin: PackageOrigin, subject: string): PackageRecord {
  const [stanza] = parseStanzas(table.data.subarray(entry.start, entry.end), { name: subject });
  const record = stanza === undefined ? undefined : parsePackageRecord(stanza, origin, subject);
  if (record?.name !== entry.name || record.version !== entry.version) {
    throw new SlipwayError('ERR_APT_MALFORMED', `${subject}: the cached table does not match the index at byte ${entry.start}`, { hint: 'remove the apt/indices directory of the cache and try again' });
  }
  return record;
}
