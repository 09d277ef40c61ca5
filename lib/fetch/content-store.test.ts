import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { sha256Digest, TEMP_PREFIX } from '../core/index.js';
import { ContentStore, STALE_TEMP_AGE_MS } from './index.js';

describe('ContentStore.put', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-store-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('removes temporary files a killed process left, older than STALE_TEMP_AGE_MS, on its first write', async () => {
    const root = join(dir, 'blobs');
    const blobs = join(root, 'sha256');
    await mkdir(blobs, { recursive: true });
    const now = Date.now();
    const stale = `${TEMP_PREFIX}incoming-1234-aaaaaaaaaaaa`;
    const staleLayer = `${TEMP_PREFIX}layer-1234-bbbbbbbbbbbb`;
    const recent = `${TEMP_PREFIX}incoming-5678-cccccccccccc`;
    const notTemp = 'README';
    for (const name of [stale, staleLayer, recent, notTemp]) await writeFile(join(blobs, name), 'partial');
    const old = new Date(now - STALE_TEMP_AGE_MS - 60_000);
    for (const name of [stale, staleLayer, notTemp]) await utimes(join(blobs, name), old, old);
    // Just under the age: a write that may still be going on.
    const young = new Date(now - STALE_TEMP_AGE_MS + 60 * 60_000);
    await utimes(join(blobs, recent), young, young);

    const store = new ContentStore(root);
    const { digest } = await store.put(Readable.from([Buffer.from('blob')]));
    assert.equal(digest, sha256Digest('blob'));
    assert.deepEqual((await readdir(blobs)).sort(), [recent, notTemp, digest.slice('sha256:'.length)].sort());

    // Once per process and directory: a file that turns stale later stays until the next process.
    await utimes(join(blobs, recent), old, old);
    await new ContentStore(root).put(Readable.from([Buffer.from('other')]));
    assert.ok((await readdir(blobs)).includes(recent));
  });

  it('writes into a new store with nothing to sweep', async () => {
    const store = new ContentStore(join(dir, 'fresh'));
    const { digest, size } = await store.put(Readable.from([Buffer.from('x')]));
    assert.deepEqual([digest, size], [sha256Digest('x'), 1]);
    assert.equal(await store.has(digest), true);
  });
});
