/**
 * The README's TypeScript example runs as written (against the built library) and gives
 * an image that skopeo can read.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireTool } from '../fixtures/require-tool.js';
import { mustRun } from '../fixtures/run-tool.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('README', () => {
  it('the TypeScript library example builds the image', async (t) => {
    const readme = await readFile(join(repo, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(code, 'README has a ```ts block');
    const work = await mkdtemp(join(tmpdir(), 'slipway-readme-'));
    try {
      await cp(join(repo, 'examples', 'hello'), join(work, 'examples', 'hello'), { recursive: true });
      // The example is plain JavaScript as well; point its import at this checkout's build.
      const script = code.replace("from 'slipway'", `from ${JSON.stringify(join(repo, 'dist', 'lib', 'index.js'))}`);
      await writeFile(join(work, 'example.mjs'), script);
      const r = spawnSync(process.execPath, ['example.mjs'], { cwd: work, encoding: 'utf8', env: { ...process.env, SLIPWAY_CACHE_DIR: join(work, 'cache') } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
      if (!requireTool(t, 'skopeo')) return;
      const info = JSON.parse(mustRun('skopeo', ['inspect', '--override-arch', 'arm64', `oci:${join(work, 'out')}:hello`])) as { Architecture: string; Layers: string[] };
      assert.equal(info.Architecture, 'arm64');
      assert.equal(info.Layers.length, 1);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
