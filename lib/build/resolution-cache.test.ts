/**
 * The resolution cache: a rebuild over unchanged repositories reuses the resolution; once
 * the repository publishes a new Release, the build resolves afresh and takes the new version.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, type AptRepo, type RepoPackage } from '../../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../../fixtures/apt-server.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage } from './build-image.js';

const hello = (version: string): RepoPackage => ({ package: 'hello', version, architecture: 'amd64', files: [{ path: '/usr/bin/hello', body: `hello ${version}\n`, mode: 0o755 }] });
const suite = (date: string, version: string) => ({ suite: 'bookworm', date: new Date(date), components: ['main'], architectures: ['amd64'], packages: [hello(version)] });

describe('resolution cache', () => {
  let dir: string;
  let older: AptRepo;
  let newer: AptRepo;
  let server: RepoServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-resolution-cache-'));
    older = await buildAptRepo({ suites: [suite('2026-06-01T00:00:00Z', '1.0-1')] });
    // Throwaway keys are memoised per process: both repositories are signed by the same key.
    newer = await buildAptRepo({ suites: [suite('2026-06-02T00:00:00Z', '1.1-1')] });
    server = await serveRepo(older.files);
    await writeFile(join(dir, 'archive.gpg'), older.key!.binaryPublicKey);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reuses a resolution until the repository moves', async () => {
    const yaml = `apt:\n  sources:\n    - uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: ${join(dir, 'archive.gpg')}\n  packages: [hello]\n`;
    const cache = join(dir, 'cache');
    const build = async () => {
      const r = await buildImage(parseConfigText(yaml, join(dir, 'slipway.yaml')), { output: `oci:${join(dir, 'out')}`, cacheDir: cache, sourceDateEpoch: 1700000000 });
      return r.packages[0]!.packages.map((p) => `${p.name}=${p.version}`);
    };
    assert.deepEqual(await build(), ['hello=1.0-1']);
    assert.equal((await readdir(join(cache, 'resolutions'))).length, 1);
    const indexRequests = () => server.requests.filter((r) => r.path.includes('/Packages')).length;
    const before = indexRequests();
    assert.deepEqual(await build(), ['hello=1.0-1']);
    assert.equal(indexRequests(), before, 'nothing new to fetch');
    assert.equal((await readdir(join(cache, 'resolutions'))).length, 1, 'the same resolution was reused');
    server.setFiles(newer.files);
    assert.deepEqual(await build(), ['hello=1.1-1'], 'a new Release gives a new resolution');
    assert.equal((await readdir(join(cache, 'resolutions'))).length, 2);
  });
});
