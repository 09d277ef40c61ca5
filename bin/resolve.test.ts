/**
 * `slipway resolve`, `lock` and `why` end to end against a generated repository served in this
 * process (two architectures; Depends with a version, an alternative whose first member exists
 * for amd64 only, a virtual name with two providers, an older version beside the candidate):
 * the lockfile format of `resolve --json` with the served .debs' real sizes and digests and
 * the InRelease's digest and signer, lockfiles that are byte-stable and checked for staleness
 * (config edited, repository moved on, no lock), explanations, resolver errors in text and
 * JSON, and --offline. No .deb is ever requested.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAptRepo, releasePath, type AptRepo, type RepoPackage, type SuiteSpec } from '../fixtures/apt-repo.js';
import { makeAptRoot } from '../fixtures/apt-root.js';
import { serveRepo, type RepoServer } from '../fixtures/apt-server.js';
import { requireTool } from '../fixtures/require-tool.js';
import { slipwayCliAsync, type CliRun } from '../fixtures/slipway-cli.js';
import { parseLockfile, type Lockfile, type RejectedCandidate } from '../lib/resolve/index.js';

const gz = { control: 'gz', data: 'gz' } as const;

/** pkg is a package of the fixture suite, one .deb per architecture listed. */
function pkg(name: string, version: string, architecture: string, fields: Record<string, string> = {}): RepoPackage {
  return { package: name, version, architecture, compression: gz, fields: { Priority: 'optional', ...fields } };
}

/** packages of the suite; `libbase` is the one a later publication upgrades. */
function packages(libbase: string): RepoPackage[] {
  return [
    ...['amd64', 'arm64'].flatMap((a) => [
      pkg('app', '1.0-1', a, { Depends: 'libfoo (>= 1.0), fast-impl | slow-impl, httpd' }),
      pkg('libfoo', '1.2-1', a, { Source: 'foo', Depends: 'libbase' }),
      pkg('libfoo', '1.0-1', a, { Source: 'foo' }),
    ]),
    pkg('fast-impl', '1.0-1', 'amd64'), // the first alternative exists for amd64 only
    pkg('slow-impl', '1.0-1', 'all'),
    pkg('libbase', libbase, 'all'),
    // Two providers of httpd: CompareProviders takes the lower Priority (optional before extra).
    pkg('big-httpd', '1.0-1', 'all', { Provides: 'httpd', Priority: 'extra' }),
    pkg('tiny-httpd', '1.0-1', 'all', { Provides: 'httpd' }),
    pkg('tool', '1.0-1', 'all'),
    // top → middle → (libfoo too old | libfoo-ng, which needs a package nobody has).
    pkg('top', '1.0-1', 'all', { Depends: 'middle' }),
    pkg('middle', '1.0-1', 'all', { Depends: 'libfoo (>= 5) | libfoo-ng' }),
    pkg('libfoo-ng', '1.0-1', 'all', { Depends: 'gone' }),
  ];
}

const suite = (date: string, libbase: string): SuiteSpec => ({
  suite: 'bookworm',
  date: new Date(date),
  components: ['main'],
  architectures: ['amd64', 'arm64'],
  packages: packages(libbase),
  indexCompression: ['gz'],
});

/** EXPECTED is each platform's resolution of `[app]`: name, version, architecture. */
const EXPECTED: Record<string, [string, string, string][]> = {
  'linux/amd64': [
    ['app', '1.0-1', 'amd64'],
    ['fast-impl', '1.0-1', 'amd64'],
    ['libbase', '1.0-1', 'all'],
    ['libfoo', '1.2-1', 'amd64'],
    ['tiny-httpd', '1.0-1', 'all'],
  ],
  'linux/arm64': [
    ['app', '1.0-1', 'arm64'],
    ['libbase', '1.0-1', 'all'],
    ['libfoo', '1.2-1', 'arm64'],
    ['slow-impl', '1.0-1', 'all'],
    ['tiny-httpd', '1.0-1', 'all'],
  ],
};

let repo: AptRepo;
let newer: AptRepo;
let served: AptRepo;
let server: RepoServer;
let dir: string;
let keyring: string;
let caches = 0;

before(async () => {
  [repo, newer] = await Promise.all([buildAptRepo({ suites: [suite('2026-06-01T00:00:00Z', '1.0-1')] }), buildAptRepo({ suites: [suite('2026-06-02T00:00:00Z', '1.1-1')] })]);
  served = repo;
  server = await serveRepo(() => served.files);
  dir = await mkdtemp(join(tmpdir(), 'slipway-resolve-cli-'));
  keyring = join(dir, 'archive.gpg');
  await writeFile(keyring, repo.key!.binaryPublicKey);
});
after(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** config writes `<name>.yaml` for linux/amd64 and linux/arm64 with the served repository and `pkgs`. */
async function config(name: string, pkgs: readonly string[]): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const source = `uri: ${server.url}\n      suites: [bookworm]\n      components: [main]\n      signed-by: ${keyring}`;
  await writeFile(file, `platforms: [linux/amd64, linux/arm64]\napt:\n  sources:\n    - ${source}\n  packages: [${pkgs.join(', ')}]\n`);
  return file;
}

