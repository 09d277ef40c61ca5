/**
 * usesMergedUsr: whether an image's packages expect merged /usr (/bin, /sbin and /lib* as
 * links into /usr). Debian made it the only layout with 12 (bookworm) and Ubuntu with 22.04
 * (jammy); older suites keep separate directories. The config's `apt.merged-usr` decides
 * when set; otherwise the suites the packages come from do, by codename.
 */

/** Codenames of releases before merged /usr became the rule (Debian up to 11, Ubuntu up to 21.10). */
const SPLIT_USR = new Set([
  // Debian
  'buzz', 'rex', 'bo', 'hamm', 'slink', 'potato', 'woody', 'sarge', 'etch', 'lenny', 'squeeze', 'wheezy', 'jessie', 'stretch', 'buster', 'bullseye', 'oldoldstable',
  // Ubuntu
  'warty', 'hoary', 'breezy', 'dapper', 'edgy', 'feisty', 'gutsy', 'hardy', 'intrepid', 'jaunty', 'karmic', 'lucid', 'maverick', 'natty', 'oneiric', 'precise',
  'quantal', 'raring', 'saucy', 'trusty', 'utopic', 'vivid', 'wily', 'xenial', 'yakkety', 'zesty', 'artful', 'bionic', 'cosmic', 'disco', 'eoan', 'focal',
  'groovy', 'hirsute', 'impish',
]);

/** usesMergedUsr decides from `configured` (the config's setting) or else from the suites (merged when any suite is), named as in apt sources (`bookworm-updates`, `jammy-security`). */
export function usesMergedUsr(configured: boolean | undefined, suites: Iterable<string>): boolean {
  if (configured !== undefined) return configured;
  for (const suite of suites) {
    // `bookworm-updates`, `bookworm-security`, `buster/updates`: the codename comes first.
    const codename = suite.split(/[-/]/)[0]!.toLowerCase();
    if (!SPLIT_USR.has(codename)) return true;
  }
  return false;
}
