/**
 * dpkgDatabaseInputs: the dpkg database of an installed set as tree inputs for the system
 * layer, listing for each package exactly what the merge installed of it (files filtered out
 * by `paths.exclude` or taken over through Replaces are left out of .list, .md5sums and
 * .conffiles alike).
 */
import { dpkgDatabaseFiles, dpkgListPaths, type DatabaseForm, type InstalledPackage } from '../deb/index.js';
import type { TreeInput } from '../layer/index.js';
import { textFile } from './account-entries.js';
import { conffilePaths, readMd5sumsLine } from './deb-contents.js';
import type { InstalledSet } from './install-packages.js';
import { packageKey } from './merge-packages.js';

/** installedPackagesOf describes each package of `set` as the dpkg database needs it. */
export function installedPackagesOf(set: InstalledSet): InstalledPackage[] {
  return set.packages.map(({ merge }) => {
    const { contents } = merge;
    const installed = set.merged.installed.get(packageKey(merge)) ?? new Set<number>();
    const records = contents.records.filter((_, i) => installed.has(i));
    const files = new Set(records.filter((r) => r.type === 'file' || r.type === 'hardlink').map((r) => r.path));
    const ctl = contents.control;
    const conffiles = [...conffilePaths(ctl.conffiles)]
      .filter((p) => files.has(p) && contents.conffileMd5.has(p))
      .map((path) => ({ path, md5: contents.conffileMd5.get(path)! }));
    const extraInfo: Record<string, string> = {};
    for (const [name, body] of Object.entries(ctl.scripts)) if (body) extraInfo[name] = body.toString('utf8');
    if (ctl.triggers !== undefined) extraInfo['triggers'] = ctl.triggers;
    if (ctl.shlibs !== undefined) extraInfo['shlibs'] = ctl.shlibs;
    for (const [name, body] of ctl.other) extraInfo[name] = body.toString('utf8');
    return {
      control: ctl.control,
      files: dpkgListPaths(records),
      ...(ctl.md5sums !== undefined ? { md5sums: keptMd5sums(ctl.md5sums, files) } : {}),
      ...(conffiles.length > 0 ? { conffiles } : {}),
      extraInfo,
    };
  });
}

/** keptMd5sums keeps the md5sums lines of installed files (deb-md5sums(5): paths without the leading slash). */
function keptMd5sums(text: string, files: ReadonlySet<string>): string {
  return text
    .split('\n')
    .filter((line) => {
      const entry = readMd5sumsLine(line);
      return entry !== undefined && files.has(entry.path);
    })
    .map((line) => `${line}\n`)
    .join('');
}

/** dpkgDatabaseInputs returns the database files of `set` in `form`, for layer `layer`. */
export function dpkgDatabaseInputs(set: InstalledSet, form: DatabaseForm, layer: number): TreeInput[] {
  return dpkgDatabaseFiles(installedPackagesOf(set), { form }).map((f) => textFile(f.path, f.content, layer, `dpkg database (${form})`, f.mode));
}
