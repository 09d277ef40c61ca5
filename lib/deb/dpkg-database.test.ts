import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildDeb, type DebSpec } from '../../fixtures/deb-builder.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun, runTool } from '../../fixtures/run-tool.js';
import { dpkgDatabaseFiles, dpkgListPaths, type DatabaseFile, type InstalledPackage } from './dpkg-database.js';

const ADMIN = 'var/lib/dpkg';
const TOOLS = ['dpkg-deb', 'dpkg-query', 'dpkg', 'xz'] as const;

/** specs are three packages: conffiles and triggers, a Multi-Arch: same library with a script, a plain one; fields dpkg normalises. */
function specs(arch: string): DebSpec[] {
  const libdir = `/usr/lib/${arch}-test`;
  return [
    {
      package: 'hello-conf', version: '1:2.0-1', architecture: arch,
      fields: {
        Essential: 'yes', Priority: 'Optional', Depends: 'libfoo1 (>=1.0)|libbar,\nbase-files (>= 0:12)', Recommends: 'libfoo1:any',
        Breaks: 'hello-old (<< 2)', 'Built-Using': 'gcc-12 (= 12.2.0-14)', Homepage: 'https://hello.example.invalid/',
      },
      files: [
        { path: '/etc/hello.conf', body: 'greeting=hi\n' },
        { path: '/usr/bin/hello', body: '#!/bin/sh\necho hi\n', mode: 0o755 },
        { path: '/usr/bin/hi', type: 'symlink', target: 'hello' },
        { path: '/usr/share/hello-conf/README', body: 'read me\n' },
      ],
      conffiles: ['/etc/hello.conf'],
      triggers: '# file and explicit interests\ninterest-noawait /usr/share/hello\ninterest hello-reload\n',
    },
    {
      package: 'libfoo1', version: '1.0-1', architecture: arch,
      fields: { 'Multi-Arch': 'same', Source: 'foo (1.0-0.1)', Provides: 'libfoo (= 1.0)', Section: 'libs' },
      files: [{ path: `${libdir}/libfoo.so.1.0`, body: 'not really ELF' }, { path: `${libdir}/libfoo.so.1`, type: 'symlink', target: 'libfoo.so.1.0' }],
      scripts: { postinst: '#!/bin/sh\nexit 0\n' },
      triggers: 'interest-noawait ldconfig\n',
    },
    {
      package: 'plain', version: '0:0.1', architecture: 'all',
      fields: { 'X-Slipway-Note': 'kept verbatim\nsecond line' },
      files: [{ path: '/usr/share/plain/a.txt', body: 'a' }, { path: '/usr/share/plain/empty', type: 'directory' }],
    },
  ];
}

interface Setup {
  readonly dir: string;
  readonly debs: readonly string[];
  readonly packages: readonly InstalledPackage[];
  /** ROOT: the packages extracted with dpkg-deb and our database written into it. */
  readonly root: string;
  /** ROOT2: the same packages installed by dpkg itself. */
  readonly root2: string;
}

