/**
 * Loading a repository's `signed-by` keys into one Keyring: keyring files, inline keys, keys
 * fetched by URL (kept only when their fingerprint is the pinned one, and cached by that
 * fingerprint so offline builds work), narrowed by fingerprints when any are given.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SlipwayError, writeFileAtomic } from '../core/index.js';
import { redactUrl } from '../fetch/index.js';
import { mergeKeyrings, parseKeyring, type Keyring } from '../openpgp/index.js';
import type { AptClientContext } from './client-context.js';
import type { KeySource } from './repository.js';

/** MAX_KEYRING_BYTES caps one keyring file or fetched key. */
export const MAX_KEYRING_BYTES = 16 * 1024 * 1024;

function keyError(subject: string, problem: string, hint: string, cause?: unknown): SlipwayError {
  return new SlipwayError('ERR_APT_KEY', `${subject}: ${problem}`, { hint, ...(cause === undefined ? {} : { cause }) });
}

async function readKeyFile(path: string): Promise<Keyring> {
  let data: Buffer;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw keyError(path, 'is not a file', 'name a keyring file (.gpg or .asc)');
    if (st.size > MAX_KEYRING_BYTES) throw keyError(path, `is larger than ${MAX_KEYRING_BYTES} bytes`, 'name a keyring file (.gpg or .asc)');
    data = await readFile(path);
  } catch (err) {
    if (err instanceof SlipwayError) throw err;
    throw keyError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, 'check the signed-by path', err);
  }
  return parseKeys(data, path);
}

function parseKeys(data: Uint8Array | string, subject: string): Keyring {
  try {
    const ring = parseKeyring(data, subject);
    if (ring.keys.length === 0) throw keyError(subject, 'holds no public key', 'export the key with gpg --export (binary) or gpg --export --armor');
    return ring;
  } catch (err) {
    if (err instanceof SlipwayError && err.code === 'ERR_PGP_MALFORMED') throw keyError(subject, err.message.replace(`${subject}: `, ''), 'export the key with gpg --export (binary) or gpg --export --armor', err);
    throw err;
  }
}

/** hasFingerprint tells whether a key of `ring` (primary or subkey) has `fingerprint`. */
function keysWithFingerprint(ring: Keyring, fingerprint: string): Keyring {
  return { keys: ring.keys.filter((k) => k.fingerprint === fingerprint || k.subkeys.some((s) => s.fingerprint === fingerprint)) };
}

async function fetchPinnedKey(url: string, fingerprint: string, ctx: AptClientContext): Promise<Keyring> {
  const cached = join(ctx.stateDir, 'keys', `${fingerprint}.key`);
  try {
    return parseKeys(await readFile(cached), cached);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const shown = redactUrl(url);
  const bytes = await ctx.fetcher.fetchBytes([url], { maxBytes: MAX_KEYRING_BYTES, subject: `key ${shown}`, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  if (bytes === undefined) throw keyError(shown, 'not found', 'check the key URL');
  const ring = parseKeys(bytes, shown);
  const pinned = keysWithFingerprint(ring, fingerprint);
  if (pinned.keys.length === 0) {
    const got = ring.keys.map((k) => k.fingerprint).join(', ');
    throw keyError(shown, `has key ${got}, not the pinned fingerprint ${fingerprint}`, 'check the URL and the fingerprint; never copy a fingerprint from the same place as the key');
  }
  await mkdir(join(ctx.stateDir, 'keys'), { recursive: true });
  await writeFileAtomic(cached, bytes);
  return pinned;
}

/**
 * loadKeyring loads `keys` into one Keyring. Fingerprint entries narrow the keys loaded from
 * the other entries to those (primary or subkey) fingerprints. Throws ERR_APT_KEY naming the
 * file or URL for a missing or unreadable keyring, one with no key, a fetched key whose
 * fingerprint is not the pinned one, or fingerprints that match no key; `subject` names the
 * repository in that last message.
 */
export async function loadKeyring(keys: readonly KeySource[], ctx: AptClientContext, subject: string): Promise<Keyring> {
  const rings: Keyring[] = [];
  const wanted: string[] = [];
  for (const key of keys) {
    if (key.kind === 'file') rings.push(await readKeyFile(key.path));
    else if (key.kind === 'inline') rings.push(parseKeys(key.armored, `${subject} inline signed-by key`));
    else if (key.kind === 'url') rings.push(await fetchPinnedKey(key.url, key.fingerprint.toUpperCase(), ctx));
    else wanted.push(key.fingerprint.toUpperCase());
  }
  const all = mergeKeyrings(...rings);
  if (wanted.length === 0) return all;
  const narrowed = mergeKeyrings(...wanted.map((f) => keysWithFingerprint(all, f)));
  if (narrowed.keys.length === 0) throw keyError(subject, `no key with fingerprint ${wanted.join(', ')} among the signed-by keyrings`, 'add the keyring that holds the key to signed-by');
  return narrowed;
}
