/**
 * Account databases: /etc/passwd and /etc/group text (passwd(5), group(5)).
 */

/** PasswdEntry is one line of /etc/passwd. */
export interface PasswdEntry {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly gecos: string;
  readonly home: string;
  readonly shell: string;
}

/** GroupEntry is one line of /etc/group. */
export interface GroupEntry {
  readonly name: string;
  readonly gid: number;
  /** Supplementary members, in the order to write them. */
  readonly members: readonly string[];
}

/** renderPasswd writes `name:x:uid:gid:gecos:home:shell` lines, in the order given. */
export function renderPasswd(users: readonly PasswdEntry[]): string {
  return users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.gecos}:${u.home}:${u.shell}\n`).join('');
}

/** renderGroup writes `name:x:gid:member,member` lines, in the order given. */
export function renderGroup(groups: readonly GroupEntry[]): string {
  return groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(',')}\n`).join('');
}
