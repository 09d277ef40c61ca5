import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import { startAptBench, type AptBench } from '../../fixtures/apt-client.js';
import { packagesPath, releasePath, type RepoPackage, type RepoSpec, type SuiteSpec } from '../../fixtures/apt-repo.js';
import { makeThrowawayKey } from '../../fixtures/throwaway-key.js';
import { acquireRelease, loadPackageIndex, loadSourceIndex, updateRepositories, type AptRepository } from './index.js';

const PACKAGES: RepoPackage[] = [
  { package: 'hello', version: '2.10-3', architecture: 'amd64', fields: { Depends: 'libc6 (>= 2.34)' } },
  { package: 'hello', version: '2.10-3', architecture: 'arm64', fields: { Depends: 'libc6 (>= 2.34)' } },
  { package: 'hello-doc', version: '2.10-3', architecture: 'all', fields: { Source: 'hello' } },
  { package: 'tiny-httpd', version: '1.0-1', architecture: 'amd64', fields: { Provides: 'httpd, httpd-cgi (= 1.0)' } },
];

function suite(overrides: Partial<SuiteSpec> = {}): SuiteSpec {
  return { suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64', 'arm64'], packages: PACKAGES, ...overrides };
}

const benches: AptBench[] = [];
after(async () => {
  await Promise.all(benches.map((b) => b.close()));
});
async function bench(spec: RepoSpec): Promise<AptBench> {
  const b = await startAptBench(spec);
  benches.push(b);
  return b;
}

async function names(b: AptBench, repo: AptRepository, arch: string): Promise<string[]> {
  const ctx = b.context();
  const snap = await updateRepositories([repo], { architectures: [arch] }, ctx);
  const index = await loadPackageIndex(snap.indices, arch, ctx);
  return [...index].map((r) => `${r.name}/${r.architecture}`).sort();
}

describe('updateRepositories', () => {
  it('verifies the InRelease, fetches the indices and loads records with their origin', async () => {
    const b = await bench({ suites: [suite()] });
    const ctx = b.context();
    const repo = b.repository('bookworm');
    const snap = await updateRepositories([repo], { architectures: ['amd64'] }, ctx);
    const [vr] = snap.releases;
    assert.equal(vr!.file, 'InRelease');
    assert.deepEqual(vr!.signers.map((s) => s.primaryFingerprint), [b.repo.key!.fingerprint]);
    const inRelease = b.repo.files.get(releasePath('bookworm', 'InRelease'))!;
    assert.equal(vr!.digest, `sha256:${createHash('sha256').update(inRelease).digest('hex')}`);
    const index = await loadPackageIndex(snap.indices, 'amd64', ctx);
    assert.deepEqual([...index].map((r) => `${r.name}/${r.architecture}`).sort(), ['hello-doc/all', 'hello/amd64', 'tiny-httpd/amd64']);
    const hello = index.byName('hello')[0]!;
    assert.equal(hello.depends, 'libc6 (>= 2.34)');
    assert.deepEqual(hello.origin, { uri: b.server.url, suite: 'bookworm', component: 'main', poolUrls: [b.server.url], releaseDigest: vr!.digest, signedBy: [b.repo.key!.fingerprint], pin: 500 });
    assert.deepEqual(index.byProvides('httpd').map((r) => r.name), ['tiny-httpd']);
    assert.equal(index.byName('hello-doc')[0]!.source, 'hello');
    const files = await b.cacheFiles();
    assert.ok(files.includes(`blobs/sha256/${vr!.digest.slice(7)}`), 'the verified InRelease is cached');
  });

  for (const compression of ['xz', 'gz', 'zst', 'none'] as const) {
    it(`reads indices published only as ${compression}`, async () => {
      const b = await bench({ suites: [suite({ indexCompression: [compression] })] });
      assert.deepEqual(await names(b, b.repository('bookworm'), 'arm64'), ['hello-doc/all', 'hello/arm64']);
    });
  }

  it('fetches by-hash paths when the Release offers them', async () => {
    const b = await bench({ suites: [suite({ byHash: true })] });
    assert.deepEqual(await names(b, b.repository('bookworm'), 'amd64'), ['hello-doc/all', 'hello/amd64', 'tiny-httpd/amd64']);
    const indexRequests = b.server.requests.filter((r) => r.path.includes('binary-amd64'));
    assert.ok(indexRequests.length > 0 && indexRequests.every((r) => r.path.includes('/by-hash/SHA256/')), JSON.stringify(indexRequests));
  });

  it('reads a binary-all index when arch-all packages are only there', async () => {
    const b = await bench({ suites: [suite({ allIndex: 'only' })] });
    assert.deepEqual(await names(b, b.repository('bookworm'), 'amd64'), ['hello-doc/all', 'hello/amd64', 'tiny-httpd/amd64']);
    assert.ok(b.server.requests.some((r) => r.path.includes('binary-all/Packages')));
  });

  it('skips binary-all as apt does when the Release says No-Support-for-Architecture-all', async () => {
    const b = await bench({ suites: [suite({ allIndex: true })] });
    assert.deepEqual(await names(b, b.repository('bookworm'), 'amd64'), ['hello-doc/all', 'hello/amd64', 'tiny-httpd/amd64']);
    assert.equal(b.server.requests.some((r) => r.path.includes('binary-all/')), false);
  });

  it('falls back to Release and Release.gpg when there is no InRelease', async () => {
    const b = await bench({ suites: [suite({ sign: { key: await makeThrowawayKey(), inRelease: false, releaseGpg: true } })] });
    assert.equal(b.repo.files.has(releasePath('bookworm', 'InRelease')), false);
    const ctx = b.context();
    const vr = await acquireRelease(b.repository('bookworm'), ctx);
    assert.equal(vr.file, 'Release');
    assert.equal(vr.signers.length, 1);
  });

  it('reads a flat repository', async () => {
    const b = await bench({ flat: true, suites: [suite()] });
    assert.deepEqual(await names(b, b.repository('./', { components: [] }), 'amd64'), ['hello-doc/all', 'hello/amd64', 'tiny-httpd/amd64']);
  });

  it('reads the Ubuntu layout (zst indices, several components) and Sources indices', async () => {
    const ubuntu = suite({
      suite: 'noble',
      layout: 'ubuntu',
      components: ['main', 'universe'],
      indexCompression: ['zst', 'xz'],
      sources: true,
      packages: [...PACKAGES, { package: 'jq', version: '1.7.1-3', architecture: 'amd64', component: 'universe' }],
    });
    const b = await bench({ suites: [ubuntu] });
    const ctx = b.context();
    const repo = b.repository('noble', { components: ['main', 'universe'], types: ['deb', 'deb-src'] });
    const snap = await updateRepositories([repo], { architectures: ['amd64'] }, ctx);
    assert.deepEqual(
      snap.indices.map((i) => `${i.index.kind} ${i.index.component} ${i.index.architecture}`),
      ['Packages main amd64', 'Sources main source', 'Packages universe amd64', 'Sources universe source'],
    );
    const index = await loadPackageIndex(snap.indices, 'amd64', ctx);
    assert.equal(index.byName('jq')[0]!.origin.component, 'universe');
    const sources = await loadSourceIndex(snap.indices, ctx);
    const [hello] = sources.byName('hello');
    assert.deepEqual(hello!.binaries, ['hello', 'hello-doc']);
    assert.ok(hello!.files.some((f) => f.name.endsWith('.dsc')));
    for (const f of hello!.files) {
      const served = b.repo.files.get(`${hello!.directory}/${f.name}`);
      assert.ok(served, `${hello!.directory}/${f.name} is served`);
      assert.equal(createHash('sha256').update(served).digest('hex'), f.sha256);
      assert.equal(served.length, f.size);
    }
    assert.equal(sources.byName('jq')[0]!.origin.component, 'universe');
  });

  it('retries transient faults and falls back across mirrors', async () => {
    const b = await bench({ suites: [suite({ indexCompression: ['gz'] })] });
    b.server.fault(releasePath('bookworm', 'InRelease'), { kind: 'status', status: 503, times: 2 });
    b.server.fault(packagesPath('bookworm', 'main', 'amd64', 'gz'), { kind: 'truncate', times: 1 });
    b.server.fault(packagesPath('bookworm', 'main', 'arm64', 'gz'), { kind: 'corrupt', times: 1 });
    const dead = await startAptBench({ suites: [suite()] });
    const deadUrl = dead.server.url;
    await dead.close();
    const repo = b.repository('bookworm', { uris: [deadUrl, b.server.url] });
    const ctx = b.context({ attempts: 3 });
    const snap = await updateRepositories([repo], { architectures: ['amd64', 'arm64'] }, ctx);
    assert.equal(snap.releases[0]!.mirrors[0], b.server.url);
    assert.ok(b.progress.some((e) => e.type === 'retry'));
    assert.equal((await loadPackageIndex(snap.indices, 'arm64', ctx)).byName('hello').length, 1);
  });

  it('falls back to another form of an index when one is wrong on the mirror, as apt does', async () => {
    const b = await bench({ suites: [suite({ indexCompression: ['gz', 'xz'] })] });
    const gz = packagesPath('bookworm', 'main', 'amd64', 'gz');
    b.server.fault(gz, { kind: 'corrupt' });
    const ctx = b.context({ attempts: 2 });
    const repo = b.repository('bookworm');
    const snap = await updateRepositories([repo], { architectures: ['amd64'] }, ctx);
    assert.equal(snap.indices[0]!.index.file.path, 'main/binary-amd64/Packages.xz');
    assert.equal(b.server.requests.filter((r) => r.path === gz).length, 2, 'the wrong form was tried a bounded number of times');
    assert.equal((await loadPackageIndex(snap.indices, 'amd64', ctx)).byName('hello').length, 1);
    const offline = await updateRepositories([repo], { architectures: ['amd64'] }, b.context({ offline: true }));
    assert.equal(offline.indices[0]!.index.file.path, 'main/binary-amd64/Packages.xz');
  });

  it('works offline from the cache alone, and fails clearly on a miss', async () => {
    const b = await bench({ suites: [suite()] });
    const repo = b.repository('bookworm');
    await assert.rejects(updateRepositories([repo], { architectures: ['amd64'] }, b.context({ offline: true })), { code: 'ERR_FETCH_OFFLINE', message: /no verified Release in the cache/ });
    await updateRepositories([repo], { architectures: ['amd64'] }, b.context());
    const served = b.server.requests.length;
    const ctx = b.context({ offline: true });
    const snap = await updateRepositories([repo], { architectures: ['amd64'] }, ctx);
    assert.equal(b.server.requests.length, served, 'offline makes no request');
    assert.equal(snap.releases[0]!.fromCache, true);
    assert.equal((await loadPackageIndex(snap.indices, 'amd64', ctx)).byName('hello').length, 1);
    await assert.rejects(updateRepositories([repo], { architectures: ['arm64'] }, b.context({ offline: true })), { code: 'ERR_FETCH_OFFLINE' });
  });

  it('lets two clients fill one cache at the same time', async () => {
    const b = await bench({ suites: [suite()] });
    const repo = b.repository('bookworm');
    const [x, y] = await Promise.all([0, 1].map(() => updateRepositories([repo], { architectures: ['amd64', 'arm64'] }, b.context())));
    assert.equal(x!.releases[0]!.digest, y!.releases[0]!.digest);
    const ctx = b.context({ offline: true });
    const snap = await updateRepositories([repo], { architectures: ['amd64', 'arm64'] }, ctx);
    assert.equal((await loadPackageIndex(snap.indices, 'amd64', ctx)).size, 3);
  });

  it('takes a key fetched by URL when its fingerprint is the pinned one, and refuses another', async () => {
    const b = await bench({ suites: [suite()] });
    const files = new Map(b.repo.files);
    files.set('keys/archive.asc', Buffer.from(b.repo.key!.armoredPublicKey));
    b.server.setFiles(files);
    const url = `${b.server.url}keys/archive.asc`;
    const good = b.repository('bookworm', { keys: [{ kind: 'url', url, fingerprint: b.repo.key!.fingerprint }] });
    await updateRepositories([good], { architectures: ['amd64'] }, b.context());
    const wrong = b.repository('bookworm', { keys: [{ kind: 'url', url, fingerprint: '0'.repeat(40) }] });
    await assert.rejects(updateRepositories([wrong], { architectures: ['amd64'] }, b.context()), { code: 'ERR_APT_KEY', message: /not the pinned fingerprint 0{40}/ });
    await updateRepositories([good], { architectures: ['amd64'] }, b.context({ offline: true }));
  });

  it('accepts an unsigned repository only when trusted, with a warning', async () => {
    const b = await bench({ suites: [suite({ sign: { key: null } })] });
    const repo = b.repository('bookworm', { keys: [], trusted: true });
    const snap = await updateRepositories([repo], { architectures: ['amd64'] }, b.context());
    assert.deepEqual(snap.releases[0]!.signers, []);
    assert.deepEqual(b.warnings.map((w) => w.code), ['W_APT_UNAUTHENTICATED']);
  });

  it('reads an armored keyring file and narrows keys by fingerprint', async () => {
    const b = await bench({ suites: [suite()] });
    const asc = `${b.keyring}.asc`;
    await writeFile(asc, b.repo.key!.armoredPublicKey);
    const repo = b.repository('bookworm', { keys: [{ kind: 'file', path: asc }, { kind: 'fingerprint', fingerprint: b.repo.key!.fingerprint }] });
    await updateRepositories([repo], { architectures: ['amd64'] }, b.context());
    const none = b.repository('bookworm', { keys: [{ kind: 'file', path: asc }, { kind: 'fingerprint', fingerprint: 'A'.repeat(40) }] });
    await assert.rejects(updateRepositories([none], { architectures: ['amd64'] }, b.context()), { code: 'ERR_APT_KEY' });
    await assert.rejects(updateRepositories([b.repository('bookworm', { keys: [{ kind: 'file', path: '/nonexistent/key.gpg' }] })], { architectures: ['amd64'] }, b.context()), {
      code: 'ERR_APT_KEY',
      message: /\/nonexistent\/key\.gpg: cannot be read/,
    });
  });
});

