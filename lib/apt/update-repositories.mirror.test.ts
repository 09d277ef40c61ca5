/**
 * The apt client against the Debian mirror configured in this host's apt sources (read at
 * run time): bookworm and trixie, each with -updates and -security, main, amd64 and arm64,
 * verified against the host's keyring; gpgv confirms every InRelease; real packages are
 * looked up. The cache is kept in the test cache directory between runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEBIAN_KEYRING as KEYRING, hostDebianSuites } from '../../fixtures/host-debian-repos.js';
import { testCacheDir } from '../../fixtures/host-mirror-index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { runTool } from '../../fixtures/run-tool.js';
import { ContentStore, Fetcher } from '../fetch/index.js';
import { parseKeyring } from '../openpgp/index.js';
import { aptStateDir, loadPackageIndex, updateRepositories, type AptRepository, type AptSnapshot } from './index.js';




describe('updateRepositories on the host mirror', { timeout: 600_000 }, () => {
  let repos: AptRepository[] = [];
  let skip: string | undefined;
  let fetcher: Fetcher;
  let store: ContentStore;
  const cacheDir = join(testCacheDir(), 'apt-client');
  const ctx = () => ({ fetcher, store, stateDir: aptStateDir(cacheDir) });
  let snapshot: AptSnapshot;

  before(async () => {
    const found = hostDebianSuites(['bookworm', 'trixie']);
    if (found === undefined) {
      skip = 'the host has no apt source for bookworm and bookworm-security';
      if (process.env['CI'] === 'true') throw new Error(`${skip}; CI=true requires one`);
      return;
    }
    repos = found;
    store = new ContentStore(join(cacheDir, 'blobs'));
    fetcher = new Fetcher({ store });
    snapshot = await updateRepositories(repos, { architectures: ['amd64', 'arm64'] }, ctx());
  });
  after(async () => {
    await fetcher?.close();
  });

  it('verifies every InRelease against the host keyring, as gpgv does', async (t) => {
    if (skip) return t.skip(skip);
    if (!requireTool(t, 'gpgv')) return;
    const keyring = parseKeyring(readFileSync(KEYRING), KEYRING);
    const known = new Set(keyring.keys.map((k) => k.fingerprint));
    assert.deepEqual(
      snapshot.releases.map((r) => r.release.codename),
      ['bookworm', 'bookworm-updates', 'bookworm-security', 'trixie', 'trixie-updates', 'trixie-security'],
    );
    const dir = await mkdtemp(join(tmpdir(), 'slipway-gpgv-'));
    try {
      for (const vr of snapshot.releases) {
        assert.equal(vr.file, 'InRelease');
        assert.ok(vr.signers.length > 0, `${vr.repository.suite} has good signatures`);
        for (const s of vr.signers) assert.ok(known.has(s.primaryFingerprint), `${s.primaryFingerprint} is in ${KEYRING}`);
        const file = join(dir, `${vr.repository.suite}_InRelease`);
        await writeFile(file, vr.bytes);
        const run = runTool('gpgv', ['--keyring', KEYRING, file]);
        assert.equal(run.status, 0, `gpgv rejects ${vr.repository.suite}: ${run.stderr}`);
        const gpgvSigners = [...run.stderr.matchAll(/using \w+ key ([0-9A-F]{40})/g)].map((m) => m[1]);
        for (const s of vr.signers) assert.ok(gpgvSigners.includes(s.fingerprint), `gpgv also saw ${s.fingerprint}: ${run.stderr}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds real packages for amd64 and arm64 with their origin', async (t) => {
    if (skip) return t.skip(skip);
    for (const arch of ['amd64', 'arm64']) {
      const index = await loadPackageIndex(snapshot.indices, arch, ctx());
      assert.ok(index.size > 100_000, `${arch}: ${index.size} records from six suites`);
      const libc = index.byName('libc6').filter((r) => r.architecture === arch);
      const suites = new Set(libc.map((r) => r.origin.suite));
      assert.ok(suites.has('bookworm') && suites.has('trixie'), `libc6 in ${[...suites].join(', ')}`);
      const bash = index.byName('bash').find((r) => r.origin.suite === 'trixie')!;
      assert.equal(bash.essential, true);
      assert.match(bash.filename, /^pool\/main\/b\/bash\/bash_.*_(amd64|arm64)\.deb$/);
      assert.ok(index.byProvides('mail-transport-agent').length > 0, 'a virtual package has providers');
      assert.ok(index.byName('python3-pip').every((r) => r.architecture === 'all'));
      for (const r of libc) assert.ok((r.origin.signedBy?.length ?? 0) > 0, `${r.name} ${r.version} comes from a signed Release`);
    }
  });

  it('verifies again offline from the cache alone', async (t) => {
    if (skip) return t.skip(skip);
    const offline = new Fetcher({ store, offline: true });
    try {
      const again = await updateRepositories(repos, { architectures: ['amd64', 'arm64'] }, { ...ctx(), fetcher: offline, offline: true });
      assert.deepEqual(
        again.releases.map((r) => r.digest),
        snapshot.releases.map((r) => r.digest),
      );
      assert.equal(offline.stats().files, 0);
    } finally {
      await offline.close();
    }
  });
});
