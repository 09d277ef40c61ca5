/**
 * Every way a repository must be refused (issue 4's "must show"): each is rejected with a
 * message naming the file and the reason, and leaves nothing in the cache.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildAptRepo, packagesPath, releasePath, resignRelease, withFile, type SuiteSpec } from '../../fixtures/apt-repo.js';
import { startAptBench, type AptBench } from '../../fixtures/apt-client.js';
import { makeThrowawayKey } from '../../fixtures/throwaway-key.js';
import { updateRepositories } from './index.js';

const HELLO = { package: 'hello', version: '2.10-3', architecture: 'amd64', files: [{ path: '/usr/bin/hello', body: '#!/bin/sh\necho hello\n', mode: 0o755 }] };

function suite(overrides: Partial<SuiteSpec> = {}): SuiteSpec {
  return { suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], packages: [HELLO], indexCompression: ['gz'], ...overrides };
}

const benches: AptBench[] = [];
after(async () => {
  await Promise.all(benches.map((b) => b.close()));
});

async function bench(repo: Awaited<ReturnType<typeof buildAptRepo>>): Promise<AptBench> {
  const b = await startAptBench(repo);
  benches.push(b);
  return b;
}

async function rejects(b: AptBench, code: string, mentions: readonly (string | RegExp)[], keyring?: string): Promise<void> {
  const repo = b.repository('bookworm', keyring ? { keys: [{ kind: 'file', path: keyring }] } : {});
  await assert.rejects(updateRepositories([repo], { architectures: ['amd64'] }, b.context()), (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    for (const m of mentions) assert.match(err.message, typeof m === 'string' ? new RegExp(m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : m);
    return true;
  });
  assert.deepEqual(await b.cacheFiles(), [], 'nothing may enter the cache');
}

describe('updateRepositories refuses', () => {
  it('an InRelease with one byte changed', async () => {
    const repo = await buildAptRepo({ suites: [suite()] });
    const path = releasePath('bookworm', 'InRelease');
    const text = repo.files.get(path)!.toString('utf8');
    assert.match(text, /Suite: bookworm/);
    const b = await bench(withFile(repo, path, Buffer.from(text.replace('Suite: bookworm', 'Suite: bookwork'))));
    await rejects(b, 'ERR_APT_SIGNATURE', ['dists/bookworm/InRelease', 'bad signature']);
  });

  it('a Packages file whose hash does not match the Release', async () => {
    const repo = await buildAptRepo({ suites: [suite()] });
    const path = packagesPath('bookworm', 'main', 'amd64', 'gz');
    const good = repo.files.get(path)!;
    const bad = Buffer.from(good);
    bad[bad.length - 10] = bad[bad.length - 10]! ^ 0xff;
    const b = await bench(withFile(repo, path, bad));
    await rejects(b, 'ERR_APT_HASH_MISMATCH', ['main/binary-amd64/Packages.gz', 'does not match']);
  });

  it('an unsigned repository', async () => {
    const repo = await buildAptRepo({ suites: [suite({ sign: { key: null } })] });
    assert.equal(repo.files.has(releasePath('bookworm', 'InRelease')), false);
    const b = await bench(repo);
    const signed = await buildAptRepo({ suites: [suite()] });
    const keyring = (await bench(signed)).keyring;
    await rejects(b, 'ERR_APT_SIGNATURE', ['dists/bookworm/Release', 'not signed'], keyring);
  });

  it('a repository signed by another key', async () => {
    const other = await makeThrowawayKey({ name: 'someone else' });
    const repo = await buildAptRepo({ suites: [suite({ sign: { key: other } })] });
    const trusted = await bench(await buildAptRepo({ suites: [suite()] }));
    assert.notEqual(repo.key!.fingerprint, trusted.repo.key!.fingerprint);
    const b = await bench(repo);
    await rejects(b, 'ERR_APT_SIGNATURE', ['dists/bookworm/InRelease', 'no good signature', other.keyId.toUpperCase()], trusted.keyring);
  });

  it('a repository signed by an expired key', async () => {
    const expired = await makeThrowawayKey({ name: 'expired archive key', expires: new Date('2021-01-01T00:00:00Z') });
    const repo = await buildAptRepo({ suites: [suite({ sign: { key: expired } })] });
    const b = await bench(repo);
    await rejects(b, 'ERR_APT_SIGNATURE', ['dists/bookworm/InRelease', /expired/i]);
  });

  it('an index larger than the Release says', async () => {
    const repo = await buildAptRepo({ suites: [suite()] });
    const path = packagesPath('bookworm', 'main', 'amd64', 'gz');
    const b = await bench(withFile(repo, path, Buffer.concat([repo.files.get(path)!, Buffer.alloc(4096, 0x41)])));
    await rejects(b, 'ERR_APT_HASH_MISMATCH', ['main/binary-amd64/Packages.gz', /more than the expected 309 bytes|more than \d+ bytes/]);
  });

  it('a Release older than the one already cached', async () => {
    const newer = await buildAptRepo({ suites: [suite({ date: new Date('2026-06-01T00:00:00Z') })] });
    const b = await bench(newer);
    const repo = b.repository('bookworm');
    await updateRepositories([repo], { architectures: ['amd64'] }, b.context());
    const before = await b.cacheFiles();
    assert.ok(before.some((f) => f.startsWith('apt/releases/')), 'the first Release is remembered');
    const older = await buildAptRepo({ suites: [suite({ date: new Date('2026-05-01T00:00:00Z'), packages: [{ ...HELLO, version: '2.10-2' }] })] });
    b.server.setFiles(older.files);
    await assert.rejects(updateRepositories([repo], { architectures: ['amd64'] }, b.context()), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_APT_ROLLBACK');
      assert.match(err.message, /dists\/bookworm\/InRelease: is dated 2026-05-01T00:00:00Z, older than the Release dated 2026-06-01T00:00:00Z/);
      return true;
    });
    assert.deepEqual(await b.cacheFiles(), before, 'the cache is unchanged');
    const allowed = await updateRepositories([{ ...repo, allowRollback: true }], { architectures: ['amd64'] }, b.context());
    assert.equal(allowed.releases[0]!.release.date, Date.parse('2026-05-01T00:00:00Z') / 1000);
  });

  it('a Release past its Valid-Until, unless check-valid-until is off', async () => {
    const repo = await buildAptRepo({ suites: [suite({ validUntil: new Date('2026-06-08T00:00:00Z') })] });
    const b = await bench(repo);
    await rejects(b, 'ERR_APT_RELEASE_EXPIRED', ['dists/bookworm/InRelease', 'expired at 2026-06-08T00:00:00Z']);
    const ok = await updateRepositories([b.repository('bookworm', { checkValidUntil: false })], { architectures: ['amd64'] }, b.context());
    assert.equal(ok.releases.length, 1);
  });

  it('a Release for another suite', async () => {
    const repo = await resignRelease(await buildAptRepo({ suites: [suite()] }), 'bookworm', { edit: (t) => t.replace(/^Suite: .*$/m, 'Suite: trixie').replace(/^Codename: .*$/m, 'Codename: trixie') });
    const b = await bench(repo);
    await rejects(b, 'ERR_APT_RELEASE_MISMATCH', ['dists/bookworm/InRelease', 'not bookworm']);
  });

  it('an architecture or component the Release does not have', async () => {
    const b = await bench(await buildAptRepo({ suites: [suite()] }));
    await assert.rejects(updateRepositories([b.repository('bookworm')], { architectures: ['riscv64'] }, b.context()), { code: 'ERR_APT_INDEX_MISSING', message: /architecture riscv64 is not in the Release/ });
    await assert.rejects(updateRepositories([b.repository('bookworm', { components: ['contrib'] })], { architectures: ['amd64'] }, b.context()), {
      code: 'ERR_APT_INDEX_MISSING',
      message: /component contrib is not in the Release/,
    });
    assert.deepEqual(await b.cacheFiles(), []);
  });
});
