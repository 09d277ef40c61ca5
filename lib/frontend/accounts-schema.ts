/**
 * The schemas of `users:` and `groups:`, the accounts written to /etc/passwd and /etc/group.
 * root (uid and gid 0) is always present and so may not be declared.
 */
import { accountName, ACCOUNT_NAME, imagePath, MAX_ID } from './schema-fields.js';
import { array, integer, object, string, type Problem } from './schema-dsl.js';

const ROOT_HINT = 'root (uid 0, gid 0) is always present; refer to it as owner: root or user: root without declaring it';

/** firstDuplicate finds the first item whose `key` repeats an earlier one, as a {@link Problem} at that item. */
export function firstDuplicate<T>(
  list: string,
  items: readonly T[],
  field: string,
  key: (item: T) => string | number | undefined,
  what: string,
): Problem | undefined {
  const seen = new Map<string | number, number>();
  for (const [i, item] of items.entries()) {
    const k = key(item);
    if (k === undefined) continue;
    const first = seen.get(k);
    if (first !== undefined) return { at: [i, field], problem: `${what} ${JSON.stringify(k)} is declared twice (first at ${list}[${first}])` };
    seen.set(k, i);
  }
  return undefined;
}

const userSchema = object(
  {
    name: accountName('Login name.'),
    uid: integer({ description: 'Numeric user id.', min: 0, max: MAX_ID }),
    gid: integer({ description: 'Numeric id of the primary group; default the uid.', min: 0, max: MAX_ID }),
    home: imagePath('Home directory in the image; default "/".'),
    shell: imagePath('Login shell; default "/sbin/nologin".'),
    gecos: string({
      description: 'Comment field of /etc/passwd (full name); default "".',
      pattern: /^[^:\n]*$/,
      patternProblem: 'may not contain ":" or a line break (they separate /etc/passwd fields and lines)',
    }),
    groups: array(string({ description: 'A group name.', pattern: ACCOUNT_NAME, patternProblem: 'is not a valid group name' }), {
      description: 'Supplementary groups, by name; each must be declared under groups.',
    }),
  },
  {
    description: 'A user account, written to /etc/passwd.',
    required: ['name', 'uid'],
    name: 'a user',
    check: (u): Problem | undefined =>
      u.name === 'root'
        ? { at: ['name'], problem: 'the user "root" may not be declared', hint: ROOT_HINT }
        : u.uid === 0
          ? { at: ['uid'], problem: 'uid 0 may not be declared', hint: ROOT_HINT }
          : undefined,
  },
);

/** usersSchema is the schema of `users:`. */
export const usersSchema = array(userSchema, {
  description: 'User accounts to create, besides root.',
  check: (users) => firstDuplicate('users', users, 'name', (u) => u.name, 'user name') ?? firstDuplicate('users', users, 'uid', (u) => u.uid, 'uid'),
});

const groupSchema = object(
  {
    name: accountName('Group name.'),
    gid: integer({ description: 'Numeric group id.', min: 0, max: MAX_ID }),
    members: array(string({ description: 'A user name.', pattern: ACCOUNT_NAME, patternProblem: 'is not a valid user name' }), {
      description: 'Declared users who are supplementary members of this group.',
    }),
  },
  {
    description: 'A group, written to /etc/group.',
    required: ['name', 'gid'],
    name: 'a group',
    check: (g): Problem | undefined =>
      g.name === 'root'
        ? { at: ['name'], problem: 'the group "root" may not be declared', hint: ROOT_HINT }
        : g.gid === 0
          ? { at: ['gid'], problem: 'gid 0 may not be declared', hint: ROOT_HINT }
          : undefined,
  },
);

/** groupsSchema is the schema of `groups:`. */
export const groupsSchema = array(groupSchema, {
  description: 'Groups to create, besides root; every user also gets a group for its gid when none is declared.',
  check: (groups) => firstDuplicate('groups', groups, 'name', (g) => g.name, 'group name') ?? firstDuplicate('groups', groups, 'gid', (g) => g.gid, 'gid'),
});
