/**
 * The CLI end to end: bad configs fail with exit code 2, a message naming the problem and
 * where it is, and leave no output behind; usage errors; --help and --version.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exampleConfig, makeExampleProject, type ExampleProject } from '../fixtures/example-project.js';

import { slipwayCli as slipway } from '../fixtures/slipway-cli.js';

describe('slipway CLI', () => {
  let project: ExampleProject;
  before(async () => {
    project = await makeExampleProject();
  });
  after(async () => project.cleanup());

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = slipway(['--version']);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it('--help prints usage with the exit codes', () => {
    const r = slipway(['--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /slipway build CONFIG/);
    assert.match(r.stdout, /Exit codes: 0 ok, 1 build failed, 2 usage or config error/);
  });

  const usageCases: [string, string[], RegExp][] = [
    ['no command', [], /no command given/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown option', ['build', 'x.yaml', '--frob'], /--frob/],
    ['build without config', ['build'], /build needs a CONFIG/],
    ['bad destination', ['build', 'x.yaml', '--output', 'tarball:/tmp/x'], /.+/],
  ];
  for (const [name, args, message] of usageCases) {
    it(`usage error: ${name} exits 2`, () => {
      const r = slipway(args, { cwd: project.dir });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }

  it('rejects a platform named twice and a bad SOURCE_DATE_EPOCH with exit 2', () => {
    const cache = join(project.dir, 'cache');
    const twice = slipway(['build', project.config, '-p', 'linux/amd64,linux/x86_64', '-o', `oci:${join(project.dir, 'o-twice')}`, '--cache-dir', cache]);
    assert.equal(twice.status, 2, twice.stderr);
    assert.match(twice.stderr, /linux\/amd64 is named twice/);
    for (const bad of ['abc', '-5', '1e3', '99999999999999']) {
      const r = slipway(['build', project.config, '-o', `oci:${join(project.dir, 'o-epoch')}`, '--cache-dir', cache], { env: { SOURCE_DATE_EPOCH: bad } });
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /SOURCE_DATE_EPOCH/);
      assert.match(r.stderr, /\(ERR_CONFIG_INVALID_VALUE\)/);
    }
    assert.equal(existsSync(join(project.dir, 'o-epoch')), false);
  });

  it('refuses a non-layout output directory before building anything', async () => {
    const busy = join(project.dir, 'busy');
    await writeFile(join(project.dir, 'placeholder'), '');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(busy, { recursive: true });
    await writeFile(join(busy, 'notes.txt'), 'mine');
    const r = slipway(['build', project.config, '-o', `oci:${busy}`, '--cache-dir', join(project.dir, 'cache-busy')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /not an OCI image layout/);
    assert.equal(existsSync(join(project.dir, 'cache-busy')), false, 'no layer was made');
    assert.deepEqual(readdirSync(busy), ['notes.txt']);
  });

  it('a glob over the whole project leaves out the output, the cache and .git: the digest is stable', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(project.dir, '.git'), { recursive: true });
    await writeFile(join(project.dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const config = join(project.dir, 'everything.yaml');
    await writeFile(config, 'platforms: [linux/amd64]\nfiles:\n  - src: "app/**"\n    dest: /app/\n  - src: "*.yaml"\n    dest: /cfg/\n  - src: "**/HEAD"\n    dest: /git/\n');
    const run = () => slipway(['build', config, '--json', '-o', `oci:${join(project.dir, 'app', 'out')}`, '--cache-dir', join(project.dir, 'app', 'cache')]);
    const first = run();
    assert.equal(first.status, 2, 'the only HEAD is in .git, which is never copied');
    await writeFile(config, 'platforms: [linux/amd64]\nfiles:\n  - src: "app/**"\n    dest: /app/\n');
    const a = run();
    assert.equal(a.status, 0, a.stderr);
    const b = run();
    assert.equal((JSON.parse(a.stdout) as { digest: string }).digest, (JSON.parse(b.stdout) as { digest: string }).digest);
  });

  /** A bad config: what to change, and what the error must say. */
  interface BadCase {
    readonly name: string;
    readonly config: (sha: string) => string;
    readonly code: string;
    readonly says: RegExp;
  }
  const good = (sha: string) => exampleConfig(sha);
  const badCases: BadCase[] = [
    { name: 'unknown key', config: (s) => good(s).replace('    dest: /etc/motd', '    dset: /etc/motd'), code: 'ERR_CONFIG_UNKNOWN_KEY', says: /bad-unknown-key\.yaml:\d+:\d+ files\[1\]\.dset: .*\nhint: did you mean "dest"\?/ },
    { name: 'wrong type', config: (s) => good(s).replace('cmd: ["--serve"]', 'cmd: 42'), code: 'ERR_CONFIG_INVALID_TYPE', says: /bad-wrong-type\.yaml:\d+:\d+ config\.cmd: expected a list/ },
    { name: 'missing source file', config: (s) => good(s).replace('tarball: fixtures/x.tar.gz', 'tarball: fixtures/nope.tar.gz'), code: 'ERR_INPUT_NOT_FOUND', says: /files\[2\]\.tarball: .*nope\.tar\.gz/ },
    { name: 'glob matching nothing', config: (s) => good(s).replace('src: app/**/*.js', 'src: nothing/**/*.js'), code: 'ERR_INPUT_NOT_FOUND', says: /files\[0\]\.src: .*nothing/ },
    { name: 'sha256 mismatch', config: (s) => good(s).replace(s, 'f'.repeat(64)), code: 'ERR_INPUT_DIGEST_MISMATCH', says: /x\.tar\.gz: expected sha256:f{64}, got sha256:[0-9a-f]{64}/ },
    { name: 'dest not absolute', config: (s) => good(s).replace('dest: /etc/motd', 'dest: etc/motd'), code: 'ERR_CONFIG_INVALID_VALUE', says: /files\[1\]\.dest: .*absolute/ },
    { name: 'dest escaping with ..', config: (s) => good(s).replace('dest: /etc/motd', 'dest: /etc/../../motd'), code: 'ERR_CONFIG_INVALID_VALUE', says: /files\[1\]\.dest: .*\.\./ },
    { name: 'same path, different content', config: (s) => good(s).replace('users:', '  - content: "other\\n"\n    dest: /etc/motd\nusers:'), code: 'ERR_LAYER_PATH_CONFLICT', says: /\/etc\/motd: written by files\[1\] and by files\[4\] with .*different content/ },
    { name: 'unknown platform', config: (s) => good(s).replace('linux/arm64]', 'linux/arm65]'), code: 'ERR_CONFIG_INVALID_VALUE', says: /platforms\[1\]: .*linux\/arm65[\s\S]*linux\/arm64/ },
  ];
  for (const c of badCases) {
    it(`bad config: ${c.name} exits 2, names the problem, leaves no output`, async () => {
      const file = join(project.dir, `bad-${c.name.replace(/\W+/g, '-')}.yaml`);
      await writeFile(file, c.config(project.tarballSha256));
      const out = join(project.dir, `out-${c.name.replace(/\W+/g, '-')}`);
      const r = slipway(['build', file, '--output', `oci:${out}`, '--cache-dir', join(project.dir, 'cache')]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, c.says);
      assert.match(r.stderr, new RegExp(`\\(${c.code}\\)`));
      assert.equal(existsSync(out), false, 'no output directory is left behind');
      assert.deepEqual(readdirSync(project.dir).filter((n) => n.startsWith('.slipway-tmp')), []);
      const j = slipway(['build', file, '--json', '--output', `oci:${out}`, '--cache-dir', join(project.dir, 'cache')]);
      assert.equal(j.status, 2);
      assert.equal((JSON.parse(j.stdout) as { error: { code: string } }).error.code, c.code);
    });
  }
});