let pending: Promise<Setup> | undefined;
let tmp: string | undefined;
const setup = () => (pending ??= makeSetup());
after(async () => {
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

async function makeSetup(): Promise<Setup> {
  const dir = (tmp = await mkdtemp(join(tmpdir(), 'slipway-dpkgdb-')));
  const arch = mustRun('dpkg', ['--print-architecture']).trim();
  const root = join(dir, 'root');
  const debs: string[] = [];
  const packages: InstalledPackage[] = [];
  for (const spec of specs(arch)) {
    const deb = join(dir, `${spec.package}.deb`);
    await writeFile(deb, await buildDeb(spec));
    debs.push(deb);
    mustRun('dpkg-deb', ['-x', deb, root]);
    packages.push(await installedFromDeb(deb, join(dir, 'control', spec.package), root));
  }
  await writeDatabase(root, dpkgDatabaseFiles(packages, { form: 'dpkg' }));
  const root2 = join(dir, 'root2');
  for (const d of ['info', 'updates', 'triggers']) await mkdir(join(root2, ADMIN, d), { recursive: true });
  await writeFile(join(root2, ADMIN, 'status'), '');
  dpkg(root2, ['--force-script-chrootless', '--force-depends', '--install', ...debs]);
  return { dir, debs, packages, root, root2 };
}

/** installedFromDeb describes `deb` from what dpkg-deb extracts: control files (-e) and the data.tar listing (-c). */
async function installedFromDeb(deb: string, ctrl: string, root: string): Promise<InstalledPackage> {
  await mkdir(dirname(ctrl), { recursive: true });
  mustRun('dpkg-deb', ['-e', deb, ctrl]);
  const control: Record<string, string> = {};
  for (const name of await readdir(ctrl)) control[name] = await readFile(join(ctrl, name), 'utf8');
  const { control: text, md5sums, conffiles: list, ...extraInfo } = control;
  const conffiles = await Promise.all((list ?? '').split('\n').filter(Boolean).map(async (path) => ({ path, md5: md5(await readFile(join(root, path))) })));
  const entries = mustRun('dpkg-deb', ['-c', deb]).split('\n').filter(Boolean).map((line) => {
    const m = /^(\S)\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\S*)/.exec(line);
    assert.ok(m, `dpkg-deb -c line ${line}`);
    return { path: m[2]!.replace(/(.)\/$/, '$1'), type: m[1] === 'l' ? 'symlink' : m[1] === 'd' ? 'directory' : 'file' };
  });
  return { control: text!, files: dpkgListPaths(entries), ...(md5sums === undefined ? {} : { md5sums }), conffiles, extraInfo };
}

async function writeDatabase(root: string, files: readonly DatabaseFile[]): Promise<void> {
  for (const f of files) {
    await mkdir(dirname(join(root, f.path)), { recursive: true });
    await writeFile(join(root, f.path), f.content);
    await chmod(join(root, f.path), f.mode);
  }
}

/** dpkg runs dpkg on `root`, logging nowhere, as root or not. */
function dpkg(root: string, args: readonly string[]): string {
  return mustRun('dpkg', [`--root=${root}`, `--admindir=${join(root, ADMIN)}`, '--log=/dev/null', '--force-not-root', ...args]);
}

function query(root: string, args: readonly string[]): { stdout: string; stderr: string } {
  const r = runTool('dpkg-query', [`--admindir=${join(root, ADMIN)}`, ...args], { env: { LC_ALL: 'C' } });
  assert.equal(r.status, 0, `dpkg-query ${args.join(' ')}: ${r.stderr}`);
  return r;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** tree maps each file under `dir` (relative path) to its mode and bytes. */
async function tree(dir: string, prefix = ''): Promise<Map<string, { mode: number; bytes: Buffer }>> {
  const out = new Map<string, { mode: number; bytes: Buffer }>();
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const rel = join(prefix, name);
    const st = await stat(join(dir, rel));
    if (st.isDirectory()) for (const [k, v] of await tree(dir, rel)) out.set(k, v);
    else out.set(rel, { mode: st.mode & 0o7777, bytes: await readFile(join(dir, rel)) });
  }
  return out;
}

describe('dpkgDatabaseFiles with dpkg as the oracle', () => {
  it('writes byte for byte the status, info/ and trigger files dpkg --install writes', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const s = await setup();
    const ours = await tree(join(s.root, ADMIN));
    const theirs = await tree(join(s.root2, ADMIN));
    // dpkg's lock files and its backup of the previous status are its own business.
    for (const own of ['lock', 'lock-frontend', 'status-old', 'triggers/Lock']) theirs.delete(own);
    assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
    for (const [path, f] of theirs) {
      assert.equal(ours.get(path)?.bytes.toString('utf8'), f.bytes.toString('utf8'), path);
      assert.equal(ours.get(path)?.mode, f.mode, `mode of ${path}`);
    }
    assert.ok(ours.has('triggers/File') && ours.has('triggers/hello-reload') && ours.has('triggers/ldconfig'), 'trigger interests are recorded');
  });

  it('dpkg-query -W lists exactly the packages, installed, without a warning', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const { root } = await setup();
    const r = query(root, ['-W', '-f', '${Package} ${Version} ${Status}\n']);
    assert.equal(r.stdout, 'hello-conf 1:2.0-1 install ok installed\nlibfoo1 1.0-1 install ok installed\nplain 0.1 install ok installed\n');
    assert.equal(r.stderr, '');
    assert.equal(dpkg(root, ['--audit']), '');
  });

  it('dpkg-query -L lists each package\'s files and -S finds their owners', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const { root } = await setup();
    const arch = mustRun('dpkg', ['--print-architecture']).trim();
    assert.equal(query(root, ['-L', 'plain']).stdout, '/.\n/usr\n/usr/share\n/usr/share/plain\n/usr/share/plain/empty\n/usr/share/plain/a.txt\n');
    // dpkg lists symlinks last, after the file they point to.
    assert.match(query(root, ['-L', 'libfoo1']).stdout, new RegExp(`libfoo\\.so\\.1\\.0\\n/usr/lib/${arch}-test/libfoo\\.so\\.1\\n$`));
    assert.equal(query(root, ['-S', '/usr/bin/hello']).stdout, 'hello-conf: /usr/bin/hello\n');
    assert.equal(query(root, ['-S', '/usr/share/plain/a.txt']).stdout, 'plain: /usr/share/plain/a.txt\n');
  });

  it('dpkg --verify finds every md5sum matching, and reports a changed file and a changed conffile', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const { root } = await setup();
    assert.equal(dpkg(root, ['--verify']), '');
    const hello = join(root, 'usr/bin/hello');
    const conf = join(root, 'etc/hello.conf');
    const [before, beforeConf] = [await readFile(hello), await readFile(conf)];
    try {
      await writeFile(hello, '#!/bin/sh\necho changed\n');
      await writeFile(conf, 'greeting=changed\n');
      const report = dpkg(root, ['--verify']);
      assert.match(report, /^\?\?5\?\?\?\?\?\? {3}\/usr\/bin\/hello$/m);
      assert.match(report, /^\?\?5\?\?\?\?\?\? c \/etc\/hello\.conf$/m);
    } finally {
      await writeFile(hello, before);
      await writeFile(conf, beforeConf);
    }
    assert.equal(dpkg(root, ['--verify']), '');
  });

  it('dpkg-query -s shows the conffile with the md5 of the installed file', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const { root } = await setup();
    const sum = md5(await readFile(join(root, 'etc/hello.conf')));
    assert.match(query(root, ['-s', 'hello-conf']).stdout, new RegExp(`^Conffiles:\\n /etc/hello\\.conf ${sum}\\n`, 'm'));
  });

  it('a later dpkg --install in the image fires the file triggers, as after a real install', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const s = await setup();
    const extra = join(s.dir, 'extra.deb');
    await writeFile(extra, await buildDeb({ package: 'extra', version: '1', architecture: 'all', files: [{ path: '/usr/share/hello/x', body: 'x' }] }));
    const statuses: string[] = [];
    for (const [name, from] of [['root3', s.root], ['root4', s.root2]] as const) {
      const root = join(s.dir, name);
      await cp(from, root, { recursive: true, verbatimSymlinks: true });
      dpkg(root, ['--force-script-chrootless', '--install', extra]);
      statuses.push(query(root, ['-W', '-f', '${Package} ${Status}\n']).stdout);
    }
    assert.equal(statuses[0], statuses[1]);
    assert.match(statuses[0]!, /^hello-conf install ok triggers-pending$/m, 'hello-conf is interested in /usr/share/hello');
  });
});

