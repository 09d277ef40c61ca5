/**
 * One measured run of `npm run bench -- index`, in a process of its own so that its peak RSS
 * is its own: bookworm main amd64 Packages is read from the cache with the Release verified
 * offline. `cold`: the parsed form is removed first, so the index is decompressed, checked
 * against the Release, parsed, every record checked and the table written; `warm`: the
 * parsed form is read. Prints one JSON line.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { aptStateDir, loadPackageIndex, updateRepositories, type AptRepository } from '../lib/apt/index.js';
import { ContentStore, Fetcher } from '../lib/fetch/index.js';

const [cacheDir, reposJson, mode] = process.argv.slice(2);
const repos = JSON.parse(reposJson!) as AptRepository[];
const store = new ContentStore(join(cacheDir!, 'blobs'));
if (mode === 'cold') {
  const dir = join(aptStateDir(cacheDir!), 'indices');
  for (const name of await readdir(dir).catch(() => [])) {
    const table = JSON.parse(await readFile(join(dir, name), 'utf8')) as { data: string };
    await rm(store.path(table.data as never), { force: true });
    await rm(join(dir, name), { force: true });
  }
}
const fetcher = new Fetcher({ store, offline: true });
const t0 = process.hrtime.bigint();
const ctx = { fetcher, store, stateDir: aptStateDir(cacheDir!), offline: true };
const snapshot = await updateRepositories(repos, { architectures: ['amd64'] }, ctx);
const index = await loadPackageIndex(snapshot.indices, 'amd64', ctx);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
await fetcher.close();
const rssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ ms, records: index.size, names: [...index.names()].length, rssMiB })}\n`);
