/**
 * acquireRelease: fetch a repository suite's InRelease (or Release + Release.gpg), verify its
 * signature against the signed-by keys, parse it and check suite, validity and rollback —
 * all before a byte of it enters the cache. Offline, the last verified Release is taken from
 * the cache and checked again.
 */
import { Readable } from 'node:stream';
import { sha256Digest, SlipwayError, type Digest } from '../core/index.js';
import { redactUrl } from '../fetch/index.js';
import { verifySignature } from '../openpgp/index.js';
import { nowOf, type AptClientContext } from './client-context.js';
import { acceptsSigner, loadKeyring, type TrustedKeys } from './load-keyring.js';
import { checkReleaseFields, checkRollback, requireGoodSignature, type Signer } from './release-checks.js';
import { readReleaseState, writeReleaseState, type ReleaseInfo, type ReleaseState } from './release-state.js';
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
  /** uri is the mirror it came from, as configured (credentials kept for further requests). */
  readonly uri: string;
}

/** fetchFrom downloads the Release of `repo` from mirror `uri`; undefined when the mirror has neither InRelease nor Release. */
async function fetchFrom(repo: AptRepository, uri: string, ctx: AptClientContext): Promise<Fetched | undefined> {
  const base = releaseBaseUrl(uri, repo.suite);
  const get = (name: string) =>
    ctx.fetcher.fetchBytes([base + name], { maxBytes: MAX_RELEASE_BYTES, subject: redactUrl(base + name), allowNotFound: true, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  const inRelease = await get('InRelease');
  if (inRelease !== undefined) return { file: 'InRelease', bytes: inRelease, uri };
  const release = await get('Release');
  if (release === undefined) return undefined;
  const signature = await get('Release.gpg');
  return { file: 'Release', bytes: release, uri, ...(signature === undefined ? {} : { signature }) };
}

interface Checked {
  readonly release: Release;
  readonly signers: Signer[];
}

function subjectOf(repo: AptRepository, fetched: Pick<Fetched, 'uri' | 'file'>): string {
  return redactUrl(releaseBaseUrl(fetched.uri, repo.suite) + fetched.file);
}

function pgpError(err: unknown, subject: string): unknown {
  if (!(err instanceof SlipwayError) || err.code !== 'ERR_PGP_MALFORMED') return err;
  return new SlipwayError('ERR_APT_SIGNATURE', `${subject}: the signature cannot be read: ${err.message}`, { cause: err, hint: 'the mirror sent a damaged file; try again or another mirror' });
}

/**
 * verifyFetched checks signature and fields of fetched Release bytes; nothing is stored. The
 * signature is checked over the bytes as served (the cleartext is split as latin1, which
 * keeps every byte); the text is decoded as UTF-8 only for parsing, after verification.
 */
function verifyFetched(repo: AptRepository, fetched: Fetched, trusted: TrustedKeys, ctx: AptClientContext): Checked {
  const subject = subjectOf(repo, fetched);
  const now = nowOf(ctx);
  const policy = { accept: (f: string, p: string) => acceptsSigner(trusted, f, p) };
  let content: string;
  let signers: Signer[] = [];
  try {
    if (fetched.file === 'InRelease') {
      const parts = stripClearsign(fetched.bytes.toString('latin1'), subject);
      const signed = Buffer.from(parts.text, 'latin1');
      content = signed.toString('utf8');
      if (!repo.trusted) {
        const checks = verifySignature(signed, parts.signature, trusted.keyring, { now, subject, cleartext: true });
        signers = requireGoodSignature(checks, subject, repo, { ...policy, declaredHashes: parts.hashes });
      }
    } else {
      content = fetched.bytes.toString('utf8');
      if (!repo.trusted) {
        if (fetched.signature === undefined) {
          throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: the repository is not signed (no InRelease, no Release.gpg)`, {
            hint: `sign the repository, or set trusted: true for ${repo.declaredAt} to skip signature checks`,
          });
        }
        signers = requireGoodSignature(verifySignature(fetched.bytes, fetched.signature, trusted.keyring, { now, subject: `${subject}.gpg` }), subject, repo, policy);
      }
    }
  } catch (err) {
    throw pgpError(err, subject);
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
  const miss = () => new SlipwayError('ERR_FETCH_OFFLINE', `${name}: no verified Release in the cache`, { hint: 'run once without --offline to fill the cache' });
  if (state === undefined) throw miss();
  const bytes = await readStored(ctx, state.digest);
  const signature = state.signature === undefined ? undefined : await readStored(ctx, state.signature);
  if (bytes === undefined || (state.signature !== undefined && signature === undefined)) throw miss();
  // The state keeps the mirror without credentials; use the configured URI it stands for.
  const uri = repo.uris.find((u) => redactUrl(u) === state.uri) ?? repo.uris[0]!;
  return { file: state.file, bytes, uri, ...(signature === undefined ? {} : { signature }) };
}

function infoOf(release: Release): ReleaseInfo {
  const out: { -readonly [K in keyof ReleaseInfo]: ReleaseInfo[K] } = {};
  if (release.origin !== undefined) out.origin = release.origin;
  if (release.label !== undefined) out.label = release.label;
  if (release.suite !== undefined) out.suite = release.suite;
  if (release.codename !== undefined) out.codename = release.codename;
  return out;
}

function warnInfoChange(repo: AptRepository, release: Release, state: ReleaseState | undefined, ctx: AptClientContext): void {
  if (state?.info === undefined) return;
  const now = infoOf(release);
  for (const k of ['origin', 'label', 'suite', 'codename'] as const) {
    if (state.info[k] !== now[k]) {
      ctx.onWarning?.({ code: 'W_APT_RELEASE_INFO_CHANGED', message: `${repositoryName(repo)}: ${k} changed from ${state.info[k] ?? '(none)'} to ${now[k] ?? '(none)'} since the last update` });
    }
  }
}

/**
 * commitRelease stores a verified Release's bytes in the cache and records it as the
 * repository's latest (for rollback checks and offline use). The state is read again first:
 * a Release older than one another process committed meanwhile is ERR_APT_ROLLBACK unless
 * the repository allows rollbacks. Nothing to do for one read from the cache.
 */
export async function commitRelease(vr: VerifiedRelease, ctx: AptClientContext): Promise<void> {
  if (vr.fromCache) return;
  const repo = vr.repository;
  const latest = await readReleaseState(ctx.stateDir, repositoryKey(repo));
  checkRollback(vr.release, latest?.date, repo, subjectOf(repo, { uri: vr.mirrors[0]!, file: vr.file }));
  const put = (b: Buffer) => ctx.store.put(Readable.from([b]), { expect: { digest: sha256Digest(b), size: b.length, subject: 'Release' }, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  const { digest } = await put(vr.bytes);
  const signature = vr.signature === undefined ? undefined : (await put(vr.signature)).digest;
  await writeReleaseState(ctx.stateDir, {
    key: repositoryKey(repo),
    file: vr.file,
    digest,
    uri: redactUrl(vr.mirrors[0]!),
    ...(signature === undefined ? {} : { signature }),
    ...(vr.release.date === undefined ? {} : { date: vr.release.date }),
    info: infoOf(vr.release),
  });
}

/** acquireOnline tries each mirror in turn until one serves a Release that passes every check. */
async function acquireOnline(repo: AptRepository, trusted: TrustedKeys, state: ReleaseState | undefined, ctx: AptClientContext): Promise<{ fetched: Fetched; checked: Checked }> {
  let first: unknown;
  for (const uri of repo.uris) {
    try {
      const fetched = await fetchFrom(repo, uri, ctx);
      if (fetched === undefined) {
        throw new SlipwayError('ERR_APT_INDEX_MISSING', `${redactUrl(releaseBaseUrl(uri, repo.suite))}: neither InRelease nor Release exists`, { hint: `check the URI and suite of ${repo.declaredAt}` });
      }
      const checked = verifyFetched(repo, fetched, trusted, ctx);
      checkRollback(checked.release, state?.date, repo, subjectOf(repo, fetched));
      return { fetched, checked };
    } catch (err) {
      if (err instanceof SlipwayError && (err.code === 'ERR_ABORTED' || err.code === 'ERR_APT_KEY')) throw err;
      first ??= err;
    }
  }
  throw first;
}

/**
 * acquireRelease returns the verified Release of `repo`, from the first mirror that serves
 * one passing every check. Errors (of the first mirror, when all fail): ERR_APT_KEY (keys),
 * ERR_APT_SIGNATURE (unsigned, bad or untrusted signature), ERR_APT_MALFORMED,
 * ERR_APT_RELEASE_MISMATCH, ERR_APT_RELEASE_EXPIRED, ERR_APT_ROLLBACK, ERR_APT_INDEX_MISSING
 * (no Release), fetch errors; ERR_FETCH_OFFLINE offline without a cached Release;
 * ERR_CACHE_CORRUPT for a damaged state file. A source with `trusted` skips signature
 * checks and warns W_APT_UNAUTHENTICATED; a changed Origin, Label, Suite or Codename warns
 * W_APT_RELEASE_INFO_CHANGED.
 */
export async function acquireRelease(repo: AptRepository, ctx: AptClientContext, opts: AcquireOptions = {}): Promise<VerifiedRelease> {
  const name = repositoryName(repo);
  const trusted: TrustedKeys = repo.trusted ? { keyring: { keys: [] }, fingerprints: [] } : await loadKeyring(repo.keys, ctx, name);
  if (repo.trusted) ctx.onWarning?.({ code: 'W_APT_UNAUTHENTICATED', message: `${name}: signature checks skipped (trusted: true at ${repo.declaredAt})` });
  const state = await readReleaseState(ctx.stateDir, repositoryKey(repo));
  let fetched: Fetched;
  let checked: Checked;
  if (ctx.offline) {
    fetched = await fromCache(repo, state, ctx);
    checked = verifyFetched(repo, fetched, trusted, ctx);
  } else {
    ({ fetched, checked } = await acquireOnline(repo, trusted, state, ctx));
    warnInfoChange(repo, checked.release, state, ctx);
  }
  const mirrors = [fetched.uri, ...repo.uris.filter((u) => u !== fetched.uri)];
  const vr: VerifiedRelease = {
    repository: repo,
    release: checked.release,
    file: fetched.file,
    digest: sha256Digest(fetched.bytes),
    signers: checked.signers,
    mirrors,
    baseUrls: mirrors.map((u) => releaseBaseUrl(u, repo.suite)),
    fromCache: ctx.offline === true,
    bytes: fetched.bytes,
    ...(fetched.signature === undefined ? {} : { signature: fetched.signature }),
  };
  if (!ctx.offline && opts.commit !== false) await commitRelease(vr, ctx);
  return vr;
}
