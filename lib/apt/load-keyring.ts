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

/** keysWithFingerprint keeps the certificates of `ring` that have a primary key or subkey with `fingerprint`. */
function keysWithFingerprint(ring: Keyring, fingerprint: string): Keyring {
  return { keys: ring.keys.filter((k) => k.fingerprint === fingerprint || k.subkeys.some((s) => s.fingerprint === fingerprint)) };
}

const FINGERPRINT = /^[0-9A-F]{40}$|^[0-9A-F]{64}$/;

function checkFingerprint(fingerprint: string, subject: string): string {
  const f = fingerprint.toUpperCase();
  if (!FINGERPRINT.test(f)) throw keyError(subject, `"${fingerprint}" is not a key fingerprint (40 or 64 hex digits)`, 'copy the full fingerprint, e.g. from gpg --with-fingerprint');
  return f;
}

async function fetchPinnedKey(url: string, pinned: string, ctx: AptClientContext): Promise<Keyring> {
  const shown = redactUrl(url);
  const fingerprint = checkFingerprint(pinned, `key ${shown}`);
  const cached = join(ctx.stateDir, 'keys', `${fingerprint}.key`);
  try {
    // Narrowed again on every read: only the pinned certificate is ever trusted.
    const ring = keysWithFingerprint(parseKeys(await readFile(cached), cached), fingerprint);
    if (ring.keys.length > 0) return ring;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !(err instanceof SlipwayError)) throw err;
  }
  const bytes = await ctx.fetcher.fetchBytes([url], { maxBytes: MAX_KEYRING_BYTES, subject: `key ${shown}`, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  if (bytes === undefined) throw keyError(shown, 'not found', 'check the key URL');
  const ring = parseKeys(bytes, shown);
  const narrowed = keysWithFingerprint(ring, fingerprint);
  if (narrowed.keys.length === 0) {
    const got = ring.keys.map((k) => k.fingerprint).join(', ');
    throw keyError(shown, `has key ${got}, not the pinned fingerprint ${fingerprint}`, 'check the URL and the fingerprint; never copy a fingerprint from the same place as the key');
  }
  await mkdir(join(ctx.stateDir, 'keys'), { recursive: true });
  await writeFileAtomic(cached, bytes);
  return narrowed;
}

/** FingerprintFilter is a signed-by fingerprint: signatures count only by keys it names. */
export interface FingerprintFilter {
  readonly fingerprint: string;
  /** exact: only a signature by the key with this fingerprint (apt's `FPR!`), not by other subkeys of its certificate. */
  readonly exact: boolean;
}

/** TrustedKeys are a repository's signed-by keys, loaded. */
export interface TrustedKeys {
  readonly keyring: Keyring;
  /** fingerprints narrow which signatures count; empty when signed-by names none. */
  readonly fingerprints: readonly FingerprintFilter[];
}

/** acceptsSigner tells whether a good signature by `fingerprint` (of primary `primary`) counts under `trusted`. */
export function acceptsSigner(trusted: TrustedKeys, fingerprint: string, primary: string): boolean {
  if (trusted.fingerprints.length === 0) return true;
  return trusted.fingerprints.some((f) => f.fingerprint === fingerprint || (!f.exact && f.fingerprint === primary));
}

/**
 * loadKeyring loads `keys` into one Keyring. Fingerprint entries narrow the keys loaded from
 * the other entries (see {@link acceptsSigner}). Throws ERR_APT_KEY naming the file or URL
 * for a missing or unreadable keyring, one with no key, a fetched key whose fingerprint is
 * not the pinned one, or fingerprints that match no key; `subject` names the repository in
 * that last message.
 */
export async function loadKeyring(keys: readonly KeySource[], ctx: AptClientContext, subject: string): Promise<TrustedKeys> {
  const rings: Keyring[] = [];
  const wanted: FingerprintFilter[] = [];
  for (const key of keys) {
    if (key.kind === 'file') rings.push(await readKeyFile(key.path));
    else if (key.kind === 'inline') rings.push(parseKeys(key.armored, `${subject} inline signed-by key`));
    else if (key.kind === 'url') rings.push(await fetchPinnedKey(key.url, key.fingerprint, ctx));
    else wanted.push({ fingerprint: checkFingerprint(key.fingerprint, subject), exact: key.exact === true });
  }
  const all = mergeKeyrings(...rings);
  if (wanted.length === 0) return { keyring: all, fingerprints: [] };
  const narrowed = mergeKeyrings(...wanted.map((f) => keysWithFingerprint(all, f.fingerprint)));
  if (narrowed.keys.length === 0) throw keyError(subject, `no key with fingerprint ${wanted.map((f) => f.fingerprint).join(', ')} among the signed-by keyrings`, 'add the keyring that holds the key to signed-by');
  return { keyring: narrowed, fingerprints: wanted };
}
