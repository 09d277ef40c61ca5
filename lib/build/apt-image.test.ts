/**
 * Packages into images, on a generated repository served on 127.0.0.1: merged /usr, path
 * filters that keep copyright files, Replaces, conffiles, the dpkg database (checked with
 * dpkg-query and dpkg --verify on the image unpacked by umoci), layering and the layer cache.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, type AptRepo, type RepoPackage } from '../../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../../fixtures/apt-server.js';
import { makeCertificate } from '../../fixtures/ca-certificates-oracle.js';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { mustRun, runTool } from '../../fixtures/run-tool.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage, type BuildResult } from './build-image.js';

const ARCH_LIB = '/usr/lib/x86_64-linux-gnu';
const LIBGREET: RepoPackage = {
  package: 'libgreet1',
  version: '1.2-1',
  architecture: 'amd64',
  fields: { 'Multi-Arch': 'same' },
  files: [
    { path: `${ARCH_LIB}/libgreet.so.1.2`, body: 'lib\n' },
    { path: `${ARCH_LIB}/libgreet.so.1`, type: 'symlink', target: 'libgreet.so.1.2' },
    { path: '/lib/x86_64-linux-gnu/libgreet-compat.so.1', body: 'compat\n' },
    { path: '/usr/share/doc/libgreet1/copyright', body: 'GPL-2+\n' },
    { path: '/usr/share/doc/libgreet1/changelog.Debian.gz', body: 'changes\n' },
  ],
};
const HELLO: RepoPackage = {
  package: 'hello',
  version: '2.10-3',
  architecture: 'amd64',
  fields: { Depends: 'libgreet1 (>= 1)' },
  files: [
    { path: '/bin/hello', body: '#!/bin/sh\necho hello\n', mode: 0o755 },
    { path: '/usr/share/man/man1/hello.1.gz', body: 'man\n' },
    { path: '/usr/share/doc/hello/copyright', body: 'GPL-3+\n' },
    { path: '/etc/hello.conf', body: 'greeting=hi\n' },
    { path: '/tmp', type: 'directory', mode: 0o1777 },
  ],
  conffiles: ['/etc/hello.conf'],
  scripts: { postinst: '#!/bin/sh\nset -e\nexit 0\n' },
};
const OLDTOOL: RepoPackage = {
  package: 'oldtool',
  version: '1.0-1',
  architecture: 'amd64',
  files: [
    { path: '/usr/bin/tool', body: 'old\n', mode: 0o755 },
    { path: '/usr/bin/oldtool', body: 'o\n', mode: 0o755 },
    // A hard link to the file newtool takes over: it keeps oldtool's bytes, as on a real system.
    { path: '/usr/bin/tool-alias', type: 'hardlink', target: '/usr/bin/tool' },
  ],
};
const NETCAT: RepoPackage = {
  package: 'netcat',
  version: '1.0-1',
  architecture: 'amd64',
  files: [{ path: '/bin/nc.openbsd', body: 'nc\n', mode: 0o755 }],
  scripts: { postinst: '#!/bin/sh\nset -e\nupdate-alternatives --install /bin/nc nc /bin/nc.openbsd 50 \\\n  --slave /bin/netcat netcat /bin/nc.openbsd\n' },
};
const NEWTOOL: RepoPackage = {
  package: 'newtool',
  version: '2.0-1',
  architecture: 'amd64',
  fields: { Replaces: 'oldtool (<< 2)', Depends: 'oldtool' },
  files: [{ path: '/usr/bin/tool', body: 'new\n', mode: 0o755 }],
};
const CLASH: RepoPackage = { package: 'clash', version: '1', architecture: 'amd64', files: [{ path: '/usr/bin/tool', body: 'clash\n', mode: 0o755 }] };

describe('apt packages into layers', () => {
  let dir: string;
  let repo: AptRepo;
  let server: RepoServer;

  const config = (extra: string, packages = 'hello, newtool') =>
    `apt:\n  sources:\n    - uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: ${join(dir, 'archive.gpg')}\n  packages: [${packages}]\n${extra}`;
  const build = async (yaml: string, out: string, cache = 'cache'): Promise<BuildResult> =>
    buildImage(parseConfigText(yaml, join(dir, 'slipway.yaml')), { output: `oci:${join(dir, out)}`, cacheDir: join(dir, cache), sourceDateEpoch: 1700000000 });

  let certs: readonly [Buffer, Buffer] | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-apt-image-'));
    certs = hasTool('openssl') ? [makeCertificate('/CN=Kept Root CA/O=Slipway Test'), makeCertificate('/CN=Dropped Root CA/O=Slipway Test')] : undefined;
    const ca: RepoPackage[] = certs
      ? [{ package: 'ca-certificates', version: '20250419', architecture: 'all', files: [{ path: '/usr/share/ca-certificates/test/kept.crt', body: certs[0] }, { path: '/usr/share/ca-certificates/test/dropped.crt', body: certs[1] }] }]
      : [];
    repo = await buildAptRepo({ suites: [{ suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], packages: [LIBGREET, HELLO, OLDTOOL, NEWTOOL, CLASH, NETCAT, ...ca] }] });
    server = await serveRepo(repo.files);
    await writeFile(join(dir, 'archive.gpg'), repo.key!.binaryPublicKey);
  });
  after(async () => {
    await server.close();
    if (!process.env.KEEP) await rm(dir, { recursive: true, force: true });
  });

  it('unpacks into a merged-/usr tree that dpkg-query and dpkg --verify accept', async (t) => {
    const r = await build(config('paths:\n  exclude: [/usr/share/doc/**, /usr/share/man/**]\n'), 'out1');
    assert.deepEqual(r.packages[0]!.packages.map((p) => `${p.name}=${p.version}`), ['hello=2.10-3', 'libgreet1=1.2-1', 'newtool=2.0-1', 'oldtool=1.0-1']);
    if (!requireTool(t, 'umoci', 'dpkg-query', 'dpkg')) return;
    const bundle = join(dir, 'bundle1');
    mustRun('umoci', ['unpack', '--rootless', '--image', `${join(dir, 'out1')}:latest`, bundle]);
    const root = join(bundle, 'rootfs');
    assert.equal(await readlink(join(root, 'bin')), 'usr/bin');
    assert.equal(await readlink(join(root, 'lib')), 'usr/lib');
    assert.equal(await readFile(join(root, 'usr/bin/hello'), 'utf8'), '#!/bin/sh\necho hello\n');
    assert.equal(await readFile(join(root, 'usr/lib/x86_64-linux-gnu/libgreet-compat.so.1'), 'utf8'), 'compat\n');
    assert.equal(await readFile(join(root, 'usr/bin/tool'), 'utf8'), 'new\n', 'newtool Replaces oldtool');
    assert.equal(await readFile(join(root, 'usr/bin/tool-alias'), 'utf8'), 'old\n', 'the hard link keeps the bytes oldtool shipped');
    assert.equal(await readFile(join(root, 'usr/share/doc/hello/copyright'), 'utf8'), 'GPL-3+\n', 'copyright kept');
    await assert.rejects(stat(join(root, 'usr/share/doc/libgreet1/changelog.Debian.gz')));
    await assert.rejects(stat(join(root, 'usr/share/man/man1/hello.1.gz')));
    assert.equal((await stat(join(root, 'tmp'))).mode & 0o7777, 0o1777);

    const admin = join(root, 'var/lib/dpkg');
    const listed = mustRun('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Package} ${Version} ${Status}\n']);
    assert.equal(listed, 'hello 2.10-3 install ok installed\nlibgreet1:amd64 1.2-1 install ok installed\nnewtool 2.0-1 install ok installed\noldtool 1.0-1 install ok installed\n'.replace('libgreet1:amd64', 'libgreet1'));
    const helloList = mustRun('dpkg-query', [`--admindir=${admin}`, '-L', 'hello']).split('\n');
    assert.ok(helloList.includes('/bin/hello'), 'the database keeps the path the package ships');
    assert.ok(!helloList.includes('/usr/share/man/man1/hello.1.gz'), 'excluded files are not listed');
    assert.ok(helloList.includes('/usr/share/doc/hello/copyright'));
    assert.ok(!mustRun('dpkg-query', [`--admindir=${admin}`, '-L', 'oldtool']).split('\n').includes('/usr/bin/tool'), 'the replaced file left oldtool.list');
    assert.equal(mustRun('dpkg-query', [`--admindir=${admin}`, '-S', '/usr/bin/tool']).trim(), 'newtool: /usr/bin/tool');
    const verify = runTool('dpkg', [`--root=${root}`, `--admindir=${admin}`, '--verify']);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.equal(verify.stdout, '', 'every installed file matches its md5sum');
    assert.match(await readFile(join(admin, 'status'), 'utf8'), /Conffiles:\n \/etc\/hello\.conf [0-9a-f]{32}\n/);
  });

  it('layers per package, grouped and single, and reuses cached layers', async () => {
    const per = await build(config('layers: per-package\n'), 'per', 'cache-layers');
    assert.equal(per.images[0]!.layers.length, 5, 'four packages and the system layer');
    assert.equal(per.packages[0]!.layersReused, 0);
    const again = await build(config('layers: per-package\n'), 'per2', 'cache-layers');
    assert.equal(again.digest, per.digest);
    assert.equal(again.packages[0]!.layersReused, 5);
    const grouped = await build(config('layers: { strategy: grouped, max: 2 }\n'), 'grouped', 'cache-layers');
    assert.equal(grouped.images[0]!.layers.length, 3);
    // The most depended-on package has the bottom layer, identical to its per-package layer.
    assert.equal(grouped.images[0]!.layers[0]!.digest, per.images[0]!.layers[0]!.digest);
    const single = await build(config('layers: single\n'), 'single', 'cache-layers');
    assert.equal(single.images[0]!.layers.length, 2);
    const fresh = await build(config('layers: per-package\n'), 'per3', 'cache-fresh');
    // The hard link whose target newtool took over became a file in oldtool's own layer.
    assert.ok(fresh.images[0]!.layers.length === 5);
    assert.equal(fresh.digest, per.digest, 'the same digest from an empty cache');
  });

  it('puts alternatives and config files below /bin where merged /usr leads, keeping the /bin link', async (t) => {
    const yaml = config('files:\n  - content: "#!/bin/sh\\n"\n    dest: /bin/healthcheck\n    mode: "0755"\n', 'hello, netcat');
    await build(yaml, 'links');
    if (!requireTool(t, 'umoci', 'dpkg')) return;
    const bundle = join(dir, 'bundle-links');
    mustRun('umoci', ['unpack', '--rootless', '--image', `${join(dir, 'links')}:latest`, bundle]);
    const root = join(bundle, 'rootfs');
    assert.equal(await readlink(join(root, 'bin')), 'usr/bin', 'a config file below /bin does not hide the link');
    assert.equal(await readFile(join(root, 'usr/bin/healthcheck'), 'utf8'), '#!/bin/sh\n');
    assert.equal(await readFile(join(root, 'usr/bin/hello'), 'utf8'), '#!/bin/sh\necho hello\n');
    assert.equal(await readlink(join(root, 'usr/bin/nc')), '/etc/alternatives/nc');
    assert.equal(await readlink(join(root, 'usr/bin/netcat')), '/etc/alternatives/netcat');
    assert.equal(await readlink(join(root, 'etc/alternatives/nc')), '/bin/nc.openbsd');
    assert.match(await readFile(join(root, 'var/lib/dpkg/alternatives/nc'), 'utf8'), /^auto\n\/bin\/nc\nnetcat\n\/bin\/netcat\n\n\/bin\/nc\.openbsd\n50\n\/bin\/nc\.openbsd\n\n$/);
  });

  it('leaves a certificate that paths.exclude drops out of the CA bundle and /etc/ssl/certs', async (t) => {
    if (!requireTool(t, 'openssl', 'umoci')) return;
    await build(config('paths:\n  exclude: [/usr/share/ca-certificates/test/dropped.crt]\n', 'ca-certificates'), 'ca');
    const bundle = join(dir, 'bundle-ca');
    mustRun('umoci', ['unpack', '--rootless', '--image', `${join(dir, 'ca')}:latest`, bundle]);
    const root = join(bundle, 'rootfs');
    const pem = (b: Buffer) => b.toString('utf8').trim();
    const caBundle = await readFile(join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8');
    assert.ok(caBundle.includes(pem(certs![0])), 'the kept certificate is in the bundle');
    assert.ok(!caBundle.includes(pem(certs![1])), 'the excluded one is not');
    assert.equal(await readlink(join(root, 'etc/ssl/certs/kept.pem')), '/usr/share/ca-certificates/test/kept.crt');
    await assert.rejects(readlink(join(root, 'etc/ssl/certs/dropped.pem')));
    assert.deepEqual(await readFile(join(root, 'etc/ca-certificates.conf'), 'utf8').then((c) => c.split('\n').filter((l) => l && !l.startsWith('#'))), ['test/kept.crt']);
  });

  it('refuses two packages shipping one file when neither Replaces the other', async () => {
    await assert.rejects(build(config('', 'hello, oldtool, clash'), 'clash'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_LAYER_PATH_CONFLICT');
      assert.match(err.message, /\/usr\/bin\/tool: shipped by (clash 1|oldtool 1\.0-1) and by (oldtool 1\.0-1|clash 1) \(neither package Replaces the other\)/);
      return true;
    });
  });
});