describe('dpkgDatabaseFiles form distroless', () => {
  it('writes status.d/PKG (the control file as dpkg-deb -f prints it) and status.d/PKG.md5sums', async (t) => {
    if (!requireTool(t, ...TOOLS)) return;
    const s = await setup();
    const files = dpkgDatabaseFiles(s.packages, { form: 'distroless' });
    assert.deepEqual(files.map((f) => f.path), [
      '/var/lib/dpkg/status.d/hello-conf', '/var/lib/dpkg/status.d/hello-conf.md5sums', '/var/lib/dpkg/status.d/libfoo1',
      '/var/lib/dpkg/status.d/libfoo1.md5sums', '/var/lib/dpkg/status.d/plain', '/var/lib/dpkg/status.d/plain.md5sums',
    ]);
    for (const [i, deb] of s.debs.entries()) {
      assert.equal(files[2 * i]!.content, mustRun('dpkg-deb', ['-f', deb]));
      assert.equal(files[2 * i + 1]!.content, s.packages[i]!.md5sums);
    }
    assert.ok(files.every((f) => f.mode === 0o644));
  });
});

const PLAIN: InstalledPackage = {
  control: 'Package: plain\nVersion: 0.1\nArchitecture: all\nMaintainer: M <m@example.invalid>\nDescription: plain\n',
  files: ['/', '/usr', '/usr/share', '/usr/share/plain', '/usr/share/plain/a.txt'],
  md5sums: '0cc175b9c0f1b6a831c399e269772661  usr/share/plain/a.txt\n',
};
const LIB: InstalledPackage = {
  control: 'Package: libx1\nVersion: 2\nArchitecture: arm64\nMulti-Arch: same\nMaintainer: M <m@example.invalid>\nDescription: x\n',
  files: ['./', './usr/', './usr/lib/', './usr/lib/libx.so.1'],
  extraInfo: { shlibs: 'libx 1 libx1\n', postinst: '#!/bin/sh\n', 'symbols.old': 'x', triggers: 'interest-await /usr/lib/x\n' },
};
const stanzaOf = (control: string, extra: Partial<InstalledPackage> = {}) =>
  dpkgDatabaseFiles([{ control, files: [], ...extra }], { form: 'dpkg' }).find((f) => f.path.endsWith('/status'))!.content;

