/**
 * `slipway update` end to end against a fixture repository served in this process: what it
 * prints (text and --json), its exit codes for a repository signed by another key, a bad apt
 * source, an offline miss and bad usage, and --platform narrowing what is fetched.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, releasePath, type AptRepo, type RepoPackage, type SuiteSpec } from '../fixtures/apt-repo.js';
import { serveRepo, type RepoServer } from '../fixtures/apt-server.js';
import { makeThrowawayKey } from '../fixtures/throwaway-key.js';
import { slipwayCliAsync } from '../fixtures/slipway-cli.js';




/** UpdateJson is the shape `slipway update --json` prints. */
interface UpdateJson {
  readonly repositories: readonly {
    readonly repository: string;
    readonly file: string;
    readonly digest: string;
    readonly date?: string;
    readonly signedBy: readonly string[];
    readonly fromCache: boolean;
    readonly indices: readonly { readonly path: string; readonly size: number; readonly sha256: string }[];
  }[];
  readonly platforms: readonly { readonly platform: string; readonly architecture: string; readonly packages: number }[];
  readonly warnings: readonly unknown[];
  readonly fetched: { readonly files: number; readonly bytes: number; readonly cachedFiles: number; readonly retries: number };
}

const gz = { control: 'gz', data: 'gz' } as const;
const PACKAGES: RepoPackage[] = [
  { package: 'hello', version: '2.10-3', architecture: 'amd64', compression: gz },
  { package: 'hello', version: '2.10-3', architecture: 'arm64', compression: gz },
  { package: 'hello-doc', version: '2.10-3', architecture: 'all', compression: gz },
  { package: 'tiny-httpd', version: '1.0-1', architecture: 'amd64', compression: gz },
];
const SUITE: SuiteSpec = { suite: 'bookworm', date: new Date('2026-06-01T00:00:00Z'), components: ['main'], architectures: ['amd64', 'arm64'], packages: PACKAGES, indexCompression: ['gz'] };

let good: AptRepo;
let other: AptRepo;
let server: RepoServer;
let dir: string;
let keyring: string;
let caches = 0;

