import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImagePlan } from '../plan/index.js';
import { parseConfigText } from './load-config.js';
import { createLocator } from './locate.js';
import { normaliseSpec, planFromValue } from './normalise.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const HEX = '0123456789abcdef'.repeat(4);

/** EXAMPLE is the example config of docs/config.md, without its comments. */
const EXAMPLE = lines(
  'platforms: [linux/amd64, linux/arm64]',
  'base: scratch',
  'compression: gzip',
  'files:',
  '  - src: app/**/*.js',
  '    dest: /srv/app/',
  '    mode: "0644"',
  '    owner: "10001:10001"',
  '    source: { git: "https://example.invalid/app.git", ref: "v1.4.0" }',
  '  - content: "hello\\n"',
  '    dest: /etc/motd',
  '  - tarball: fixtures/x.tar.gz',
  `    sha256: "${HEX}"`,
  '    dest: /opt/x',
  '    strip: 0',
  '    source: { git: "https://example.invalid/x.git", ref: "0123abc" }',
  '  - symlink: /opt/x/bin/x',
  '    dest: /usr/local/bin/x',
  '  - dir: /data',
  '    mode: "0700"',
  '    owner: app',
  'users:',
  '  - { name: app, uid: 10001, gid: 10001, home: /srv/app }',
  'groups:',
  '  - { name: staff, gid: 50, members: [app] }',
  'annotations: { org.opencontainers.image.title: hello }',
  'config:',
  '  user: app',
  '  entrypoint: ["/srv/app/run"]',
  '  cmd: ["--serve"]',
  '  env: { MODE: production }',
  '  workdir: /srv/app',
  '  ports: ["8080/tcp"]',
  '  volumes: [/data]',
  '  labels: { org.opencontainers.image.source: "https://example.invalid/app" }',
  '  stop-signal: SIGUSR2',
);

const F = '/work/cfg/image.yaml';
const at = (line: number, column: number, keyPath: string) => ({ file: F, line, column, keyPath });

