/**
 * Builds from the Debian mirror configured in this host's apt sources (its URI read at run
 * time; bookworm main, signed by the host's Debian keyring): an arm64 image made on any host,
 * checked with skopeo, umoci and file(1); `slipway lock` then `build --locked` twice from two
 * empty caches giving one digest; and the same locked build run as uid 65534, allowed to
 * write nothing but its cache and output, giving the digest root gets. Indices and packages
 * that are not the point of a test are kept in one cache in the test cache directory.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it, type TestContext } from 'node:test';
import { DEBIAN_KEYRING, hostDebianUri } from '../../fixtures/host-debian-repos.js';
import { testCacheDir } from '../../fixtures/host-mirror-index.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun, runTool } from '../../fixtures/run-tool.js';
import { parseConfigText } from '../frontend/index.js';
import { buildImage, type BuildResult } from './build-image.js';

const CLI = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));
const EPOCH = 1700000000;
const NOBODY = 65534;
/** Every CLI run is killed after this long. */
const RUN_TIMEOUT_MS = 600_000;
/** EM_AARCH64, the e_machine of 64-bit Arm ELF files (ELF for the Arm 64-bit Architecture, 5.4.1). */
const EM_AARCH64 = 0xb7;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** run runs `cmd args` without blocking the test process, killed after RUN_TIMEOUT_MS. */
function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, stdout, stderr: signal ? `${stderr}\nkilled by ${signal}` : stderr }));
  });
}

const cliEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH), ...extra };
  delete env['SLIPWAY_CACHE_DIR'];
  return env;
};
const slipway = (args: readonly string[], env = cliEnv()) => run(process.execPath, [CLI, ...args], { env });

/** digestOf reads the digest of a `--json` build result, failing with the CLI's output otherwise. */
function digestOf(r: Run, what: string): string {
  assert.equal(r.status, 0, `${what}: ${r.stdout}${r.stderr}`);
  const digest = (JSON.parse(r.stdout) as { digest?: string }).digest;
  assert.match(digest ?? '', /^sha256:[0-9a-f]{64}$/, what);
  return digest!;
}

/** elfMachine reads e_machine from the ELF header of `path` (offset 18, in the file's byte order). */
async function elfMachine(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(20), 0, 20, 0);
    assert.equal(bytesRead, 20, `${path} has an ELF header`);
    assert.deepEqual([...buffer.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], `${path} starts with \\x7fELF`);
    return buffer[5] === 2 ? buffer.readUInt16BE(18) : buffer.readUInt16LE(18);
  } finally {
    await fh.close();
  }
}

/** entriesOwnedBy lists the names in `dir` owned by `uid`. */
async function entriesOwnedBy(dir: string, uid: number): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.uid === uid) out.push(name);
  }
  return out.sort();
}

