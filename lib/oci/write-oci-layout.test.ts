import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { TEMP_PREFIX, type Layer } from '../core/index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { AMD64, ARM64, fixtureArtifact, fixtureImage, runTool, type ToolResult } from './fixture-images.test.js';
import type { ImageArtifact } from './image.js';
import { ANNOTATION_REF_NAME, MediaType } from './media-types.js';
import { readOciImage } from './read-image.js';
import { writeOciLayout } from './write-oci-layout.js';

function ok(r: ToolResult, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function indexRefs(dir: string): Promise<string[]> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { annotations?: Record<string, string> }[] };
  return index.manifests.map((m) => m.annotations?.[ANNOTATION_REF_NAME] ?? '-');
}

async function tempFiles(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return all.filter((n) => n.split('/').some((part) => part.startsWith(TEMP_PREFIX)));
}

/** failingAfter is `layer` whose stream breaks after 10 bytes, as a disk or network failure would. */
function failingAfter(layer: Layer): Layer {
  return {
    ...layer,
    open: async () =>
      new Readable({
        read() {
          this.push(Buffer.alloc(10));
          this.destroy(new Error('injected read failure'));
        },
      }),
  };
}

function withLayer(artifact: ImageArtifact, i: number, layer: Layer): ImageArtifact {
  const img = artifact.images[0]!;
  return { images: [{ ...img, layers: img.layers.map((l, j) => (j === i ? layer : l)) }] };
}