const freshCache = () => join(dir, `cache-${caches++}`);
const hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cli = (args: string[], cache = freshCache()): Promise<CliRun> => slipwayCliAsync([...args, '--cache-dir', cache]);
const ok = (r: CliRun) => assert.equal(r.status, 0, r.stderr || r.stdout);

/** ErrorJson is the `--json` error object of a ResolveError. */
interface ErrorJson {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly package?: string;
  readonly chain?: readonly string[];
  readonly rejected?: readonly RejectedCandidate[];
}

/** INST_LINE parses an `Inst NAME (VERSION RELEASE [ARCH])` line of `apt-get install -s`. */
const INST_LINE = /^Inst (\S+) \((\S+) .* \[([^\]]+)\]\)$/;

/** aptChoices runs `apt-get install -s` for `app` and for `top` in a private apt root for `arch` over the served repository. */
async function aptChoices(arch: string): Promise<{ app: string[][]; top: { status: number | null; stdout: string } }> {
  const root = await makeAptRoot({ architecture: arch, config: ['APT::Install-Recommends "false";', 'Dir::Cache::pkgcache "";', 'Dir::Cache::srcpkgcache "";'] });
  try {
    await root.writeSources(`deb [signed-by=${keyring}] ${server.url} bookworm main\n`);
    const update = await root.run('apt-get', ['update'], { timeoutMs: 30_000 });
    assert.equal(update.status, 0, update.stderr);
    const simulate = (name: string) => root.run('apt-get', ['install', '-s', '--no-install-recommends', name], { timeoutMs: 30_000 });
    const [app, top] = await Promise.all([simulate('app'), simulate('top')]);
    assert.equal(app.status, 0, app.stderr);
    const installs = app.stdout.split('\n').flatMap((l) => {
      const m = INST_LINE.exec(l);
      return m ? [[m[1]!, m[2]!, m[3]!]] : [];
    });
    return { app: installs.sort(([a], [b]) => (a! < b! ? -1 : 1)), top };
  } finally {
    await root.close();
  }
}

describe('slipway resolve', () => {
  it('EXPECTED is what apt-get install -s --no-install-recommends chooses on an empty system', async (t) => {
    if (!requireTool(t, 'apt-get', 'gpgv')) return;
    const answers = await Promise.all(['amd64', 'arm64'].map(aptChoices));
    for (const [i, arch] of ['amd64', 'arm64'].entries()) {
      assert.deepEqual(answers[i]!.app, EXPECTED[`linux/${arch}`], arch);
      assert.notEqual(answers[i]!.top.status, 0, 'apt cannot install top either');
      assert.match(answers[i]!.top.stdout, /libfoo-ng : Depends: gone but it is not installable/);
    }
  });

  it('--json prints the lockfile format with the served sizes, digests, Release digest and signer', async () => {
    const r = await cli(['resolve', await config('json', ['app']), '--json']);
    ok(r);
    assert.equal(r.stderr, '');
    const lock: Lockfile = parseLockfile(r.stdout, 'stdout');
    assert.deepEqual(lock.request.packages, ['app']);
    assert.deepEqual(lock.request.platforms, ['linux/amd64', 'linux/arm64']);
    assert.match(lock.inputs, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(lock.platforms.map((p) => [p.platform, p.architecture]), [['linux/amd64', 'amd64'], ['linux/arm64', 'arm64']]);
    const release = `sha256:${hex(repo.files.get(releasePath('bookworm'))!)}`;
    for (const p of lock.platforms) {
      assert.deepEqual(p.packages.map((x) => [x.name, x.version, x.architecture]), EXPECTED[p.platform], p.platform);
      for (const x of p.packages) {
        const entry = repo.pool.find((e) => e.package === x.name && e.version === x.version && e.architecture === x.architecture)!;
        const deb = repo.files.get(entry.path)!;
        assert.deepEqual(
          { filename: x.filename, size: x.size, sha256: x.sha256, release: x.release, signedBy: x.signedBy, repository: x.repository },
          { filename: entry.path, size: deb.length, sha256: hex(deb), release, signedBy: [repo.key!.fingerprint], repository: { uri: server.url, suite: 'bookworm', component: 'main' } },
          `${p.platform} ${x.name}`,
        );
        assert.deepEqual([x.source, x.sourceVersion], [x.name === 'libfoo' ? 'foo' : x.name, x.version]);
      }
    }
  });

  it('prints each platform with its packages as text', async () => {
    const r = await cli(['resolve', await config('text', ['app'])]);
    ok(r);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'linux/amd64 (amd64): 5 packages',
        '  app 1.0-1 amd64 bookworm/main',
        '  fast-impl 1.0-1 amd64 bookworm/main',
        '  libbase 1.0-1 all bookworm/main',
        '  libfoo 1.2-1 amd64 (source foo) bookworm/main',
        '  tiny-httpd 1.0-1 all bookworm/main',
        'linux/arm64 (arm64): 5 packages',
        '  app 1.0-1 arm64 bookworm/main',
        '  libbase 1.0-1 all bookworm/main',
        '  libfoo 1.2-1 arm64 (source foo) bookworm/main',
        '  slow-impl 1.0-1 all bookworm/main',
        '  tiny-httpd 1.0-1 all bookworm/main',
        '',
      ].join('\n'),
    );
  });

  it('--offline after one online run resolves the same without a request', async () => {
    const cfg = await config('offline', ['app']);
    const cache = freshCache();
    const online = await cli(['resolve', cfg, '--json'], cache);
    ok(online);
    const from = server.requests.length;
    const offline = await cli(['resolve', cfg, '--json', '--offline'], cache);
    ok(offline);
    assert.equal(offline.stdout, online.stdout);
    assert.equal(server.requests.length, from, 'no request while offline');
  });
});

