import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startAptBench, type AptBench } from '../../fixtures/apt-client.js';
import { loadPackageIndex, PackageIndex, updateRepositories } from '../apt/index.js';
import { Universe } from './universe.js';

describe('Universe.id', () => {
  let b: AptBench | undefined;
  after(async () => {
    await b?.close();
  });

  it('numbers names by first mention the same from recorded mentions as from a scan of every record', async () => {
    b = await startAptBench({
      suites: [
        {
          suite: 'bookworm',
          date: new Date('2026-06-01T00:00:00Z'),
          components: ['main'],
          architectures: ['amd64'],
          packages: [
            { package: 'zz-first', version: '1', architecture: 'amd64', fields: { Depends: 'yy-dep (>= 1) | xx-alt, ww:any', Suggests: 'vv-sugg', Provides: 'uu-virtual' } },
            { package: 'aa-later', version: '1', architecture: 'all', fields: { 'Pre-Depends': 'tt-pre:amd64', Conflicts: 'ss-conf:arm64', Breaks: 'zz-first (<< 1)' } },
            { package: 'yy-dep', version: '1', architecture: 'amd64' },
          ],
        },
      ],
    });
    const ctx = b.context();
    const snap = await updateRepositories([b.repository('bookworm')], { architectures: ['amd64'] }, ctx);
    const lazy = await loadPackageIndex(snap.indices, 'amd64', ctx);
    assert.ok(lazy.mentions() !== undefined, 'the loaded index carries its mentions');
    const scanned = new PackageIndex();
    for (const r of lazy) scanned.add(r);
    scanned.markMentionsUnknown();
    const names = ['zz-first', 'yy-dep', 'xx-alt', 'vv-sugg', 'uu-virtual', 'aa-later', 'tt-pre', 'ww', 'ss-conf'];
    const fromMentions = names.map((n) => new Universe(lazy, 'amd64').id(n));
    const fromScan = names.map((n) => new Universe(scanned, 'amd64').id(n));
    assert.deepEqual(fromMentions, fromScan);
    // The index lists aa-later first (stanzas sorted by name): its name, then Pre-Depends, then its Breaks target.
    assert.deepEqual(fromMentions, [2, 3, 4, 5, 6, 0, 1, -1, -1], 'own name, then targets in field order; :any and foreign qualifiers name other packages');
  });
});
