/**
 * Accounts: users and groups from the config made into the plan's UserAccount and
 * GroupAccount lists, and owner / user strings resolved to numeric ids against them.
 */
import { closestName } from '../core/index.js';
import { normaliseImagePath, type GroupAccount, type Ownership, type UserAccount } from '../plan/index.js';
import type { GroupSpec, ImageSpec, UserSpec } from './image-spec.js';
import type { KeyPath } from './key-path.js';
import type { Locator } from './locate.js';
import { MAX_ID } from './schema-fields.js';

/** Accounts are the plan's users and groups plus resolvers of names to ids. */
export interface Accounts {
  /** Declared users, sorted by uid. */
  readonly users: readonly UserAccount[];
  /** Declared groups plus one per user gid without a group, sorted by gid then name. */
  readonly groups: readonly GroupAccount[];
  /** resolveOwner reads `uid:gid`, `uid`, `user` or `user:group` (the string at `path`) as numeric ids. */
  resolveOwner(text: string, path: KeyPath): Ownership;
  /** resolveUser reads config.user: names become `uid:gid`, numeric forms are kept as written. */
  resolveUser(text: string, path: KeyPath): string;
}

const NUMERIC = /^[0-9]+$/;

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Throws INVALID_VALUE at `path` for a name that is not declared, suggesting the closest that is. */
function undeclared(loc: Locator, path: KeyPath, problem: string, name: string, candidates: readonly string[], hint: string): Error {
  const suggestion = closestName(name, candidates);
  return loc.report({ code: 'ERR_CONFIG_INVALID_VALUE', path, target: 'value', problem, ...(suggestion ? { suggestion } : { hint }) });
}

/** Declared group members plus users' supplementary groups, by group name. */
function groupMembers(users: readonly UserSpec[], groups: readonly GroupSpec[], loc: Locator): Map<string, Set<string>> {
  const userNames = users.map((u) => u.name);
  const groupNames = groups.map((g) => g.name);
  const members = new Map<string, Set<string>>(groups.map((g) => [g.name, new Set<string>()]));
  groups.forEach((g, i) =>
    (g.members ?? []).forEach((m, j) => {
      if (!userNames.includes(m)) throw undeclared(loc, ['groups', i, 'members', j], `member "${m}" is not a declared user`, m, userNames, 'declare the user under users:');
      members.get(g.name)!.add(m);
    }),
  );
  users.forEach((u, i) =>
    (u.groups ?? []).forEach((name, j) => {
      if (!groupNames.includes(name)) throw undeclared(loc, ['users', i, 'groups', j], `group "${name}" is not declared`, name, groupNames, 'declare the group under groups:');
      members.get(name)!.add(u.name);
    }),
  );
  return members;
}

/** The plan's groups: declared ones plus one named after the first user (by uid) of each gid without a group. */
function planGroups(users: readonly UserAccount[], spec: ImageSpec, loc: Locator): GroupAccount[] {
  const declared = spec.groups ?? [];
  const members = groupMembers(spec.users ?? [], declared, loc);
  const groups: GroupAccount[] = declared.map((g, i) => ({ name: g.name, gid: g.gid, members: [...members.get(g.name)!].sort(byCodeUnits), at: loc.at(['groups', i]) }));
  const byUid = users.map((u, i) => ({ u, i })).sort((a, b) => a.u.uid - b.u.uid);
  for (const { u, i } of byUid) {
    if (u.gid === 0 || groups.some((g) => g.gid === u.gid)) continue;
    const clash = declared.find((g) => g.name === u.name);
    if (clash) {
      throw loc.report({
        code: 'ERR_CONFIG_INVALID_VALUE',
        path: ['users', i, spec.users![i]!.gid === undefined ? 'uid' : 'gid'],
        target: 'value',
        problem: `user "${u.name}" has gid ${u.gid}, but the group "${u.name}" is declared with gid ${clash.gid}`,
        hint: `set gid: ${clash.gid} on the user, or declare a group for gid ${u.gid}`,
      });
    }
    groups.push({ name: u.name, gid: u.gid, members: [], at: u.at });
  }
  return groups.sort((a, b) => a.gid - b.gid || byCodeUnits(a.name, b.name));
}

/** Resolves owner-like strings against the declared (and synthesised) accounts. */
function ownerResolver(users: readonly UserAccount[], groups: readonly GroupAccount[], loc: Locator): (text: string, path: KeyPath, what: string) => Ownership {
  const userNames = ['root', ...users.map((u) => u.name)];
  const groupNames = ['root', ...groups.map((g) => g.name)];
  return (text: string, path: KeyPath, what: string): Ownership => {
    const [u, g] = text.split(':') as [string, string | undefined];
    const id = (s: string): number => {
      const n = Number(s);
      if (n > MAX_ID) throw loc.report({ code: 'ERR_CONFIG_INVALID_VALUE', path, target: 'value', problem: `${what} "${text}": id ${s} is above ${MAX_ID}` });
      return n;
    };
    let owner: Ownership;
    if (NUMERIC.test(u)) {
      const uid = id(u);
      owner = { uid, gid: users.find((x) => x.uid === uid)?.gid ?? uid };
    } else {
      const user = u === 'root' ? { uid: 0, gid: 0 } : users.find((x) => x.name === u);
      if (!user) throw undeclared(loc, path, `${what} "${u}" is not a declared user`, u, userNames, 'declare the user under users:, or write a numeric uid');
      owner = { uid: user.uid, gid: user.gid };
    }
    if (g === undefined) return owner;
    if (NUMERIC.test(g)) return { uid: owner.uid, gid: id(g) };
    const group = g === 'root' ? { gid: 0 } : groups.find((x) => x.name === g);
    if (!group) throw undeclared(loc, path, `${what} group "${g}" is not a declared group`, g, groupNames, 'declare the group under groups:, or write a numeric gid');
    return { uid: owner.uid, gid: group.gid };
  };
}

/** normaliseAccounts checks cross references between users and groups and builds {@link Accounts}. */
export function normaliseAccounts(spec: ImageSpec, loc: Locator): Accounts {
  const users: UserAccount[] = (spec.users ?? []).map((u, i) => ({
    name: u.name,
    uid: u.uid,
    gid: u.gid ?? u.uid,
    home: normaliseImagePath(u.home ?? '/'),
    shell: u.shell === undefined ? '/sbin/nologin' : normaliseImagePath(u.shell),
    gecos: u.gecos ?? '',
    at: loc.at(['users', i]),
  }));
  const groups = planGroups(users, spec, loc);
  users.sort((a, b) => a.uid - b.uid);
  const resolve = ownerResolver(users, groups, loc);
  return {
    users,
    groups,
    resolveOwner: (text, path) => resolve(text, path, 'owner'),
    resolveUser: (text, path) => {
      if (text.split(':').every((part) => NUMERIC.test(part))) return text;
      const { uid, gid } = resolve(text, path, 'user');
      return `${uid}:${gid}`;
    },
  };
}
