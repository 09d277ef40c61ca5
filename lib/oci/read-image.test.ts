import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalJson, sha256Digest } from '../core/index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { writeArchiveFile } from './archive-tar.js';
import type { Destination } from './destination.js';
import { AMD64, ARM64, fixtureArtifact, runTool, type ToolResult } from './fixture-images.test.js';
import type { ImageArtifact } from './image.js';
import { MediaType } from './media-types.js';
import { readOciImage } from './read-image.js';
import { DOCKER_LAYER_TAR } from './read-docker-archive.js';
import { writeDockerArchive } from './write-docker-archive.js';
import { writeOciArchive } from './write-oci-archive.js';
import { writeOciLayout } from './write-oci-layout.js';

function ok(r: ToolResult, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** fails asserts that reading `dest` rejects with `code` and a message naming `subject`. */
async function fails(dest: Destination, code: string, subject: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(readOciImage(dest), (err: { code?: string; message: string; hint?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, subject);
    if (hint) assert.match(err.hint ?? '', hint);
    return true;
  });
}

describe('readOciImage', () => {
  let root: string;
  let single: ImageArtifact;
  let multi: ImageArtifact;
  let layout: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-read-'));
    single = await fixtureArtifact(join(root, 'cache'), 1);
    multi = await fixtureArtifact(join(root, 'cache'), 2);
    layout = join(root, 'layout');
    await writeOciLayout(layout, 'one', single);
    await writeOciLayout(layout, 'latest', multi);
  });
  after(() => rm(root, { recursive: true, force: true }));

  describe('an OCI layout directory', () => {
    it('reads a single-platform ref: manifest, config and layers', async () => {
      const r = await readOciImage({ transport: 'oci', path: layout, ref: 'one' });
      const img = single.images[0]!;
      assert.equal(r.ref, 'one');
      assert.deepEqual(r.refs, ['one', 'latest', 'latest-linux-amd64', 'latest-linux-arm64']);
      assert.equal(r.root?.digest, img.manifest.descriptor.digest);
      assert.equal(r.index, undefined);
      assert.equal(r.images.length, 1);
      const got = r.images[0]!;
      assert.deepEqual(got.platform, AMD64);
      assert.equal(got.manifestDescriptor?.digest, img.manifest.descriptor.digest);
      assert.deepEqual(got.manifest, img.manifest.value);
      assert.deepEqual(got.config, img.config.value);
      assert.deepEqual(got.configDescriptor, img.config.descriptor);
      assert.deepEqual(
        got.layers,
        img.layers.map((l) => ({ digest: l.descriptor.digest, size: l.descriptor.size, mediaType: MediaType.layerGzip, diffId: l.diffId })),
      );
    });

    it('reads the nested index of a multi-platform ref, one image per platform', async () => {
      const r = await readOciImage({ transport: 'oci', path: layout, ref: 'latest' });
      assert.equal(r.root?.mediaType, MediaType.imageIndex);
      assert.deepEqual(r.index, multi.index!.value);
      assert.deepEqual(r.images.map((i) => i.platform), [AMD64, ARM64]);
    });

    it('reads a platform ref as one image', async () => {
      const r = await readOciImage({ transport: 'oci', path: layout, ref: 'latest-linux-arm64' });
      assert.deepEqual(r.images.map((i) => i.platform), [ARM64]);
    });

    it('takes the only image when no ref is given, not counting platform refs', async () => {
      const dir = join(root, 'only');
      await writeOciLayout(dir, 'latest', multi);
      const r = await readOciImage({ transport: 'oci', path: dir });
      assert.equal(r.ref, 'latest');
      assert.equal(r.images.length, 2);
    });

    it('refuses to guess between several images: ERR_OCI_NOT_FOUND listing the refs', async () => {
      await fails({ transport: 'oci', path: layout }, 'ERR_OCI_NOT_FOUND', /lists 2 images/, /available refs: one, latest, latest-linux-amd64, latest-linux-arm64/);
    });

    it('reports a missing ref with ERR_OCI_NOT_FOUND listing the refs', async () => {
      await fails({ transport: 'oci', path: layout, ref: 'nope' }, 'ERR_OCI_NOT_FOUND', /^oci:.*:nope: no image with ref "nope"/, /available refs: one, latest/);
    });

    it('reports a missing directory with ERR_OCI_NOT_FOUND naming it', async () => {
      await fails({ transport: 'oci', path: join(root, 'absent') }, 'ERR_OCI_NOT_FOUND', /absent/);
    });

    it('reports a directory without oci-layout as ERR_OCI_MALFORMED', async () => {
      const dir = join(root, 'plain');
      await mkdir(dir);
      await fails({ transport: 'oci', path: dir }, 'ERR_OCI_MALFORMED', /oci-layout: is missing/);
    });

    it('reports invalid JSON in index.json as ERR_OCI_MALFORMED', async () => {
      const dir = join(root, 'badjson');
      await writeOciLayout(dir, 'x', single);
      await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,');
      await fails({ transport: 'oci', path: dir }, 'ERR_OCI_MALFORMED', /index\.json: not valid JSON/);
    });

    it('reports a layer whose bytes do not match its digest as ERR_OCI_MALFORMED, unless layers are not hashed', async () => {
      const dir = join(root, 'corrupt');
      await writeOciLayout(dir, 'x', single);
      const layer = single.images[0]!.layers[1]!;
      const path = join(dir, 'blobs', 'sha256', layer.descriptor.digest.slice(7));
      const bytes = await readFile(path);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      await writeFile(path, bytes);
      await fails({ transport: 'oci', path: dir, ref: 'x' }, 'ERR_OCI_MALFORMED', new RegExp(`layer ${layer.descriptor.digest}`));
      await readOciImage({ transport: 'oci', path: dir, ref: 'x' }, { verifyLayers: false });
    });

    it('reports a manifest whose bytes do not match its digest as ERR_OCI_MALFORMED', async () => {
      const dir = join(root, 'corrupt-manifest');
      await writeOciLayout(dir, 'x', single);
      const m = single.images[0]!.manifest;
      await writeFile(join(dir, 'blobs', 'sha256', m.descriptor.digest.slice(7)), Buffer.from(m.bytes.toString().replace('"schemaVersion":2', '"schemaVersion":3')));
      await fails({ transport: 'oci', path: dir, ref: 'x' }, 'ERR_OCI_MALFORMED', /manifest sha256:.*content has digest/);
    });

    it('reports a missing blob with ERR_OCI_NOT_FOUND', async () => {
      const dir = join(root, 'missing-blob');
      await writeOciLayout(dir, 'x', single);
      await rm(join(dir, 'blobs', 'sha256', single.images[0]!.config.descriptor.digest.slice(7)));
      await fails({ transport: 'oci', path: dir, ref: 'x' }, 'ERR_OCI_NOT_FOUND', /config sha256:.*blob missing/);
    });

    it('reports a root that is neither index nor manifest as ERR_OCI_MALFORMED', async () => {
      const dir = join(root, 'odd-root');
      await writeOciLayout(dir, 'x', single);
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { mediaType: string }[] };
      index.manifests[0]!.mediaType = 'application/x-unknown';
      await writeFile(join(dir, 'index.json'), JSON.stringify(index));
      await fails({ transport: 'oci', path: dir }, 'ERR_OCI_MALFORMED', /neither an image index nor a manifest/);
    });
  });

  describe('an oci-archive', () => {
    it('reads single and multi-platform archives in one pass', async () => {
      const one = join(root, 'one.tar');
      await writeOciArchive(one, 'v1', single);
      const r1 = await readOciImage({ transport: 'oci-archive', path: one });
      assert.equal(r1.ref, 'v1');
      assert.deepEqual(r1.images[0]!.config, single.images[0]!.config.value);
      const two = join(root, 'two.tar');
      await writeOciArchive(two, 'latest', multi);
      const r2 = await readOciImage({ transport: 'oci-archive', path: two, ref: 'latest' });
      assert.deepEqual(r2.images.map((i) => i.platform), [AMD64, ARM64]);
      await fails({ transport: 'oci-archive', path: two, ref: 'v2' }, 'ERR_OCI_NOT_FOUND', /no image with ref "v2"/, /available refs: latest, latest-linux-amd64/);
    });

    it('reports a missing file with ERR_OCI_NOT_FOUND and a file that is not a tar as ERR_OCI_MALFORMED', async () => {
      await fails({ transport: 'oci-archive', path: join(root, 'absent.tar') }, 'ERR_OCI_NOT_FOUND', /absent\.tar/);
      const junk = join(root, 'junk.tar');
      await writeFile(junk, Buffer.alloc(1024, 0x41));
      await fails({ transport: 'oci-archive', path: junk }, 'ERR_OCI_MALFORMED', /junk\.tar/);
    });

    it('reports a blob whose bytes do not match its name as ERR_OCI_MALFORMED', async () => {
      const img = single.images[0]!;
      const layer = img.layers[1]!;
      const file = join(root, 'tampered.tar');
      const json = (v: unknown) => Buffer.from(canonicalJson(v as never));
      const index = { schemaVersion: 2, manifests: [{ ...img.manifest.descriptor, annotations: { 'org.opencontainers.image.ref.name': 'x' } }] };
      await writeArchiveFile(file, [
        { type: 'file', name: 'oci-layout', bytes: json({ imageLayoutVersion: '1.0.0' }) },
        { type: 'file', name: 'index.json', bytes: json(index) },
        { type: 'file', name: `blobs/sha256/${img.manifest.descriptor.digest.slice(7)}`, bytes: img.manifest.bytes },
        { type: 'file', name: `blobs/sha256/${img.config.descriptor.digest.slice(7)}`, bytes: img.config.bytes },
        { type: 'file', name: `blobs/sha256/${img.layers[0]!.descriptor.digest.slice(7)}`, size: img.layers[0]!.descriptor.size, open: () => img.layers[0]!.open() },
        { type: 'file', name: `blobs/sha256/${layer.descriptor.digest.slice(7)}`, bytes: Buffer.alloc(layer.descriptor.size) },
      ]);
      await fails({ transport: 'oci-archive', path: file }, 'ERR_OCI_MALFORMED', new RegExp(`layer ${layer.descriptor.digest}: content has digest`));
    });
  });

  describe('a docker-archive', () => {
    it('reads an archive slipway wrote, by tag or as the only image', async () => {
      const file = join(root, 'docker.tar');
      await writeDockerArchive(file, 'app:1.0', multi.images[1]!);
      const r = await readOciImage({ transport: 'docker-archive', path: file });
      assert.equal(r.ref, 'app:1.0');
      assert.deepEqual(r.refs, ['app:1.0']);
      assert.equal(r.root, undefined);
      const got = r.images[0]!;
      assert.deepEqual(got.platform, ARM64);
      assert.equal(got.manifest, undefined);
      assert.equal(got.configDescriptor.digest, multi.images[1]!.config.descriptor.digest);
      assert.deepEqual(got.layers.map((l) => [l.digest, l.mediaType, l.diffId]), multi.images[1]!.layers.map((l) => [l.diffId, DOCKER_LAYER_TAR, l.diffId]));
      await readOciImage({ transport: 'docker-archive', path: file, ref: 'docker.io/library/app:1.0' });
      await fails({ transport: 'docker-archive', path: file, ref: 'app:2.0' }, 'ERR_OCI_NOT_FOUND', /no image tagged "app:2.0"/, /available refs: app:1\.0/);
    });

    it('reads an archive skopeo wrote (hostname-qualified RepoTags)', async (t) => {
      if (!requireTool(t, 'skopeo')) return;
      const file = join(root, 'skopeo.tar');
      ok(await runTool('skopeo', ['copy', '-q', '--override-arch', 'arm64', `oci:${layout}:latest`, `docker-archive:${file}:app:arm`]), 'skopeo copy');
      const r = await readOciImage({ transport: 'docker-archive', path: file, ref: 'app:arm' });
      assert.deepEqual(r.refs, ['docker.io/library/app:arm']);
      assert.deepEqual(r.images[0]!.platform, ARM64);
      assert.deepEqual(r.images[0]!.layers.map((l) => l.diffId), multi.images[1]!.layers.map((l) => l.diffId));
    });

    it('reports a layer that does not match its diff_id, and a missing manifest.json, as ERR_OCI_MALFORMED', async () => {
      const img = single.images[0]!;
      const file = join(root, 'docker-bad.tar');
      const layer = Buffer.alloc(1024);
      const manifest = [{ Config: 'c.json', RepoTags: ['app:1'], Layers: ['a.tar', 'b.tar'] }];
      await writeArchiveFile(file, [
        { type: 'file', name: 'manifest.json', bytes: Buffer.from(JSON.stringify(manifest)) },
        { type: 'file', name: 'c.json', bytes: img.config.bytes },
        { type: 'file', name: 'a.tar', bytes: layer },
        { type: 'symlink', name: 'b.tar', linkname: 'a.tar' },
      ]);
      assert.notEqual(sha256Digest(layer), img.layers[0]!.diffId);
      await fails({ transport: 'docker-archive', path: file }, 'ERR_OCI_MALFORMED', /a\.tar: uncompressed layer has digest/);
      const empty = join(root, 'docker-empty.tar');
      await writeArchiveFile(empty, [{ type: 'file', name: 'other', bytes: Buffer.from('x') }]);
      await fails({ transport: 'docker-archive', path: empty }, 'ERR_OCI_MALFORMED', /manifest\.json: is missing/);
      await fails({ transport: 'docker-archive', path: join(root, 'absent.tar') }, 'ERR_OCI_NOT_FOUND', /absent\.tar/);
    });
  });
});
