/**
 * Dates in Release files: RFC 2822 §3.3 as apt and dak write them
 * (`Sat, 10 Jun 2023 09:20:06 UTC`), read to seconds since the Unix epoch.
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// [Day, ]D Mon YYYY HH:MM[:SS] ZONE — RFC 2822 §3.3; apt also writes the zone as UTC.
const DATE = /^(?:([A-Za-z]{3}),\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s+(UTC|GMT|UT|Z|[+-]\d{4})$/;

/**
 * parseReleaseDate reads an RFC 2822 date (`Sat, 10 Jun 2023 09:20:06 UTC`, `... +0000`)
 * to whole seconds since the Unix epoch; undefined when `text` is not such a date (wrong
 * shape, unknown month or weekday, impossible day or time). Leap seconds (`:60`) count as
 * the next second.
 */
export function parseReleaseDate(text: string): number | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [, dayName, dd, mon, yyyy, hh, mi, ss, zone] = m;
  const month = MONTHS.indexOf(mon!.toLowerCase());
  const day = Number(dd);
  const year = Number(yyyy);
  const hour = Number(hh);
  const minute = Number(mi);
  const second = Number(ss ?? '0');
  if (month < 0 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, 0);
  const d = new Date(ms);
  if (d.getUTCDate() !== day || d.getUTCMonth() !== month) return undefined;
  // As apt, a weekday is only checked to be one; a wrong one does not change the date.
  if (dayName !== undefined && !DAYS.includes(dayName.toLowerCase())) return undefined;
  let offset = 0;
  if (zone!.startsWith('+') || zone!.startsWith('-')) {
    const oh = Number(zone!.slice(1, 3));
    const om = Number(zone!.slice(3, 5));
    if (om > 59) return undefined;
    offset = (zone!.startsWith('-') ? -1 : 1) * (oh * 60 + om) * 60;
  }
  return ms / 1000 + second - offset;
}
