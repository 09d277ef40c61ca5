import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ConfigError } from '../core/index.js';
import { configSchema } from './config-schema.js';
import type { ImageSpec } from './image-spec.js';
import { parseConfigText } from './load-config.js';
import { planFromSpec } from './plan-from-spec.js';
import type { Infer } from './schema-dsl.js';

// Compile-time check: the hand-written ImageSpec and the type the schema validates are the
// same type. If either drifts, this assignment stops compiling.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const specMatchesSchema: Same<ImageSpec, Infer<typeof configSchema>> = true;

/** FULL is the documented example, typed as an ImageSpec. */
const FULL: ImageSpec = {
  platforms: ['linux/amd64', 'linux/arm64'],
  base: 'scratch',
  compression: 'gzip',
  files: [
    { src: 'app/**/*.js', dest: '/srv/app/', mode: '0644', owner: '10001:10001', source: { git: 'https://example.invalid/app.git', ref: 'v1.4.0' } },
    { content: 'hello\n', dest: '/etc/motd' },
    { tarball: 'fixtures/x.tar.gz', sha256: '0123456789abcdef'.repeat(4), dest: '/opt/x', strip: 0, source: { git: 'https://example.invalid/x.git', ref: '0123abc' } },
    { symlink: '/opt/x/bin/x', dest: '/usr/local/bin/x' },
    { dir: '/data', mode: '0700', owner: 'app' },
  ],
  users: [{ name: 'app', uid: 10001, gid: 10001, home: '/srv/app' }],
  groups: [{ name: 'staff', gid: 50, members: ['app'] }],
  annotations: { 'org.opencontainers.image.title': 'hello' },
  config: {
    user: 'app',
    entrypoint: ['/srv/app/run'],
    cmd: ['--serve'],
    env: { MODE: 'production' },
    workdir: '/srv/app',
    ports: ['8080/tcp'],
    volumes: ['/data'],
    labels: { 'org.opencontainers.image.source': 'https://example.invalid/app' },
    'stop-signal': 'SIGUSR2',
  },
};

/** Drops line and column from every `at`, which a spec built in code does not have. */
function withoutPositions(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'line' || k === 'column' ? undefined : v)));
}

describe('planFromSpec', () => {
  it('validates a full ImageSpec (types and schema agree)', () => {
    assert.equal(specMatchesSchema, true);
    assert.equal(configSchema.validate(FULL), FULL);
  });

  it('gives the same plan as the YAML frontend on the example of docs/config.md, without positions', async () => {
    const doc = await readFile(new URL('../../../docs/config.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(example, 'docs/config.md has a yaml example');
    const fromSpec = planFromSpec(FULL, { baseDir: '/work/cfg', file: '/work/cfg/image.yaml' });
    const fromYaml = parseConfigText(example, '/work/cfg/image.yaml');
    assert.deepEqual(fromSpec, withoutPositions(fromYaml));
  });

  it('leaves file out of the plan and locations when none is given', () => {
    const plan = planFromSpec({ files: [{ dir: '/d' }] }, { baseDir: '/b' });
    assert.equal(plan.file, undefined);
    assert.deepEqual(plan.contents[0]?.at, { keyPath: 'files[0]' });
  });

  const errors: { name: string; spec: unknown; code: string; keyPath: string }[] = [
    { name: 'unknown key', spec: { plaforms: [] }, code: 'ERR_CONFIG_UNKNOWN_KEY', keyPath: 'plaforms' },
    { name: 'entrypoint as a string', spec: { config: { entrypoint: '/bin/sh' } }, code: 'ERR_CONFIG_INVALID_TYPE', keyPath: 'config.entrypoint' },
    { name: 'numeric mode', spec: { files: [{ dir: '/d', mode: 0o755 }] }, code: 'ERR_CONFIG_INVALID_TYPE', keyPath: 'files[0].mode' },
    { name: 'missing dest', spec: { files: [{ content: 'x' }] }, code: 'ERR_CONFIG_MISSING_KEY', keyPath: 'files[0].dest' },
    { name: 'relative dest', spec: { files: [{ symlink: 'a', dest: 'b' }] }, code: 'ERR_CONFIG_INVALID_VALUE', keyPath: 'files[0].dest' },
    { name: 'undeclared owner', spec: { files: [{ dir: '/d', owner: 'nobody' }] }, code: 'ERR_CONFIG_INVALID_VALUE', keyPath: 'files[0].owner' },
    { name: 'a class instance as env', spec: { config: { env: new Map() } }, code: 'ERR_CONFIG_INVALID_TYPE', keyPath: 'config.env' },
  ];
  for (const e of errors) {
    it(`rejects ${e.name} with ${e.code} at ${e.keyPath}, without a position`, () => {
      assert.throws(
        () => planFromSpec(e.spec as ImageSpec, { baseDir: '/b' }),
        (err: ConfigError) => {
          assert.equal(err.code, e.code);
          assert.deepEqual(err.location, { keyPath: e.keyPath });
          return true;
        },
      );
    });
  }

  it('locates errors with the caller-supplied locate and file', () => {
    const seen: (string | number)[][] = [];
    const locate = (path: (string | number)[]) => {
      seen.push(path);
      return { line: 40 + path.length, column: 3 };
    };
    assert.throws(() => planFromSpec({ config: { workdir: 'srv' } }, { baseDir: '/b', file: 'build.ts', locate }), {
      code: 'ERR_CONFIG_INVALID_VALUE',
      location: { file: 'build.ts', line: 42, column: 3, keyPath: 'config.workdir' },
    });
    assert.deepEqual(seen, [['config', 'workdir']]);
  });

  it('resolves relative inputs against baseDir', () => {
    const plan = planFromSpec({ files: [{ tarball: '../x.tar', dest: '/' }] }, { baseDir: '/a/b' });
    const item = plan.contents[0];
    assert.deepEqual(item?.kind === 'tarball' && item.location, { path: '/a/x.tar' });
  });

  it('throws a TypeError for a relative baseDir', () => {
    assert.throws(() => planFromSpec({}, { baseDir: 'rel' }), TypeError);
  });
});
