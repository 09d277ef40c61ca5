/**
 * accountEntries: /etc/passwd, /etc/group and home directories for the plan's users.
 * root (uid 0, gid 0) comes first whenever any user or group is declared, as every
 * Unix system has it and tools resolve uid 0 through it.
 */
import { Readable } from 'node:stream';
import { sha256Digest } from '../core/index.js';
import { renderGroup, renderPasswd, type FsTree, type TreeInput } from '../layer/index.js';
import type { ImagePlan } from '../plan/index.js';

const ROOT_USER = { name: 'root', uid: 0, gid: 0, gecos: 'root', home: '/root', shell: '/sbin/nologin' };
const ROOT_GROUP = { name: 'root', gid: 0, members: [] as string[] };

/** textFile is a small in-memory file as a tree input. */
export function textFile(path: string, text: string, layer: number, origin: string, mode = 0o644, owner = { uid: 0, gid: 0 }): TreeInput {
  const bytes = Buffer.from(text, 'utf8');
  return {
    path,
    type: 'file',
    mode,
    ...owner,
    size: bytes.length,
    layer,
    origin,
    contentKey: sha256Digest(bytes),
    open: async () => Readable.from([bytes]),
    digest: async () => sha256Digest(bytes),
  };
}

/** addAccounts puts the account files and home directories of `plan` into `tree`, in layer `layer`. */
export async function addAccounts(tree: FsTree, plan: ImagePlan, layer: number): Promise<void> {
  if (plan.users.length === 0 && plan.groups.length === 0) return;
  const passwd = renderPasswd([ROOT_USER, ...plan.users]);
  const group = renderGroup([ROOT_GROUP, ...plan.groups]);
  await tree.add(textFile('/etc/passwd', passwd, layer, 'users'));
  await tree.add(textFile('/etc/group', group, layer, 'groups'));
  for (const u of plan.users) {
    if (u.home === '/') continue;
    // Like `useradd -m`: the home exists and belongs to the user, unless the config says otherwise.
    tree.addIfAbsent({ path: u.home, type: 'directory', mode: 0o755, uid: u.uid, gid: u.gid, size: 0, layer, origin: `home of user ${u.name}` });
  }
}
