/**
 * AptFormatError: a repository file or sources entry that does not parse, located by the
 * file (or URL) it came from and the line the problem is on.
 */
import { SlipwayError, type SlipwayErrorOptions } from '../core/index.js';

/** AptFormatErrorCode is the code of an {@link AptFormatError}: bad user input or a bad repository. */
export type AptFormatErrorCode = 'ERR_APT_SOURCES_INVALID' | 'ERR_APT_MALFORMED';

/**
 * AptFormatError is a syntax or content error in an apt file. Its message is
 * `subject:line: problem` (`subject: problem` when no line applies), subject first as in
 * every slipway error. ERR_APT_SOURCES_INVALID is the user's sources (exit 2);
 * ERR_APT_MALFORMED is what a repository served (exit 1).
 */
export class AptFormatError extends SlipwayError {
  /** subject is the file path, URL or index name the problem is in. */
  readonly subject: string;
  /** line is the 1-based line of the problem, when one applies. */
  readonly line: number | undefined;

  constructor(code: AptFormatErrorCode, subject: string, line: number | undefined, problem: string, opts: SlipwayErrorOptions = {}) {
    super(code, `${subject}${line === undefined ? '' : `:${line}`}: ${problem}`, opts);
    this.name = 'AptFormatError';
    this.subject = subject;
    this.line = line;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), subject: this.subject, ...(this.line === undefined ? {} : { line: this.line }) };
  }
}
