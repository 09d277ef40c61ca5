/**
 * PgpError: OpenPGP input (armor, keyring, signature) that cannot be parsed or uses a form
 * slipway does not read, named by the file or URL it came from.
 */
import { SlipwayError, type SlipwayErrorOptions } from '../core/index.js';

/**
 * PgpError is an ERR_PGP_MALFORMED error. Its message is `subject: problem`, subject first
 * as in every slipway error; `subject` is the file name or URL the OpenPGP data came from.
 */
export class PgpError extends SlipwayError {
  /** subject is the file path or URL the malformed data came from. */
  readonly subject: string;

  constructor(subject: string, problem: string, opts: SlipwayErrorOptions = {}) {
    super('ERR_PGP_MALFORMED', `${subject}: ${problem}`, opts);
    this.name = 'PgpError';
    this.subject = subject;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), subject: this.subject };
  }
}
