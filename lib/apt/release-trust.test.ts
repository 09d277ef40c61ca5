/**
 * The finer points of trusting a Release: pinned key URLs stay pinned, signed-by
 * fingerprints narrow as apt's do, cleartext headers and bytes are checked as gpgv checks
 * them, pockets cannot stand in for a suite, mirrors are tried in turn, credentials never
 * reach the cache, and the rollback state fails closed.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAptBench, type AptBench } from '../../fixtures/apt-client.js';
import { buildAptRepo, releasePath, resignRelease, withFile, type SuiteSpec } from '../../fixtures/apt-repo.js';
import { makeGpgHome, type GpgHome } from '../../fixtures/gpg-home.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { makeThrowawayKey } from '../../fixtures/throwaway-key.js';
import { acceptsSigner, acquireRelease, commitRelease, loadPackageIndex, updateRepositories } from './index.js';

const HELLO = { package: 'hello', version: '2.10-3', architecture: 'amd64' };

function suite(overrides: Partial<SuiteSpec> = {}): SuiteSpec {
  return { suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], packages: [HELLO], indexCompression: ['gz'], ...overrides };
}

const benches: AptBench[] = [];
after(async () => {
  await Promise.all(benches.map((b) => b.close()));
});
async function bench(spec: Parameters<typeof startAptBench>[0]): Promise<AptBench> {
  const b = await startAptBench(spec);
  benches.push(b);
  return b;
}
const AMD64 = { architectures: ['amd64'] };

describe('signed-by keys', () => {
  it('keeps a key URL pinned on later runs, when the cached file also holds other keys', async () => {
    const attacker = await makeThrowawayKey({ name: 'attacker' });
    const pinned = await makeThrowawayKey({ name: 'archive' });
    const b = await bench(await buildAptRepo({ suites: [suite({ sign: { key: attacker } })] }));
    const files = new Map(b.repo.files);
    files.set('key.asc', Buffer.from(`${pinned.armoredPublicKey}\n${attacker.armoredPublicKey}`));
    b.server.setFiles(files);
    const repo = b.repository('bookworm', { keys: [{ kind: 'url', url: `${b.server.url}key.asc`, fingerprint: pinned.fingerprint }] });
    for (const run of [1, 2]) {
      await assert.rejects(updateRepositories([repo], AMD64, b.context()), { code: 'ERR_APT_SIGNATURE' }, `run ${run}`);
    }
    const keys = await readdir(join(b.cacheDir, 'apt', 'keys'));
    assert.deepEqual(keys, [`${pinned.fingerprint}.key`]);
    await assert.rejects(updateRepositories([b.repository('bookworm', { keys: [{ kind: 'url', url: `${b.server.url}key.asc`, fingerprint: '../../x' }] })], AMD64, b.context()), { code: 'ERR_APT_KEY' });
  });

  it('counts only signatures by the keys signed-by fingerprints name', async () => {
    const a = await makeThrowawayKey({ name: 'key a' });
    const other = await makeThrowawayKey({ name: 'key b' });
    const b = await bench(await buildAptRepo({ suites: [suite({ sign: { key: other } })] }));
    const both = join(b.cacheDir, '..', `${b.cacheDir.split('/').pop()}-both.gpg`);
    await writeFile(both, Buffer.concat([a.binaryPublicKey, other.binaryPublicKey]));
    const only = (f: string) => b.repository('bookworm', { keys: [{ kind: 'file', path: both }, { kind: 'fingerprint', fingerprint: f }] });
    await assert.rejects(updateRepositories([only(a.fingerprint)], AMD64, b.context()), { code: 'ERR_APT_SIGNATURE' });
    await updateRepositories([only(other.fingerprint)], AMD64, b.context());
  });

  it('acceptsSigner follows apt: a fingerprint names a key or its primary; with ! only the key itself', () => {
    const trusted = (exact: boolean) => ({ keyring: { keys: [] }, fingerprints: [{ fingerprint: 'SUB1', exact }] });
    assert.equal(acceptsSigner(trusted(false), 'SUB1', 'PRIMARY'), true);
    assert.equal(acceptsSigner(trusted(true), 'SUB1', 'PRIMARY'), true);
    assert.equal(acceptsSigner(trusted(true), 'SUB2', 'PRIMARY'), false);
    assert.equal(acceptsSigner({ keyring: { keys: [] }, fingerprints: [{ fingerprint: 'PRIMARY', exact: false }] }, 'SUB2', 'PRIMARY'), true);
    assert.equal(acceptsSigner({ keyring: { keys: [] }, fingerprints: [{ fingerprint: 'PRIMARY', exact: true }] }, 'SUB2', 'PRIMARY'), false);
    assert.equal(acceptsSigner({ keyring: { keys: [] }, fingerprints: [] }, 'ANY', 'ANY'), true);
  });
});

describe('cleartext InRelease', () => {
  it('refuses armor headers other than Hash, and a Hash header the signature does not use', async () => {
    const repo = await buildAptRepo({ suites: [suite()] });
    const path = releasePath('bookworm', 'InRelease');
    const text = repo.files.get(path)!.toString('utf8');
    assert.match(text, /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA(256|512)\n/);
    const injected = await bench(withFile(repo, path, Buffer.from(text.replace(/^(Hash: .*\n)/m, '$1X-Injected: Suite: evil\n'))));
    await assert.rejects(updateRepositories([injected.repository('bookworm')], AMD64, injected.context()), { code: 'ERR_APT_MALFORMED', message: /armor header "X-Injected" is not allowed/ });
    const conflict = await bench(withFile(repo, path, Buffer.from(text.replace(/^Hash: .*$/m, 'Hash: MD5'))));
    await assert.rejects(updateRepositories([conflict.repository('bookworm')], AMD64, conflict.context()), { code: 'ERR_APT_SIGNATURE', message: /signature digest conflict/ });
  });

  describe('signed by gpg over bytes that are not UTF-8', () => {
    let gpg: GpgHome | undefined;
    before(async () => {
      gpg = await makeGpgHome();
    });
    after(async () => {
      await gpg?.close();
    });
    it('verifies the bytes as served', async (t) => {
      if (!requireTool(t, 'gpg')) return;
      const base = await buildAptRepo({ suites: [suite()] });
      const release = base.files.get(releasePath('bookworm', 'Release'))!;
      const latin1 = Buffer.concat([Buffer.from('Origin: M'), Buffer.from([0xfc]), Buffer.from('ller\n'), release.subarray(release.indexOf('Label:'))]);
      gpg!.gpg(['--quick-gen-key', 'latin1 test <t@example.invalid>', 'ed25519', 'sign', '1d']);
      await writeFile(join(gpg!.dir, 'Release'), latin1);
      gpg!.gpg(['--clearsign', '--digest-algo', 'SHA256', '-o', join(gpg!.dir, 'InRelease'), join(gpg!.dir, 'Release')]);
      const pub = join(gpg!.dir, 'pub.gpg');
      gpg!.gpg(['--export', '-o', pub]);
      assert.equal(gpg!.gpgv(['--keyring', pub, join(gpg!.dir, 'InRelease')]).status, 0, 'gpgv accepts it');
      const b = await bench(withFile(base, releasePath('bookworm', 'InRelease'), await readFile(join(gpg!.dir, 'InRelease'))));
      const vr = await acquireRelease(b.repository('bookworm', { keys: [{ kind: 'file', path: pub }] }), b.context());
      assert.equal(vr.release.origin, 'M\ufffdller', 'parsed as UTF-8 after verification');
    });
  });
});

describe('Release checks', () => {
  it('does not take a pocket of the codename for the suite', async () => {
    const repo = await resignRelease(await buildAptRepo({ suites: [suite({ codename: 'bookworm' })] }), 'bookworm', { edit: (t) => t.replace(/^Suite: .*$/m, 'Suite: bookworm-proposed') });
    const b = await bench(repo);
    await assert.rejects(updateRepositories([b.repository('bookworm')], AMD64, b.context()), { code: 'ERR_APT_RELEASE_MISMATCH' });
  });

  it('tries the next mirror when one serves a Release that fails its checks', async () => {
    const good = await buildAptRepo({ suites: [suite()] });
    const path = releasePath('bookworm', 'InRelease');
    const bad = withFile(good, path, Buffer.from(good.files.get(path)!.toString('utf8').replace('Suite: bookworm', 'Suite: bookwork')));
    const first = await bench(bad);
    const second = await bench(good);
    const snap = await updateRepositories([first.repository('bookworm', { uris: [first.server.url, second.server.url], keys: [{ kind: 'file', path: second.keyring }] })], AMD64, first.context());
    assert.equal(snap.releases[0]!.mirrors[0], second.server.url);
  });

  it('keeps credentials out of the cache and out of package origins', async () => {
    const b = await bench({ suites: [suite()] });
    const withCreds = b.server.url.replace('http://', 'http://alice:s3cret@');
    const ctx = b.context();
    const snap = await updateRepositories([b.repository('bookworm', { uris: [withCreds] })], AMD64, ctx);
    const index = await loadPackageIndex(snap.indices, 'amd64', ctx);
    assert.equal(index.byName('hello')[0]!.origin.uri, b.server.url);
    for (const f of await b.cacheFiles()) {
      if (f.startsWith('apt/')) assert.doesNotMatch(await readFile(join(b.cacheDir, f), 'utf8'), /s3cret/, f);
    }
  });

  it('fails closed on a damaged rollback state, and never lowers it at commit', async () => {
    const newer = await buildAptRepo({ suites: [suite({ date: new Date('2026-06-01T00:00:00Z') })] });
    const older = await buildAptRepo({ suites: [suite({ date: new Date('2026-05-01T00:00:00Z') })] });
    const b = await bench(older);
    const repo = b.repository('bookworm');
    const pending = await acquireRelease(repo, b.context(), { commit: false });
    b.server.setFiles(newer.files);
    await updateRepositories([repo], AMD64, b.context());
    await assert.rejects(commitRelease(pending, b.context()), { code: 'ERR_APT_ROLLBACK' });
    const [state] = await readdir(join(b.cacheDir, 'apt', 'releases'));
    await writeFile(join(b.cacheDir, 'apt', 'releases', state!), '{ not json');
    await assert.rejects(updateRepositories([repo], AMD64, b.context()), { code: 'ERR_CACHE_CORRUPT', message: /apt\/releases\/.*\.json: is not JSON/ });
  });
});
