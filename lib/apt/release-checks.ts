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
  return `key ${who}: ${check.reason}`;
}

/**
 * requireGoodSignature returns the signers of `subject` from its signature checks, or throws
 * ERR_APT_SIGNATURE: when there is no signature, when any signature by a known key is bad
 * (the file was altered), or when no signature is good (unknown, expired or revoked keys,
 * weak hashes); the message lists every signature and why it did not count.
 */
export function requireGoodSignature(checks: readonly SignatureCheck[], subject: string, repo: AptRepository): Signer[] {
  const hint = `check that ${repo.declaredAt} names the key that signs this repository, and that the mirror is not tampered with`;
  if (checks.length === 0) throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: has no signature`, { hint });
  const bad = checks.filter((c) => c.status === 'bad');
  if (bad.length > 0) {
    throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: bad signature (${bad.map(describe).join('; ')}): the file is not what the key signed`, {
      hint: 'the mirror sent altered or corrupt bytes; try again or use another mirror',
    });
  }
  const good = checks.filter((c) => c.status === 'good');
  if (good.length === 0) throw new SlipwayError('ERR_APT_SIGNATURE', `${subject}: no good signature by a signed-by key (${checks.map(describe).join('; ')})`, { hint });
  return good.map((c) => ({ fingerprint: c.fingerprint ?? c.keyId, primaryFingerprint: c.primaryFingerprint ?? c.fingerprint ?? c.keyId }));
}

function isoDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * checkReleaseFields throws when a verified Release does not fit its repository: it names
 * another suite (ERR_APT_RELEASE_MISMATCH; flat repositories are not checked), it is past
 * Valid-Until while `checkValidUntil`, or its Date is in the future (ERR_APT_RELEASE_EXPIRED).
 * `now` is in seconds since the epoch.
 */
export function checkReleaseFields(release: Release, repo: AptRepository, subject: string, now: number): void {
  if (!isFlat(repo) && release.suite !== repo.suite && release.codename !== repo.suite) {
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
