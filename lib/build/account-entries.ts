/**
 * Accounts and generated files as tree inputs: /etc/passwd and /etc/group for the plan's
 * users (through the same accountFiles that merges them with base-passwd's masters when
 * packages are installed), home directories, and small in-memory files.
 * root (uid 0, gid 0) comes first whenever any user or group is declared, as every Unix
 * system has it and tools resolve uid 0 through it.
 */
import { Readable } from 'node:stream';
import { sha256Digest } from '../core/index.js';
import { accountFiles, type GeneratedEntry } from '../deb/index.js';
import type { FsTree, TreeInput } from '../layer/index.js';
import type { ImagePlan } from '../plan/index.js';

/** textFile is a small in-memory file as a tree input. */
export function textFile(path: string, text: string, layer: number, origin: string, mode = 0o644, owner = { uid: 0, gid: 0 }): TreeInput {
  return generatedInput({ path, type: 'file', mode, ...owner, content: Buffer.from(text, 'utf8') }, layer, origin);
}

/** generatedInput turns a generated entry (a file, link or directory made by slipway) into a tree input of layer `layer`. */
export function generatedInput(e: GeneratedEntry, layer: number, origin: string): TreeInput {
  const base = { path: e.path, mode: e.mode, uid: e.uid ?? 0, gid: e.gid ?? 0, layer, origin };
  if (e.type === 'directory') return { ...base, type: 'directory', size: 0 };
  if (e.type === 'symlink') return { ...base, type: 'symlink', size: 0, linkname: e.linkname! };
  const bytes = e.content ?? Buffer.alloc(0);
  const key = sha256Digest(bytes);
  return { ...base, type: 'file', size: bytes.length, contentKey: key, open: async () => Readable.from([bytes]), digest: async () => key };
}

/** addHomes gives each user with a home other than / that directory, owned by the user, unless the tree already has it (as `useradd -m`). */
export function addHomes(tree: FsTree, plan: ImagePlan, layer: number): void {
  for (const u of plan.users) {
    if (u.home === '/') continue;
    tree.addIfAbsent({ path: u.home, type: 'directory', mode: 0o755, uid: u.uid, gid: u.gid, size: 0, layer, origin: `home of user ${u.name}` });
  }
}

/** addAccounts puts the account files and home directories of `plan` (no packages: no masters, no shadow) into `tree`, in layer `layer`. */
export async function addAccounts(tree: FsTree, plan: ImagePlan, layer: number): Promise<void> {
  for (const e of accountFiles({ users: plan.users, groups: plan.groups, shadow: false, lastChangeDays: 0 })) {
    await tree.add(generatedInput(e, layer, e.path === '/etc/passwd' ? 'users' : 'groups'));
  }
  addHomes(tree, plan, layer);
}
