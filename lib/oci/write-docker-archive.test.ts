import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { sha256Digest, type Digest } from '../core/index.js';
import type { Compression } from '../layer/index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { AMD64, FIXTURE_EPOCH, fixtureImage, runTool, type ToolResult } from './fixture-images.test.js';
import type { Image } from './image.js';
import { readOciImage } from './read-image.js';
import { writeDockerArchive } from './write-docker-archive.js';

function ok(r: ToolResult, what: string): string {
  assert.equal(r.code, 0, `${what} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

interface Member {
  type: string;
  linkname?: string;
  mtime: number;
  body: Buffer;
}

async function members(file: string): Promise<Map<string, Member>> {
  const out = new Map<string, Member>();
  const extract = tar.extract();
  const consume = (async () => {
    for await (const e of extract) {
      const chunks: Buffer[] = [];
      for await (const c of e as unknown as AsyncIterable<Buffer>) chunks.push(c);
      const h = e.header;
      out.set(h.name, { type: h.type ?? '', ...(h.linkname ? { linkname: h.linkname } : {}), mtime: (h.mtime?.getTime() ?? 0) / 1000, body: Buffer.concat(chunks) });
    }
  })();
  await Promise.all([pipeline(createReadStream(file), extract as unknown as NodeJS.WritableStream), consume]);
  return out;
}

describe('writeDockerArchive', () => {
  let root: string;
  const images = new Map<Compression, Image>();
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-docker-archive-'));
    for (const c of ['gzip', 'zstd', 'none'] as const) images.set(c, await fixtureImage(join(root, `cache-${c}`), AMD64, c));
  });
  after(() => rm(root, { recursive: true, force: true }));

  for (const compression of ['gzip', 'zstd', 'none'] as const) {
    it(`stores ${compression} layers uncompressed, as skopeo reads and copies them`, async (t) => {
      const image = images.get(compression)!;
      const file = join(root, `${compression}.tar`);
      const id = await writeDockerArchive(file, 'app:1.0', image, { mtime: FIXTURE_EPOCH });
      assert.equal(id, image.config.descriptor.digest);
      const list = await members(file);
      for (const layer of image.layers) {
        const body = list.get(`${layer.diffId.slice(7)}.tar`)!.body;
        assert.equal(sha256Digest(body), layer.diffId);
      }
      if (!requireTool(t, 'skopeo')) return;
      const info = JSON.parse(ok(await runTool('skopeo', ['inspect', `docker-archive:${file}`]), 'skopeo inspect')) as { Architecture: string; Layers: string[] };
      assert.equal(info.Architecture, 'amd64');
      assert.deepEqual(info.Layers, image.layers.map((l) => l.diffId));
      ok(await runTool('skopeo', ['inspect', `docker-archive:${file}:app:1.0`]), 'skopeo inspect by tag');
      const dir = join(root, `copied-${compression}`);
      ok(await runTool('skopeo', ['copy', '-q', `docker-archive:${file}`, `oci:${dir}:x`]), 'skopeo copy');
      const copied = await readOciImage({ transport: 'oci', path: dir, ref: 'x' });
      assert.deepEqual(copied.images[0]!.layers.map((l) => l.diffId), image.layers.map((l) => l.diffId));
    });
  }

  it('writes manifest.json, repositories and legacy layer directories that point at each other', async () => {
    const image = images.get('gzip')!;
    const file = join(root, 'layout.tar');
    await writeDockerArchive(file, 'registry:5000/team/app', image, { mtime: FIXTURE_EPOCH });
    const list = await members(file);
    const names = [...list.keys()];
    assert.deepEqual(names.slice(0, 3), ['manifest.json', 'repositories', `${image.config.descriptor.digest.slice(7)}.json`]);
    const manifest = JSON.parse(list.get('manifest.json')!.body.toString()) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    assert.deepEqual(manifest, [
      { Config: `${image.config.descriptor.digest.slice(7)}.json`, Layers: image.layers.map((l) => `${l.diffId.slice(7)}.tar`), RepoTags: ['registry:5000/team/app:latest'] },
    ]);
    assert.deepEqual(list.get(manifest[0]!.Config)!.body, image.config.bytes);
    const repositories = JSON.parse(list.get('repositories')!.body.toString()) as Record<string, Record<string, string>>;
    const top = repositories['registry:5000/team/app']!['latest']!;
    const topJson = JSON.parse(list.get(`${top}/json`)!.body.toString()) as { id: string; parent: string; architecture: string };
    assert.equal(topJson.id, top);
    assert.equal(topJson.architecture, 'amd64');
    assert.equal(list.get(`${top}/VERSION`)!.body.toString(), '1.0');
    assert.deepEqual(list.get(`${top}/layer.tar`), { type: 'symlink', linkname: `../${image.layers[1]!.diffId.slice(7)}.tar`, mtime: FIXTURE_EPOCH, body: Buffer.alloc(0) });
    const base = JSON.parse(list.get(`${topJson.parent}/json`)!.body.toString()) as { id: string; parent?: string };
    assert.equal(base.parent, undefined);
    assert.ok([...list.values()].every((m) => m.mtime === FIXTURE_EPOCH));
  });

  it('writes an untagged archive without RepoTags or repositories, as skopeo does', async (t) => {
    const file = join(root, 'untagged.tar');
    await writeDockerArchive(file, undefined, images.get('gzip')!);
    const list = await members(file);
    assert.equal(list.has('repositories'), false);
    assert.deepEqual((JSON.parse(list.get('manifest.json')!.body.toString()) as { RepoTags: string[] }[])[0]!.RepoTags, []);
    if (!requireTool(t, 'skopeo')) return;
    ok(await runTool('skopeo', ['inspect', `docker-archive:${file}`]), 'skopeo inspect');
  });

  it('gives byte-identical files when written twice', async () => {
    const a = join(root, 'same-a.tar');
    const b = join(root, 'same-b.tar');
    await writeDockerArchive(a, 'app:1', images.get('zstd')!);
    await writeDockerArchive(b, 'app:1', images.get('zstd')!);
    assert.deepEqual(await readFile(a), await readFile(b));
  });

  it('fails before renaming when a layer does not uncompress to its diffId', async () => {
    const image = images.get('gzip')!;
    const wrong = { ...image, layers: [image.layers[0]!, { ...image.layers[1]!, diffId: `sha256:${'0'.repeat(64)}` as Digest }] };
    const dir = join(root, 'wrong');
    await mkdir(dir);
    await assert.rejects(writeDockerArchive(join(dir, 'img.tar'), 'app', wrong), (err: { code?: string; cause?: { code?: string } }) => {
      assert.equal(err.code, 'ERR_OUTPUT_WRITE');
      assert.equal(err.cause?.code, 'ERR_FETCH_DIGEST_MISMATCH');
      return true;
    });
    assert.deepEqual(await readdir(dir), []);
  });

  it('refuses an invalid tag with ERR_OUTPUT_DESTINATION', async () => {
    await assert.rejects(writeDockerArchive(join(root, 'bad.tar'), 'Bad:Name', images.get('gzip')!), { code: 'ERR_OUTPUT_DESTINATION' });
  });
});