describe('writeOciLayout', () => {
  let root: string;
  let single: ImageArtifact;
  let multi: ImageArtifact;
  let arm: ImageArtifact;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-oci-layout-'));
    single = await fixtureArtifact(join(root, 'cache'), 1);
    multi = await fixtureArtifact(join(root, 'cache'), 2);
    arm = { images: [await fixtureImage(join(root, 'cache'), ARM64)] };
  });
  after(() => rm(root, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => join(root, `layout-${++n}`);

  describe('a single-platform image', () => {
    let dir: string;
    let rootDigest: string;
    before(async () => {
      dir = fresh();
      const d = await writeOciLayout(dir, 'latest', single);
      rootDigest = d.digest;
      assert.equal(d.mediaType, MediaType.imageManifest);
      assert.deepEqual(d.platform, AMD64);
      assert.equal(d.annotations?.[ANNOTATION_REF_NAME], 'latest');
    });

    it('writes oci-layout, index.json with one entry, and every blob', async () => {
      assert.equal(await readFile(join(dir, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
      assert.deepEqual(await indexRefs(dir), ['latest']);
      const blobs = await readdir(join(dir, 'blobs', 'sha256'));
      // two layers, config, manifest
      assert.equal(blobs.length, 4);
    });

    it('passes oci-image-tool validate, with and without --ref', async (t) => {
      if (!requireTool(t, 'oci-image-tool')) return;
      ok(await runTool('oci-image-tool', ['validate', '--type', 'image', dir]), 'oci-image-tool validate');
      ok(await runTool('oci-image-tool', ['validate', '--type', 'image', '--ref', 'name=latest', dir]), 'oci-image-tool validate --ref');
    });

    it('is read by skopeo inspect, and --raw gives the manifest bytes', async (t) => {
      if (!requireTool(t, 'skopeo')) return;
      const info = JSON.parse(ok(await runTool('skopeo', ['inspect', `oci:${dir}:latest`]), 'skopeo inspect')) as { Digest: string; Architecture: string; Layers: string[] };
      assert.equal(info.Digest, rootDigest);
      assert.equal(info.Architecture, 'amd64');
      assert.deepEqual(info.Layers, single.images[0]!.layers.map((l) => l.descriptor.digest));
      const raw = ok(await runTool('skopeo', ['inspect', '--raw', `oci:${dir}:latest`]), 'skopeo inspect --raw');
      assert.equal(raw, single.images[0]!.manifest.bytes.toString('utf8'));
    });

    it('is copied by skopeo to a docker-archive', async (t) => {
      if (!requireTool(t, 'skopeo')) return;
      const file = join(root, `copy-${n}.tar`);
      ok(await runTool('skopeo', ['copy', '-q', `oci:${dir}:latest`, `docker-archive:${file}:app:1.0`]), 'skopeo copy');
      const info = JSON.parse(ok(await runTool('skopeo', ['inspect', `docker-archive:${file}`]), 'skopeo inspect')) as { Architecture: string; Layers: string[] };
      assert.equal(info.Architecture, 'amd64');
      assert.deepEqual(info.Layers, single.images[0]!.layers.map((l) => l.diffId));
    });

    it('is unpacked by umoci with the layers\' files', async (t) => {
      if (!requireTool(t, 'umoci')) return;
      const bundle = join(root, `bundle-${n}`);
      ok(await runTool('umoci', ['unpack', '--rootless', '--image', `${dir}:latest`, bundle]), 'umoci unpack');
      assert.equal(await readFile(join(bundle, 'rootfs', 'app', 'hello'), 'utf8'), 'hello from linux/amd64\n');
      assert.equal(await readFile(join(bundle, 'rootfs', 'etc', 'os-release'), 'utf8'), 'ID=slipway-test\n');
      assert.equal(await readlink(join(bundle, 'rootfs', 'app', 'link')), 'hello');
    });
  });

  describe('a two-platform image (nested index plus platform refs)', () => {
    let dir: string;
    before(async () => {
      dir = fresh();
      const d = await writeOciLayout(dir, 'latest', multi);
      assert.equal(d.mediaType, MediaType.imageIndex);
      assert.equal(d.digest, multi.index!.descriptor.digest);
    });

    it('records the index under REF and each manifest under REF-OS-ARCH', async () => {
      assert.deepEqual(await indexRefs(dir), ['latest', 'latest-linux-amd64', 'latest-linux-arm64']);
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; platform?: object }[] };
      assert.equal(index.manifests[0]!.digest, multi.index!.descriptor.digest);
      assert.equal(index.manifests[2]!.digest, multi.images[1]!.manifest.descriptor.digest);
      assert.deepEqual(index.manifests[2]!.platform, ARM64);
    });

    it('shares blobs between platforms (one base layer)', async () => {
      // base layer shared, two app layers, two configs, two manifests, one index
      assert.equal((await readdir(join(dir, 'blobs', 'sha256'))).length, 8);
    });

    it('passes oci-image-tool validate over every ref, nested manifests included', async (t) => {
      if (!requireTool(t, 'oci-image-tool')) return;
      ok(await runTool('oci-image-tool', ['validate', '--type', 'image', dir]), 'oci-image-tool validate');
      // rc1's --ref filter drops the entry after each one it removes, so with three entries only
      // some refs can be selected; without platform refs the nested index alone validates by ref.
      const solo = fresh();
      await writeOciLayout(solo, 'latest', multi, { platformRefs: false });
      assert.deepEqual(await indexRefs(solo), ['latest']);
      ok(await runTool('oci-image-tool', ['validate', '--type', 'image', '--ref', 'name=latest', solo]), 'oci-image-tool validate --ref');
    });

    it('is read by skopeo: --raw gives the index, --override-arch picks the platform', async (t) => {
      if (!requireTool(t, 'skopeo')) return;
      const raw = ok(await runTool('skopeo', ['inspect', '--raw', `oci:${dir}:latest`]), 'skopeo inspect --raw');
      assert.equal(raw, multi.index!.bytes.toString('utf8'));
      for (const [arch, img] of [['amd64', multi.images[0]!], ['arm64', multi.images[1]!]] as const) {
        const info = JSON.parse(ok(await runTool('skopeo', ['inspect', '--override-arch', arch, `oci:${dir}:latest`]), 'skopeo inspect')) as { Architecture: string; Layers: string[] };
        assert.equal(info.Architecture, arch);
        assert.deepEqual(info.Layers, img.layers.map((l) => l.descriptor.digest));
        const viaRef = JSON.parse(ok(await runTool('skopeo', ['inspect', `oci:${dir}:latest-linux-${arch}`]), 'skopeo inspect platform ref')) as { Digest: string };
        assert.equal(viaRef.Digest, img.manifest.descriptor.digest);
      }
    });

    it('is copied by skopeo to a docker-archive for the chosen platform', async (t) => {
      if (!requireTool(t, 'skopeo')) return;
      const file = join(root, `copy-arm-${n}.tar`);
      ok(await runTool('skopeo', ['copy', '-q', '--override-arch', 'arm64', `oci:${dir}:latest`, `docker-archive:${file}:app:arm`]), 'skopeo copy');
      const info = JSON.parse(ok(await runTool('skopeo', ['inspect', `docker-archive:${file}`]), 'skopeo inspect')) as { Architecture: string };
      assert.equal(info.Architecture, 'arm64');
    });

    it('is unpacked by umoci through a platform ref (0.4.7 calls the nested index ambiguous)', async (t) => {
      if (!requireTool(t, 'umoci')) return;
      const nested = await runTool('umoci', ['unpack', '--rootless', '--image', `${dir}:latest`, join(root, `bundle-nested-${n}`)]);
      if (nested.code !== 0) assert.match(nested.stderr + nested.stdout, /ambiguous/);
      const bundle = join(root, `bundle-arm-${n}`);
      ok(await runTool('umoci', ['unpack', '--rootless', '--image', `${dir}:latest-linux-arm64`, bundle]), 'umoci unpack');
      assert.equal(await readFile(join(bundle, 'rootfs', 'app', 'hello'), 'utf8'), 'hello from linux/arm64\n');
      assert.equal(await readFile(join(bundle, 'rootfs', 'etc', 'os-release'), 'utf8'), 'ID=slipway-test\n');
    });
  });

  describe('merging into an existing layout', () => {
    it('keeps the first ref when a second is written, and replaces a ref rewritten', async (t) => {
      const dir = fresh();
      await writeOciLayout(dir, 'one', single);
      await writeOciLayout(dir, 'two', multi);
      assert.deepEqual(await indexRefs(dir), ['one', 'two', 'two-linux-amd64', 'two-linux-arm64']);
      await writeOciLayout(dir, 'one', arm);
      assert.deepEqual(await indexRefs(dir), ['one', 'two', 'two-linux-amd64', 'two-linux-arm64']);
      assert.deepEqual((await readOciImage({ transport: 'oci', path: dir, ref: 'one' })).images[0]!.platform, ARM64);
      await writeOciLayout(dir, 'two', single);
      assert.deepEqual(await indexRefs(dir), ['one', 'two']);
      if (!requireTool(t, 'skopeo')) return;
      const info = JSON.parse(ok(await runTool('skopeo', ['inspect', `oci:${dir}:one`]), 'skopeo inspect')) as { Architecture: string };
      assert.equal(info.Architecture, 'arm64');
    });

    it('does not write blobs that are already present', async () => {
      const dir = fresh();
      await writeOciLayout(dir, 'a', multi);
      const blobsDir = join(dir, 'blobs', 'sha256');
      const before = new Map<string, string>();
      for (const name of await readdir(blobsDir)) {
        const st = await stat(join(blobsDir, name));
        before.set(name, `${st.ino}:${st.mtimeMs}`);
      }
      await new Promise((r) => setTimeout(r, 20));
      await writeOciLayout(dir, 'b', multi);
      await writeOciLayout(dir, 'c', single);
      for (const [name, id] of before) {
        const st = await stat(join(blobsDir, name));
        assert.equal(`${st.ino}:${st.mtimeMs}`, id, name);
      }
      assert.equal((await readdir(blobsDir)).length, before.size);
    });

    it('rewrites a present blob whose size is wrong', async () => {
      const dir = fresh();
      await writeOciLayout(dir, 'a', single);
      const layer = single.images[0]!.layers[1]!;
      const path = join(dir, 'blobs', 'sha256', layer.descriptor.digest.slice(7));
      await writeFile(path, 'truncated');
      await writeOciLayout(dir, 'a', single);
      assert.equal((await stat(path)).size, layer.descriptor.size);
      await readOciImage({ transport: 'oci', path: dir, ref: 'a' });
    });

    it('leaves index.json byte-identical and no temporary files when a layer fails mid-write', async (t) => {
      const dir = fresh();
      await writeOciLayout(dir, 'keep', single);
      const indexBefore = await readFile(join(dir, 'index.json'));
      const broken = withLayer(arm, 1, failingAfter(arm.images[0]!.layers[1]!));
      await assert.rejects(writeOciLayout(dir, 'new', broken), (err: { code?: string; message: string }) => {
        assert.equal(err.code, 'ERR_OUTPUT_WRITE');
        assert.match(err.message, new RegExp(`^oci:${dir}:new: `));
        return true;
      });
      assert.deepEqual(await readFile(join(dir, 'index.json')), indexBefore);
      assert.deepEqual(await tempFiles(dir), []);
      await assert.rejects(readFile(join(dir, 'blobs', 'sha256', arm.images[0]!.layers[1]!.descriptor.digest.slice(7))), { code: 'ENOENT' });
      await readOciImage({ transport: 'oci', path: dir, ref: 'keep' });
      if (!requireTool(t, 'oci-image-tool')) return;
      ok(await runTool('oci-image-tool', ['validate', '--type', 'image', dir]), 'oci-image-tool validate');
    });

    it('fails with ERR_OUTPUT_WRITE before renaming a blob whose bytes do not match its digest', async () => {
      const dir = fresh();
      const layer = arm.images[0]!.layers[1]!;
      const liar: Layer = { ...layer, open: async () => Readable.from([Buffer.alloc(layer.descriptor.size, 0x61)]) };
      await assert.rejects(writeOciLayout(dir, 'x', withLayer(arm, 1, liar)), (err: { code?: string; cause?: { code?: string } }) => {
        assert.equal(err.code, 'ERR_OUTPUT_WRITE');
        assert.equal(err.cause?.code, 'ERR_FETCH_DIGEST_MISMATCH');
        return true;
      });
      await assert.rejects(stat(dir), { code: 'ENOENT' });
    });
  });

  describe('refusals and clean-up', () => {
    it('removes a layout directory it created when the write fails', async () => {
      const parent = join(fresh(), 'new');
      const dir = join(parent, 'layout');
      await assert.rejects(writeOciLayout(dir, 'x', withLayer(arm, 1, failingAfter(arm.images[0]!.layers[1]!))), { code: 'ERR_OUTPUT_WRITE' });
      await assert.rejects(stat(parent.slice(0, parent.lastIndexOf('/'))), { code: 'ENOENT' });
    });

    it('empties an empty directory it was given again when the write fails', async () => {
      const dir = fresh();
      await mkdir(dir);
      await assert.rejects(writeOciLayout(dir, 'x', withLayer(arm, 1, failingAfter(arm.images[0]!.layers[1]!))), { code: 'ERR_OUTPUT_WRITE' });
      assert.deepEqual(await readdir(dir), []);
    });

    it('refuses a non-empty directory that is not a layout with ERR_OUTPUT_WRITE', async () => {
      const dir = fresh();
      await mkdir(dir);
      await writeFile(join(dir, 'notes.txt'), 'mine');
      await assert.rejects(writeOciLayout(dir, 'latest', single), (err: { code?: string; message: string; hint?: string }) => {
        assert.equal(err.code, 'ERR_OUTPUT_WRITE');
        assert.match(err.message, /not an OCI image layout/);
        assert.ok(err.hint);
        return true;
      });
      assert.deepEqual(await readdir(dir), ['notes.txt']);
    });

    it('refuses a path that is a file with ERR_OUTPUT_WRITE', async () => {
      const file = fresh();
      await writeFile(file, 'x');
      await assert.rejects(writeOciLayout(file, 'latest', single), { code: 'ERR_OUTPUT_WRITE' });
    });

    it('refuses a layout with an invalid index.json with ERR_OCI_MALFORMED, changing nothing', async () => {
      const dir = fresh();
      await mkdir(dir);
      await writeFile(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      await writeFile(join(dir, 'index.json'), '{"schemaVersion":2,"manifests":[{"digest":"nope"}]}');
      await assert.rejects(writeOciLayout(dir, 'latest', single), (err: { code?: string; message: string }) => {
        assert.equal(err.code, 'ERR_OCI_MALFORMED');
        assert.match(err.message, /index\.json/);
        return true;
      });
      assert.deepEqual((await readdir(dir)).sort(), ['index.json', 'oci-layout']);
      await writeFile(join(dir, 'index.json'), '{not json');
      await assert.rejects(writeOciLayout(dir, 'latest', single), { code: 'ERR_OCI_MALFORMED' });
      assert.equal(await readFile(join(dir, 'index.json'), 'utf8'), '{not json');
    });

    it('refuses an invalid ref with ERR_OUTPUT_DESTINATION', async () => {
      const dir = fresh();
      await assert.rejects(writeOciLayout(dir, 'not valid', single), { code: 'ERR_OUTPUT_DESTINATION' });
      await assert.rejects(stat(dir), { code: 'ENOENT' });
    });

    it('stops with ERR_ABORTED when its signal fires', async () => {
      const dir = fresh();
      await assert.rejects(writeOciLayout(dir, 'x', single, { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
      await assert.rejects(stat(dir), { code: 'ENOENT' });
    });
  });
});
