import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, MAX_CONFIG_BYTES, type ErrorCode } from '../core/index.js';
import { loadConfigFile, parseConfigText } from './load-config.js';
import { configErrorOf } from '../../fixtures/config-error.js';

const errorOf = configErrorOf;

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const HEX = 'a'.repeat(64);

interface ErrorCase {
  readonly name: string;
  readonly yaml: string;
  readonly code: ErrorCode;
  readonly line: number;
  readonly column: number;
  readonly keyPath?: string;
  readonly suggestion?: string;
}

const errorCases: ErrorCase[] = [
  // unknown keys: located at the key, with the closest known key
  { name: 'misspelt top-level key', yaml: lines('platfroms: [linux/amd64]'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 1, column: 1, keyPath: 'platfroms', suggestion: 'platforms' },
  { name: 'misspelt config key', yaml: lines('config:', '  entrypiont: [/x]'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 2, column: 3, keyPath: 'config.entrypiont', suggestion: 'entrypoint' },
  { name: 'misspelt stop-signal', yaml: lines('config:', '  stop_signal: SIGTERM'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 2, column: 3, keyPath: 'config.stop_signal', suggestion: 'stop-signal' },
  { name: 'misspelt kind key', yaml: lines('files:', '  - scr: a', '    dest: /x'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 2, column: 5, keyPath: 'files[0].scr', suggestion: 'src' },
  { name: 'sha256 on a src item', yaml: lines('files:', '  - src: a', '    dest: /x', `    sha256: ${HEX}`), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 4, column: 5, keyPath: 'files[0].sha256' },
  { name: 'strip on a content item', yaml: lines('files:', '  - content: a', '    dest: /x', '    strip: 1'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 4, column: 5, keyPath: 'files[0].strip' },
  { name: 'mode on a symlink', yaml: lines('files:', '  - symlink: /a', '    dest: /b', '    mode: "0777"'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 4, column: 5, keyPath: 'files[0].mode' },
  { name: 'unknown user key', yaml: lines('users:', '  - { name: app, uid: 5, hoem: /x }'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 2, column: 26, keyPath: 'users[0].hoem', suggestion: 'home' },
  { name: 'unknown source key', yaml: lines('files:', '  - dir: /d', '    source: { gti: x }'), code: 'ERR_CONFIG_UNKNOWN_KEY', line: 3, column: 15, keyPath: 'files[0].source.gti', suggestion: 'git' },
  // wrong types: located at the value
  { name: 'platforms as a string', yaml: lines('platforms: linux/amd64'), code: 'ERR_CONFIG_INVALID_TYPE', line: 1, column: 12, keyPath: 'platforms' },
  { name: 'entrypoint as a string', yaml: lines('config:', '  entrypoint: /bin/sh -c x'), code: 'ERR_CONFIG_INVALID_TYPE', line: 2, column: 15, keyPath: 'config.entrypoint' },
  { name: 'cmd item a number', yaml: lines('config:', '  cmd: [--port, 80]'), code: 'ERR_CONFIG_INVALID_TYPE', line: 2, column: 17, keyPath: 'config.cmd[1]' },
  { name: 'env value a number', yaml: lines('config:', '  env:', '    PORT: 8080'), code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 11, keyPath: 'config.env.PORT' },
  { name: 'env value a boolean', yaml: lines('config:', '  env: { DEBUG: true }'), code: 'ERR_CONFIG_INVALID_TYPE', line: 2, column: 17, keyPath: 'config.env.DEBUG' },
  { name: 'unquoted mode', yaml: lines('files:', '  - dir: /d', '    mode: 0700'), code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 11, keyPath: 'files[0].mode' },
  { name: 'uid as a string', yaml: lines('users:', '  - name: app', '    uid: "10"'), code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 10, keyPath: 'users[0].uid' },
  { name: 'empty value', yaml: lines('files:', '  - content: a', '    dest:'), code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 5, keyPath: 'files[0].dest' },
  { name: 'files as a mapping', yaml: lines('files:', '  src: a'), code: 'ERR_CONFIG_INVALID_TYPE', line: 2, column: 3, keyPath: 'files' },
  { name: 'annotation value a number', yaml: lines('annotations: { org.example.n: 1 }'), code: 'ERR_CONFIG_INVALID_TYPE', line: 1, column: 31, keyPath: 'annotations["org.example.n"]' },
  { name: 'empty document', yaml: '', code: 'ERR_CONFIG_INVALID_TYPE', line: 1, column: 1 },
  { name: 'a list document', yaml: lines('- a'), code: 'ERR_CONFIG_INVALID_TYPE', line: 1, column: 1 },
  // missing keys: located at the mapping that lacks them
  { name: 'missing dest', yaml: lines('files:', '  - src: a'), code: 'ERR_CONFIG_MISSING_KEY', line: 2, column: 5, keyPath: 'files[0].dest' },
  { name: 'missing uid', yaml: lines('users:', '  - name: app'), code: 'ERR_CONFIG_MISSING_KEY', line: 2, column: 5, keyPath: 'users[0].uid' },
  { name: 'URL tarball without sha256', yaml: lines('files:', '  - tarball: https://example.invalid/x.tgz', '    dest: /x'), code: 'ERR_CONFIG_MISSING_KEY', line: 2, column: 5, keyPath: 'files[0].sha256' },
  { name: 'source with only ref', yaml: lines('files:', '  - dir: /d', '    source: { ref: v1 }'), code: 'ERR_CONFIG_MISSING_KEY', line: 3, column: 13, keyPath: 'files[0].source.git' },
  // invalid values
  { name: 'no kind key', yaml: lines('files:', '  - dest: /x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 5, keyPath: 'files[0]' },
  { name: 'two kind keys', yaml: lines('files:', '  - src: a', '    content: b', '    dest: /x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 5, keyPath: 'files[0]' },
  { name: 'unknown platform', yaml: lines('platforms: [linux/amd64, linux/amd46]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 26, keyPath: 'platforms[1]', suggestion: 'linux/amd64' },
  { name: 'duplicate platform by alias', yaml: lines('platforms:', '  - linux/arm64', '  - linux/aarch64'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 5, keyPath: 'platforms[1]' },
  { name: 'empty platforms', yaml: lines('platforms: []'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 12, keyPath: 'platforms' },
  { name: 'base other than scratch', yaml: lines('base: debian:12'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 7, keyPath: 'base' },
  { name: 'bad compression', yaml: lines('compression: zstdd'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 14, keyPath: 'compression', suggestion: 'zstd' },
  { name: 'relative dest', yaml: lines('files:', '  - content: a', '    dest: etc/motd'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 11, keyPath: 'files[0].dest' },
  { name: 'dest with ..', yaml: lines('files:', '  - content: a', '    dest: /etc/../../x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 11, keyPath: 'files[0].dest' },
  { name: 'inline dest ending in /', yaml: lines('files:', '  - content: a', '    dest: /etc/'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 11, keyPath: 'files[0].dest' },
  { name: 'relative dir', yaml: lines('files:', '  - dir: data'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 10, keyPath: 'files[0].dir' },
  { name: 'workdir with ..', yaml: lines('config:', '  workdir: /srv/..'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 12, keyPath: 'config.workdir' },
  { name: 'relative volume', yaml: lines('config:', '  volumes: [/a, b]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 17, keyPath: 'config.volumes[1]' },
  { name: 'relative home', yaml: lines('users: [{ name: app, uid: 5, home: srv }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 36, keyPath: 'users[0].home' },
  { name: 'absolute src pattern', yaml: lines('files:', '  - src: [a, /etc/passwd]', '    dest: /x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 14, keyPath: 'files[0].src[1]' },
  { name: 'absolute negated pattern', yaml: lines('files:', '  - src: ["a/**", "!/etc/**"]', '    dest: /x/'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 19, keyPath: 'files[0].src[1]' },
  { name: 'mode not octal', yaml: lines('files:', '  - dir: /d', '    mode: "0789"'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 11, keyPath: 'files[0].mode' },
  { name: 'sha256 upper case', yaml: lines('files:', '  - tarball: x.tar', `    sha256: ${'A'.repeat(64)}`, '    dest: /x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 13, keyPath: 'files[0].sha256' },
  { name: 'tarball ftp URL', yaml: lines('files:', '  - tarball: ftp://example.invalid/x.tar', '    dest: /x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 14, keyPath: 'files[0].tarball' },
  { name: 'negative strip', yaml: lines('files:', '  - tarball: x.tar', '    dest: /x', '    strip: -1'), code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 12, keyPath: 'files[0].strip' },
  { name: 'unknown owner user', yaml: lines('users: [{ name: app, uid: 5 }]', 'files:', '  - dir: /d', '    owner: ap'), code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 12, keyPath: 'files[0].owner', suggestion: 'app' },
  { name: 'unknown owner group', yaml: lines('groups: [{ name: staff, gid: 50 }]', 'files:', '  - dir: /d', '    owner: "0:staf"'), code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 12, keyPath: 'files[0].owner', suggestion: 'staff' },
  { name: 'bad user name', yaml: lines('users: [{ name: App, uid: 5 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 17, keyPath: 'users[0].name' },
  { name: 'root user', yaml: lines('users: [{ name: root, uid: 5 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 17, keyPath: 'users[0].name' },
  { name: 'uid 0', yaml: lines('users: [{ name: adm, uid: 0 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 27, keyPath: 'users[0].uid' },
  { name: 'uid out of range', yaml: lines('users: [{ name: adm, uid: 4294967296 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 27, keyPath: 'users[0].uid' },
  { name: 'duplicate user name', yaml: lines('users:', '  - { name: a, uid: 5 }', '  - { name: a, uid: 6 }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 13, keyPath: 'users[1].name' },
  { name: 'duplicate uid', yaml: lines('users:', '  - { name: a, uid: 5 }', '  - { name: b, uid: 5 }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 21, keyPath: 'users[1].uid' },
  { name: 'duplicate gid', yaml: lines('groups:', '  - { name: a, gid: 5 }', '  - { name: b, gid: 5 }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 21, keyPath: 'groups[1].gid' },
  { name: 'root group', yaml: lines('groups: [{ name: root, gid: 7 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 18, keyPath: 'groups[0].name' },
  { name: 'undeclared member', yaml: lines('users: [{ name: app, uid: 5 }]', 'groups: [{ name: g, gid: 7, members: [apo] }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 39, keyPath: 'groups[0].members[0]', suggestion: 'app' },
  { name: 'undeclared supplementary group', yaml: lines('users: [{ name: app, uid: 5, groups: [staf] }]', 'groups: [{ name: staff, gid: 7 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 39, keyPath: 'users[0].groups[0]', suggestion: 'staff' },
  { name: 'user group name clash', yaml: lines('users: [{ name: app, uid: 5 }]', 'groups: [{ name: app, gid: 7 }]'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 27, keyPath: 'users[0].uid' },
  { name: 'unknown config.user', yaml: lines('users: [{ name: app, uid: 5 }]', 'config: { user: apq }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 17, keyPath: 'config.user', suggestion: 'app' },
  { name: 'bad env name', yaml: lines('config:', '  env:', '    MY-VAR: x'), code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 5, keyPath: 'config.env.MY-VAR' },
  { name: 'port out of range', yaml: lines('config: { ports: [80, 65536] }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 23, keyPath: 'config.ports[1]' },
  { name: 'bad port proto', yaml: lines('config: { ports: ["80/http"] }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 19, keyPath: 'config.ports[0]' },
  { name: 'bad stop signal', yaml: lines('config: { stop-signal: TERM }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 24, keyPath: 'config.stop-signal' },
  { name: 'stop signal out of range', yaml: lines('config: { stop-signal: "65" }'), code: 'ERR_CONFIG_INVALID_VALUE', line: 1, column: 24, keyPath: 'config.stop-signal' },
  // syntax
  { name: 'unclosed flow sequence', yaml: lines('platforms: [linux/amd64', 'base: scratch'), code: 'ERR_CONFIG_SYNTAX', line: 2, column: 1 },
  { name: 'tab indentation', yaml: 'config:\n\tuser: app\n', code: 'ERR_CONFIG_SYNTAX', line: 2, column: 1 },
  { name: 'duplicate top-level key', yaml: lines('base: scratch', 'base: scratch'), code: 'ERR_CONFIG_SYNTAX', line: 2, column: 1, keyPath: 'base' },
  { name: 'duplicate nested key', yaml: lines('files:', '  - content: a', '    dest: /a', '    dest: /b'), code: 'ERR_CONFIG_SYNTAX', line: 4, column: 5, keyPath: 'files[0].dest' },
  { name: 'two documents', yaml: lines('base: scratch', '---', 'base: scratch'), code: 'ERR_CONFIG_SYNTAX', line: 2, column: 1 },
];

describe('parseConfigText', () => {
  for (const c of errorCases) {
    it(`rejects ${c.name} with ${c.code} at ${c.line}:${c.column}`, () => {
      const err = errorOf(() => parseConfigText(c.yaml, 'conf/image.yaml'));
      assert.equal(err.code, c.code, err.message);
      assert.equal(err.location.file, 'conf/image.yaml');
      assert.deepEqual([err.location.line, err.location.column], [c.line, c.column], err.message);
      assert.equal(err.location.keyPath, c.keyPath, err.message);
      if (c.suggestion !== undefined) assert.equal(err.suggestion, c.suggestion);
      assert.ok(err.message.startsWith(`conf/image.yaml:${c.line}:${c.column}`), err.message);
    });
  }

  it('gives type errors a hint to quote, or to write a list', () => {
    const cases: [string, RegExp][] = [
      [lines('config: { env: { N: 1 } }'), /quote/],
      [lines('files: [{ dir: /d, mode: 755 }]'), /quote the mode/],
      [lines('config: { cmd: --serve }'), /write a list/],
      [lines('base: docker.io/debian'), /only scratch/],
    ];
    for (const [yaml, hint] of cases) assert.match(errorOf(() => parseConfigText(yaml, 'c.yaml')).hint ?? '', hint);
  });

  it('names the conflicting kind keys of a files item', () => {
    const err = errorOf(() => parseConfigText(lines('files:', '  - src: a', '    tarball: b', '    dest: /x'), 'c.yaml'));
    assert.match(err.message, /src and tarball conflict/);
  });

  it('rejects extension keys such as x-owner (no key is ignored)', () => {
    const err = errorOf(() => parseConfigText(lines('x-owner: &o "app"', 'files: [{ dir: /d, owner: *o }]'), 'c.yaml'));
    assert.equal(err.code, 'ERR_CONFIG_UNKNOWN_KEY');
    assert.equal(err.location.keyPath, 'x-owner');
  });

  it('locates an error reached through an alias at the anchored node', () => {
    const err = errorOf(() => parseConfigText(lines('users:', '  - &u { name: a, uid: 5 }', '  - *u'), 'c.yaml'));
    assert.equal(err.code, 'ERR_CONFIG_INVALID_VALUE');
    assert.equal(err.location.keyPath, 'users[1].name');
    assert.deepEqual([err.location.line, err.location.column], [2, 16]);
  });

  it('rejects alias bombs as a syntax error', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) rows.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(', ')}]`);
    const err = errorOf(() => parseConfigText(lines(...rows), 'c.yaml'));
    assert.equal(err.code, 'ERR_CONFIG_SYNTAX');
  });
});

describe('loadConfigFile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-frontend-'));
  const write = async (name: string, text: string | Buffer): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('returns the plan with the absolute file path and inputs resolved beside it', async () => {
    await mkdir(join(dir, 'sub'), { recursive: true });
    const path = await write('sub/image.yaml', lines('files:', '  - tarball: x.tar', '    dest: /x'));
    const plan = await loadConfigFile(path);
    assert.equal(plan.file, path);
    const item = plan.contents[0];
    assert.equal(item?.kind, 'tarball');
    assert.deepEqual(item.kind === 'tarball' && item.location, { path: join(dir, 'sub', 'x.tar') });
    assert.deepEqual(item.at, { file: path, line: 2, column: 5, keyPath: 'files[0]' });
  });

  const failures: { name: string; make: () => Promise<string>; code: ErrorCode }[] = [
    { name: 'a missing file', make: async () => join(dir, 'absent.yaml'), code: 'ERR_CONFIG_NOT_FOUND' },
    { name: 'a path below a file', make: async () => join(await write('plain.yaml', 'base: scratch\n'), 'x.yaml'), code: 'ERR_CONFIG_NOT_FOUND' },
    { name: 'a directory', make: async () => dir, code: 'ERR_CONFIG_NOT_FOUND' },
    { name: 'a file over MAX_CONFIG_BYTES', make: () => write('big.yaml', Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20)), code: 'ERR_CONFIG_NOT_FOUND' },
    { name: 'invalid UTF-8', make: () => write('latin1.yaml', Buffer.from([0x62, 0x61, 0x73, 0x65, 0x3a, 0x20, 0xe9, 0x0a])), code: 'ERR_CONFIG_SYNTAX' },
    { name: 'a YAML syntax error', make: () => write('bad.yaml', 'a: [\n'), code: 'ERR_CONFIG_SYNTAX' },
  ];
  for (const f of failures) {
    it(`fails on ${f.name} with ${f.code} naming the path`, async () => {
      const path = await f.make();
      await assert.rejects(loadConfigFile(path), (err: ConfigError) => {
        assert.equal(err.code, f.code);
        assert.equal(err.location.file, path);
        assert.ok(err.message.startsWith(path), err.message);
        return true;
      });
    });
  }

  it('fails with ERR_ABORTED when the signal is aborted', async () => {
    const path = await write('ok.yaml', 'base: scratch\n');
    await assert.rejects(loadConfigFile(path, { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
  });

  it('cleans up', async () => {
    await rm(dir, { recursive: true, force: true });
  });
});
