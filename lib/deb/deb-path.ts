/** normaliseDebPath: tar names of a .deb (`./usr/bin/x`) as absolute paths (`/usr/bin/x`). */
import { printable } from './ar-header.js';
import { debMalformed, debUnsafe } from './deb-error.js';

/**
 * normaliseDebPath turns the tar name `name` into an absolute path without `.`, empty
 * components or a trailing slash: `./usr/bin/x` → `/usr/bin/x`, `./` → `/`. A `..`
 * component is ERR_DEB_UNSAFE (`subject`, `where` and the name in the message); an empty
 * name is ERR_DEB_MALFORMED.
 */
export function normaliseDebPath(name: string, subject: string, where: string): string {
  if (name === '') throw debMalformed(subject, where, 'a tar entry has an empty name');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw debUnsafe(subject, `${where} ${printable(name)}`, 'path climbs out of the package root with ".."');
  return `/${parts.join('/')}`;
}