describe('dpkgDatabaseFiles', () => {
  it('form dpkg writes these files, sorted, the same for any input order', () => {
    const files = dpkgDatabaseFiles([LIB, PLAIN], { form: 'dpkg' });
    assert.deepEqual(files.map((f) => [f.path, f.mode.toString(8)]), [
      ['/var/lib/dpkg/info/format', '644'], ['/var/lib/dpkg/info/libx1:arm64.list', '644'], ['/var/lib/dpkg/info/libx1:arm64.postinst', '755'],
      ['/var/lib/dpkg/info/libx1:arm64.shlibs', '644'], ['/var/lib/dpkg/info/libx1:arm64.triggers', '644'], ['/var/lib/dpkg/info/plain.list', '644'],
      ['/var/lib/dpkg/info/plain.md5sums', '644'], ['/var/lib/dpkg/status', '644'], ['/var/lib/dpkg/triggers/File', '644'],
      ['/var/lib/dpkg/triggers/Unincorp', '644'],
    ]);
    assert.deepEqual(dpkgDatabaseFiles([PLAIN, LIB], { form: 'dpkg' }), files);
    const content = new Map(files.map((f) => [f.path, f.content]));
    assert.equal(content.get('/var/lib/dpkg/info/libx1:arm64.list'), '/.\n/usr\n/usr/lib\n/usr/lib/libx.so.1\n');
    assert.equal(content.get('/var/lib/dpkg/triggers/File'), '/usr/lib/x libx1:arm64\n');
    assert.match(content.get('/var/lib/dpkg/status')!, /^Package: libx1\nStatus: install ok installed\n[^]*\n\nPackage: plain\n[^]*\n\n$/);
  });

  it('writes an empty status for no packages', () => {
    assert.deepEqual(dpkgDatabaseFiles([], { form: 'dpkg' }), [
      { path: '/var/lib/dpkg/info/format', content: '1\n', mode: 0o644 }, { path: '/var/lib/dpkg/status', content: '', mode: 0o644 },
      { path: '/var/lib/dpkg/triggers/Unincorp', content: '', mode: 0o644 },
    ]);
  });

  const cases: [string, string, string][] = [
    ['relations are rewritten as dpkg writes them', 'Depends: a(>=1)|b:any ( << 0:2 ),\n  c (1.0), d (< 3)\n', 'Depends: a (>= 1) | b:any (<< 2), c (= 1.0), d (<= 3)\n'],
    ['a zero epoch is dropped, others kept', 'Version: 0:1.0-1\n', 'Version: 1.0-1\n'],
    ['known field names take their canonical case', 'multi-arch: Foreign\nPRIORITY: Important\nessential: no\n', 'Priority: important\n'],
    ['an unknown priority is kept as written', 'Priority: Weird\n', 'Priority: Weird\n'],
    ['fields of the archive or the state are dropped', 'Filename: pool/x.deb\nSize: 10\nStatus: purge ok not-installed\n', ''],
  ];
  for (const [name, fields, expected] of cases) {
    it(name, () => {
      const base = 'Package: p\nVersion: 1\nArchitecture: all\nMaintainer: M\nDescription: d\n';
      const control = base.replace(/^Version: 1\n/m, fields.startsWith('Version') ? fields : `Version: 1\n${fields}`);
      const stanza = stanzaOf(control);
      for (const line of expected.split(/\n(?! )/).filter(Boolean)) assert.ok(stanza.includes(`${line}\n`), `${JSON.stringify(line)} in\n${stanza}`);
      if (name.includes('dropped')) assert.doesNotMatch(stanza, /Filename|Size|purge/);
      if (name.includes('canonical')) assert.match(stanza, /^Multi-Arch: foreign$/m);
    });
  }

  it('puts Status after Package and the conffiles before Description, other fields last in control order', () => {
    const stanza = stanzaOf('Package: Q\nDescription: d\n more\nX-B: 2\nVersion: 1\nX-A: 1\nMaintainer: M\nArchitecture: all\n', {
      conffiles: [{ path: '/etc/q', md5: 'd41d8cd98f00b204e9800998ecf8427e' }],
    });
    assert.equal(stanza, 'Package: q\nStatus: install ok installed\nMaintainer: M\nArchitecture: all\nVersion: 1\n' +
      'Conffiles:\n /etc/q d41d8cd98f00b204e9800998ecf8427e\nDescription: d\n more\nX-B: 2\nX-A: 1\n\n');
  });

  const errors: [string, InstalledPackage, string, RegExp][] = [
    ['no Package field', { control: 'Version: 1\n', files: [] }, 'ERR_DEB_MALFORMED', /Package/],
    ['a broken relation', { control: 'Package: p\nVersion: 1\nDepends: a (>= 1\n', files: [] }, 'ERR_DEB_MALFORMED', /^p=1\/: control Depends/],
    ['alternatives in Conflicts', { control: 'Package: p\nVersion: 1\nConflicts: a | b\n', files: [] }, 'ERR_DEB_MALFORMED', /alternatives/],
    ['no final newline', { control: 'Package: p\nVersion: 1', files: [] }, 'ERR_DEB_MALFORMED', /^p: control: does not end/],
    ['a .. path', { control: 'Package: p\nVersion: 1\n', files: ['/usr/../../etc/passwd'] }, 'ERR_DEB_UNSAFE', /^p=1\/: path/],
    ['a newline in a path', { control: 'Package: p\nVersion: 1\n', files: ['/a\nb'] }, 'ERR_DEB_MALFORMED', /newline/],
    ['an explicit trigger escaping triggers/', { control: 'Package: p\nVersion: 1\n', files: [], extraInfo: { triggers: 'interest ../../../etc/x\n' } }, 'ERR_DEB_UNSAFE', /trigger name/],
    ['an unknown trigger directive', { control: 'Package: p\nVersion: 1\n', files: [], extraInfo: { triggers: 'frob x\n' } }, 'ERR_DEB_MALFORMED', /triggers/],
    ['a control file name with a slash', { control: 'Package: p\nVersion: 1\n', files: [], extraInfo: { '../x': '' } }, 'ERR_DEB_UNSAFE', /control file/],
    ['Multi-Arch: same without an architecture', { control: 'Package: p\nVersion: 1\nMulti-Arch: same\n', files: [] }, 'ERR_DEB_MALFORMED', /Multi-Arch/],
  ];
  for (const [name, pkg, code, message] of errors) {
    it(`refuses ${name} with ${code}`, () => {
      assert.throws(() => dpkgDatabaseFiles([pkg], { form: 'dpkg' }), (err: { code?: string; message?: string }) => {
        assert.equal(err.code, code);
        assert.match(err.message ?? '', message);
        return true;
      });
    });
  }

  it('refuses two instances of one package with ERR_LAYER_PATH_CONFLICT, but not two architectures of a Multi-Arch: same one', () => {
    for (const form of ['dpkg', 'distroless'] as const) {
      assert.throws(() => dpkgDatabaseFiles([PLAIN, PLAIN], { form }), { code: 'ERR_LAYER_PATH_CONFLICT' });
    }
    const amd64 = { ...LIB, control: LIB.control.replace('arm64', 'amd64') };
    const paths = dpkgDatabaseFiles([LIB, amd64], { form: 'dpkg' }).map((f) => f.path);
    assert.ok(paths.includes('/var/lib/dpkg/info/libx1:amd64.list') && paths.includes('/var/lib/dpkg/info/libx1:arm64.list'));
  });
});

describe('dpkgListPaths', () => {
  it('keeps archive order but moves symlinks last, as dpkg unpacks them', () => {
    const entries = [
      { path: '/', type: 'directory' }, { path: '/usr/lib/libx.so.1', type: 'symlink' }, { path: '/usr/lib/libx.so.1.0', type: 'file' },
      { path: '/usr/lib/hard', type: 'hardlink' },
    ];
    assert.deepEqual(dpkgListPaths(entries), ['/', '/usr/lib/libx.so.1.0', '/usr/lib/hard', '/usr/lib/libx.so.1']);
  });
});
