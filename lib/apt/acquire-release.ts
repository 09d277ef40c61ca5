/**
 * acquireRelease: fetch a repository suite's InRelease (or Release + Release.gpg), verify its
 * signature against the signed-by keys, parse it and check suite, validity and rollback —
 * all before a byte of it enters the cache. Offline, the last verified Release is taken from
 * the cache and checked again.
 */
import { Readable } from 'node:stream';
import { sha256Digest, SlipwayError, type Digest } from '../core/index.js';
import { redactUrl } from '../fetch/index.js';
import { verifySignature, type Keyring } from '../openpgp/index.js';
import { nowOf, type AptClientContext } from './client-context.js';
import { loadKeyring } from './load-keyring.js';
import { checkReleaseFields, checkRollback, requireGoodSignature, type Signer } from './release-checks.js';
import { readReleaseState, writeReleaseState, type ReleaseState } from './release-state.js';
import { parseRelease, type Release } from './release.js';
import { repositoryKey, repositoryName, type AptRepository } from './repository.js';
import { stripClearsign } from './strip-clearsign.js';

/** MAX_RELEASE_BYTES caps an InRelease, Release or Release.gpg download. */
export const MAX_RELEASE_BYTES = 32 * 1024 * 1024;

/** VerifiedRelease is a Release whose signature and fields passed every check. */
export interface VerifiedRelease {
  readonly repository: AptRepository;
  readonly release: Release;
  /** file is `InRelease`, or `Release` when it came with a detached Release.gpg (or unsigned from a trusted source). */
  readonly file: 'InRelease' | 'Release';
  /** digest is the sha256 of the InRelease or Release bytes, as cached. */
  readonly digest: Digest;
  /** signers are the keys whose good signatures it carries; empty for a trusted source that skipped checks. */
  readonly signers: readonly Signer[];
  /** mirrors are the repository URIs in the order to try them (the mirror the Release came from first). */
  readonly mirrors: readonly string[];
  /** baseUrls are the directories the Release was found in, one per mirror, in mirror order (the mirror it came from first). */
  readonly baseUrls: readonly string[];
  /** fromCache is true when it was read from the cache (offline). */
  readonly fromCache: boolean;
  /** bytes are the verified InRelease or Release bytes. */
  readonly bytes: Buffer;
  /** signature is the Release.gpg bytes, when `file` is Release and one was published. */
  readonly signature?: Buffer;
}

/** AcquireOptions control when a verified Release is committed to the cache. */
export interface AcquireOptions {
  /**
   * commit: store the Release and remember it as the repository's latest at once (default
   * true). updateRepositories passes false and calls {@link commitRelease} only after every
   * index of every repository was fetched, so a failed update changes nothing, as in apt.
   */
  readonly commit?: boolean;
}

/** releaseBaseUrl is the directory of a repository's Release on mirror `uri`: `dists/SUITE/`, or the flat path. */
export function releaseBaseUrl(uri: string, suite: string): string {
  return new URL(suite.endsWith('/') ? suite : `dists/${suite}/`, uri).toString();
}

interface Fetched {
  readonly file: 'InRelease' | 'Release';
  readonly bytes: Buffer;
  readonly signature?: Buffer;
  readonly uri: string;
}