before(async () => {
  good = await buildAptRepo({ suites: [SUITE] });
  other = await buildAptRepo({ suites: [{ ...SUITE, sign: { key: await makeThrowawayKey({ name: 'someone else' }) } }] });
  const files = new Map<string, Buffer>();
  for (const [prefix, repo] of [['good/', good], ['other/', other]] as const) for (const [p, b] of repo.files) files.set(prefix + p, b);
  server = await serveRepo(files);
  dir = await mkdtemp(join(tmpdir(), 'slipway-update-cli-'));
  keyring = join(dir, 'archive.gpg');
  await writeFile(keyring, good.key!.binaryPublicKey);
});
after(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** config writes a config for linux/amd64 and linux/arm64 whose one apt source is the repository under `prefix` (or `source` as given). */
async function config(name: string, prefix: string, source?: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const item = source ?? `uri: ${server.url}${prefix}\n      suites: [bookworm]\n      components: [main]\n      signed-by: ${keyring}`;
  await writeFile(file, `platforms: [linux/amd64, linux/arm64]\napt:\n  sources:\n    - ${item}\n`);
  return file;
}

const freshCache = () => join(dir, `cache-${caches++}`);
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function blobs(cache: string): Promise<string[]> {
  return readdir(join(cache, 'blobs', 'sha256')).catch(() => []);
}

describe('slipway update', () => {
  it('prints each repository, its signer, the indices and the packages per platform', async () => {
    const r = await slipwayCliAsync(['update', await config('text', 'good/'), '--cache-dir', freshCache()]);
    assert.equal(r.status, 0, r.stderr);
    const inRelease = sha256(good.files.get(releasePath('bookworm'))!);
    assert.match(r.stdout, new RegExp(`^${server.url}good/ bookworm: InRelease ${inRelease}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  signed by ${good.key!.fingerprint}; dated 2026-06-01T00:00:00Z$`, 'm'));
    assert.match(r.stdout, /^ {2}main\/binary-amd64\/Packages\.gz \d+ B$/m);
    assert.match(r.stdout, /^ {2}main\/binary-arm64\/Packages\.gz \d+ B$/m);
    assert.match(r.stdout, /^linux\/amd64 \(amd64\): 3 packages$/m);
    assert.match(r.stdout, /^linux\/arm64 \(arm64\): 2 packages$/m);
    assert.match(r.stdout, /^downloaded 3 files \(.+\), 0 from the cache$/m);
    assert.equal(r.stderr, '');
  });

  it('--json prints repositories with digest, signers and indices, the platforms and what was fetched', async () => {
    const cfg = await config('json', 'good/');
    const cache = freshCache();
    const r = await slipwayCliAsync(['update', cfg, '--cache-dir', cache, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as UpdateJson;
    assert.equal(result.repositories.length, 1);
    const [repo] = result.repositories;
    assert.equal(repo!.repository, `${server.url}good/ bookworm`);
    assert.equal(repo!.file, 'InRelease');
    assert.equal(repo!.digest, sha256(good.files.get(releasePath('bookworm'))!));
    assert.deepEqual(repo!.signedBy, [good.key!.fingerprint]);
    assert.equal(repo!.fromCache, false);
    const served = (path: string) => good.files.get(`dists/bookworm/${path}`)!;
    assert.deepEqual(
      repo!.indices,
      ['main/binary-amd64/Packages.gz', 'main/binary-arm64/Packages.gz'].map((path) => ({ path, size: served(path).length, sha256: sha256(served(path)).slice(7) })),
    );
    assert.deepEqual(result.platforms, [
      { platform: 'linux/amd64', architecture: 'amd64', packages: 3 },
      { platform: 'linux/arm64', architecture: 'arm64', packages: 2 },
    ]);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.fetched.files, 3);
    assert.equal(result.fetched.cachedFiles, 0);
    const again = JSON.parse((await slipwayCliAsync(['update', cfg, '--cache-dir', cache, '--json'])).stdout) as UpdateJson;
    assert.deepEqual([again.fetched.files, again.fetched.cachedFiles], [1, 2], 'only the InRelease is fetched again');
  });

  it('--platform linux/arm64 fetches and counts arm64 alone', async () => {
    const from = server.requests.length;
    const r = await slipwayCliAsync(['update', await config('arm64', 'good/'), '--cache-dir', freshCache(), '--platform', 'linux/arm64', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as UpdateJson;
    assert.deepEqual(result.platforms, [{ platform: 'linux/arm64', architecture: 'arm64', packages: 2 }]);
    assert.deepEqual(result.repositories[0]!.indices.map((i) => i.path), ['main/binary-arm64/Packages.gz']);
    assert.equal(server.requests.slice(from).some((q) => q.path.includes('binary-amd64')), false);
  });

  it('exits 1 with ERR_APT_SIGNATURE for a repository signed by another key, and caches nothing', async () => {
    const cfg = await config('other-key', 'other/');
    const cache = freshCache();
    const r = await slipwayCliAsync(['update', cfg, '--cache-dir', cache]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: ${server.url}other/dists/bookworm/InRelease: .*no good signature`, 'm'));
    assert.match(r.stderr, /^hint: /m);
    assert.match(r.stderr, /^\(ERR_APT_SIGNATURE\)$/m);
    const j = await slipwayCliAsync(['update', cfg, '--cache-dir', cache, '--json']);
    assert.equal(j.status, 1);
    const { error } = JSON.parse(j.stdout) as { error: { code: string; message: string } };
    assert.equal(error.code, 'ERR_APT_SIGNATURE');
    assert.match(error.message, /other\/dists\/bookworm\/InRelease/);
    assert.deepEqual(await blobs(cache), []);
  });

  it('exits 2 naming file:line:col for an apt source without signed-by', async () => {
    const source = `uri: ${server.url}good/\n      suites: [bookworm]\n      components: [main]`;
    const cfg = await config('no-signed-by', 'good/', source);
    const from = server.requests.length;
    const r = await slipwayCliAsync(['update', cfg, '--cache-dir', freshCache()]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: .*no-signed-by\.yaml:4:7 apt\.sources\[0\]\.signed-by: a repository lacks the required key "signed-by"$/m);
    assert.match(r.stderr, /^\(ERR_CONFIG_MISSING_KEY\)$/m);
    const j = await slipwayCliAsync(['update', cfg, '--cache-dir', freshCache(), '--json']);
    assert.equal(j.status, 2);
    assert.equal((JSON.parse(j.stdout) as { error: { code: string } }).error.code, 'ERR_CONFIG_MISSING_KEY');
    assert.equal(server.requests.length, from, 'nothing is fetched');
  });

  it('--offline on an empty cache exits 1 with ERR_FETCH_OFFLINE and a hint, without a request', async () => {
    const from = server.requests.length;
    const r = await slipwayCliAsync(['update', await config('offline', 'good/'), '--cache-dir', freshCache(), '--offline']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^error: .*good\/ bookworm: no verified Release in the cache$/m);
    assert.match(r.stderr, /^hint: run once without --offline/m);
    assert.match(r.stderr, /^\(ERR_FETCH_OFFLINE\)$/m);
    assert.equal(server.requests.length, from);
  });

  const usage: [string, string[], RegExp][] = [
    ['no CONFIG', ['update'], /update needs a CONFIG/],
    ['an unknown option', ['update', 'x.yaml', '--frob'], /--frob/],
    ['an extra argument', ['update', 'x.yaml', 'y.yaml'], /unexpected argument "y\.yaml"/],
    ['an unknown command', ['upgrade', 'x.yaml'], /unknown command "upgrade"/],
  ];
  for (const [name, args, says] of usage) {
    it(`exits 2 for ${name}`, async () => {
      const r = await slipwayCliAsync(args);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, says);
      assert.match(r.stderr, /\(ERR_USAGE\)/);
    });
  }
});