describe('apt builds from the host mirror', { timeout: 1_800_000 }, () => {
  let uri: string | undefined;
  let root: string;
  const shared = join(testCacheDir(), 'apt-build');

  /** config is a slipway.yaml for bookworm main on the host's mirror. */
  const config = (packages: readonly string[], platforms: readonly string[]) =>
    `platforms: [${platforms.join(', ')}]\napt:\n  sources:\n    - uri: ${uri}\n      suites: [bookworm]\n      components: [main]\n` +
    `      signed-by: ${DEBIAN_KEYRING}\n      allow-rollback: true\n  packages: [${packages.join(', ')}]\n`;
  const mirrorMissing = (t: TestContext): boolean => {
    if (uri !== undefined) return false;
    const why = 'the host has no apt source for bookworm main';
    if (process.env['CI'] === 'true') throw new Error(`${why}; CI=true requires one`);
    t.skip(why);
    return true;
  };
  /** writeConfig writes `text` as `<dir>/slipway.yaml` (dir made 0755) and returns its path. */
  const writeConfig = async (dir: string, text: string): Promise<string> => {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const path = join(dir, 'slipway.yaml');
    await writeFile(path, text, { mode: 0o644 });
    return path;
  };

  before(async () => {
    uri = hostDebianUri('bookworm');
    root = await mkdtemp(join(tmpdir(), 'slipway-apt-build-'));
    // Readable (not writable) by the unprivileged user of the last test.
    await chmod(root, 0o755);
    await mkdir(shared, { recursive: true });
  });
  after(async () => {
    if (!process.env['KEEP']) await rm(root, { recursive: true, force: true });
  });

  it('builds an arm64 image on this host: arm64 in index, manifest and config, aarch64 ELF files', async (t) => {
    if (mirrorMissing(t) || !requireTool(t, 'skopeo', 'umoci', 'file')) return;
    const build = (packages: string[], out: string) =>
      buildImage(parseConfigText(config(packages, ['linux/arm64']), join(root, 'arm64', 'slipway.yaml')), { output: `oci:${out}`, cacheDir: shared, sourceDateEpoch: EPOCH });
    let out = join(root, 'arm64-hello');
    let elfs = ['usr/bin/hello', 'usr/lib/aarch64-linux-gnu/libc.so.6'];
    let result: BuildResult;
    try {
      result = await build(['hello'], out);
    } catch (err) {
      if (!(err as { code?: string }).code?.startsWith('ERR_RESOLVE_')) throw err;
      t.diagnostic(`hello is not in bookworm (${(err as Error).message}); building libc6 and coreutils`);
      out = join(root, 'arm64-coreutils');
      elfs = ['usr/bin/ls', 'usr/lib/aarch64-linux-gnu/libc.so.6'];
      result = await build(['libc6', 'coreutils'], out);
    }
    assert.deepEqual(result.images.map((i) => i.platform), ['linux/arm64']);
    assert.ok(result.packages[0]!.packages.every((p) => p.architecture === 'arm64' || p.architecture === 'all'), 'only arm64 and all packages');

    const index = JSON.parse(await readFile(join(out, 'index.json'), 'utf8')) as { manifests: { digest: string; platform?: { os: string; architecture: string }; annotations?: Record<string, string> }[] };
    const refs = index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']);
    const ref = refs.includes('latest-linux-arm64') ? 'latest-linux-arm64' : 'latest';
    const entry = index.manifests[refs.indexOf(ref)]!;
    assert.deepEqual(entry.platform, { os: 'linux', architecture: 'arm64' }, 'the index.json entry says linux/arm64');

    // skopeo is the oracle; --override-* only matters should it meet an index.
    const skopeo = (...args: string[]) => JSON.parse(mustRun('skopeo', ['--override-os', 'linux', '--override-arch', 'arm64', 'inspect', ...args, `oci:${out}:${ref}`])) as Record<string, unknown>;
    const raw = skopeo('--raw');
    assert.equal(raw['mediaType'], 'application/vnd.oci.image.manifest.v1+json');
    const configJson = skopeo('--config');
    assert.equal(configJson['architecture'], 'arm64');
    assert.equal(configJson['os'], 'linux');
    assert.equal(skopeo()['Architecture'], 'arm64');

    const bundle = join(root, 'arm64-bundle');
    mustRun('umoci', ['unpack', '--rootless', '--image', `${out}:${ref}`, bundle]);
    for (const rel of elfs) {
      const path = join(bundle, 'rootfs', rel);
      assert.equal(await elfMachine(path), EM_AARCH64, `${rel}: e_machine is EM_AARCH64`);
      assert.match(mustRun('file', ['-L', '-b', path]), /^ELF 64-bit LSB .*ARM aarch64/, `${rel} per file(1)`);
    }
  });

  it('lock, then build --locked twice into two outputs from two empty caches: one digest', async (t) => {
    if (mirrorMissing(t)) return;
    const dir = join(root, 'locked');
    const file = await writeConfig(dir, config(['hello'], ['linux/amd64']));
    const lock = await slipway(['lock', file, '--cache-dir', shared, '--json']);
    assert.equal(lock.status, 0, lock.stdout + lock.stderr);
    const lockText = await readFile(join(dir, 'slipway.lock.json'), 'utf8');
    const build = (n: number) => slipway(['build', file, '--locked', '--output', `oci:${join(dir, `out${n}`)}`, '--cache-dir', join(dir, `empty-cache${n}`), '--json']);
    const first = digestOf(await build(1), 'first build');
    const second = digestOf(await build(2), 'second build');
    assert.equal(second, first, 'the same lock gives the same image from another empty cache');
    assert.equal(await readFile(join(dir, 'slipway.lock.json'), 'utf8'), lockText, 'building did not touch the lock');
    const indexOf = (n: number) => readFile(join(dir, `out${n}`, 'index.json'));
    assert.deepEqual(await indexOf(2), await indexOf(1), 'byte-identical index.json');
  });

  it('builds as uid 65534, writing only its cache and output, the digest root gets', async (t) => {
    if (mirrorMissing(t)) return;
    if (process.getuid?.() !== 0) {
      if (process.env['CI'] === 'true') throw new Error('this test runs as root under CI=true (it switches to uid 65534 with setpriv)');
      return t.skip('not root: cannot switch to uid 65534 (run as root, as CI does)');
    }
    if (!requireTool(t, 'setpriv')) return;
    const dir = join(root, 'unprivileged');
    const file = await writeConfig(dir, config(['curl', 'ca-certificates'], ['linux/amd64']));
    const home = join(dir, 'home');
    await mkdir(home, { mode: 0o755 });
    const cache = join(dir, 'cache');
    const out = join(dir, 'out');
    for (const d of [cache, out]) {
      await mkdir(d, { mode: 0o755 });
      await chown(d, NOBODY, NOBODY);
    }
    const lock = await slipway(['lock', file, '--cache-dir', shared, '--json']);
    assert.equal(lock.status, 0, lock.stdout + lock.stderr);
    const rootDigest = digestOf(await slipway(['build', file, '--locked', '--output', `oci:${join(dir, 'out-root')}`, '--cache-dir', shared, '--json']), 'root build');

    // HOME, TMPDIR and the user cache name a directory uid 65534 cannot write; so is the cwd.
    const env = cliEnv({ HOME: home, TMPDIR: home, XDG_CACHE_HOME: join(home, '.cache') });
    const asNobody = (args: readonly string[]) =>
      run('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', process.execPath, CLI, ...args], { cwd: dir, env });
    const probe = await asNobody(['--version']);
    assert.equal(probe.status, 0, `uid ${NOBODY} must be able to read node and the compiled tree: ${probe.stderr}`);
    const probeWrite = await run('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', 'sh', '-c', `: > "${join(home, 'x')}"`]);
    assert.notEqual(probeWrite.status, 0, `uid ${NOBODY} cannot write HOME (the test's premise)`);

    const tmpBefore = await entriesOwnedBy(tmpdir(), NOBODY);
    const digest = digestOf(await asNobody(['build', file, '--locked', '--output', `oci:${out}`, '--cache-dir', cache, '--json']), `build as uid ${NOBODY}`);
    assert.equal(digest, rootDigest, 'the unprivileged build gives the digest of the root build');
    assert.deepEqual(await readdir(home), [], 'nothing written in HOME');
    assert.deepEqual(await entriesOwnedBy(tmpdir(), NOBODY), tmpBefore, `nothing of uid ${NOBODY} appeared in ${tmpdir()}`);
    assert.deepEqual((await readdir(dir)).sort(), ['cache', 'home', 'out', 'out-root', 'slipway.lock.json', 'slipway.yaml'], 'nothing else written beside the config');
    if (requireTool(t, 'skopeo')) {
      const raw = runTool('skopeo', ['inspect', '--raw', `oci:${out}:latest`]);
      assert.equal(raw.status, 0, raw.stderr);
    }
  });
});
