/**
 * The build clock. Reproducible builds take every timestamp from SOURCE_DATE_EPOCH
 * (https://reproducible-builds.org/specs/source-date-epoch/), never from the wall clock.
 */

/** sourceDateEpoch reads SOURCE_DATE_EPOCH from `env` as whole seconds; 0 when unset. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['SOURCE_DATE_EPOCH'];
  if (raw === undefined || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new RangeError(`SOURCE_DATE_EPOCH must be a whole number of seconds, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** rfc3339 renders whole seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ`. */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
