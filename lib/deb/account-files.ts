/**
 * accountFiles: /etc/passwd, /etc/group and, with shadow passwords, /etc/shadow and
 * /etc/gshadow as a fresh Debian system has them after base-passwd and passwd are configured
 * and the image's own accounts are added. base-passwd's preinst/postinst copy
 * /usr/share/base-passwd/{passwd,group}.master to /etc when absent; passwd's postinst adds
 * the group shadow (gid 42) if missing and runs `shadowconfig on`, that is `pwconv` and
 * `grpconv` (shadow-utils src/pwconv.c, src/grpconv.c), then sets the modes. Pure: text in,
 * entries out.
 */
import { ConfigError, SlipwayError, type ConfigLocation } from '../core/index.js';
import type { GeneratedEntry } from './generated-entry.js';

/** UserInput is an account of the image's config: a line of /etc/passwd (passwd(5)). */
export interface UserInput {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly home: string;
  readonly shell: string;
  /** Where the config declares it, for errors. */
  readonly at?: ConfigLocation;
}

/** GroupInput is a group of the image's config: a line of /etc/group (group(5)). */
export interface GroupInput {
  readonly name: string;
  readonly gid: number;
  /** Supplementary members, in the order to write them. */
  readonly members: readonly string[];
  /** Where the config declares it, for errors. */
  readonly at?: ConfigLocation;
}

/** AccountFilesInput is what {@link accountFiles} needs. */
export interface AccountFilesInput {
  /** The text of base-passwd's /usr/share/base-passwd/passwd.master; absent without base-passwd. */
  readonly passwdMaster?: string;
  /** The text of base-passwd's /usr/share/base-passwd/group.master; absent without base-passwd. */
  readonly groupMaster?: string;
  /** Accounts appended after the master's, in order. */
  readonly users: readonly UserInput[];
  /** Groups appended after the master's, in order. */
  readonly groups: readonly GroupInput[];
  /** Write /etc/shadow and /etc/gshadow as `shadowconfig on` does (the passwd package is installed). */
  readonly shadow: boolean;
  /** Days since 1970-01-01 for the last-change field, e.g. floor(SOURCE_DATE_EPOCH / 86400); 0 leaves it empty, as pwconv does. */
  readonly lastChangeDays: number;
}

/** SHADOW_GID is the group `shadow`, allocated to Debian (base-passwd README); passwd's postinst insists on it. */
export const SHADOW_GID = 42;
/** Without base-passwd, the root account the build has always written. */
const ROOT_PASSWD = 'root:x:0:0:root:/root:/sbin/nologin';
const ROOT_GROUP = 'root:x:0:';
/** PASS_MIN_DAYS, PASS_MAX_DAYS and PASS_WARN_AGE of Debian's /etc/login.defs, which pwconv copies. */
const AGING = '0:99999:7';

interface Line {
  /** The line as written to /etc/passwd or /etc/group before shadowing. */
  readonly text: string;
  readonly name: string;
  readonly id: number;
  /** Where it comes from, for errors: `base-passwd`, `passwd` or `the config`. */
  readonly origin: string;
  readonly at?: ConfigLocation;
}

/** The entries of a master file, verbatim; `fields` is 7 for passwd, 4 for group. */
function masterLines(text: string, file: string, fields: number): Line[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    const f = line.split(':');
    const id = Number(f[2]);
    if (f.length !== fields || f[0] === '' || !/^[0-9]+$/.test(f[2] ?? '')) {
      throw new SlipwayError('ERR_DEB_MALFORMED', `base-passwd: ${file}: line ${i + 1}: not a ${fields}-field entry: ${JSON.stringify(line)}`, {
        hint: 'the base-passwd package is damaged; fetch it again',
      });
    }
    return { text: line, name: f[0]!, id, origin: 'base-passwd' };
  });
}

/** Throws when `added` has the name or id of an entry already in `lines`, naming both. */
function checkClash(lines: readonly Line[], added: Line, what: 'user' | 'group'): void {
  const idName = what === 'user' ? 'uid' : 'gid';
  const other = lines.find((l) => l.name === added.name || l.id === added.id);
  if (!other) return;
  const same = other.name === added.name ? `name` : `${idName} ${added.id}`;
  throw new ConfigError(
    'ERR_CONFIG_INVALID_VALUE',
    added.at ?? {},
    `${what} "${added.name}" (${idName} ${added.id}) has the ${same} of the ${what} "${other.name}" (${idName} ${other.id}) that ${other.origin} creates`,
    { hint: `give "${added.name}" another name and ${idName}: Debian allocates ${idName}s 0-99 and 65534 to base-passwd's accounts` },
  );
}

function userLine(u: UserInput): Line {
  return { text: `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}`, name: u.name, id: u.uid, origin: 'the config', ...(u.at ? { at: u.at } : {}) };
}

