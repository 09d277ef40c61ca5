/**
 * compilePathGlob: a glob over image paths (`/usr/share/doc/**`) as a matcher. Patterns are
 * absolute; `*` matches within one path segment, `**` as a whole segment matches any number
 * of segments (none included), `?` one character, `[abc]` / `[!a-z]` a character class and
 * `{a,b}` alternatives. `/usr/share/doc/**` matches everything below /usr/share/doc, not the
 * directory itself. Dot files are matched like any other name (paths are not hidden in images).
 */

/** PathGlob tests image paths against one pattern. */
export interface PathGlob {
  readonly pattern: string;
  matches(path: string): boolean;
}

/** PathGlobProblem says why a pattern cannot be compiled. */
export class PathGlobProblem extends Error {}

/** compilePathGlob compiles `pattern`; throws PathGlobProblem for a relative pattern or an unclosed `[` or `{`. */
export function compilePathGlob(pattern: string): PathGlob {
  if (!pattern.startsWith('/')) throw new PathGlobProblem('a path pattern must be absolute, e.g. /usr/share/doc/**');
  const segments = pattern.split('/').slice(1);
  let source = '^';
  for (const [i, seg] of segments.entries()) {
    const last = i === segments.length - 1;
    if (seg === '**') {
      // `/**` in the middle matches `/` or `/anything/`; at the end, anything non-empty below.
      source += last ? '/.+' : '(?:/[^]*)?';
      continue;
    }
    source += `/${segmentSource(seg)}`;
  }
  let re: RegExp;
  try {
    re = new RegExp(`${source}$`, 'u');
  } catch {
    throw new PathGlobProblem('is not a valid pattern (check brackets and braces)');
  }
  return { pattern, matches: (path) => re.test(path) };
}

function segmentSource(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 2);
      if (end < 0) throw new PathGlobProblem(`"[" at ${i + 1} of "${seg}" is not closed`);
      let body = seg.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = seg.indexOf('}', i);
      if (end < 0) throw new PathGlobProblem(`"{" at ${i + 1} of "${seg}" is not closed`);
      out += `(?:${seg.slice(i + 1, end).split(',').map(segmentSource).join('|')})`;
      i = end;
    } else out += c.replace(/[.+^$()|\\\]{}]/g, '\\$&');
  }
  return out;
}

/** PathFilter decides which package paths go into the image. */
export interface PathFilter {
  /** excluded is true when `path` matches an exclude pattern and no keep pattern. */
  excluded(path: string): boolean;
  /** kept is true when `path` matches a keep pattern (its parent directories stay too). */
  kept(path: string): boolean;
  /** empty is true when the filter excludes nothing. */
  readonly empty: boolean;
}

/** pathFilter combines exclude and keep patterns. */
export function pathFilter(exclude: readonly string[], keep: readonly string[]): PathFilter {
  const ex = exclude.map(compilePathGlob);
  const kp = keep.map(compilePathGlob);
  const kept = (p: string) => kp.some((g) => g.matches(p));
  return {
    empty: ex.length === 0,
    kept,
    excluded: (p) => ex.some((g) => g.matches(p)) && !kept(p),
  };
}
