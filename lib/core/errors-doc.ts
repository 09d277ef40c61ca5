/**
 * renderErrorsDoc renders docs/errors.md from the code table; `npm run docs:errors` writes it
 * and lib/core/errors.test.ts fails when the committed file differs.
 */
import { errorCodes } from './errors.js';

/** renderErrorsDoc returns the Markdown of docs/errors.md. */
export function renderErrorsDoc(): string {
  const rows = Object.entries(errorCodes).map(([code, info]) => `| \`${code}\` | ${info.exitCode} | ${info.transient ? 'yes' : 'no'} | ${info.summary} |`);
  return [
    '# Error codes',
    '',
    'Every error slipway reports carries one of these codes (`err.code` in the library,',
    '`error.code` in `--json` output, and the last line of the CLI message). Codes are public API:',
    'match on them, not on message text. The CLI exits with the code in the second column',
    '(0 means success); "retried" codes are transient, and slipway retries them itself where it can.',
    '',
    'This file is generated from `lib/core/errors.ts` by `npm run docs:errors`.',
    '',
    '| code | exit | retried | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(renderErrorsDoc());
