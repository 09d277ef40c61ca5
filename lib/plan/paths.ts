/**
 * Paths inside an image: absolute, POSIX, normalised, never escaping the root.
 */
import { posix } from 'node:path';

/** ImagePathProblem says why a string is not an acceptable image path. */
export type ImagePathProblem = 'empty' | 'not-absolute' | 'dot-dot' | 'nul';

/** checkImagePath returns why `p` is not an absolute image path, or undefined when it is fine. */
export function checkImagePath(p: string): ImagePathProblem | undefined {
  if (p === '') return 'empty';
  if (p.includes('\0')) return 'nul';
  if (!p.startsWith('/')) return 'not-absolute';
  if (p.split('/').includes('..')) return 'dot-dot';
  return undefined;
}

/** normaliseImagePath collapses `//` and `.` and drops a trailing slash (except for `/`). */
export function normaliseImagePath(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}
