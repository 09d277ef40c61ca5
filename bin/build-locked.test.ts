/**
 * `slipway build --locked`: the same lockfile gives the same image digest, twice and from an
 * empty cache; the .debs are fetched by the hash the lock names; a config that asks for more
 * than the lock says, a missing lock and a .deb with other bytes all fail clearly.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, poolPath, withFile, type AptRepo } from '../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../fixtures/apt-server.js';
import { requireTool } from '../fixtures/require-tool.js';
import { runTool } from '../fixtures/run-tool.js';
import { slipwayCliAsync } from '../fixtures/slipway-cli.js';

const HELLO = { package: 'hello', version: '2.10-3', architecture: 'amd64', fields: { Depends: 'libgreet (>= 1)' }, files: [{ path: '/usr/bin/hello', body: 'hello\n', mode: 0o755 }] };
const LIB = { package: 'libgreet', version: '1.2-1', architecture: 'amd64', files: [{ path: '/usr/lib/libgreet.so.1', body: 'lib\n' }] };

describe('slipway build --locked', () => {
  let dir: string;
  let repo: AptRepo;
  let server: RepoServer;
  let config: string;

  const write = (packages: string) =>
    writeFile(config, `apt:\n  sources:\n    - uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: archive.gpg\n  packages: [${packages}]\nfiles:\n  - content: "hi\\n"\n    dest: /etc/motd\n`);
  const build = (out: string, cache: string, ...extra: string[]) => slipwayCliAsync(['build', config, '--locked', '--output', `oci:${join(dir, out)}`, '--cache-dir', join(dir, cache), '--json', ...extra], { env: { SOURCE_DATE_EPOCH: '1700000000' } });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-locked-'));
    repo = await buildAptRepo({ suites: [{ suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], packages: [HELLO, LIB] }] });
    server = await serveRepo(repo.files);
    await writeFile(join(dir, 'archive.gpg'), repo.key!.binaryPublicKey);
    config = join(dir, 'slipway.yaml');
    await write('hello');
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fails without a lockfile', async () => {
    const r = await build('none', 'cache-none');
    assert.equal(r.status, 2, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { error: { code: string } }).error.code, 'ERR_LOCK_MISSING');
  });

  it('gives the same digest twice and from an empty cache, fetching each .deb by its locked hash', async (t) => {
    const lock = await slipwayCliAsync(['lock', config, '--cache-dir', join(dir, 'cache-lock')]);
    assert.equal(lock.status, 0, lock.stderr);
    const text = await readFile(join(dir, 'slipway.lock.json'), 'utf8');
    assert.match(text, /"name": "libgreet"/);
    const first = await build('out1', 'cache-a');
    assert.equal(first.status, 0, first.stderr);
    const debs = server.requests.filter((r) => r.path.startsWith('pool/')).map((r) => r.path).sort();
    assert.deepEqual(debs, [poolPath(HELLO), poolPath(LIB)].sort());
    const again = await build('out2', 'cache-a');
    const fresh = await build('out3', 'cache-b');
    const digest = (r: { stdout: string }) => (JSON.parse(r.stdout) as { digest: string }).digest;
    assert.equal(digest(again), digest(first));
    assert.equal(digest(fresh), digest(first));
    if (!requireTool(t, 'skopeo')) return;
    const raw = runTool('skopeo', ['inspect', '--raw', `oci:${join(dir, 'out1')}:latest`]);
    assert.equal(raw.status, 0, raw.stderr);
    assert.match(raw.stdout, /"dev\.slipway\.apt\.packages":\s*"sha256:[0-9a-f]{64}"/);
  });

  it('refuses a config that asks for more than the lock says', async () => {
    await write('hello, libgreet, hello-doc');
    try {
      const r = await build('stale', 'cache-a');
      assert.equal(r.status, 1, r.stderr);
      const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'ERR_LOCK_STALE');
      assert.match(err.message, /slipway\.lock\.json: the config asks for what the lock does not say: packages added: libgreet, hello-doc/);
    } finally {
      await write('hello');
    }
  });

  it('refuses a .deb whose bytes are not the locked ones, and caches nothing of it', async () => {
    const path = poolPath(LIB);
    const bad = Buffer.from(repo.files.get(path)!);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    server.setFiles(withFile(repo, path, bad).files);
    try {
      const r = await build('tampered', 'cache-c');
      assert.equal(r.status, 1, r.stderr);
      const err = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
      assert.equal(err.code, 'ERR_FETCH_DIGEST_MISMATCH');
      assert.ok(err.message.startsWith(`libgreet 1.2-1 (${path}): expected sha256:`), err.message);
      const got = /got (sha256:[0-9a-f]{64})/.exec(err.message)![1]!;
      const blobs = await readdir(join(dir, 'cache-c', 'blobs', 'sha256')).catch(() => [] as string[]);
      assert.equal(blobs.includes(got.slice(7)), false, 'the wrong bytes are not cached');
      assert.equal(blobs.some((b) => b.startsWith('.slipway-tmp-')), false, 'no temp file is left');
    } finally {
      server.setFiles(repo.files);
    }
  });
});
