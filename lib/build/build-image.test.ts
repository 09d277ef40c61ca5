/**
 * buildImage end to end on the foundation issue's config, checked by independent tools:
 * oci-image-tool, skopeo, umoci and GNU tar. Also determinism and the output forms.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeExampleProject, type ExampleProject } from '../../fixtures/example-project.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { loadConfigFile } from '../frontend/index.js';
import { buildImage, type BuildResult } from './index.js';

/** What the unpacked rootfs must hold: path → `type mode [-> target]`, owners checked via tar. */
const EXPECTED_ROOTFS: Record<string, string> = {
  '/etc': 'd 755',
  '/etc/group': 'f 644',
  '/etc/motd': 'f 644',
  '/etc/passwd': 'f 644',
  '/opt': 'd 755',
  '/opt/x': 'd 755',
  '/opt/x/bin': 'd 755',
  '/opt/x/bin/x': 'f 4755',
  '/opt/x/share': 'd 755',
  '/opt/x/share/x': 'd 755',
  '/opt/x/share/x/data-link': 'f 644',
  '/opt/x/share/x/data.txt': 'f 644',
  '/srv': 'd 755',
  '/srv/app': 'd 755',
  '/srv/app/lib': 'd 755',
  '/srv/app/lib/deep': 'd 755',
  '/srv/app/lib/deep/more.js': 'f 644',
  '/srv/app/lib/util.js': 'f 644',
  '/srv/app/server.js': 'f 644',
  '/usr': 'd 755',
  '/usr/local': 'd 755',
  '/usr/local/bin': 'd 755',
  '/usr/local/bin/x': 'l 777 -> /opt/x/bin/x',
};

/** Owners as GNU tar lists them from the layers (name → uid/gid), for the entries that are not root's. */
const EXPECTED_OWNERS: Record<string, string> = {
  'opt/x/share/x/data.txt': '7/8',
  'opt/x/share/x/data-link': '7/8',
  'srv/app/': '10001/10001',
  'srv/app/lib/': '10001/10001',
  'srv/app/lib/deep/': '10001/10001',
  'srv/app/lib/deep/more.js': '10001/10001',
  'srv/app/lib/util.js': '10001/10001',
  'srv/app/server.js': '10001/10001',
};

async function listRootfs(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = join(dir, name);
      const st = await lstat(full);
      const path = `/${relative(root, full)}`;
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[path] = `l ${mode} -> ${await readlink(full)}`;
      else if (st.isDirectory()) {
        out[path] = `d ${mode}`;
        await walk(full);
      } else out[path] = `f ${mode}`;
    }
  };
  await walk(root);
  return out;
}

