import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { DigestMismatchError, sha256Digest, type Digest } from '../core/index.js';
import { ContentStore, downloadToStore, Fetcher, type FetcherOptions, type FetchProgress } from './index.js';

/** Handler answers the `n`th request (1-based) for its path. */
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** TestServer serves per-path handlers on 127.0.0.1 and counts requests, open and at most open. */
class TestServer {
  readonly routes = new Map<string, Handler>();
  readonly counts = new Map<string, number>();
  readonly headers: IncomingMessage['headers'][] = [];
  active = 0;
  maxActive = 0;
  #server: Server = createServer((req, res) => this.#handle(req, res));
  base = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((r) => this.#server.close(r));
  }

  reset(): void {
    this.routes.clear();
    this.counts.clear();
    this.headers.length = 0;
    this.maxActive = 0;
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  count(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '';
    const n = this.count(path) + 1;
    this.counts.set(path, n);
    this.headers.push(req.headers);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    res.once('close', () => this.active--);
    const handler = this.routes.get(path);
    if (handler) handler(req, res, n);
    else res.writeHead(404).end('not here');
  }
}

const serve = (body: Buffer): Handler => (_req, res) => void res.writeHead(200, { 'content-length': body.length }).end(body);

function bytes(size: number, seed: number): Buffer {
  const rand = seededRandom(seed);
  return Buffer.from(Array.from({ length: size }, () => Math.floor(rand() * 256)));
}

const server = new TestServer();
let dir: string;
let store: ContentStore;
const fetchers: Fetcher[] = [];

function fetcher(opts: Partial<FetcherOptions> = {}): Fetcher {
  const f = new Fetcher({ store, backoffMs: 0, ...opts });
  fetchers.push(f);
  return f;
}

/** storeEntries lists what is in the store's sha256 directory, temporary files included. */
async function storeEntries(): Promise<string[]> {
  return readdir(join(store.root, 'sha256')).catch(() => []);
}

const blob = bytes(200_000, 1);
const blobDigest: Digest = sha256Digest(blob);
const expectBlob = { sha256: blobDigest, size: blob.length, subject: 'blob.bin' };

before(() => server.start());
after(() => server.stop());
beforeEach(async () => {
  server.reset();
  dir = await mkdtemp(join(tmpdir(), 'slipway-fetcher-'));
  store = new ContentStore(join(dir, 'store'));
});
afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('Fetcher.fetchVerified', () => {
  it('downloads into the store, verified, and counts it', async () => {
    server.routes.set('/blob', serve(blob));
    const f = fetcher({ userAgent: 'slipway-test' });
    assert.equal(await f.fetchVerified([server.url('/blob')], expectBlob), blobDigest);
    assert.ok((await readFile(store.path(blobDigest))).equals(blob));
    assert.deepEqual(f.stats(), { files: 1, bytes: blob.length, cachedFiles: 0, retries: 0 });
    assert.equal(server.headers[0]?.['user-agent'], 'slipway-test');
  });

  it('answers from the store without the network, online and offline', async () => {
    server.routes.set('/blob', serve(blob));
    await fetcher().fetchVerified([server.url('/blob')], expectBlob);
    for (const offline of [false, true]) {
      const events: FetchProgress[] = [];
      const f = fetcher({ offline, onProgress: (e) => events.push(e) });
      assert.equal(await f.fetchVerified([server.url('/blob')], expectBlob), blobDigest);
      assert.deepEqual(events, [{ type: 'cached', subject: 'blob.bin', bytes: blob.length }]);
      assert.equal(f.stats().cachedFiles, 1);
    }
    assert.equal(server.count('/blob'), 1);
  });

  it('offline, fails on a blob not in the store without touching the network', async () => {
    server.routes.set('/blob', serve(blob));
    const f = fetcher({ offline: true });
    await assert.rejects(f.fetchVerified([server.url('/blob')], expectBlob), (err: { code: string; message: string; hint: string }) => {
      assert.equal(err.code, 'ERR_FETCH_OFFLINE');
      assert.match(err.message, /^blob\.bin: /);
      assert.match(err.hint, /online/);
      return true;
    });
    await assert.rejects(f.fetchBytes([server.url('/blob')], { maxBytes: 1e6, subject: 'InRelease' }), { code: 'ERR_FETCH_OFFLINE' });
    assert.equal(server.count('/blob'), 0);
  });

  it('moves on to the next URL after a 404, without retrying it', async () => {
    server.routes.set('/blob', serve(blob));
    const f = fetcher();
    await f.fetchVerified([server.url('/by-hash/x'), server.url('/blob')], expectBlob);
    assert.equal(server.count('/by-hash/x'), 1);
    assert.equal(server.count('/blob'), 1);
  });

  it('retries 500s with backoff until a 200 (attempts)', async () => {
    server.routes.set('/blob', (req, res, n) => (n <= 2 ? void res.writeHead(500).end() : serve(blob)(req, res, n)));
    const events: FetchProgress[] = [];
    const f = fetcher({ attempts: 3, backoffMs: 1, random: () => 0.5, onProgress: (e) => events.push(e) });
    await f.fetchVerified([server.url('/blob')], expectBlob);
    assert.equal(server.count('/blob'), 3);
    assert.equal(f.stats().retries, 2);
    assert.deepEqual(events.filter((e) => e.type === 'retry').map((e) => e.type === 'retry' && [e.attempt, e.error]), [
      [2, `GET ${server.url('/blob')}: HTTP 500`],
      [3, `GET ${server.url('/blob')}: HTTP 500`],
    ]);
    server.routes.set('/always', (_req, res) => void res.writeHead(503).end());
    await assert.rejects(fetcher({ attempts: 2 }).fetchVerified([server.url('/always')], { ...expectBlob, sha256: sha256Digest('z') }), { code: 'ERR_FETCH_NETWORK' });
    assert.equal(server.count('/always'), 2);
  });

  it('retries after a connection reset mid-body', async () => {
    server.routes.set('/blob', (req, res, n) => {
      if (n > 1) return serve(blob)(req, res, n);
      res.writeHead(200, { 'content-length': blob.length });
      res.write(blob.subarray(0, 50_000), () => res.socket?.resetAndDestroy());
    });
    await fetcher().fetchVerified([server.url('/blob')], expectBlob);
    assert.equal(server.count('/blob'), 2);
  });

  it('retries a truncated body: Content-Length larger than sent, or a short body without one', async () => {
    server.routes.set('/blob', (req, res, n) => {
      if (n > 1) return serve(blob)(req, res, n);
      res.writeHead(200, { 'content-length': blob.length });
      res.write(blob.subarray(0, 1000), () => res.socket?.end());
    });
    server.routes.set('/short', (req, res, n) => {
      if (n > 1) return serve(blob)(req, res, n);
      res.writeHead(200, { connection: 'close' }).end(blob.subarray(0, 1000));
    });
    await fetcher().fetchVerified([server.url('/blob')], expectBlob);
    await rm(store.path(blobDigest));
    await fetcher().fetchVerified([server.url('/short')], expectBlob);
    assert.deepEqual([server.count('/blob'), server.count('/short')], [2, 2]);
  });

  it('fails with ERR_FETCH_DIGEST_MISMATCH when the bytes are wrong every time, storing nothing', async () => {
    const wrong = bytes(blob.length, 2);
    server.routes.set('/blob', serve(wrong));
    await assert.rejects(fetcher({ attempts: 3 }).fetchVerified([server.url('/blob')], expectBlob), (err: DigestMismatchError) => {
      assert.equal(err.code, 'ERR_FETCH_DIGEST_MISMATCH');
      assert.equal(err.subject, 'blob.bin');
      assert.equal(err.actual, sha256Digest(wrong));
      return true;
    });
    assert.equal(server.count('/blob'), 3);
    assert.deepEqual(await storeEntries(), []);
  });

  it('cuts off a body larger than the expected size as soon as the excess arrives', async () => {
    const total = 64 * 1024 * 1024;
    let sent = 0;
    let completed = false;
    let closed: Promise<unknown> = Promise.resolve();
    server.routes.set('/huge', (_req, res) => {
      closed = new Promise((resolve) => res.once('close', resolve));
      res.writeHead(200); // chunked: no Content-Length to refuse early
      const chunk = Buffer.alloc(64 * 1024, 7);
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(() => (completed = true));
      };
      res.once('close', () => res.removeAllListeners('drain'));
      pump();
    });
    await assert.rejects(fetcher().fetchVerified([server.url('/huge')], { sha256: blobDigest, size: 1000, subject: 'huge.bin' }), (err: Error & { code: string }) => {
      assert.equal(err.code, 'ERR_FETCH_TOO_LARGE');
      assert.equal(err.message, `huge.bin: GET ${server.url('/huge')} sent more than the expected 1000 bytes`);
      return true;
    });
    await closed;
    assert.equal(completed, false, 'the server finished sending');
    assert.ok(sent < total, `server sent ${sent} of ${total} bytes`);
    assert.equal(server.count('/huge'), 1, 'too large is not retried');
    assert.deepEqual(await storeEntries(), []);
  });

  it('refuses at once a body whose Content-Length exceeds the expected size', async () => {
    server.routes.set('/blob', serve(blob));
    await assert.rejects(fetcher().fetchVerified([server.url('/blob')], { ...expectBlob, size: 10 }), /announces 200000 bytes, more than the expected 10 bytes/);
    assert.deepEqual(await storeEntries(), []);
  });

  it('names every URL and what happened there when all fail', async () => {
    server.routes.set('/broken', (_req, res) => void res.writeHead(502).end());
    const urls = [server.url('/gone'), server.url('/broken')];
    await assert.rejects(fetcher({ attempts: 2 }).fetchVerified(urls, expectBlob), (err: Error & { code: string }) => {
      assert.equal(err.code, 'ERR_FETCH_NETWORK');
      assert.equal(err.message, `blob.bin: every URL failed: GET ${urls[0]}: HTTP 404 (not found); GET ${urls[1]}: HTTP 502 (2 attempts)`);
      return true;
    });
    await assert.rejects(fetcher().fetchVerified([server.url('/a'), server.url('/b')], expectBlob), { code: 'ERR_FETCH_HTTP' });
  });

  it('follows redirects, and sends credentials from the URL without ever printing them', async () => {
    server.routes.set('/blob', serve(blob));
    server.routes.set('/moved', (_req, res) => void res.writeHead(302, { location: '/blob' }).end());
    await fetcher().fetchVerified([server.url('/moved')], expectBlob);
    assert.equal(server.count('/blob'), 1);
    for (let i = 0; i < 6; i++) server.routes.set(`/loop${i}`, (_req, res) => void res.writeHead(301, { location: `/loop${i + 1}` }).end());
    await assert.rejects(fetcher().fetchVerified([server.url('/loop0')], { ...expectBlob, sha256: sha256Digest('x') }), { code: 'ERR_FETCH_HTTP' });
    const secret = server.url('/missing').replace('http://', 'http://user:s3cret@') + '?token=s3cret';
    await assert.rejects(fetcher().fetchVerified([secret], { ...expectBlob, sha256: sha256Digest('y') }), (err: Error) => {
      assert.doesNotMatch(`${err.message} ${String((err as { hint?: string }).hint)}`, /s3cret/);
      return true;
    });
    assert.equal(server.headers.at(-1)?.authorization, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
  });

  it('refuses a redirect to another scheme at once (ERR_FETCH_HTTP, not retried) and tries the next URL', async () => {
    server.routes.set('/blob', serve(blob));
    server.routes.set('/to-file', (_req, res) => void res.writeHead(302, { location: 'file:///etc/passwd' }).end());
    server.routes.set('/to-ftp', (_req, res) => void res.writeHead(301, { location: 'ftp://127.0.0.1/blob' }).end());
    const events: FetchProgress[] = [];
    const f = fetcher({ attempts: 4, onProgress: (e) => events.push(e) });
    for (const [path, scheme] of [['/to-file', 'file:'], ['/to-ftp', 'ftp:']] as const) {
      await assert.rejects(f.fetchBytes([server.url(path)], { maxBytes: 10, subject: 'x' }), (err: Error & { code: string; hint?: string }) => {
        assert.equal(err.code, 'ERR_FETCH_HTTP');
        assert.equal(err.message, `GET ${server.url(path)}: redirected to an unsupported scheme (${scheme})`);
        assert.doesNotMatch(err.hint ?? '', /network/);
        return true;
      });
      assert.equal(server.count(path), 1, `${path} is not retried`);
    }
    assert.equal(await f.fetchVerified([server.url('/to-file'), server.url('/blob')], expectBlob), blobDigest);
    assert.equal(server.count('/to-file'), 2);
    assert.equal(f.stats().retries, 0);
    assert.deepEqual(events.filter((e) => e.type === 'retry'), []);
  });

  it('reads file: URLs with the same verification, offline too', async () => {
    const path = join(dir, 'blob.bin');
    await writeFile(path, blob);
    const f = fetcher({ offline: true });
    await f.fetchVerified([pathToFileURL(join(dir, 'nope')).href, pathToFileURL(path).href], expectBlob);
    assert.ok((await readFile(store.path(blobDigest))).equals(blob));
    await writeFile(path, bytes(blob.length, 3));
    await rm(store.path(blobDigest));
    await assert.rejects(fetcher().fetchVerified([pathToFileURL(path).href], expectBlob), { code: 'ERR_FETCH_DIGEST_MISMATCH' });
    assert.deepEqual(await storeEntries(), []);
  });

  it('reports start, bytes summing to the size, and done', async () => {
    server.routes.set('/blob', serve(blob));
    const events: FetchProgress[] = [];
    await fetcher({ onProgress: (e) => events.push(e) }).fetchVerified([server.url('/blob')], expectBlob);
    const url = server.url('/blob');
    assert.deepEqual(events[0], { type: 'start', url, subject: 'blob.bin', expectedBytes: blob.length });
    assert.deepEqual(events.at(-1), { type: 'done', url, subject: 'blob.bin', bytes: blob.length });
    const chunks = events.filter((e) => e.type === 'bytes');
    assert.equal(chunks.reduce((n, e) => n + e.bytes, 0), blob.length);
    assert.equal(chunks.at(-1)?.received, blob.length);
  });

  it('lets two Fetchers fill one store with the same blob at once', async () => {
    server.routes.set('/blob', serve(blob));
    const [a, b] = await Promise.all([fetcher().fetchVerified([server.url('/blob')], expectBlob), fetcher().fetchVerified([server.url('/blob')], expectBlob)]);
    assert.deepEqual([a, b], [blobDigest, blobDigest]);
    assert.ok((await readFile(store.path(blobDigest))).equals(blob));
    assert.deepEqual(await storeEntries(), [blobDigest.slice('sha256:'.length)]);
  });
});

describe('Fetcher.fetchBytes', () => {
  it('reads small files, caps them at maxBytes, and returns undefined on 404 when allowed', async () => {
    server.routes.set('/InRelease', serve(blob.subarray(0, 1000)));
    const f = fetcher();
    assert.ok((await f.fetchBytes([server.url('/InRelease')], { maxBytes: 1000, subject: 'InRelease' }))?.equals(blob.subarray(0, 1000)));
    await assert.rejects(f.fetchBytes([server.url('/InRelease')], { maxBytes: 999, subject: 'InRelease' }), { code: 'ERR_FETCH_TOO_LARGE' });
    server.routes.set('/chunked', (_req, res) => void res.writeHead(200).end(blob));
    await assert.rejects(f.fetchBytes([server.url('/chunked')], { maxBytes: 1000, subject: 'Release' }), { code: 'ERR_FETCH_TOO_LARGE', message: `Release: GET ${server.url('/chunked')} sent more than the limit of 1000 bytes` });
    assert.equal(await f.fetchBytes([server.url('/a'), server.url('/b')], { maxBytes: 10, subject: 'x', allowNotFound: true }), undefined);
    await assert.rejects(f.fetchBytes([server.url('/a')], { maxBytes: 10, subject: 'x' }), { code: 'ERR_FETCH_HTTP' });
  });

  it('keeps at most `concurrency` requests open', async () => {
    const held: ServerResponse[] = [];
    let seen = 0;
    server.routes.set('/f', (_req, res) => {
      held.push(res);
      seen++;
      // Released when three wait (or the last arrive); a broken limit would show more meanwhile.
      if (held.length === 3 || seen === 20) setTimeout(() => held.splice(0).forEach((r) => r.end('ok')), 20);
    });
    const f = fetcher({ concurrency: 3 });
    const all = await Promise.all(Array.from({ length: 20 }, () => f.fetchBytes([server.url('/f')], { maxBytes: 10, subject: 'f' })));
    assert.equal(all.length, 20);
    assert.equal(server.maxActive, 3);
  });
});

describe('Fetcher aborts and timeouts', () => {
  it('stops a stalled download promptly with ERR_ABORTED, storing nothing', async () => {
    server.routes.set('/stall', (_req, res) => void res.writeHead(200, { 'content-length': blob.length }).write(blob.subarray(0, 1000)));
    const ac = new AbortController();
    const f = fetcher({ timeoutMs: 60_000, onProgress: (e) => e.type === 'bytes' && ac.abort() });
    await assert.rejects(f.fetchVerified([server.url('/stall')], expectBlob, { signal: ac.signal }), (err: Error & { code: string }) => {
      assert.equal(err.code, 'ERR_ABORTED');
      assert.equal(err.message, 'blob.bin: aborted');
      return true;
    });
    assert.deepEqual(await storeEntries(), []);
  });

  it('aborts while waiting for a slot and while backing off', async () => {
    server.routes.set('/stall', (_req, res) => void res.writeHead(200).write('x'));
    server.routes.set('/fail', (_req, res) => void res.writeHead(500).end());
    const f = fetcher({ concurrency: 1, timeoutMs: 60_000, backoffMs: 60_000 });
    const first = new AbortController();
    const stalled = f.fetchBytes([server.url('/stall')], { maxBytes: 10, subject: 'stalled', signal: first.signal });
    const queued = new AbortController();
    const waiting = f.fetchBytes([server.url('/never')], { maxBytes: 10, subject: 'queued', signal: queued.signal });
    queued.abort();
    await assert.rejects(waiting, { code: 'ERR_ABORTED', message: 'queued: aborted' });
    first.abort();
    await assert.rejects(stalled, { code: 'ERR_ABORTED' });
    assert.equal(server.count('/never'), 0);
    const backoff = new AbortController();
    const g = fetcher({ backoffMs: 60_000, onProgress: (e) => e.type === 'retry' && backoff.abort() });
    await assert.rejects(g.fetchBytes([server.url('/fail')], { maxBytes: 10, subject: 'retried', signal: backoff.signal }), { code: 'ERR_ABORTED' });
  });

  it('times out when headers or body stall (ERR_FETCH_NETWORK)', async () => {
    server.routes.set('/silent', () => undefined);
    server.routes.set('/stall', (_req, res) => void res.writeHead(200).write('x'));
    const f = fetcher({ timeoutMs: 100, attempts: 1 });
    await assert.rejects(f.fetchBytes([server.url('/silent')], { maxBytes: 10, subject: 's' }), { code: 'ERR_FETCH_NETWORK', message: `GET ${server.url('/silent')}: no response headers within the timeout` });
    await assert.rejects(f.fetchBytes([server.url('/stall')], { maxBytes: 10, subject: 's' }), { code: 'ERR_FETCH_NETWORK', message: `GET ${server.url('/stall')}: the response body stalled for longer than the timeout` });
  });
});

describe('downloadToStore', () => {
  it('stores a pinned download and reports wrong bytes as a DigestMismatchError', async () => {
    server.routes.set('/t.tar', serve(blob));
    assert.equal(await downloadToStore(server.url('/t.tar'), blobDigest, store), blobDigest);
    assert.ok((await readFile(store.path(blobDigest))).equals(blob));
    const other = sha256Digest('other');
    await assert.rejects(downloadToStore(server.url('/t.tar'), other, store, { attempts: 1 }), (err: unknown) => err instanceof DigestMismatchError && err.code === 'ERR_FETCH_DIGEST_MISMATCH');
    assert.deepEqual(await storeEntries(), [blobDigest.slice('sha256:'.length)]);
  });
});
