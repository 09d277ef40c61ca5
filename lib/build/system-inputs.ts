/**
 * systemInputs: the system layer of an apt image: the merged-/usr links, the dpkg database,
 * and what the packages' maintainer scripts would have made, computed declaratively (see
 * package-effects.ts). What slipway does not reproduce is reported, package by package.
 */
import type { ImagePlan } from '../plan/index.js';
import { addHomes, generatedInput } from './account-entries.js';
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
  for (const e of effects.entries) await tree.add(generatedInput(e, layer, 'maintainer-script effects'));
  for (const input of dpkgDatabaseInputs(set, plan.apt!.database, layer)) await tree.add(input);
  addHomes(tree, plan, layer);
  return { scripts: scriptNotes(set, effects), notes: effects.notes };
}
