/**
 * `platforms: [linux/amd64, linux/arm64]` with apt packages: one index over two manifests,
 * each platform with its own architecture's packages in its layers and its own dpkg database,
 * checked with skopeo and umoci.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, type RepoPackage } from '../../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../../fixtures/apt-server.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage } from './build-image.js';

const tool = (arch: string): RepoPackage => ({
  package: 'tool',
  version: '1.0-1',
  architecture: arch,
  files: [{ path: '/usr/bin/tool', body: `built for ${arch}\n`, mode: 0o755 }],
});
const DATA: RepoPackage = { package: 'tool-data', version: '1.0-1', architecture: 'all', files: [{ path: '/usr/share/tool/data', body: 'shared\n' }] };

describe('apt packages for two platforms', () => {
  let dir: string;
  let server: RepoServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-apt-platforms-'));
    const repo = await buildAptRepo({
      suites: [{ suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64', 'arm64'], packages: [tool('amd64'), tool('arm64'), DATA] }],
    });
    server = await serveRepo(repo.files);
    await writeFile(join(dir, 'archive.gpg'), repo.key!.binaryPublicKey);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an index whose manifests hold each architecture’s packages', async (t) => {
    const yaml = `platforms: [linux/amd64, linux/arm64]\napt:\n  sources:\n    - uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: ${join(dir, 'archive.gpg')}\n  packages: [tool, tool-data]\n`;
    const out = join(dir, 'out');
    const r = await buildImage(parseConfigText(yaml, join(dir, 'slipway.yaml')), { output: `oci:${out}`, cacheDir: join(dir, 'cache'), sourceDateEpoch: 1700000000 });
    assert.equal(r.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(r.packages.map((p) => [p.platform, p.packages.map((x) => `${x.name}:${x.architecture}`)]), [
      ['linux/amd64', ['tool:amd64', 'tool-data:all']],
      ['linux/arm64', ['tool:arm64', 'tool-data:all']],
    ]);
    // tool-data (Architecture: all) is the same layer in both images.
    const shared = r.images.map((img) => img.layers.map((l) => l.digest));
    assert.ok(shared[0]!.some((d) => shared[1]!.includes(d)), 'the arch-independent package layer is shared');
    assert.notDeepEqual(shared[0], shared[1]);
    if (!requireTool(t, 'skopeo', 'umoci')) return;
    for (const arch of ['amd64', 'arm64']) {
      const config = JSON.parse(mustRun('skopeo', ['inspect', '--config', `oci:${out}:latest-linux-${arch}`])) as { architecture: string };
      assert.equal(config.architecture, arch);
      const bundle = join(dir, `bundle-${arch}`);
      mustRun('umoci', ['unpack', '--rootless', '--image', `${out}:latest-linux-${arch}`, bundle]);
      assert.equal(await readFile(join(bundle, 'rootfs/usr/bin/tool'), 'utf8'), `built for ${arch}\n`);
      assert.match(await readFile(join(bundle, 'rootfs/var/lib/dpkg/status'), 'utf8'), new RegExp(`Package: tool\\nStatus: install ok installed\\n(?:.*\\n)*?Architecture: ${arch}\\n`));
    }
  });
});