function groupLine(g: GroupInput): Line {
  return { text: `${g.name}:x:${g.gid}:${g.members.join(',')}`, name: g.name, id: g.gid, origin: 'the config', ...(g.at ? { at: g.at } : {}) };
}

/** passwd's postinst: `groupadd -g 42 shadow` unless a group shadow with gid 42 exists; it fails if either is taken. */
function withShadowGroup(groups: Line[]): void {
  if (groups.some((g) => g.name === 'shadow' && g.id === SHADOW_GID)) return;
  const shadow: Line = { text: `shadow:x:${SHADOW_GID}:`, name: 'shadow', id: SHADOW_GID, origin: 'passwd' };
  checkClash(groups, shadow, 'group');
  groups.push(shadow);
}

/**
 * The shadow entry of one passwd or group line, as pwconv/grpconv write a new one: the
 * password moves over and the line keeps `x`. A literal `x` (the image's own accounts, which
 * have no password) becomes `*`, locked like base-passwd's, where pwconv would copy it.
 */
function shadowOf(line: string, days: number, kind: 'passwd' | 'group'): { plain: string; shadow: string } {
  const f = line.split(':');
  const password = f[1] === 'x' ? '*' : f[1]!;
  const plain = [f[0], 'x', ...f.slice(2)].join(':');
  const shadow = kind === 'passwd' ? `${f[0]}:${password}:${days === 0 ? '' : days}:${AGING}:::` : `${f[0]}:${password}::${f[3]}`;
  return { plain, shadow };
}

function file(path: string, lines: readonly string[], mode: number, gid: number): GeneratedEntry {
  return { path, type: 'file', mode, uid: 0, gid, content: Buffer.from(lines.map((l) => `${l}\n`).join('')) };
}

/**
 * accountFiles returns /etc/passwd and /etc/group (0644 root:root) and, when `shadow`,
 * /etc/shadow and /etc/gshadow (0640 root:shadow), as base-passwd and passwd leave them on a
 * fresh install with the config's users and groups appended in order. Without a master the
 * files start with root (`root:x:0:0:root:/root:/sbin/nologin`, `root:x:0:`), as slipway has
 * always written them; with neither a master nor any user or group there is nothing to write
 * and the result is empty. With `shadow`, the group shadow (gid 42) is added after the
 * master's groups when missing, every password field of passwd and group becomes `x`, and
 * each entry gets a shadow line `name:PASSWORD:DAYS:0:99999:7:::` / `name:PASSWORD::MEMBERS`.
 *
 * Throws ERR_CONFIG_INVALID_VALUE (a ConfigError at the entry's `at`) when a config user or
 * group has the name or id of an entry the packages create, and ERR_DEB_MALFORMED when a
 * master file has a line that is not an entry.
 */
export function accountFiles(input: AccountFilesInput): GeneratedEntry[] {
  const { users, groups, shadow } = input;
  if (input.passwdMaster === undefined && input.groupMaster === undefined && users.length === 0 && groups.length === 0) return [];
  if (!Number.isSafeInteger(input.lastChangeDays) || input.lastChangeDays < 0) {
    throw new SlipwayError('ERR_INTERNAL', `accountFiles: lastChangeDays must be a whole number of days, not ${input.lastChangeDays}`);
  }
  const passwd = input.passwdMaster === undefined ? [{ text: ROOT_PASSWD, name: 'root', id: 0, origin: 'slipway' }] : masterLines(input.passwdMaster, 'passwd.master', 7);
  const group = input.groupMaster === undefined ? [{ text: ROOT_GROUP, name: 'root', id: 0, origin: 'slipway' }] : masterLines(input.groupMaster, 'group.master', 4);
  const configGroups = groups.map(groupLine);
  if (shadow) withShadowGroup(group);
  for (const u of users.map(userLine)) {
    checkClash(passwd.filter((l) => l.origin !== 'the config'), u, 'user');
    passwd.push(u);
  }
  for (const g of configGroups) {
    checkClash(group.filter((l) => l.origin !== 'the config'), g, 'group');
    group.push(g);
  }
  if (!shadow) return [file('/etc/group', group.map((l) => l.text), 0o644, 0), file('/etc/passwd', passwd.map((l) => l.text), 0o644, 0)];
  const p = passwd.map((l) => shadowOf(l.text, input.lastChangeDays, 'passwd'));
  const g = group.map((l) => shadowOf(l.text, input.lastChangeDays, 'group'));
  return [
    file('/etc/group', g.map((x) => x.plain), 0o644, 0),
    file('/etc/gshadow', g.map((x) => x.shadow), 0o640, SHADOW_GID),
    file('/etc/passwd', p.map((x) => x.plain), 0o644, 0),
    file('/etc/shadow', p.map((x) => x.shadow), 0o640, SHADOW_GID),
  ];
}
