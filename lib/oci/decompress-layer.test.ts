import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Digest, Layer } from '../core/index.js';
import { AMD64, fixtureLayers } from './fixture-images.test.js';
import { layerCompression, openUncompressedLayer, uncompressedSize } from './decompress-layer.js';
import { MediaType } from './media-types.js';

describe('layerCompression', () => {
  const cases: [string, string][] = [
    [MediaType.layerGzip, 'gzip'],
    [MediaType.dockerLayerGzip, 'gzip'],
    [MediaType.layerZstd, 'zstd'],
    [MediaType.layerTar, 'none'],
    ['application/vnd.docker.image.rootfs.diff.tar', 'none'],
  ];
  for (const [mediaType, want] of cases) it(`${mediaType} → ${want}`, () => assert.equal(layerCompression(mediaType), want));
});

describe('uncompressedSize and openUncompressedLayer', () => {
  let root: string;
  const layers = new Map<string, Layer>();
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-decompress-'));
    for (const c of ['gzip', 'zstd', 'none'] as const) layers.set(c, (await fixtureLayers(join(root, c), AMD64, c))[1]!);
  });
  after(() => rm(root, { recursive: true, force: true }));

  for (const c of ['gzip', 'zstd', 'none'] as const) {
    it(`gives the ${c} layer's tar, whose sha256 is the diffId`, async () => {
      const layer = layers.get(c)!;
      const size = await uncompressedSize(layer);
      assert.equal(size % 512, 0);
      const hash = createHash('sha256');
      let seen = 0;
      for await (const chunk of await openUncompressedLayer(layer, size)) {
        hash.update(chunk as Buffer);
        seen += (chunk as Buffer).length;
      }
      assert.equal(seen, size);
      assert.equal(`sha256:${hash.digest('hex')}`, layer.diffId);
    });
  }

  it('fails with a digest mismatch when the diffId is wrong', async () => {
    const layer = { ...layers.get('zstd')!, diffId: `sha256:${'1'.repeat(64)}` as Digest };
    await assert.rejects(uncompressedSize(layer), { code: 'ERR_FETCH_DIGEST_MISMATCH' });
    const stream = await openUncompressedLayer(layer, 3072);
    await assert.rejects(async () => {
      for await (const _ of stream);
    }, { code: 'ERR_FETCH_DIGEST_MISMATCH' });
  });
});
