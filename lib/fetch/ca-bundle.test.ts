/**
 * https trust: which CA files systemCaCertificates reads, and a Fetcher in this process
 * reaching an https server on 127.0.0.1 whose certificate comes from a private CA only when
 * SSL_CERT_FILE (or NODE_EXTRA_CA_CERTS) names that CA. openssl makes the certificates.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { after, before, describe, it, type TestContext } from 'node:test';
import { hasTool, requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { ContentStore, Fetcher, systemCaCertificates } from './index.js';

/** makeCa writes a self-signed P-256 certificate for 127.0.0.1 and its key into `dir`; returns their paths. */
function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  mustRun('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=slipway ${name}`, '-addext', 'subjectAltName=IP:127.0.0.1']);
  return { cert, key };
}

const pemBody = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');

describe('systemCaCertificates', () => {
  let dir: string;
  let ca: { cert: string; key: string } | undefined;
  let other: { cert: string; key: string } | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-ca-'));
    if (!hasTool('openssl')) return;
    ca = makeCa(dir, 'ca');
    other = makeCa(dir, 'other');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const has = async (certs: readonly string[], file: string): Promise<boolean> => {
    const want = pemBody(await readFile(file, 'utf8'));
    return certs.some((c) => pemBody(c) === want);
  };

  it("always starts with Node's bundled roots, each once", () => {
    const certs = systemCaCertificates({});
    assert.deepEqual(certs.slice(0, rootCertificates.length), [...rootCertificates]);
    assert.equal(new Set(certs.map(pemBody)).size, certs.length);
  });

  it('reads SSL_CERT_FILE instead of the system bundle, and adds NODE_EXTRA_CA_CERTS', async (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const viaSsl = systemCaCertificates({ SSL_CERT_FILE: ca!.cert });
    assert.ok(await has(viaSsl, ca!.cert));
    assert.equal(viaSsl.length, rootCertificates.length + 1, 'the roots and the one CA: no system bundle');
    const both = systemCaCertificates({ SSL_CERT_FILE: ca!.cert, NODE_EXTRA_CA_CERTS: other!.cert });
    assert.ok(await has(both, ca!.cert));
    assert.ok(await has(both, other!.cert));
    assert.equal(both.length, viaSsl.length + 1);
    assert.ok(await has([both.at(-1)!], other!.cert), 'NODE_EXTRA_CA_CERTS comes last');
    // A certificate in both files, and one of Node's roots in a bundle, count once.
    const bundle = join(dir, 'bundle.pem');
    await writeFile(bundle, `${await readFile(ca!.cert, 'utf8')}\n${rootCertificates[0]}\n`);
    assert.equal(systemCaCertificates({ SSL_CERT_FILE: bundle, NODE_EXTRA_CA_CERTS: ca!.cert }).length, rootCertificates.length + 1);
  });

  it('skips missing or unreadable files: the next system bundle, no extra certificates', async (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const defaults = systemCaCertificates({});
    assert.deepEqual(systemCaCertificates({ SSL_CERT_FILE: join(dir, 'missing.pem') }), defaults);
    assert.deepEqual(systemCaCertificates({ SSL_CERT_FILE: dir }), defaults, 'a directory cannot be read as a file');
    assert.deepEqual(systemCaCertificates({ NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') }), defaults);
    assert.deepEqual(systemCaCertificates({ SSL_CERT_FILE: '', NODE_EXTRA_CA_CERTS: '' }), defaults);
  });

  it('reads each file once per process', async (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const file = join(dir, 'once.pem');
    await writeFile(file, await readFile(other!.cert, 'utf8'));
    const first = systemCaCertificates({ NODE_EXTRA_CA_CERTS: file });
    await writeFile(file, '');
    assert.deepEqual(systemCaCertificates({ NODE_EXTRA_CA_CERTS: file }), first);
  });
});

describe('Fetcher over https with a private CA', () => {
  let dir: string;
  let server: Server | undefined;
  let url = '';
  let caFile = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-https-fetch-'));
    if (!hasTool('openssl')) return;
    const ca = makeCa(dir, 'server');
    caFile = ca.cert;
    server = createServer({ key: await readFile(ca.key, 'utf8'), cert: await readFile(ca.cert, 'utf8') }, (_req, res) => void res.end('trusted'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/InRelease`;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await rm(dir, { recursive: true, force: true });
  });

  async function read(env: NodeJS.ProcessEnv): Promise<Buffer | undefined> {
    const f = new Fetcher({ store: new ContentStore(join(dir, 'store')), env, attempts: 1 });
    try {
      return await f.fetchBytes([url], { maxBytes: 100, subject: 'InRelease' });
    } finally {
      await f.close();
    }
  }

  it('trusts the CA that SSL_CERT_FILE names', async (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    assert.equal((await read({ SSL_CERT_FILE: caFile }))?.toString(), 'trusted');
  });

  it('trusts the CA that NODE_EXTRA_CA_CERTS names, read by the Fetcher, not by Node at start', async (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    assert.equal((await read({ NODE_EXTRA_CA_CERTS: caFile }))?.toString(), 'trusted');
  });

  it('refuses it otherwise, with ERR_FETCH_NETWORK and a hint naming both variables', async (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    await assert.rejects(read({}), (err: Error & { code?: string; hint?: string }) => {
      assert.equal(err.code, 'ERR_FETCH_NETWORK');
      assert.match(err.message, /^GET https:\/\/127\.0\.0\.1:\d+\/InRelease: TLS: /);
      assert.match(err.hint ?? '', /NODE_EXTRA_CA_CERTS/);
      assert.match(err.hint ?? '', /SSL_CERT_FILE/);
      return true;
    });
  });
});
