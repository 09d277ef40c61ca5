/**
 * tarballEntries: the entries of a `tarball:` item, rebased below its dest, as tree inputs.
 *
 * The tarball (local, or downloaded into the content store) is checked against its sha256
 * while it is read; file bodies are spooled into the content store by digest so that the
 * layer writer can read them again in path order. Names with `..`, links that climb out
 * through `..`, and device nodes are refused.
 */
import { createReadStream } from 'node:fs';
import { access, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { ConfigError, DigestMismatchError, MAX_TAR_ENTRIES, formatLocation, SlipwayError, VerifyStream, openDecompressor, parseDigest, sniffCompression, type Digest } from '../core/index.js';
import { downloadToStore, redactUrl, type ContentStore } from '../fetch/index.js';
import type { EntryType, TreeInput } from '../layer/index.js';
import type { TarballItem } from '../plan/index.js';
import type { Dispatcher } from 'undici';

/** TarballSourceOptions give the store for bodies and the transport for URLs. */
export interface TarballSourceOptions {
  readonly store: ContentStore;
  readonly dispatcher?: Dispatcher;
  readonly signal?: AbortSignal;
  /** Directory the config's relative paths are shown relative to, in messages. */
  readonly shownRelativeTo?: string;
}

const TYPES: Partial<Record<tar.Header['type'] & string, EntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  fifo: 'fifo',
};

/**
 * tarballEntries reads `item` and returns its entries for layer `layer`, last duplicate
 * winning. A pinned sha256 is checked on every read, also of a download already in the store:
 * a store entry that does not match is removed and fetched again, once.
 */
export async function tarballEntries(item: TarballItem, layer: number, opts: TarballSourceOptions): Promise<TreeInput[]> {
  const { path, shown } = await locate(item, opts);
  try {
    return await readTarball(path, shown, item, layer, opts);
  } catch (err) {
    if (!('url' in item.location) || (err as { code?: string }).code !== 'ERR_INPUT_DIGEST_MISMATCH') throw err;
    await rm(path, { force: true });
    const again = await locate(item, opts);
    return readTarball(again.path, again.shown, item, layer, opts);
  }
}

