/**
 * Suites and archive layouts: an Ubuntu-style suite (noble) whose packages have zstd members
 * gets merged /usr; a Debian suite before merged /usr (bullseye) keeps /bin a directory, and
 * `apt.merged-usr` overrides the choice. Each image is unpacked with umoci and checked with
 * dpkg --verify.
 */
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, type RepoPackage } from '../../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../../fixtures/apt-server.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun, runTool } from '../../fixtures/run-tool.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage } from './build-image.js';

const tool = (compression: 'zst' | 'xz', version: string): RepoPackage => ({
  package: 'tool',
  version,
  architecture: 'amd64',
  compression: { control: compression, data: compression },
  files: [
    { path: '/bin/tool', body: '#!/bin/sh\n', mode: 0o755 },
    { path: '/usr/share/doc/tool/copyright', body: 'MIT\n' },
  ],
});

describe('suites and archive layouts', () => {
  let dir: string;
  let server: RepoServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-apt-suites-'));
    const date = new Date('2026-06-01T00:00:00Z');
    const repo = await buildAptRepo({
      suites: [
        { suite: 'noble', date, components: ['main'], architectures: ['amd64'], packages: [tool('zst', '1.0-1ubuntu1')] },
        { suite: 'bullseye', date, components: ['main'], architectures: ['amd64'], packages: [tool('xz', '1.0-1')] },
      ],
    });
    server = await serveRepo(repo.files);
    await writeFile(join(dir, 'archive.gpg'), repo.key!.binaryPublicKey);
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const unpack = async (t: { skip: (m: string) => void }, suite: string, extra = ''): Promise<string | undefined> => {
    const yaml = `apt:\n  sources:\n    - uri: ${server.url}\n      suites: [${suite}]\n      components: [main]\n      signed-by: ${join(dir, 'archive.gpg')}\n  packages: [tool]\n${extra}`;
    const out = join(dir, `out-${suite}${extra ? '-x' : ''}`);
    await buildImage(parseConfigText(yaml, join(dir, 'slipway.yaml')), { output: `oci:${out}`, cacheDir: join(dir, 'cache'), sourceDateEpoch: 1700000000 });
    if (!requireTool(t as never, 'umoci', 'dpkg')) return undefined;
    const bundle = `${out}-bundle`;
    mustRun('umoci', ['unpack', '--rootless', '--image', `${out}:latest`, bundle]);
    const root = join(bundle, 'rootfs');
    const verify = runTool('dpkg', [`--root=${root}`, `--admindir=${join(root, 'var/lib/dpkg')}`, '--verify']);
    assert.equal(verify.stdout + verify.stderr, '', 'dpkg --verify is clean');
    return root;
  };

  it('noble (zstd members) gets merged /usr', async (t) => {
    const root = await unpack(t, 'noble');
    if (!root) return;
    assert.equal(await readlink(join(root, 'bin')), 'usr/bin');
    assert.equal(await readFile(join(root, 'usr/bin/tool'), 'utf8'), '#!/bin/sh\n');
  });

  it('bullseye keeps /bin a directory, unless apt.merged-usr says otherwise', async (t) => {
    const root = await unpack(t, 'bullseye');
    if (!root) return;
    assert.ok((await lstat(join(root, 'bin'))).isDirectory());
    assert.equal(await readFile(join(root, 'bin/tool'), 'utf8'), '#!/bin/sh\n');
    const merged = await unpack(t, 'bullseye', '  merged-usr: true\n'.replace(/^/, ''));
    assert.equal(await readlink(join(merged!, 'bin')), 'usr/bin');
  });
});
