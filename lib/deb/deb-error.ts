/** Error constructors shared by the .deb readers: every message starts with the package subject. */
import { SlipwayError } from '../core/index.js';

const sourceErrors = new WeakSet<object>();

/** markSourceError notes that `err` came from the source stream itself (I/O, not bad bytes) and returns it. */
export function markSourceError(err: unknown): unknown {
  if (typeof err === 'object' && err !== null) sourceErrors.add(err);
  return err;
}

/** debMalformed says that `subject`'s `where` (a member, offset or path) is malformed. */
export function debMalformed(subject: string, where: string, problem: string, cause?: unknown): SlipwayError {
  return new SlipwayError('ERR_DEB_MALFORMED', `${subject}: ${where}: ${problem}`, {
    hint: 'the package is damaged or not a Debian binary package; fetch it again or rebuild it',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** debUnsafe says that `subject`'s `where` (a path or member) is refused as hostile. */
export function debUnsafe(subject: string, where: string, problem: string): SlipwayError {
  return new SlipwayError('ERR_DEB_UNSAFE', `${subject}: ${where}: ${problem}`, {
    hint: 'the package is unsafe to unpack; do not use it, or raise the limit if the size is expected',
  });
}

/**
 * asDebError returns `err` unchanged when it is a SlipwayError (a limit, a truncated member,
 * an abort) or an error of the source stream (I/O, not the package's fault), else
 * ERR_DEB_MALFORMED about `where` with `err` as its cause (a codec or tar error).
 */
export function asDebError(err: unknown, subject: string, where: string): Error {
  if (err instanceof SlipwayError || (err instanceof Error && sourceErrors.has(err))) return err;
  return debMalformed(subject, where, err instanceof Error ? err.message : String(err), err);
}

/** abortError is ERR_ABORTED for reading `subject`. */
export function abortError(subject: string, signal: AbortSignal): SlipwayError {
  return new SlipwayError('ERR_ABORTED', `${subject}: reading was aborted`, { cause: signal.reason });
}
