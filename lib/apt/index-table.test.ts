import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startAptBench, type AptBench } from '../../fixtures/apt-client.js';
import { type RepoPackage } from '../../fixtures/apt-repo.js';
import { openIndex, openIndexTable, readPackages, recordAt, updateRepositories, type FetchedIndex, type PackageRecord } from './index.js';

const PACKAGES: RepoPackage[] = Array.from({ length: 40 }, (_, i) => ({
  package: `pkg${String(i).padStart(2, '0')}`,
  version: `1.${i}-1`,
  architecture: i % 5 === 0 ? 'all' : 'amd64',
  fields: { Depends: i > 0 ? `pkg${String(i - 1).padStart(2, '0')} (>= 1.0)` : 'libc6', ...(i % 7 === 0 ? { Provides: `virtual-${i}, shared-virtual` } : {}), Description: `package ${i}\n more text\n .\n and a paragraph` },
}));

const benches: AptBench[] = [];
after(async () => {
  await Promise.all(benches.map((b) => b.close()));
});

async function fetched(compression: 'gz' | 'xz' | 'none'): Promise<{ b: AptBench; index: FetchedIndex }> {
  const b = await startAptBench({ suites: [{ suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], packages: PACKAGES, indexCompression: [compression] }] });
  benches.push(b);
  const snap = await updateRepositories([b.repository('bookworm')], { architectures: ['amd64'] }, b.context());
  return { b, index: snap.indices[0]!.index };
}

async function eager(index: FetchedIndex, b: AptBench): Promise<PackageRecord[]> {
  const out: PackageRecord[] = [];
  const origin = { uri: '', suite: '', component: '' };
  for await (const r of readPackages(await openIndex(index, b.context()), origin, { name: index.subject })) out.push(r);
  return out;
}

describe('openIndexTable', () => {
  for (const compression of ['gz', 'xz', 'none'] as const) {
    it(`builds the table once (${compression}), then reads it, and lazy records equal a full parse`, async () => {
      const { b, index } = await fetched(compression);
      const ctx = b.context();
      const first = await openIndexTable(index, ctx);
      assert.equal(first.built, true);
      const second = await openIndexTable(index, ctx);
      assert.equal(second.built, false);
      assert.deepEqual(second.entries, first.entries);
      const full = await eager(index, b);
      assert.equal(second.entries.length, full.length);
      for (const [i, e] of second.entries.entries()) assert.deepEqual(recordAt(second, e, full[i]!.origin, index.subject), full[i]);
    });
  }

  it('rebuilds a damaged table instead of trusting it', async () => {
    const { b, index } = await fetched('gz');
    const ctx = b.context();
    await openIndexTable(index, ctx);
    const dir = join(b.cacheDir, 'apt', 'indices');
    const [name] = await readdir(dir);
    const path = join(dir, name!);
    const good = JSON.parse(await readFile(path, 'utf8')) as { rows: [string, string, string, string, number, number][] };
    for (const damage of [
      (t: typeof good) => JSON.stringify(t).slice(0, 100),
      (t: typeof good) => JSON.stringify({ ...t, rows: t.rows.map((r) => [r[0], r[1], r[2], r[3], r[4], r[5] + 1_000_000]) }),
      (t: typeof good) => JSON.stringify({ ...t, format: 0 }),
    ]) {
      await writeFile(path, damage(good));
      const table = await openIndexTable(index, ctx);
      assert.equal(table.built, true);
      assert.equal(table.entries.length, PACKAGES.length);
    }
  });

  it('refuses, at lookup, a table whose spans point at another stanza', async () => {
    const { b, index } = await fetched('gz');
    const ctx = b.context();
    const table = await openIndexTable(index, ctx);
    const [x, y] = table.entries;
    assert.throws(() => recordAt(table, { ...x!, start: y!.start, end: y!.end }, { uri: '', suite: '', component: '' }, index.subject), { code: 'ERR_APT_MALFORMED' });
  });
});
