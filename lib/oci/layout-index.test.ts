import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Descriptor, Digest } from '../core/index.js';
import { isPlatformRefOf, layoutRefs, mainEntries, mergeLayoutIndex, platformRefName, refNameOf } from './layout-index.js';
import { ANNOTATION_REF_NAME, MediaType } from './media-types.js';
import type { ImageIndex } from './spec-types.js';

const digest = (c: string) => `sha256:${c.repeat(64)}` as Digest;
function entry(ref: string | undefined, c: string, platform?: { os: string; architecture: string; variant?: string }): Descriptor {
  return {
    mediaType: platform ? MediaType.imageManifest : MediaType.imageIndex,
    digest: digest(c),
    size: 10,
    ...(platform ? { platform } : {}),
    ...(ref ? { annotations: { [ANNOTATION_REF_NAME]: ref } } : {}),
  };
}
const index = (...manifests: Descriptor[]): ImageIndex => ({ schemaVersion: 2, mediaType: MediaType.imageIndex, manifests });
const refs = (i: ImageIndex) => i.manifests.map((d) => `${refNameOf(d) ?? '-'}=${d.digest.slice(7, 8)}`);
const amd = { os: 'linux', architecture: 'amd64' };
const arm = { os: 'linux', architecture: 'arm64' };

describe('platformRefName', () => {
  it('appends os, architecture and variant', () => {
    assert.equal(platformRefName('latest', amd), 'latest-linux-amd64');
    assert.equal(platformRefName('v1', { os: 'linux', architecture: 'arm', variant: 'v7' }), 'v1-linux-arm-v7');
    assert.equal(platformRefName('team/app:1', arm), 'team/app:1-linux-arm64');
  });
  it('gives undefined when the result is not a ref name', () => {
    assert.equal(platformRefName('x', { os: 'weird os', architecture: 'a' }), undefined);
  });
});

describe('isPlatformRefOf', () => {
  it('matches only the platform ref of its own platform', () => {
    assert.equal(isPlatformRefOf(entry('latest-linux-amd64', 'a', amd), 'latest'), true);
    assert.equal(isPlatformRefOf(entry('latest-linux-amd64', 'a', arm), 'latest'), false);
    assert.equal(isPlatformRefOf(entry('latest-linux-amd64', 'a'), 'latest'), false);
    assert.equal(isPlatformRefOf(entry('latest', 'a', amd), 'latest'), false);
  });
});

describe('mergeLayoutIndex', () => {
  it('starts a new index.json', () => {
    const got = mergeLayoutIndex(undefined, [entry('latest', 'a')]);
    assert.deepEqual(got, index(entry('latest', 'a')));
  });
  it('appends a new ref after the existing entries, keeping their order and unnamed entries', () => {
    const got = mergeLayoutIndex(index(entry('b', 'b'), entry(undefined, 'c'), entry('a', 'a')), [entry('new', 'd')]);
    assert.deepEqual(refs(got), ['b=b', '-=c', 'a=a', 'new=d']);
  });
  it('replaces a ref in place and drops its later duplicates', () => {
    const got = mergeLayoutIndex(index(entry('x', 'b'), entry('latest', 'a'), entry('y', 'c'), entry('latest', 'e')), [entry('latest', 'd')]);
    assert.deepEqual(refs(got), ['x=b', 'latest=d', 'y=c']);
  });
  it('replaces a ref and all its platform refs together, leaving look-alikes of other platforms', () => {
    const old = index(entry('latest', 'a'), entry('latest-linux-amd64', 'b', amd), entry('latest-linux-arm64', 'c', arm), entry('latest-linux-s390x', 'e', amd), entry('other', 'f'));
    const got = mergeLayoutIndex(old, [entry('latest', '1'), entry('latest-linux-arm64', '2', arm)]);
    assert.deepEqual(refs(got), ['latest=1', 'latest-linux-arm64=2', 'latest-linux-s390x=e', 'other=f']);
  });
  it('keeps other members of the document', () => {
    const old = { ...index(entry('a', 'a')), annotations: { note: 'kept' } };
    assert.deepEqual(mergeLayoutIndex(old, [entry('b', 'b')]).annotations, { note: 'kept' });
  });
  it('needs a ref name on the first entry', () => {
    assert.throws(() => mergeLayoutIndex(undefined, [entry(undefined, 'a')]), TypeError);
  });
});

describe('layoutRefs', () => {
  it('lists ref names once, in entry order', () => {
    assert.deepEqual(layoutRefs(index(entry('b', 'b'), entry(undefined, 'c'), entry('a', 'a'), entry('b', 'd'))), ['b', 'a']);
  });
});

describe('mainEntries', () => {
  it('leaves out the platform refs of other entries', () => {
    const i = index(entry('latest', 'a'), entry('latest-linux-amd64', 'b', amd), entry('solo-linux-amd64', 'c', amd));
    assert.deepEqual(mainEntries(i).map((d) => refNameOf(d)), ['latest', 'solo-linux-amd64']);
  });
});