describe('buildImage', () => {
  let project: ExampleProject;
  let work: string;
  let result: BuildResult;
  const out = () => join(work, 'out');
  const build = async (name: string, env: { epoch?: number; cache?: string } = {}) =>
    buildImage(await loadConfigFile(project.config), { output: `oci:${join(work, name)}`, cacheDir: env.cache ?? join(work, 'cache'), sourceDateEpoch: env.epoch ?? 0 });

  before(async () => {
    project = await makeExampleProject();
    work = await mkdtemp(join(tmpdir(), 'slipway-build-'));
    result = await build('out');
  });
  after(async () => {
    await project.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it('builds one index over a manifest per platform', () => {
    assert.equal(result.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(result.images.map((i) => i.platform), ['linux/amd64', 'linux/arm64']);
    assert.equal(result.images[0]!.layers.length, 2);
    assert.deepEqual(result.images[0]!.layers, result.images[1]!.layers, 'platform-independent layers are shared');
  });

  it('passes oci-image-tool validation (each platform ref, and the index blob)', (t) => {
    if (!requireTool(t, 'oci-image-tool')) return;
    // oci-image-tool 1.0.0-rc1 (Debian's) predates nested indexes and finds a ref "not unique"
    // when index.json has more than two entries; so each platform's ref is validated as a
    // layout of its own (same blobs, index.json holding that one entry), and the index as a document.
    const index = JSON.parse(readFileSync(join(out(), 'index.json'), 'utf8')) as { manifests: { annotations: Record<string, string> }[] };
    for (const p of ['amd64', 'arm64']) {
      const view = join(work, `view-${p}`);
      cpSync(join(out(), 'blobs'), join(view, 'blobs'), { recursive: true });
      cpSync(join(out(), 'oci-layout'), join(view, 'oci-layout'));
      const entry = index.manifests.filter((m) => m.annotations['org.opencontainers.image.ref.name'] === `latest-linux-${p}`);
      assert.equal(entry.length, 1);
      writeFileSync(join(view, 'index.json'), JSON.stringify({ ...index, manifests: entry }));
      mustRun('oci-image-tool', ['validate', '--type', 'image', '--ref', `name=latest-linux-${p}`, view]);
    }
    mustRun('oci-image-tool', ['validate', '--type', 'imageIndex', join(out(), 'blobs', 'sha256', result.digest.slice(7))]);
    for (const img of result.images) {
      mustRun('oci-image-tool', ['validate', '--type', 'manifest', join(out(), 'blobs', 'sha256', img.manifest.digest.slice(7))]);
      mustRun('oci-image-tool', ['validate', '--type', 'config', join(out(), 'blobs', 'sha256', img.config.digest.slice(7))]);
    }
  });

  it('skopeo inspects each platform with every runtime field', (t) => {
    if (!requireTool(t, 'skopeo')) return;
    for (const arch of ['amd64', 'arm64']) {
      const info = JSON.parse(mustRun('skopeo', ['inspect', '--override-arch', arch, `oci:${out()}:latest`])) as Record<string, unknown>;
      assert.equal(info['Architecture'], arch);
      assert.equal(info['Os'], 'linux');
      assert.equal((info['Layers'] as string[]).length, 2);
      const config = JSON.parse(mustRun('skopeo', ['inspect', '--config', '--override-arch', arch, `oci:${out()}:latest`])) as {
        architecture: string;
        created: string;
        rootfs: { diff_ids: string[] };
        history: unknown[];
        config: Record<string, unknown>;
      };
      assert.equal(config.architecture, arch);
      assert.equal(config.created, '1970-01-01T00:00:00Z');
      assert.equal(config.rootfs.diff_ids.length, 2);
      assert.equal(config.history.length, 2);
      assert.deepEqual(config.config, {
        User: '10001:10001',
        Entrypoint: ['/srv/app/run'],
        Cmd: ['--serve'],
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'MODE=production'],
        WorkingDir: '/srv/app',
        ExposedPorts: { '8080/tcp': {} },
        Volumes: { '/data': {} },
        Labels: { 'org.opencontainers.image.source': 'https://example.invalid/app' },
        StopSignal: 'SIGUSR2',
      });
    }
  });

  it('skopeo copies it to a docker-archive', (t) => {
    if (!requireTool(t, 'skopeo')) return;
    const archive = join(work, 'copied.tar');
    mustRun('skopeo', ['copy', '--override-arch', 'arm64', `oci:${out()}:latest`, `docker-archive:${archive}:hello:1`]);
    const info = JSON.parse(mustRun('skopeo', ['inspect', `docker-archive:${archive}`])) as Record<string, unknown>;
    assert.equal(info['Architecture'], 'arm64');
    // skopeo inspect shows no RepoTags for archives; the archive's manifest.json has them.
    const manifest = JSON.parse(mustRun('tar', ['-xOf', archive, 'manifest.json'])) as { RepoTags: string[] }[];
    assert.deepEqual(manifest[0]!.RepoTags, ['docker.io/library/hello:1']);
  });

  it('umoci unpacks exactly the expected files, modes and links', async (t) => {
    if (!requireTool(t, 'umoci')) return;
    for (const arch of ['amd64', 'arm64']) {
      const bundle = join(work, `bundle-${arch}`);
      mustRun('umoci', ['unpack', '--rootless', '--image', `${out()}:latest-linux-${arch}`, bundle]);
      assert.deepEqual(await listRootfs(join(bundle, 'rootfs')), EXPECTED_ROOTFS);
      const rootfs = join(bundle, 'rootfs');
      assert.equal(await readFile(join(rootfs, 'etc/passwd'), 'utf8'), 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001::/srv/app:/sbin/nologin\n');
      assert.equal(await readFile(join(rootfs, 'etc/group'), 'utf8'), 'root:x:0:\napp:x:10001:\n');
      assert.equal(await readFile(join(rootfs, 'etc/motd'), 'utf8'), 'hello\n');
      const linked = await lstat(join(rootfs, 'opt/x/share/x/data-link'));
      assert.equal(linked.nlink, 2, 'the tarball hard link stays a hard link');
    }
  });

  it('umoci unpacks the owners too, when it can chown (run as root, as in CI)', async (t) => {
    if (!requireTool(t, 'umoci')) return;
    if (process.getuid?.() !== 0) {
      t.skip('needs root to chown; the GNU tar test below checks owners without it');
      return;
    }
    const bundle = join(work, 'bundle-root');
    mustRun('umoci', ['unpack', '--image', `${out()}:latest-linux-amd64`, bundle]);
    const owners: Record<string, string> = {};
    for (const path of Object.keys(EXPECTED_ROOTFS)) {
      const st = await lstat(join(bundle, 'rootfs', path));
      if (st.uid !== 0 || st.gid !== 0) owners[path.slice(1) + (st.isDirectory() ? '/' : '')] = `${st.uid}/${st.gid}`;
    }
    assert.deepEqual(owners, EXPECTED_OWNERS);
  });

  it('GNU tar lists the owners and a deterministic order in the layers', (t) => {
    if (!requireTool(t, 'tar', 'gzip')) return;
    const owners: Record<string, string> = {};
    const names: string[] = [];
    for (const layer of result.images[0]!.layers) {
      const blob = join(out(), 'blobs', 'sha256', layer.digest.slice(7));
      const listing = mustRun('sh', ['-c', `gzip -dc "$0" | tar -tvf - --numeric-owner --full-time`, blob]);
      for (const line of listing.trim().split('\n')) {
        const cols = line.split(/\s+/);
        const name = cols[5]!;
        assert.equal(`${cols[3]} ${cols[4]}`, '1970-01-01 00:00:00', `${name} mtime`);
        names.push(name);
        if (cols[1] !== '0/0') owners[name] = cols[1]!;
      }
    }
    assert.deepEqual(owners, EXPECTED_OWNERS);
    const top = names.slice(names.indexOf('etc/'));
    assert.deepEqual(top, [...top].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))), 'entries sorted by path bytes');
  });

  it('gives the same digest twice, and again with the cache removed', async () => {
    const again = await build('again');
    assert.equal(again.digest, result.digest);
    await rm(join(work, 'cache'), { recursive: true, force: true });
    const cold = await build('cold');
    assert.equal(cold.digest, result.digest);
  });

  it('changes the digest when SOURCE_DATE_EPOCH or one byte of one file changes', async () => {
    const later = await build('later', { epoch: 1_700_000_000 });
    assert.notEqual(later.digest, result.digest);
    const file = join(project.dir, 'app/lib/util.js');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('1', '2'));
    try {
      const edited = await build('edited');
      assert.notEqual(edited.digest, result.digest);
      assert.equal(edited.images[0]!.layers[0]!.digest, result.images[0]!.layers[0]!.digest, 'the tarball layer is untouched');
    } finally {
      await writeFile(file, original);
    }
    assert.equal((await build('restored')).digest, result.digest);
  });

  it('writes oci-archive and docker-archive outputs that skopeo reads', async (t) => {
    if (!requireTool(t, 'skopeo')) return;
    const plan = await loadConfigFile(project.config);
    const ociArchive = join(work, 'image.oci.tar');
    const r1 = await buildImage(plan, { output: `oci-archive:${ociArchive}:v1`, cacheDir: join(work, 'cache'), sourceDateEpoch: 0 });
    assert.equal(r1.digest, result.digest);
    const i1 = JSON.parse(mustRun('skopeo', ['inspect', '--override-arch', 'arm64', `oci-archive:${ociArchive}:v1`])) as Record<string, unknown>;
    assert.equal(i1['Architecture'], 'arm64');
    const dockerArchive = join(work, 'image.docker.tar');
    const r2 = await buildImage(plan, { output: `docker-archive:${dockerArchive}:hello:1`, platforms: ['linux/arm64'], cacheDir: join(work, 'cache'), sourceDateEpoch: 0 });
    assert.equal(r2.images.length, 1);
    const i2 = JSON.parse(mustRun('skopeo', ['inspect', `docker-archive:${dockerArchive}`])) as Record<string, unknown>;
    assert.equal(i2['Architecture'], 'arm64');
    const manifest = JSON.parse(mustRun('tar', ['-xOf', dockerArchive, 'manifest.json'])) as { RepoTags: string[] }[];
    assert.equal(manifest.length, 1);
    assert.match(manifest[0]!.RepoTags[0]!, /(^|\/)hello:1$/);
    const copied = join(work, 'from-docker-archive');
    mustRun('skopeo', ['copy', `docker-archive:${dockerArchive}`, `oci:${copied}:x`]);
    const i3 = JSON.parse(mustRun('skopeo', ['inspect', '--config', `oci:${copied}:x`])) as { rootfs: { diff_ids: string[] } };
    assert.deepEqual(i3.rootfs.diff_ids, r2.images[0]!.layers.map((l) => l.diffId));
    await assert.rejects(buildImage(plan, { output: `docker-archive:${join(work, 'two.tar')}`, cacheDir: join(work, 'cache') }), { code: 'ERR_OUTPUT_DESTINATION' });
    assert.equal(existsSync(join(work, 'two.tar')), false);
  });
});