describe('slipway lock', () => {
  it('writes <name>.lock.json beside the config, byte-identical when run twice, and --check passes', async () => {
    const cfg = await config('twice', ['app']);
    const cache = freshCache();
    const [first, resolved] = await Promise.all([cli(['lock', cfg], cache), cli(['resolve', cfg, '--json'], cache)]);
    ok(first);
    const path = join(dir, 'twice.lock.json');
    assert.equal(first.stdout, `wrote ${path}\n`);
    const before = await readFile(path);
    assert.equal(before.toString(), resolved.stdout, 'the lockfile is what resolve --json prints');
    ok(await cli(['lock', cfg], cache));
    assert.ok((await readFile(path)).equals(before), 'the second lock writes the same bytes');
    const check = await cli(['lock', cfg, '--check'], cache);
    ok(check);
    assert.equal(check.stdout, `${path} is current\n`);
  });

  it('--check exits 1 with ERR_LOCK_STALE saying which package the config added', async () => {
    const cfg = await config('edited', ['app']);
    const cache = freshCache();
    ok(await cli(['lock', cfg], cache));
    const locked = await readFile(join(dir, 'edited.lock.json'));
    await config('edited', ['app', 'tool']);
    const r = await cli(['lock', cfg, '--check'], cache);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^error: .*edited\.lock\.json: stale: packages added: tool$/m);
    assert.match(r.stderr, /^\(ERR_LOCK_STALE\)$/m);
    assert.ok((await readFile(join(dir, 'edited.lock.json'))).equals(locked), '--check writes nothing');
  });

  it('--check exits 1 naming the package the repository upgraded', async () => {
    const cfg = await config('moved', ['app']);
    const cache = freshCache();
    ok(await cli(['lock', cfg], cache));
    served = newer;
    try {
      assert.equal(newer.key!.fingerprint, repo.key!.fingerprint);
      const r = await cli(['lock', cfg, '--check'], cache);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /stale: linux\/amd64: libbase 1\.0-1 -> 1\.1-1; linux\/arm64: libbase 1\.0-1 -> 1\.1-1$/m);
      assert.match(r.stderr, /^\(ERR_LOCK_STALE\)$/m);
      const relock = await cli(['lock', cfg], cache);
      ok(relock);
      assert.match(relock.stdout, /^ {2}linux\/amd64: libbase 1\.0-1 -> 1\.1-1$/m);
      ok(await cli(['lock', cfg, '--check'], cache));
    } finally {
      served = repo;
    }
  });

  it('--check exits 1 when there is no lockfile, and writes none', async () => {
    const r = await cli(['lock', await config('none', ['app']), '--check']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /none\.lock\.json: no lockfile$/m);
    assert.match(r.stderr, /^\(ERR_LOCK_STALE\)$/m);
    await assert.rejects(readFile(join(dir, 'none.lock.json')), { code: 'ENOENT' });
  });
});

