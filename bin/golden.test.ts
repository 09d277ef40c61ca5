/**
 * Golden builds: the examples build to pinned digests on every machine and Node version.
 * A change that alters image bytes on purpose updates them with `npm run golden:update`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { slipwayCli } from '../fixtures/slipway-cli.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const goldenFile = join(repo, 'fixtures', 'golden.json');

describe('golden example builds', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'slipway-golden-'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it("the README's main command builds examples/hello and prints its pinned digest", async () => {
    const golden = JSON.parse(await readFile(goldenFile, 'utf8')) as Record<string, string>;
    const config = 'examples/hello/slipway.yaml';
    const r = slipwayCli(['build', config, '--output', `oci:${join(work, 'out')}`, '--cache-dir', join(work, 'cache'), '--json'], { cwd: repo, env: { SOURCE_DATE_EPOCH: '' } });
    assert.equal(r.status, 0, r.stderr);
    const digest = (JSON.parse(r.stdout) as { digest: string }).digest;
    if (process.env['SLIPWAY_GOLDEN_UPDATE'] === '1') {
      golden[config] = digest;
      await writeFile(goldenFile, `${JSON.stringify(golden, null, 2)}\n`);
      return;
    }
    assert.equal(digest, golden[config], 'image bytes changed: if on purpose, run `npm run golden:update`');
    const text = slipwayCli(['build', config, '--output', `oci:${join(work, 'text')}`, '--cache-dir', join(work, 'cache')], { cwd: repo, env: { SOURCE_DATE_EPOCH: '' } });
    assert.match(text.stdout, new RegExp(`^digest: ${digest}$`, 'm'));
  });
});
