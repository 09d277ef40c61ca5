/**
 * https repositories: a repository served over TLS with a certificate from a private CA is
 * refused with a hint naming NODE_EXTRA_CA_CERTS, and read when that variable names the CA
 * (Node reads it at start, so the CLI runs as a child process).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo } from '../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../fixtures/apt-server.js';
import { hasTool } from '../fixtures/require-tool.js';
import { mustRun } from '../fixtures/run-tool.js';
import { slipwayCliAsync } from '../fixtures/slipway-cli.js';



describe('slipway update over https', () => {
  let dir: string;
  let server: RepoServer | undefined;
  let config: string;
  let ca: string;

  before(async () => {
    if (!hasTool('openssl')) {
      if (process.env['CI'] === 'true') throw new Error('missing tool openssl; CI=true requires it');
      return;
    }
    dir = await mkdtemp(join(tmpdir(), 'slipway-https-'));
    ca = join(dir, 'ca.pem');
    const key = join(dir, 'key.pem');
    mustRun('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', ca, '-days', '2', '-subj', '/CN=slipway test CA', '-addext', 'subjectAltName=IP:127.0.0.1']);
    const repo = await buildAptRepo({ suites: [{ suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64'], packages: [{ package: 'hello', version: '1.0-1', architecture: 'amd64' }] }] });
    server = await serveRepo(repo.files, { tls: { key: await readFile(key, 'utf8'), cert: await readFile(ca, 'utf8') } });
    const keyring = join(dir, 'archive.gpg');
    await writeFile(keyring, repo.key!.binaryPublicKey);
    config = join(dir, 'slipway.yaml');
    await writeFile(config, `apt:\n  sources:\n    - uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: archive.gpg\n`);
  });
  after(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a certificate from an unknown CA, with a hint', async (t) => {
    if (!server) return t.skip('openssl is missing');
    const r = await slipwayCliAsync(['update', config, '--cache-dir', join(dir, 'cache-a'), '--json'], { env: { NODE_EXTRA_CA_CERTS: '' } });
    assert.equal(r.status, 1, r.stderr);
    const err = (JSON.parse(r.stdout) as { error: { code: string; message: string; hint?: string } }).error;
    assert.equal(err.code, 'ERR_FETCH_NETWORK');
    assert.match(err.message, /https:\/\/127\.0\.0\.1:\d+\/dists\/bookworm\/InRelease/);
    assert.match(err.hint ?? '', /NODE_EXTRA_CA_CERTS/);
  });

  it('reads the repository when NODE_EXTRA_CA_CERTS names the CA', async (t) => {
    if (!server) return t.skip('openssl is missing');
    const r = await slipwayCliAsync(['update', config, '--cache-dir', join(dir, 'cache-b'), '--json'], { env: { NODE_EXTRA_CA_CERTS: ca } });
    assert.equal(r.status, 0, r.stderr || r.stdout);
    const result = JSON.parse(r.stdout) as { repositories: { repository: string; signedBy: string[] }[]; platforms: { packages: number }[] };
    assert.match(result.repositories[0]!.repository, /^https:\/\/127\.0\.0\.1:\d+\/ bookworm$/);
    assert.equal(result.repositories[0]!.signedBy.length, 1);
    assert.equal(result.platforms[0]!.packages, 1);
  });
});
