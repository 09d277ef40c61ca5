/**
 * The host's trusted keyrings, which apt uses for sources without Signed-By:
 * /etc/apt/trusted.gpg and /etc/apt/trusted.gpg.d/*.gpg and *.asc (apt-key(8), apt-secure(8)).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeySource } from './repository.js';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** readSystemTrustedKeys lists the trusted keyring files under `root` (in name order), as key sources. */
export async function readSystemTrustedKeys(root = '/'): Promise<KeySource[]> {
  const etc = join(root, 'etc', 'apt');
  const files: string[] = [];
  if (await isFile(join(etc, 'trusted.gpg'))) files.push(join(etc, 'trusted.gpg'));
  let names: string[] = [];
  try {
    names = (await readdir(join(etc, 'trusted.gpg.d'))).filter((n) => /^[A-Za-z0-9_.-]+\.(gpg|asc)$/.test(n)).sort();
  } catch {
    names = [];
  }
  for (const n of names) if (await isFile(join(etc, 'trusted.gpg.d', n))) files.push(join(etc, 'trusted.gpg.d', n));
  return files.map((path) => ({ kind: 'file', path }));
}
