/**
 * systemInputs: the system layer of an apt image: the merged-/usr links, the dpkg database,
 * and what the packages' maintainer scripts would have made, computed declaratively (see
 * package-effects.ts). What slipway does not reproduce is reported, package by package.
 */
import { Readable } from 'node:stream';
import { sha256Digest } from '../core/index.js';
import type { GeneratedEntry } from '../deb/index.js';
import type { TreeInput } from '../layer/index.js';
import type { ImagePlan } from '../plan/index.js';
import { dpkgDatabaseInputs } from './dpkg-database-entries.js';
import type { InstalledSet } from './install-packages.js';
import { packageEffects } from './package-effects.js';
import { scriptNotes, type ScriptNote } from './script-report.js';

export type { ScriptNote } from './script-report.js';

/** SystemReport lists the packages with maintainer scripts and what became of them, and notes on the effects. */
export interface SystemReport {
  readonly scripts: readonly ScriptNote[];
  readonly notes: readonly string[];
}

/** systemInputs adds the system layer's entries to `set.tree` at `layer`. */
export async function systemInputs(
  set: InstalledSet,
  plan: ImagePlan,
  layer: number,
  epoch: number,
  localCertificates: readonly { readonly path: string; readonly content: Buffer }[] = [],
): Promise<SystemReport> {
  const tree = set.tree;
  for (const l of set.merged.usrLinks) {
    await tree.add({ path: l.path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: l.linkname, layer, origin: 'merged /usr' });
  }
  const effects = packageEffects({ set, plan, lastChangeDays: Math.floor(epoch / 86400), localCertificates });
  for (const e of effects.entries) await tree.add(generatedInput(e, layer));
  for (const input of dpkgDatabaseInputs(set, plan.apt!.database, layer)) await tree.add(input);
  for (const u of plan.users) {
    if (u.home === '/') continue;
    tree.addIfAbsent({ path: u.home, type: 'directory', mode: 0o755, uid: u.uid, gid: u.gid, size: 0, layer, origin: `home of user ${u.name}` });
  }
  return { scripts: scriptNotes(set, effects), notes: effects.notes };
}

function generatedInput(e: GeneratedEntry, layer: number): TreeInput {
  const base = { path: e.path, mode: e.mode, uid: e.uid ?? 0, gid: e.gid ?? 0, layer, origin: 'maintainer-script effects' };
  if (e.type === 'directory') return { ...base, type: 'directory', size: 0 };
  if (e.type === 'symlink') return { ...base, type: 'symlink', size: 0, linkname: e.linkname! };
  const bytes = e.content ?? Buffer.alloc(0);
  const key = sha256Digest(bytes);
  return { ...base, type: 'file', size: bytes.length, contentKey: key, open: async () => Readable.from([bytes]), digest: async () => key };
}
