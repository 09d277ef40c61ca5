/**
 * outputError: the one place a writer's failure becomes a coded error, so every writer
 * reports aborts, digest mismatches and I/O failures the same way.
 */
import { DigestMismatchError, isSlipwayError, SlipwayError } from '../core/index.js';

/**
 * outputError returns `err` as a SlipwayError about writing `subject`: ERR_ABORTED when
 * `signal` fired, the error itself when it already carries a slipway code (other than a digest
 * mismatch, which here means a blob changed under us), else ERR_OUTPUT_WRITE with `err` as cause.
 */
export function outputError(err: unknown, subject: string, signal?: AbortSignal): SlipwayError {
  if (signal?.aborted) return new SlipwayError('ERR_ABORTED', `${subject}: writing was aborted`, { cause: signal.reason });
  if (isSlipwayError(err) && !(err instanceof DigestMismatchError)) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new SlipwayError('ERR_OUTPUT_WRITE', `${subject}: ${why}`, {
    cause: err,
    hint: 'check free space and permissions at the destination, then build again',
  });
}
