import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { TEMP_PREFIX } from '../core/index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { FIXTURE_EPOCH, fixtureArtifact, runTool, type ToolResult } from './fixture-images.test.js';
import type { ImageArtifact } from './image.js';
import { MediaType } from './media-types.js';
import { writeOciArchive } from './write-oci-archive.js';

function ok(r: ToolResult, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

interface Member {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

async function members(file: string): Promise<Member[]> {
  const out: Member[] = [];
  const extract = tar.extract();
  const consume = (async () => {
    for await (const e of extract) {
      const h = e.header;
      out.push({ name: h.name, type: h.type ?? '', mode: h.mode ?? 0, uid: h.uid ?? -1, gid: h.gid ?? -1, mtime: (h.mtime?.getTime() ?? -1) / 1000 });
      e.resume();
    }
  })();
  await Promise.all([pipeline(createReadStream(file), extract as unknown as NodeJS.WritableStream), consume]);
  return out;
}

describe('writeOciArchive', () => {
  let root: string;
  let single: ImageArtifact;
  let multi: ImageArtifact;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-oci-archive-'));
    single = await fixtureArtifact(join(root, 'cache'), 1);
    multi = await fixtureArtifact(join(root, 'cache'), 2);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('writes a deterministic tar: fixed order, owner, modes and mtime', async () => {
    const file = join(root, 'order.tar');
    const d = await writeOciArchive(file, 'latest', multi, { mtime: FIXTURE_EPOCH });
    assert.equal(d.digest, multi.index!.descriptor.digest);
    const list = await members(file);
    const blobs = list.slice(4).map((m) => m.name);
    assert.deepEqual(list.slice(0, 4).map((m) => m.name), ['oci-layout', 'index.json', 'blobs/', 'blobs/sha256/']);
    assert.deepEqual(blobs, [...blobs].sort());
    assert.equal(blobs.length, 8);
    for (const m of list) {
      assert.equal(m.mode, m.type === 'directory' ? 0o755 : 0o644, m.name);
      assert.deepEqual([m.uid, m.gid, m.mtime], [0, 0, FIXTURE_EPOCH], m.name);
    }
  });

  it('gives byte-identical files when written twice, even from layers made again', async () => {
    const a = join(root, 'twice-a.tar');
    const b = join(root, 'twice-b.tar');
    await writeOciArchive(a, 'latest', multi);
    const again = await fixtureArtifact(join(root, 'cache-again'), 2);
    await writeOciArchive(b, 'latest', again);
    assert.deepEqual(await readFile(a), await readFile(b));
    await writeOciArchive(a, 'latest', multi);
    assert.deepEqual(await readFile(a), await readFile(b));
  });

  it('is read by skopeo inspect oci-archive:FILE:REF, single and multi-platform', async (t) => {
    if (!requireTool(t, 'skopeo')) return;
    const one = join(root, 'one.tar');
    await writeOciArchive(one, 'v1', single);
    const info = JSON.parse(ok(await runTool('skopeo', ['inspect', `oci-archive:${one}:v1`]), 'skopeo inspect')) as { Digest: string };
    assert.equal(info.Digest, single.images[0]!.manifest.descriptor.digest);
    const two = join(root, 'two.tar');
    await writeOciArchive(two, 'latest', multi);
    const raw = ok(await runTool('skopeo', ['inspect', '--raw', `oci-archive:${two}:latest`]), 'skopeo inspect --raw');
    assert.equal(raw, multi.index!.bytes.toString('utf8'));
    const arm = JSON.parse(ok(await runTool('skopeo', ['inspect', '--override-arch', 'arm64', `oci-archive:${two}:latest`]), 'skopeo inspect')) as { Architecture: string };
    assert.equal(arm.Architecture, 'arm64');
    const viaRef = JSON.parse(ok(await runTool('skopeo', ['inspect', `oci-archive:${two}:latest-linux-arm64`]), 'skopeo inspect')) as { Digest: string };
    assert.equal(viaRef.Digest, multi.images[1]!.manifest.descriptor.digest);
  });

  it('unpacks with tar into a layout that oci-image-tool validates (rc1 cannot walk any archive itself)', async (t) => {
    if (!requireTool(t, 'oci-image-tool', 'tar')) return;
    const file = join(root, 'validate.tar');
    await writeOciArchive(file, 'latest', multi);
    const dir = join(root, 'validate');
    await mkdir(dir);
    ok(await runTool('tar', ['-xf', file, '-C', dir]), 'tar -x');
    ok(await runTool('oci-image-tool', ['validate', '--type', 'image', dir]), 'oci-image-tool validate');
    assert.equal((await stat(join(dir, 'blobs', 'sha256', multi.index!.descriptor.digest.slice(7)))).size, multi.index!.descriptor.size);
  });

  it('leaves neither the file nor a temporary file when a blob fails, and keeps an older file', async () => {
    const dir = join(root, 'fail');
    await mkdir(dir);
    const file = join(dir, 'img.tar');
    const img = single.images[0]!;
    const broken: ImageArtifact = {
      images: [{ ...img, layers: [img.layers[0]!, { ...img.layers[1]!, open: async () => Readable.from([Buffer.from('short')]) }] }],
    };
    await assert.rejects(writeOciArchive(file, 'latest', broken), { code: 'ERR_OUTPUT_WRITE' });
    assert.deepEqual(await readdir(dir), []);
    await writeFile(file, 'older');
    await assert.rejects(writeOciArchive(file, 'latest', broken), { code: 'ERR_OUTPUT_WRITE' });
    assert.deepEqual(await readdir(dir), ['img.tar']);
    assert.equal(await readFile(file, 'utf8'), 'older');
    assert.ok(!(await readdir(dir)).some((n) => n.startsWith(TEMP_PREFIX)));
  });

  it('refuses an invalid ref with ERR_OUTPUT_DESTINATION and stops with ERR_ABORTED', async () => {
    await assert.rejects(writeOciArchive(join(root, 'x.tar'), 'a b', single), { code: 'ERR_OUTPUT_DESTINATION' });
    await assert.rejects(writeOciArchive(join(root, 'x.tar'), 'x', single, { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
    await assert.rejects(stat(join(root, 'x.tar')), { code: 'ENOENT' });
  });

  it('records the manifest itself for a single image', async () => {
    const file = join(root, 'single-root.tar');
    const d = await writeOciArchive(file, 'x', single);
    assert.equal(d.mediaType, MediaType.imageManifest);
  });
});