describe('slipway why', () => {
  it('prints the chain from the package up to the requested one, per platform', async () => {
    const r = await cli(['why', await config('why', ['app']), 'libbase']);
    ok(r);
    const chain = (arch: string) => [
      `linux/${arch}:`,
      '  libbase 1.0-1 <- libfoo 1.2-1 (Depends: libbase)',
      '    libfoo 1.2-1 <- app 1.0-1 (Depends: libfoo (>= 1.0))',
      '      app 1.0-1: requested',
    ];
    assert.equal(r.stdout, [...chain('amd64'), ...chain('arm64'), ''].join('\n'));
  });

  it('says on which platform a package is not in the resolution; --json gives the steps', async () => {
    const cfg = await config('why-json', ['app']);
    const cache = freshCache();
    const [text, json, absent] = await Promise.all([cli(['why', cfg, 'fast-impl'], cache), cli(['why', cfg, 'fast-impl', '--json'], cache), cli(['why', cfg, 'tool'], cache)]);
    ok(text);
    assert.equal(text.stdout, ['linux/amd64:', '  fast-impl 1.0-1 <- app 1.0-1 (Depends: fast-impl | slow-impl)', '    app 1.0-1: requested', 'linux/arm64: fast-impl is not in the resolution', ''].join('\n'));
    ok(json);
    assert.deepEqual(JSON.parse(json.stdout), {
      package: 'fast-impl',
      platforms: [
        {
          platform: 'linux/amd64',
          steps: [
            { name: 'fast-impl', version: '1.0-1', how: 'Depends: fast-impl | slow-impl', parent: 'app 1.0-1' },
            { name: 'app', version: '1.0-1', how: 'requested' },
          ],
        },
        { platform: 'linux/arm64' },
      ],
    });
    ok(absent);
    assert.equal(absent.stdout, 'linux/amd64: tool is not in the resolution\nlinux/arm64: tool is not in the resolution\n');
  });
});

describe('slipway resolve errors', () => {
  it('exits 2 with ERR_RESOLVE_UNKNOWN_PACKAGE and a close name for a misspelt package', async () => {
    const cfg = await config('unknown', ['app', 'tiny-htpd']);
    const cache = freshCache();
    const [r, j] = await Promise.all([cli(['resolve', cfg], cache), cli(['resolve', cfg, '--json'], cache)]);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: linux\/amd64: tiny-htpd: is not in any configured repository for amd64$/m);
    assert.match(r.stderr, /^hint: did you mean "tiny-httpd"\?$/m);
    assert.match(r.stderr, /^\(ERR_RESOLVE_UNKNOWN_PACKAGE\)$/m);
    assert.equal(j.status, 2);
    const { error } = JSON.parse(j.stdout) as { error: ErrorJson };
    assert.deepEqual([error.code, error.package, error.hint], ['ERR_RESOLVE_UNKNOWN_PACKAGE', 'tiny-htpd', 'did you mean "tiny-httpd"?']);
  });

  it('exits 1 with ERR_RESOLVE_UNSATISFIABLE, the chain and the rejected candidates', async () => {
    const cfg = await config('unsat', ['top']);
    const cache = freshCache();
    const [r, j] = await Promise.all([cli(['resolve', cfg], cache), cli(['resolve', cfg, '--json'], cache)]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: linux\/amd64: libfoo-ng 1\.0-1: Depends: gone cannot be satisfied$/m);
    assert.match(r.stderr, /^ {2}pulled in by: middle 1\.0-1 \(Depends: libfoo \(>= 5\) \| libfoo-ng\) <- top 1\.0-1 \(Depends: middle\)$/m);
    assert.match(r.stderr, /^ {2}libfoo-ng Depends: gone: \(none\) rejected: no package gone$/m);
    assert.match(r.stderr, /^\(ERR_RESOLVE_UNSATISFIABLE\)$/m);
    assert.equal(j.status, 1);
    const { error } = JSON.parse(j.stdout) as { error: ErrorJson };
    assert.equal(error.code, 'ERR_RESOLVE_UNSATISFIABLE');
    assert.equal(error.package, 'libfoo-ng 1.0-1');
    assert.deepEqual(error.chain, ['middle 1.0-1 (Depends: libfoo (>= 5) | libfoo-ng)', 'top 1.0-1 (Depends: middle)']);
    assert.deepEqual(error.rejected, [{ parent: 'libfoo-ng', group: 'Depends: gone', candidate: '(none)', reason: 'no package gone' }]);
    assert.match(error.message, /^linux\/amd64: libfoo-ng 1\.0-1: /);
  });

  it('never requested a .deb', () => {
    assert.ok(server.requests.length > 0);
    assert.deepEqual(server.requests.filter((q) => q.path.startsWith('pool/') || q.path.endsWith('.deb')), []);
  });
});