describe('normaliseSpec', () => {
  it('normalises the documented example', () => {
    const want: ImagePlan = {
      platforms: [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
      base: { kind: 'scratch' },
      contents: [
        {
          kind: 'glob',
          dest: '/srv/app',
          patterns: ['app/**/*.js'],
          baseDir: '/work/cfg',
          destIsDir: true,
          mode: 0o644,
          owner: { uid: 10001, gid: 10001 },
          at: at(5, 5, 'files[0]'),
          source: { git: 'https://example.invalid/app.git', ref: 'v1.4.0' },
        },
        { kind: 'inline', dest: '/etc/motd', content: 'hello\n', mode: 0o644, owner: { uid: 0, gid: 0 }, at: at(10, 5, 'files[1]') },
        {
          kind: 'tarball',
          dest: '/opt/x',
          location: { path: '/work/cfg/fixtures/x.tar.gz' },
          sha256: HEX,
          strip: 0,
          at: at(12, 5, 'files[2]'),
          source: { git: 'https://example.invalid/x.git', ref: '0123abc' },
        },
        { kind: 'symlink', dest: '/usr/local/bin/x', target: '/opt/x/bin/x', owner: { uid: 0, gid: 0 }, at: at(17, 5, 'files[3]') },
        { kind: 'directory', dest: '/data', mode: 0o700, owner: { uid: 10001, gid: 10001 }, at: at(19, 5, 'files[4]') },
      ],
      users: [{ name: 'app', uid: 10001, gid: 10001, home: '/srv/app', shell: '/sbin/nologin', gecos: '', at: at(23, 5, 'users[0]') }],
      groups: [
        { name: 'staff', gid: 50, members: ['app'], at: at(25, 5, 'groups[0]') },
        { name: 'app', gid: 10001, members: [], at: at(23, 5, 'users[0]') },
      ],
      config: {
        user: '10001:10001',
        entrypoint: ['/srv/app/run'],
        cmd: ['--serve'],
        env: [['MODE', 'production']],
        workdir: '/srv/app',
        ports: ['8080/tcp'],
        volumes: ['/data'],
        labels: { 'org.opencontainers.image.source': 'https://example.invalid/app' },
        stopSignal: 'SIGUSR2',
      },
      annotations: { 'org.opencontainers.image.title': 'hello' },
      compression: 'gzip',
      layers: { kind: 'grouped', max: 32 },
      paths: { exclude: [], keep: ['/usr/share/doc/*/copyright'] },
      file: F,
    };
    assert.deepEqual(parseConfigText(EXAMPLE, F), want);
  });

  it('fills in defaults for an empty mapping', () => {
    const plan = normaliseSpec({}, '/b', createLocator(undefined, undefined));
    assert.deepEqual(plan, {
      platforms: [{ os: 'linux', architecture: 'amd64' }],
      base: { kind: 'scratch' },
      contents: [],
      users: [],
      groups: [],
      config: { env: [], ports: [], volumes: [], labels: {} },
      annotations: {},
      compression: 'gzip',
      layers: { kind: 'grouped', max: 32 },
      paths: { exclude: [], keep: ['/usr/share/doc/*/copyright'] },
    });
  });

  const plan = (yaml: string): ImagePlan => parseConfigText(yaml, F);
  const cases: { name: string; yaml: string; pick: (p: ImagePlan) => unknown; want: unknown }[] = [
    { name: 'platform aliases are canonicalised', yaml: lines('platforms: [linux/aarch64, Linux/ARMHF]'), pick: (p) => p.platforms, want: [{ os: 'linux', architecture: 'arm64' }, { os: 'linux', architecture: 'arm', variant: 'v7' }] },
    { name: 'zstd compression', yaml: lines('compression: zstd'), pick: (p) => p.compression, want: 'zstd' },
    { name: 'glob dest without slash is one file', yaml: lines('files: [{ src: a.txt, dest: /etc//a.txt }]'), pick: (p) => p.contents[0], want: { kind: 'glob', dest: '/etc/a.txt', patterns: ['a.txt'], baseDir: '/work/cfg', destIsDir: false, at: at(1, 9, 'files[0]') } },
    { name: 'glob pattern list with ../ and exclusions', yaml: lines('files: [{ src: ["../lib/**", "!**/*.map"], dest: / }]'), pick: (p) => p.contents[0]?.kind === 'glob' && [p.contents[0].patterns, p.contents[0].dest, p.contents[0].destIsDir], want: [['../lib/**', '!**/*.map'], '/', true] },
    { name: 'setuid mode', yaml: lines('files: [{ content: x, dest: /bin/x, mode: "4755" }]'), pick: (p) => p.contents[0]?.kind === 'inline' && p.contents[0].mode, want: 0o4755 },
    { name: 'three-digit mode', yaml: lines('files: [{ dir: /d, mode: "750" }]'), pick: (p) => p.contents[0]?.kind === 'directory' && p.contents[0].mode, want: 0o750 },
    { name: 'dir default mode and owner', yaml: lines('files: [{ dir: /var/lib/x/ }]'), pick: (p) => p.contents[0], want: { kind: 'directory', dest: '/var/lib/x', mode: 0o755, owner: { uid: 0, gid: 0 }, at: at(1, 9, 'files[0]') } },
    { name: 'URL tarball with prefixed sha256 and owner', yaml: lines(`files: [{ tarball: "https://example.invalid/x.tgz", sha256: "sha256:${HEX}", dest: /opt, strip: 1, owner: "5" }]`), pick: (p) => p.contents[0]?.kind === 'tarball' && [p.contents[0].location, p.contents[0].sha256, p.contents[0].strip, p.contents[0].owner], want: [{ url: 'https://example.invalid/x.tgz' }, HEX, 1, { uid: 5, gid: 5 }] },
    { name: 'relative symlink target kept as written', yaml: lines('files: [{ symlink: ../lib/x.so.1, dest: /usr/lib/x.so }]'), pick: (p) => p.contents[0]?.kind === 'symlink' && p.contents[0].target, want: '../lib/x.so.1' },
    { name: 'source with url only', yaml: lines('files: [{ dir: /d, source: { url: "https://example.invalid/src.tgz" } }]'), pick: (p) => p.contents[0]?.source, want: { url: 'https://example.invalid/src.tgz' } },
    { name: 'user defaults and sort by uid', yaml: lines('users:', '  - { name: b, uid: 20 }', '  - { name: a, uid: 10, gid: 30, shell: /bin/sh, gecos: "A A" }'), pick: (p) => p.users.map((u) => [u.name, u.uid, u.gid, u.home, u.shell, u.gecos]), want: [['a', 10, 30, '/', '/bin/sh', 'A A'], ['b', 20, 20, '/', '/sbin/nologin', '']] },
    { name: 'groups synthesised per gid, merged and sorted', yaml: lines('users:', '  - { name: b, uid: 20, gid: 7, groups: [ops] }', '  - { name: a, uid: 10, gid: 7, groups: [ops, dev] }', '  - { name: c, uid: 30, gid: 0 }', 'groups:', '  - { name: ops, gid: 90, members: [c] }', '  - { name: dev, gid: 80 }'), pick: (p) => p.groups.map((g) => [g.name, g.gid, g.members]), want: [['a', 7, []], ['dev', 80, ['a']], ['ops', 90, ['a', 'b', 'c']]] },
    { name: 'owner forms', yaml: lines('users: [{ name: app, uid: 100, gid: 200 }]', 'groups: [{ name: staff, gid: 50 }]', 'files:', ...['"1:2"', '"100"', '"7"', 'app', 'app:staff', 'app:root', 'root', '"0"', '"7:staff"', 'app:9'].map((o, i) => `  - { dir: /d${i}, owner: ${o} }`)), pick: (p) => p.contents.map((c) => (c.kind === 'directory' ? [c.owner.uid, c.owner.gid] : undefined)), want: [[1, 2], [100, 200], [7, 7], [100, 200], [100, 50], [100, 0], [0, 0], [0, 0], [7, 50], [100, 9]] },
    { name: 'config.user forms', yaml: lines('users: [{ name: app, uid: 100, gid: 200 }]', 'groups: [{ name: staff, gid: 50 }]', 'config: { user: "app:staff" }'), pick: (p) => p.config.user, want: '100:50' },
    { name: 'numeric config.user passes through', yaml: lines('config: { user: "65534:65534" }'), pick: (p) => p.config.user, want: '65534:65534' },
    { name: 'root config.user', yaml: lines('config: { user: root }'), pick: (p) => p.config.user, want: '0:0' },
    { name: 'env order kept', yaml: lines('config:', '  env:', '    Z: "1"', '    A: ""', '    _M: x=y'), pick: (p) => p.config.env, want: [['Z', '1'], ['A', ''], ['_M', 'x=y']] },
    { name: 'ports normalised and deduplicated', yaml: lines('config: { ports: [8080, "8080", "53/udp", "0132/sctp", "8080/tcp"] }'), pick: (p) => p.config.ports, want: ['8080/tcp', '53/udp', '132/sctp'] },
    { name: 'volumes and workdir normalised', yaml: lines('config: { volumes: [/data/, /data, /x//y], workdir: /srv/./app/ }'), pick: (p) => [p.config.volumes, p.config.workdir], want: [['/data', '/x/y'], '/srv/app'] },
    { name: 'numeric stop signal', yaml: lines('config: { stop-signal: "15" }'), pick: (p) => p.config.stopSignal, want: '15' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(c.pick(plan(c.yaml)), c.want));
  }
});

describe('planFromValue', () => {
  it('reports through the locator it is given', () => {
    const loc = createLocator('inline', (path) => ({ line: path.length, column: 9 }));
    assert.throws(() => planFromValue({ files: [{ dir: 'rel' }] }, '/b', loc), {
      code: 'ERR_CONFIG_INVALID_VALUE',
      location: { file: 'inline', line: 3, column: 9, keyPath: 'files[0].dir' },
    });
  });
});
