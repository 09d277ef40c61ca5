/**
 * globEntries: host files matched by a `src:` item, as tree inputs.
 *
 * Matches are sorted by path bytes; each keeps its path below the pattern's static prefix
 * (`app/**\/*.js` keeps `lib/x.js` of `app/lib/x.js`). Modes are normalised (0755 when the
 * host file has any execute bit, else 0644) so that a checkout's umask does not change the
 * image; symlinks are kept as links.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { isAbsolute, posix, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type FastGlob from 'fast-glob';
import { ConfigError, SlipwayError } from '../core/index.js';
import type { TreeInput } from '../layer/index.js';
import type { GlobItem } from '../plan/index.js';

/**
 * ALWAYS_IGNORED are never copied by a glob: version-control metadata differs between
 * clones, and slipway's own temporary files are not inputs.
 */
export const ALWAYS_IGNORED: readonly string[] = ['**/.git/**', '**/.slipway-tmp-*'];

/** ignoredBelow turns host directories (the output, the cache) into ignore patterns when they lie below `baseDir`. */
function ignoredBelow(fg: typeof FastGlob, baseDir: string, dirs: readonly string[]): string[] {
  return dirs
    .map((d) => relative(baseDir, d))
    .filter((rel) => rel !== '' && !rel.startsWith('..') && !isAbsolute(rel))
    .flatMap((rel) => {
      const p = fg.escapePath(rel.split(sep).join('/'));
      return [p, `${p}/**`];
    });
}

/** globEntries expands `item` into tree inputs for layer `layer`. */
export async function globEntries(item: GlobItem, layer: number, opts: { signal?: AbortSignal; exclude?: readonly string[] } = {}): Promise<TreeInput[]> {
  // Loaded when a config has globs: builds of packages alone never pay for it.
  const fg = (await import('fast-glob')).default;
  const matches = await fg(item.patterns as string[], {
    cwd: item.baseDir,
    ignore: [...ALWAYS_IGNORED, ...ignoredBelow(fg, item.baseDir, opts.exclude ?? [])],
    dot: true,
    onlyFiles: false,
    markDirectories: true,
    followSymbolicLinks: false,
    unique: true,
    absolute: false,
  });
  const files = matches.filter((m) => !m.endsWith('/')).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const shown = item.patterns.join(', ');
  if (files.length === 0) {
    throw new ConfigError('ERR_INPUT_NOT_FOUND', { ...item.at, keyPath: `${item.at.keyPath ?? ''}.src` }, `"${shown}" matches no file in ${item.baseDir}`, {
      hint: 'patterns are relative to the config file; check the spelling, or that the files exist',
    });
  }
  if (!item.destIsDir && files.length > 1) {
    throw new ConfigError('ERR_CONFIG_INVALID_VALUE', { ...item.at, keyPath: `${item.at.keyPath ?? ''}.dest` }, `"${shown}" matches ${files.length} files but dest ${item.dest} names one file`, {
      hint: `end dest with "/" to copy the matches into the directory ${item.dest}/`,
    });
  }
  const prefixes = item.patterns.filter((p) => !p.startsWith('!')).map((p) => staticPrefix(fg, p));
  const out: TreeInput[] = [];
  const madeDirs = new Set<string>();
  for (const rel of files) {
    opts.signal?.throwIfAborted();
    const host = `${item.baseDir}${sep}${rel.split('/').join(sep)}`;
    const st = await lstat(host);
    const dest = item.destIsDir ? posix.join(item.dest, stripPrefix(rel, prefixes)) : item.dest;
    const owner = item.owner ?? { uid: 0, gid: 0 };
    const origin = `${item.at.keyPath ?? 'files'} (${rel})`;
    // Directories the copy creates below dest belong to the item's owner, as with `COPY --chown`.
    const newDirs: string[] = [];
    for (let dir = posix.dirname(dest); item.destIsDir && dir.startsWith(`${item.dest}/`) && !madeDirs.has(dir); dir = posix.dirname(dir)) newDirs.unshift(dir);
    for (const dir of newDirs) {
      madeDirs.add(dir);
      out.push({ path: dir, type: 'directory', mode: 0o755, ...owner, size: 0, layer, soft: true, origin: `${item.at.keyPath ?? 'files'} (${posix.relative(item.dest, dir)}/)` });
    }
    if (st.isSymbolicLink()) {
      out.push({ path: dest, type: 'symlink', mode: 0o777, ...owner, size: 0, linkname: await readlink(host), layer, origin });
    } else if (st.isFile()) {
      const mode = item.mode ?? (st.mode & 0o111 ? 0o755 : 0o644);
      out.push({
        path: dest,
        type: 'file',
        mode,
        ...owner,
        size: st.size,
        layer,
        origin,
        open: async (o = {}) => createReadStream(host, o.signal ? { signal: o.signal } : {}),
        digest: () => hashFile(host),
      });
    } else {
      throw new SlipwayError('ERR_INPUT_MALFORMED', `${origin}: ${relative(item.baseDir, host)} is not a regular file or symlink`, {
        hint: 'only files and symlinks can be copied; use a dir: item for directories',
      });
    }
  }
  return out;
}

/** staticPrefix is the leading directories of a pattern before any glob magic (a literal file's directory). */
function staticPrefix(fg: typeof FastGlob, pattern: string): string {
  const parts = pattern.replace(/^\.\//, '').split('/');
  const fixed: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (fg.isDynamicPattern(part)) break;
    fixed.push(part);
  }
  return fixed.join('/');
}

function stripPrefix(rel: string, prefixes: string[]): string {
  // The longest static prefix that contains the match wins.
  const hit = prefixes.filter((p) => p === '' || rel.startsWith(`${p}/`)).sort((a, b) => b.length - a.length)[0] ?? '';
  return hit ? rel.slice(hit.length + 1) : rel;
}

async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}
