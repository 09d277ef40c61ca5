/**
 * The checks a Release must pass before anything it lists is trusted: a good signature by a
 * signed-by key and no bad one (as apt with gpgv), the suite it names, its validity window
 * (Valid-Until, a Date not in the future) and no rollback to an older Release.
 */
import { SlipwayError } from '../core/index.js';
import type { SignatureCheck } from '../openpgp/index.js';
import type { Release } from './release.js';
import { isFlat, type AptRepository } from './repository.js';

/** Signer is a key whose good signature a Release carries. */
export interface Signer {
  /** fingerprint of the key (or subkey) that made the signature. */
  readonly fingerprint: string;
  /** primaryFingerprint of the key that subkey belongs to (equal to `fingerprint` for a primary key). */
  readonly primaryFingerprint: string;
}

/** CLOCK_SKEW_SECONDS is how far in the future a Release Date may be before it is refused. */
export const CLOCK_SKEW_SECONDS = 10 * 60;

function describe(check: SignatureCheck): string {
  const who = check.fingerprint ?? check.keyId;
  return check.reason.includes(check.keyId) || (check.fingerprint !== undefined && check.reason.includes(check.fingerprint)) ? check.reason : `key ${who}: ${check.reason}`;
}

/** SignaturePolicy narrows which good signatures count. */
export interface SignaturePolicy {
  /** accept tells whether a good signature by key `fingerprint` (primary `primary`) counts; all count when absent. */
  readonly accept?: (fingerprint: string, primary: string) => boolean;
  /**
   * declaredHashes are the `Hash:` armor headers of a cleartext message (upper-case names);
   * when any are given, a signature made with another hash is refused, as gpgv refuses it.
   */
  readonly declaredHashes?: readonly string[];
}

/**
 * requireGoodSignature returns the signers of `subject` from its signature checks, or throws
 * ERR_APT_SIGNATURE: when there is no signature, when any signature by a known key is bad
 * (the file was altered) or uses a hash its `Hash:` header does not declare, or when no
 * signature is good and accepted (unknown, expired or revoked keys, weak hashes, keys that
 * signed-by's fingerprints exclude); the message lists every signature and why it did not count.
 */
export function requireGoodSignature(checks: readonly SignatureCheck[], subject: string, repo: AptRepository, policy: SignaturePolicy = {}): Signer[] {
  const hint = `check that ${repo.declaredAt} names the key that signs this repository, and that the mirror is not tampered with`;
  if (checks.length === 0) throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: has no signature`, { hint });
  const bad = checks.filter((c) => c.status === 'bad');
  if (bad.length > 0) {
    throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: bad signature (${bad.map(describe).join('; ')}): the file is not what the key signed`, {
      hint: 'the mirror sent altered or corrupt bytes; try again or use another mirror',
    });
  }
  const declared = policy.declaredHashes ?? [];
  const conflict = declared.length === 0 ? undefined : checks.find((c) => !declared.includes(c.hashAlgorithm.toUpperCase()));
  if (conflict !== undefined) {
    throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: signature digest conflict: made with ${conflict.hashAlgorithm}, but the message declares Hash: ${declared.join(', ')}`, {
      hint: 'the file was altered; try another mirror',
    });
  }
  const reasons = checks.map(describe);
  const good = checks.filter((c, i) => {
    if (c.status !== 'good') return false;
    const fingerprint = c.fingerprint ?? c.keyId;
    if (policy.accept === undefined || policy.accept(fingerprint, c.primaryFingerprint ?? fingerprint)) return true;
    reasons[i] = `key ${fingerprint}: a good signature, but signed-by's fingerprints do not name this key`;
    return false;
  });
  if (good.length === 0) throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: no good signature by a signed-by key (${reasons.join('; ')})`, { hint });
  return good.map((c) => ({ fingerprint: c.fingerprint ?? c.keyId, primaryFingerprint: c.primaryFingerprint ?? c.fingerprint ?? c.keyId }));
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * namesSuite tells whether a Release is the one for `suite`: its Suite is `suite`, or its
 * Codename is and its Suite is not a pocket of that codename (so a signed `jammy-proposed`
 * Release, Codename `jammy`, cannot stand in for `jammy`).
 */
function namesSuite(release: Release, suite: string): boolean {
  if (release.suite === suite) return true;
  return release.codename === suite && !(release.suite ?? '').startsWith(`${suite}-`);
}

/**
 * checkReleaseFields throws when a verified Release does not fit its repository: it names
 * another suite (ERR_APT_RELEASE_MISMATCH; flat repositories are not checked), it is past
 * Valid-Until while `checkValidUntil`, or its Date is in the future (ERR_APT_RELEASE_EXPIRED).
 * `now` is in seconds since the epoch.
 */
export function checkReleaseFields(release: Release, repo: AptRepository, subject: string, now: number): void {
  if (!isFlat(repo) && !namesSuite(release, repo.suite)) {
    throw new SlipwayError('ERR_APT_RELEASE_MISMATCH', `${subject}: is for suite ${release.suite ?? '(none)'} / codename ${release.codename ?? '(none)'}, not ${repo.suite}`, {
      hint: 'the mirror serves another suite at this path; check the suite name in the sources',
    });
  }
  if (repo.checkValidUntil && release.validUntil !== undefined && release.validUntil < now) {
    throw new SlipwayError('ERR_APT_RELEASE_EXPIRED', `${subject}: expired at ${isoDate(release.validUntil)} (Valid-Until); it is now ${isoDate(now)}`, {
      hint: 'the mirror is stale: try again later or another mirror; for a snapshot archive set check-valid-until: false',
    });
  }
  if (release.date !== undefined && release.date > now + CLOCK_SKEW_SECONDS) {
    throw new SlipwayError('ERR_APT_RELEASE_EXPIRED', `${subject}: is dated ${isoDate(release.date)}, in the future (it is now ${isoDate(now)})`, {
      hint: "check this machine's clock",
    });
  }
}

/**
 * checkRollback throws ERR_APT_ROLLBACK when `release` is dated before `cachedDate` (the
 * Date of the Release verified last time) and the repository does not allow rollbacks.
 */
export function checkRollback(release: Release, cachedDate: number | undefined, repo: AptRepository, subject: string): void {
  if (repo.allowRollback || cachedDate === undefined) return;
  if (release.date === undefined || release.date < cachedDate) {
    const got = release.date === undefined ? 'has no Date' : `is dated ${isoDate(release.date)}`;
    throw new SlipwayError('ERR_APT_ROLLBACK', `${subject}: ${got}, older than the Release dated ${isoDate(cachedDate)} already verified for this repository`, {
      hint: 'the mirror may be stale or replaying an old Release; try another mirror, or set allow-rollback: true if this is intended',
    });
  }
}
