/**
 * Test inputs for the lib/oci tests, built in code: images with real layers made by
 * writeLayer (gzip, zstd or none) in a temporary directory, and a runner for the real tools
 * that serve as oracles. This file holds no tests of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import type { DescriptorPlatform, Layer } from '../core/index.js';
import { writeLayer, type Compression, type LayerEntry } from '../layer/index.js';
import { buildImage, buildImageConfig, buildIndex } from './build-documents.js';
import type { Image, ImageArtifact } from './image.js';
import { layerMediaType } from './media-types.js';

/** FIXTURE_EPOCH is the SOURCE_DATE_EPOCH of every fixture image. */
export const FIXTURE_EPOCH = 1_700_000_000;

/** tempDir makes a fresh directory under the OS temp dir, removed when `t` ends. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-oci-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function file(path: string, content: string, mode = 0o644): LayerEntry {
  const body = Buffer.from(content);
  return { path, type: 'file', mode, uid: 0, gid: 0, size: body.length, open: async () => Readable.from([body]) };
}

function dir(path: string): LayerEntry {
  return { path, type: 'directory', mode: 0o755, uid: 0, gid: 0, size: 0 };
}

/** fixtureLayers makes two layers (base: /etc/os-release; app: /app/hello, /app/link) for `platform`. */
export async function fixtureLayers(blobsDir: string, platform: DescriptorPlatform, compression: Compression): Promise<Layer[]> {
  const opts = { compression, mediaType: layerMediaType(compression), blobsDir, mtime: FIXTURE_EPOCH };
  const base = await writeLayer([dir('/etc'), file('/etc/os-release', 'ID=slipway-test\n')], opts);
  const app = await writeLayer(
    [
      dir('/app'),
      file('/app/hello', `hello from ${platform.os}/${platform.architecture}\n`, 0o755),
      { path: '/app/link', type: 'symlink', mode: 0o777, uid: 0, gid: 0, size: 0, linkname: 'hello' },
    ],
    opts,
  );
  return [base, app];
}

/** fixtureImage makes one platform's image over {@link fixtureLayers}. */
export async function fixtureImage(blobsDir: string, platform: DescriptorPlatform, compression: Compression = 'gzip'): Promise<Image> {
  const layers = await fixtureLayers(blobsDir, platform, compression);
  const created = new Date(FIXTURE_EPOCH * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const config = buildImageConfig({
    platform,
    created,
    runtime: { Cmd: ['/app/hello'], Env: ['PATH=/usr/bin:/bin'] },
    layers,
    history: layers.map((_, i) => ({ created, created_by: `slipway test layer ${i}` })),
  });
  return buildImage(config, layers);
}

/** AMD64 and ARM64 are the fixture platforms. */
export const AMD64: DescriptorPlatform = { os: 'linux', architecture: 'amd64' };
/** ARM64 is the second fixture platform. */
export const ARM64: DescriptorPlatform = { os: 'linux', architecture: 'arm64' };

/** fixtureArtifact makes a single-image artifact, or with two platforms an index over linux/amd64 and linux/arm64. */
export async function fixtureArtifact(blobsDir: string, platforms: 1 | 2, compression: Compression = 'gzip'): Promise<ImageArtifact> {
  if (platforms === 1) return { images: [await fixtureImage(blobsDir, AMD64, compression)] };
  const images = [await fixtureImage(blobsDir, AMD64, compression), await fixtureImage(blobsDir, ARM64, compression)];
  return { index: buildIndex(images), images };
}

/** ToolResult is what a finished tool run printed and its exit status. */
export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** runTool runs `cmd` with `args` and resolves with its output, whatever the exit status. */
export function runTool(cmd: string, args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
