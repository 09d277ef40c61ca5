import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureArtifact } from './fixture-images.test.js';
import type { ImageArtifact } from './image.js';
import { selectImage } from './select-image.js';

describe('selectImage', () => {
  let root: string;
  let single: ImageArtifact;
  let multi: ImageArtifact;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-select-'));
    single = await fixtureArtifact(root, 1);
    multi = await fixtureArtifact(root, 2);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('returns the only image without a platform', () => {
    assert.equal(selectImage(single), single.images[0]);
  });
  it('returns the image of the platform asked for', () => {
    assert.equal(selectImage(multi, { os: 'linux', architecture: 'arm64' }), multi.images[1]);
    assert.equal(selectImage(single, { os: 'linux', architecture: 'amd64' }), single.images[0]);
  });
  it('refuses several images without a platform, listing them', () => {
    assert.throws(() => selectImage(multi), (err: { code?: string; hint?: string }) => err.code === 'ERR_OUTPUT_DESTINATION' && err.hint === 'choose one of: linux/amd64, linux/arm64');
  });
  it('refuses a platform the artifact lacks', () => {
    assert.throws(() => selectImage(multi, { os: 'linux', architecture: 'arm', variant: 'v7' }), (err: { code?: string; message: string }) => err.code === 'ERR_OUTPUT_DESTINATION' && err.message.includes('linux/arm/v7'));
  });
});