async function readTarball(path: string, shown: string, item: TarballItem, layer: number, opts: TarballSourceOptions): Promise<TreeInput[]> {
  const kind = await sniffCompression(path);
  if (kind === 'xz' || kind === 'bzip2') {
    throw new ConfigError('ERR_INPUT_MALFORMED', { ...item.at, keyPath: `${item.at.keyPath ?? ''}.tarball` }, `${shown} is ${kind}-compressed, which slipway does not read yet`, {
      hint: 'recompress it with gzip or zstd, or use an uncompressed tar',
    });
  }
  const stages: NodeJS.ReadWriteStream[] = [];
  if (item.sha256) stages.push(new VerifyStream({ digest: parseDigest(`sha256:${item.sha256}`), subject: pinSubject(item, shown), code: 'ERR_INPUT_DIGEST_MISMATCH', hint: pinHint(item) }));
  stages.push(openDecompressor(kind));
  const extract = tar.extract();
  const byPath = new Map<string, TreeInput>();
  const reading = pipeline([createReadStream(path), ...stages, extract] as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
  // Awaited after the entries; a handler now keeps an early failure from being "unhandled".
  reading.catch(() => undefined);
  let count = 0;
  try {
    for await (const entry of extract) {
      if (++count > MAX_TAR_ENTRIES) throw malformed(shown, `more than ${MAX_TAR_ENTRIES} entries`);
      const input = await toInput(entry.header, entry as unknown as Readable, item, layer, shown, opts);
      if (input) {
        byPath.delete(input.path);
        byPath.set(input.path, input);
      }
    }
    await reading;
  } catch (err) {
    extract.destroy();
    // A wrong digest explains any parse error that came first: report the digest.
    const settled = await reading.then(() => undefined, (e: unknown) => e);
    if ((settled as { code?: string } | undefined)?.code === 'ERR_INPUT_DIGEST_MISMATCH') throw settled;
    if (err instanceof SlipwayError) throw err;
    throw malformed(shown, (err as Error).message, err);
  }
  return [...byPath.values()];
}

/** pinSubject names the pinned input with its config location: `file:line:col files[2].sha256: x.tar.gz`. */
function pinSubject(item: TarballItem, shown: string): string {
  return `${formatLocation({ ...item.at, keyPath: `${item.at.keyPath ?? 'files'}.sha256` })}${shown}`;
}

function pinHint(item: TarballItem): string {
  return `if the new content is intended, update ${item.at.keyPath ?? 'the item'}.sha256 to the sha256 shown`;
}

async function locate(item: TarballItem, opts: TarballSourceOptions): Promise<{ path: string; shown: string }> {
  const loc = item.location;
  if ('path' in loc) {
    const shown = opts.shownRelativeTo ? posix.relative(opts.shownRelativeTo, loc.path) || loc.path : loc.path;
    try {
      await access(loc.path);
    } catch {
      throw new ConfigError('ERR_INPUT_NOT_FOUND', { ...item.at, keyPath: `${item.at.keyPath ?? ''}.tarball` }, `${shown} does not exist`, {
        hint: 'tarball paths are relative to the config file',
      });
    }
    return { path: loc.path, shown };
  }
  const digest: Digest = parseDigest(`sha256:${item.sha256}`);
  const shown = redactUrl(loc.url);
  try {
    await downloadToStore(loc.url, digest, opts.store, { ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    // The server answered in full with other bytes than the config pins: a config problem.
    if (err instanceof DigestMismatchError) throw new DigestMismatchError('ERR_INPUT_DIGEST_MISMATCH', pinSubject(item, shown), err.expected, err.actual, err.bytes, { hint: pinHint(item), cause: err });
    throw err;
  }
  return { path: opts.store.path(digest), shown };
}

async function toInput(h: tar.Header, body: Readable, item: TarballItem, layer: number, shown: string, opts: TarballSourceOptions): Promise<TreeInput | undefined> {
  // tar-stream folds PAX and GNU long-name records into the next header; what remains
  // without a known type (GNU sparse files, vendor types) would be misread as a plain file.
  const type = h.type ? TYPES[h.type] : undefined;
  if (!type) {
    body.resume();
    if (h.type === 'character-device' || h.type === 'block-device') {
      throw new SlipwayError('ERR_LAYER_UNSAFE_PATH', `${shown}: ${h.name} is a ${h.type}, which slipway does not put in images`, { hint: 'remove device nodes from the tarball' });
    }
    throw malformed(shown, `${h.name} has tar type ${h.type ?? 'unknown (e.g. a GNU sparse file)'}, which slipway cannot copy faithfully`);
  }
  const rel = rebase(h.name, item.strip, shown);
  const path = rel === undefined ? undefined : rel === '' ? item.dest : posix.join(item.dest, rel);
  // Stripped away, or the tarball's own root when unpacking at "/": nothing to write.
  if (path === undefined || (path === '/' && type === 'directory')) {
    body.resume();
    return undefined;
  }
  const owner = item.owner ?? { uid: h.uid ?? 0, gid: h.gid ?? 0 };
  const origin = `${item.at.keyPath ?? 'tarball'} (${shown}: ${h.name})`;
  const base = { path, mode: (h.mode ?? 0o644) & 0o7777, ...owner, layer, origin };
  if (type === 'file') {
    const { digest, size } = await opts.store.put(body, opts.signal ? { signal: opts.signal } : {});
    return { ...base, type, size, open: (o) => opts.store.open(digest, o), digest: async () => digest };
  }
  body.resume();
  if (type === 'hardlink') {
    const target = rebase(h.linkname ?? '', item.strip, shown);
    if (!target) throw new SlipwayError('ERR_LAYER_UNSAFE_PATH', `${shown}: hard link ${h.name} names ${h.linkname}, outside what is unpacked`);
    return { ...base, type, size: 0, linkname: posix.join(item.dest, target) };
  }
  if (type === 'symlink') return { ...base, type, size: 0, linkname: h.linkname ?? '' };
  return { ...base, type, size: 0 };
}

/** rebase turns a tar name into a path relative to dest; undefined when stripped away entirely. */
function rebase(name: string, strip: number, shown: string): string | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new SlipwayError('ERR_LAYER_UNSAFE_PATH', `${shown}: entry "${name}" climbs out with ".."`, { hint: 'the tarball is unsafe; rebuild it without ".." in names' });
  }
  if (parts.length < strip) return undefined;
  return parts.slice(strip).join('/');
}

function malformed(shown: string, why: string, cause?: unknown): SlipwayError {
  return new SlipwayError('ERR_INPUT_MALFORMED', `${shown}: not a readable tar archive: ${why}`, { cause, hint: 'check that the file is a complete tar, tar.gz or tar.zst' });
}
