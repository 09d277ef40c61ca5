/**
 * readDeb on real Debian packages: a few .debs of bookworm and trixie from the host's
 * mirror (resolved and fetched by slipway's own client, verified by the sha256 their signed
 * indices list, kept in the test cache), each read as dpkg-deb reads it.
 */
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkFields, checkMd5sums, dpkgContents, asContentsLine, readAll } from '../../fixtures/deb-oracle.js';
import { hostDebianSuites } from '../../fixtures/host-debian-repos.js';
import { testCacheDir } from '../../fixtures/host-mirror-index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { aptStateDir, loadPackageIndex, updateRepositories } from '../apt/index.js';
import { parseDigest } from '../core/index.js';
import { ContentStore, Fetcher } from '../fetch/index.js';

/** PACKAGES cover conffiles (base-files), many files and symlinks (tzdata), a library (libc6), and maintainer scripts (dash). */
const PACKAGES = ['hello', 'base-files', 'tzdata', 'libc6', 'dash'];

describe('readDeb on real Debian packages from the host mirror', { timeout: 600_000 }, () => {
  for (const suite of ['bookworm', 'trixie']) {
    it(`reads ${suite}'s ${PACKAGES.join(', ')} as dpkg-deb does`, async (t) => {
      if (!requireTool(t, 'dpkg-deb')) return;
      const repos = hostDebianSuites([suite], { updates: false, security: false });
      if (repos === undefined) {
        if (process.env['CI'] === 'true') throw new Error('the host has no apt source for bookworm; CI=true requires one');
        return t.skip('the host has no apt source for bookworm');
      }
      const cacheDir = join(testCacheDir(), 'apt-client');
      const store = new ContentStore(join(cacheDir, 'blobs'));
      const fetcher = new Fetcher({ store });
      try {
        const ctx = { fetcher, store, stateDir: aptStateDir(cacheDir) };
        const snapshot = await updateRepositories(repos, { architectures: ['amd64'] }, ctx);
        const index = await loadPackageIndex(snapshot.indices, 'amd64', ctx);
        for (const name of PACKAGES) {
          const record = index.byName(name)[0]!;
          const digest = parseDigest(`sha256:${record.sha256}`);
          await fetcher.fetchVerified([new URL(record.filename, record.origin.poolUrls![0]).toString()], { sha256: digest, size: record.size, subject: record.filename }, {});
          const deb = store.path(digest);
          const got = await readAll(createReadStream(deb), record.filename);
          assert.deepEqual(got.entries.map(asContentsLine), dpkgContents(deb), record.filename);
          checkFields(deb, got.control.control);
          assert.equal(got.control.control, mustRun('dpkg-deb', ['--info', deb, 'control']), record.filename);
          checkMd5sums(deb, got);
          assert.ok(got.entries.length > 3, `${record.filename} has files`);
        }
      } finally {
        await fetcher.close();
      }
    });
  }
});
