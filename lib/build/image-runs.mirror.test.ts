/**
 * Images that run: bookworm and trixie images built from the host's Debian mirror, unpacked
 * with umoci and entered with chroot: curl, an HTTPS request to the mirror with certificate
 * verification (the CA bundle), python3 with ssl and json, jq, sh -c, awk (an alternative),
 * id app (users). Then dpkg-query on the unpacked image lists exactly the resolved packages
 * and dpkg --verify finds every file's md5sum right.
 *
 * The machines running these tests may reach the mirror through a proxy with its own CA,
 * installed on the host under /usr/local/share/ca-certificates; the config adds those
 * certificates the way a user adds a corporate CA, and the image's bundle must include them.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEBIAN_KEYRING, hostDebianUri } from '../../fixtures/host-debian-repos.js';
import { testCacheDir } from '../../fixtures/host-mirror-index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun, runTool } from '../../fixtures/run-tool.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage, type BuildResult } from './build-image.js';

const PACKAGES = ['ca-certificates', 'curl', 'python3', 'jq', 'dash', 'mawk', 'base-passwd', 'passwd', 'base-files', 'libc-bin', 'coreutils'];
const HOST_CA_DIR = '/usr/local/share/ca-certificates';

function configFor(suite: string, uri: string, security: string): string {
  return [
    'apt:',
    '  sources:',
    `    - uri: ${uri}`,
    `      suites: [${suite}, ${suite}-updates]`,
    '      components: [main]',
    `      signed-by: ${DEBIAN_KEYRING}`,
    `    - uri: ${security}`,
    `      suites: [${suite}-security]`,
    '      components: [main]',
    `      signed-by: ${DEBIAN_KEYRING}`,
    `  packages: [${PACKAGES.join(', ')}]`,
    'users:',
    '  - name: app',
    '    uid: 1000',
    'paths:',
    '  exclude: [/usr/share/doc/**, /usr/share/man/**, /usr/share/locale/**]',
    'files:',
    '  - src: "ca/*.crt"',
    `    dest: ${HOST_CA_DIR}/`,
    '',
  ].join('\n');
}

describe('images built from the host mirror run', { timeout: 900_000 }, () => {
  let dir: string;
  const uri = hostDebianUri('bookworm');
  const security = hostDebianUri('bookworm-security');
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-runs-'));
    await mkdir(join(dir, 'ca'));
    // A placeholder keeps the glob non-empty on hosts without local CAs (it is not a certificate and is skipped).
    const local = await readdir(HOST_CA_DIR).catch(() => [] as string[]);
    for (const name of local.filter((n) => n.endsWith('.crt'))) await copyFile(join(HOST_CA_DIR, name), join(dir, 'ca', name));
    if (!local.some((n) => n.endsWith('.crt'))) await writeFile(join(dir, 'ca', 'none.crt'), '');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const suite of ['bookworm', 'trixie']) {
    it(`${suite}: curl, HTTPS to the mirror, python3, jq, sh, awk and id run in the image; dpkg agrees`, async (t) => {
      if (!requireTool(t, 'umoci', 'chroot', 'dpkg-query', 'dpkg')) return;
      if (uri === undefined || security === undefined) {
        if (process.env['CI'] === 'true') throw new Error('the host has no apt source for bookworm and bookworm-security; CI=true requires them');
        return t.skip('the host has no Debian apt sources');
      }
      if (process.getuid?.() !== 0) {
        if (process.env['CI'] === 'true') throw new Error('chroot needs root; CI runs tests as root');
        return t.skip('chroot needs root');
      }
      const config = join(dir, `${suite}.yaml`);
      await writeFile(config, configFor(suite, uri, security));
      const out = join(dir, `out-${suite}`);
      const result: BuildResult = await buildImage(parseConfigText(configFor(suite, uri, security), config), {
        output: `oci:${out}`,
        cacheDir: join(testCacheDir(), 'build'),
        sourceDateEpoch: 1700000000,
      });
      const bundle = join(dir, `bundle-${suite}`);
      mustRun('umoci', ['unpack', '--image', `${out}:latest`, bundle]);
      const root = join(bundle, 'rootfs');
      // Name resolution for the HTTPS request: the host's resolver, as a container runtime would mount it.
      await copyFile('/etc/resolv.conf', join(root, 'etc/resolv.conf')).catch(() => undefined);
      const run = (...args: string[]) => {
        const r = runTool('chroot', [root, ...args]);
        assert.equal(r.status, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        return r.stdout;
      };
      assert.match(run('curl', '--version'), /^curl \d+\.\d+/);
      const https = uri.replace(/^http:/, 'https:').replace(/\/?$/, '/');
      assert.equal(run('curl', '-sSf', '-o', '/dev/null', '-w', '%{http_code}', `${https}dists/${suite}/Release`), '200');
      assert.equal(run('python3', '-c', 'import ssl, json; print(1)'), '1\n');
      assert.equal(run('sh', '-c', 'echo {\\"a\\": 41} | jq ".a + 1"'), '42\n');
      assert.equal(run('sh', '-c', 'echo ok'), 'ok\n');
      assert.equal(run('awk', 'BEGIN { print 6 * 7 }'), '42\n');
      assert.match(run('id', 'app'), /^uid=1000\(app\) gid=1000\(app\)/);

      const admin = join(root, 'var/lib/dpkg');
      const listed = mustRun('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${Package} ${Version} ${Status}\n']).trim().split('\n').sort();
      const want = result.packages[0]!.packages.map((p) => `${p.name} ${p.version} install ok installed`).sort();
      assert.deepEqual(listed, want);
      assert.ok(want.length > 20, `${want.length} packages`);
      const verify = runTool('dpkg', [`--root=${root}`, `--admindir=${admin}`, '--verify']);
      assert.equal(verify.stdout + verify.stderr, '', 'dpkg --verify: every installed file has its md5sum');
      assert.equal(verify.status, 0);
    });
  }
});
