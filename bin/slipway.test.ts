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