async function download(repo: AptRepository, ctx: AptClientContext): Promise<Fetched> {
  let last: unknown;
  for (const uri of repo.uris) {
    const base = releaseBaseUrl(uri, repo.suite);
    const get = (name: string, allowNotFound: boolean) =>
      ctx.fetcher.fetchBytes([base + name], { maxBytes: MAX_RELEASE_BYTES, subject: redactUrl(base + name), allowNotFound, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    try {
      const inRelease = await get('InRelease', true);
      if (inRelease !== undefined) return { file: 'InRelease', bytes: inRelease, uri };
      const release = await get('Release', true);
      if (release === undefined) {
        last = new SlipwayError('ERR_APT_INDEX_MISSING', `${redactUrl(base)}: neither InRelease nor Release exists`, { hint: `check the URI and suite of ${repo.declaredAt}` });
        continue;
      }
      const signature = await get('Release.gpg', true);
      return { file: 'Release', bytes: release, uri, ...(signature === undefined ? {} : { signature }) };
    } catch (err) {
      if (err instanceof SlipwayError && err.code === 'ERR_ABORTED') throw err;
      last = err;
    }
  }
  throw last;
}

interface Checked {
  readonly release: Release;
  readonly signers: Signer[];
}

/** verifyFetched checks signature and fields of fetched Release bytes; nothing is stored. */
function verifyFetched(repo: AptRepository, fetched: Fetched, keyring: Keyring, ctx: AptClientContext): Checked {
  const subject = redactUrl(releaseBaseUrl(fetched.uri, repo.suite) + fetched.file);
  const now = nowOf(ctx);
  const text = fetched.bytes.toString('utf8');
  let content: string;
  let signers: Signer[] = [];
  if (fetched.file === 'InRelease') {
    const parts = stripClearsign(text, subject);
    content = parts.text;
    if (!repo.trusted) signers = requireGoodSignature(verifySignature(parts.text, parts.signature, keyring, { now, subject, cleartext: true }), subject, repo);
  } else {
    content = text;
    if (!repo.trusted) {
      if (fetched.signature === undefined) {
        throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: the repository is not signed (no InRelease, no Release.gpg)`, {
          hint: `sign the repository, or set trusted: true for ${repo.declaredAt} to skip signature checks`,
        });
      }
      signers = requireGoodSignature(verifySignature(fetched.bytes, fetched.signature, keyring, { now, subject: `${subject}.gpg` }), subject, repo);
    }
  }
  const release = parseRelease(content, subject);
  checkReleaseFields(release, repo, subject, Math.floor(now.getTime() / 1000));
  return { release, signers };
}

async function readStored(ctx: AptClientContext, digest: Digest): Promise<Buffer | undefined> {
  if (!(await ctx.store.has(digest))) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.store.open(digest, ctx.signal ? { signal: ctx.signal } : {})) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return sha256Digest(bytes) === digest ? bytes : undefined;
}

async function fromCache(repo: AptRepository, state: ReleaseState | undefined, ctx: AptClientContext): Promise<Fetched> {
  const name = repositoryName(repo);
  const miss = () =>
    new SlipwayError('ERR_FETCH_OFFLINE', `${name}: no verified Release in the cache`, { hint: 'run once without --offline to fill the cache' });
  if (state === undefined) throw miss();
  const bytes = await readStored(ctx, state.digest);
  const signature = state.signature === undefined ? undefined : await readStored(ctx, state.signature);
  if (bytes === undefined || (state.signature !== undefined && signature === undefined)) throw miss();
  return { file: state.file, bytes, uri: state.uri, ...(signature === undefined ? {} : { signature }) };
}

/**
 * commitRelease stores a verified Release's bytes in the cache and records it as the
 * repository's latest (for rollback checks and offline use). Nothing to do for one read
 * from the cache.
 */
export async function commitRelease(vr: VerifiedRelease, ctx: AptClientContext): Promise<void> {
  if (vr.fromCache) return;
  const fetched: Fetched = { file: vr.file, bytes: vr.bytes, uri: vr.mirrors[0]!, ...(vr.signature === undefined ? {} : { signature: vr.signature }) };
  await remember(vr.repository, fetched, vr.release, ctx);
}

async function remember(repo: AptRepository, fetched: Fetched, release: Release, ctx: AptClientContext): Promise<Digest> {
  const put = (b: Buffer) => ctx.store.put(Readable.from([b]), { expect: { digest: sha256Digest(b), size: b.length, subject: 'Release' }, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  const { digest } = await put(fetched.bytes);
  const signature = fetched.signature === undefined ? undefined : (await put(fetched.signature)).digest;
  await writeReleaseState(ctx.stateDir, {
    key: repositoryKey(repo),
    file: fetched.file,
    digest,
    uri: fetched.uri,
    ...(signature === undefined ? {} : { signature }),
    ...(release.date === undefined ? {} : { date: release.date }),
  });
  return digest;
}

/**
 * acquireRelease returns the verified Release of `repo`. Errors: ERR_APT_KEY (keys),
 * ERR_APT_SIGNATURE (unsigned, bad or untrusted signature), ERR_APT_MALFORMED,
 * ERR_APT_RELEASE_MISMATCH, ERR_APT_RELEASE_EXPIRED, ERR_APT_ROLLBACK, ERR_APT_INDEX_MISSING
 * (no Release on any mirror), fetch errors, and ERR_FETCH_OFFLINE offline without a cached
 * Release. A source with `trusted` skips signature checks and warns W_APT_UNAUTHENTICATED.
 */
export async function acquireRelease(repo: AptRepository, ctx: AptClientContext, opts: AcquireOptions = {}): Promise<VerifiedRelease> {
  const name = repositoryName(repo);
  const keyring: Keyring = repo.trusted ? { keys: [] } : await loadKeyring(repo.keys, ctx, name);
  if (repo.trusted) ctx.onWarning?.({ code: 'W_APT_UNAUTHENTICATED', message: `${name}: signature checks skipped (trusted: true at ${repo.declaredAt})` });
  const state = await readReleaseState(ctx.stateDir, repositoryKey(repo));
  const fetched = ctx.offline ? await fromCache(repo, state, ctx) : await download(repo, ctx);
  const { release, signers } = verifyFetched(repo, fetched, keyring, ctx);
  const digest = sha256Digest(fetched.bytes);
  if (!ctx.offline) {
    checkRollback(release, state?.date, repo, redactUrl(releaseBaseUrl(fetched.uri, repo.suite) + fetched.file));
    if (opts.commit !== false) await remember(repo, fetched, release, ctx);
  }
  const mirrors = [fetched.uri, ...repo.uris.filter((u) => u !== fetched.uri)];
  return {
    repository: repo,
    release,
    file: fetched.file,
    digest,
    signers,
    mirrors,
    baseUrls: mirrors.map((u) => releaseBaseUrl(u, repo.suite)),
    fromCache: ctx.offline === true,
    bytes: fetched.bytes,
    ...(fetched.signature === undefined ? {} : { signature: fetched.signature }),
  };
}

