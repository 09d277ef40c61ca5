import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { requireTool } from '../../fixtures/require-tool.js';
import { runTool } from '../../fixtures/run-tool.js';
import { alternativesEntries, readAlternativeInstalls, type AlternativeInstall } from './alternatives.js';

// Excerpts of bookworm postinst scripts (test data).
const MAWK = `#!/bin/sh
set -e
# Automatically added by dh_installalternatives/13.7.1
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]; then
        update-alternatives --install /usr/bin/awk awk /usr/bin/mawk 5 \\
            --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/mawk.1.gz \\
            --slave /usr/bin/nawk nawk /usr/bin/mawk \\
            --slave /usr/share/man/man1/nawk.1.gz nawk.1.gz /usr/share/man/man1/mawk.1.gz
fi
# End automatically added section
`;
const GAWK = `#! /bin/sh -e
update-alternatives --quiet --install /usr/bin/awk awk /usr/bin/gawk 10 \\
  --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/gawk.1.gz \\
  --slave /usr/bin/nawk nawk /usr/bin/gawk \\
  --slave /usr/share/man/man1/nawk.1.gz nawk.1.gz /usr/share/man/man1/gawk.1.gz
for badlink in /usr/man/man1/awk.1 /usr/man/man1/nawk.1; do
  if [ -L $badlink ]; then
    if ! ls -l $(ls -l $badlink | cut -d">" -f2) >/dev/null 2>&1; then
      rm -f $badlink
    fi
  fi
done
`;
const LESS = `case "$1" in
  configure)
    update-alternatives --quiet --install /usr/bin/pager pager \\
      /usr/bin/less 77 --slave /usr/share/man/man1/pager.1.gz \\
      pager.1.gz /usr/share/man/man1/less.1.gz
  ;;
  abort-upgrade|abort-remove|abort-deconfigure)
  ;;
  *)
    echo "postinst called with unknown argument \\\`$1'" >&2
    exit 0
  ;;
esac
`;
const NANO = `if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ]; then
    update-alternatives --install /usr/bin/editor editor /bin/nano 40 \\
      --slave /usr/share/man/man1/editor.1.gz editor.1.gz \\
      /usr/share/man/man1/nano.1.gz
    update-alternatives --install /usr/bin/pico pico /bin/nano 10 \\
      --slave /usr/share/man/man1/pico.1.gz pico.1.gz \\
      /usr/share/man/man1/nano.1.gz
fi
`;
const VIM_TINY = `if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]; then
        update-alternatives --install /usr/bin/editor editor /usr/bin/vim.tiny 15 \\
            --slave /usr/share/man/man1/editor.1.gz editor.1.gz /usr/share/man/man1/vim.1.gz \\
            --slave /usr/share/man/da/man1/editor.1.gz editor.da.1.gz /usr/share/man/da/man1/vim.1.gz \\
            --slave /usr/share/man/de/man1/editor.1.gz editor.de.1.gz /usr/share/man/de/man1/vim.1.gz
fi
`;
const PINENTRY = `if [ "$1" = configure ]; then
\tupdate-alternatives --quiet \\
\t  --install /usr/bin/pinentry pinentry /usr/bin/pinentry-curses 50 \\
\t  --slave /usr/share/man/man1/pinentry.1.gz pinentry.1.gz /usr/share/man/man1/pinentry-curses.1.gz
fi
`;
const LIBBLAS3 = `update-alternatives --install /usr/lib/x86_64-linux-gnu/libblas.so.3 \\
                    libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/blas/libblas.so.3 10
`;
const OPENBLAS = `update-alternatives --install /usr/lib/x86_64-linux-gnu/libblas.so.3 \\
                    libblas.so.3-x86_64-linux-gnu \\
\t            /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 100
`;
const CHROMIUM = `if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] ; then
    update-alternatives --install /usr/bin/x-www-browser \\
        x-www-browser /usr/bin/chromium 40
    update-alternatives --install /usr/bin/gnome-www-browser \\
        gnome-www-browser /usr/bin/chromium 40
fi
`;
/** gfortran: a continuation into a commented-out slave ends the call. */
const GFORTRAN = `update-alternatives --install /usr/bin/f95 f95 /usr/bin/gfortran 20 \\
  #--slave /usr/share/man/man1/f95.1.gz f95.1.gz /usr/share/man/man1/gfortran.1.gz
`;
/** mpich: a continuation onto an empty line, then commented slaves. */
const MPICH = `update-alternatives \\
\t--install /usr/bin/mpirun mpirun /usr/bin/mpirun.mpich 40 \\
\t--slave /usr/bin/mpiexec mpiexec /usr/bin/mpiexec.mpich \\

#\t--slave /usr/share/man/man1/mpirun.1.gz mpirun.1.gz /usr/share/man/man1/mpirun.mpich.1.gz \\
`;
/** mariadb-common: a query in a pipeline, a quoted path, `|| true`. */
const MARIADB = `    if ! update-alternatives --query my.cnf | grep --quiet "Value: /etc/mysql/mariadb.cnf"
    then
      update-alternatives --install /etc/mysql/my.cnf my.cnf "/etc/mysql/mariadb.cnf" 500 || true
    fi
`;
/** mysql-common: a here-document that mentions update-alternatives. */
const MYSQL = `    cat - /etc/mysql/my.cnf.dpkg-bak <<EOT > /etc/mysql/my.cnf.migrated
# 2. Run "update-alternatives --install my.cnf /x /y 1"
EOT
    update-alternatives --install /etc/mysql/my.cnf my.cnf /etc/mysql/my.cnf.migrated 300
`;
const TIMGM = `\tupdate-alternatives --force --install \\
\t    /usr/share/sounds/sf2/default-GM.sf2 default-GM.sf2 \\
\t    /usr/share/sounds/sf2/TimGM6mb.sf2 20
`;
const BISON = `        [ -e /usr/bin/yacc ] || update-alternatives --auto yacc
\tupdate-alternatives --remove rename /usr/bin/prename
`;
const OPENJDK = `    for i in $jre_tools; do
        update-alternatives \\
            --install \\
            /usr/bin/$i \\
            $i \\
            $basedir/bin/$i \\
            $priority \\
\t    $slave1 $slave2
    done
`;
const PETSC = `  update-alternatives --install /usr/lib/\${DEB_HOST_MULTIARCH}/libpetsc.so.\${SONAME} libpetsc.so.\${SONAME} /usr/lib/\${DEB_HOST_MULTIARCH}/libpetsc_real.so.3.18 7
`;
const CLANG = `update-alternatives --quiet \\
\t--install /usr/bin/cc \\
\t\tcc \\
\t\t/usr/bin/clang \\
\t\t$prio
`;

const awkSlaves = (impl: string): AlternativeInstall['slaves'] => [
  { link: '/usr/share/man/man1/awk.1.gz', name: 'awk.1.gz', path: `/usr/share/man/man1/${impl}.1.gz` },
  { link: '/usr/bin/nawk', name: 'nawk', path: `/usr/bin/${impl}` },
  { link: '/usr/share/man/man1/nawk.1.gz', name: 'nawk.1.gz', path: `/usr/share/man/man1/${impl}.1.gz` },
];

describe('readAlternativeInstalls', () => {
  const cases: { name: string; script: string; installs: AlternativeInstall[]; unread?: string[] }[] = [
    { name: 'mawk (debhelper if)', script: MAWK, installs: [{ link: '/usr/bin/awk', name: 'awk', path: '/usr/bin/mawk', priority: 5, slaves: awkSlaves('mawk') }] },
    { name: 'gawk (--quiet, $( ) elsewhere)', script: GAWK, installs: [{ link: '/usr/bin/awk', name: 'awk', path: '/usr/bin/gawk', priority: 10, slaves: awkSlaves('gawk') }] },
    {
      name: 'less (case, continuation mid-arguments)', script: LESS,
      installs: [{ link: '/usr/bin/pager', name: 'pager', path: '/usr/bin/less', priority: 77, slaves: [{ link: '/usr/share/man/man1/pager.1.gz', name: 'pager.1.gz', path: '/usr/share/man/man1/less.1.gz' }] }],
    },
    {
      name: 'nano (two calls)', script: NANO,
      installs: [
        { link: '/usr/bin/editor', name: 'editor', path: '/bin/nano', priority: 40, slaves: [{ link: '/usr/share/man/man1/editor.1.gz', name: 'editor.1.gz', path: '/usr/share/man/man1/nano.1.gz' }] },
        { link: '/usr/bin/pico', name: 'pico', path: '/bin/nano', priority: 10, slaves: [{ link: '/usr/share/man/man1/pico.1.gz', name: 'pico.1.gz', path: '/usr/share/man/man1/nano.1.gz' }] },
      ],
    },
    {
      name: 'pinentry-curses (option before --install)', script: PINENTRY,
      installs: [{ link: '/usr/bin/pinentry', name: 'pinentry', path: '/usr/bin/pinentry-curses', priority: 50, slaves: [{ link: '/usr/share/man/man1/pinentry.1.gz', name: 'pinentry.1.gz', path: '/usr/share/man/man1/pinentry-curses.1.gz' }] }],
    },
    { name: 'libblas3', script: LIBBLAS3, installs: [{ link: '/usr/lib/x86_64-linux-gnu/libblas.so.3', name: 'libblas.so.3-x86_64-linux-gnu', path: '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3', priority: 10, slaves: [] }] },
    {
      name: 'chromium (x-www-browser)', script: CHROMIUM,
      installs: [
        { link: '/usr/bin/x-www-browser', name: 'x-www-browser', path: '/usr/bin/chromium', priority: 40, slaves: [] },
        { link: '/usr/bin/gnome-www-browser', name: 'gnome-www-browser', path: '/usr/bin/chromium', priority: 40, slaves: [] },
      ],
    },
    { name: 'gfortran (comment after continuation)', script: GFORTRAN, installs: [{ link: '/usr/bin/f95', name: 'f95', path: '/usr/bin/gfortran', priority: 20, slaves: [] }] },
    {
      name: 'mpich (continuation onto an empty line)', script: MPICH,
      installs: [{ link: '/usr/bin/mpirun', name: 'mpirun', path: '/usr/bin/mpirun.mpich', priority: 40, slaves: [{ link: '/usr/bin/mpiexec', name: 'mpiexec', path: '/usr/bin/mpiexec.mpich' }] }],
    },
    { name: 'mariadb-common (quotes, || true, query ignored)', script: MARIADB, installs: [{ link: '/etc/mysql/my.cnf', name: 'my.cnf', path: '/etc/mysql/mariadb.cnf', priority: 500, slaves: [] }] },
    { name: 'mysql-common (here-document skipped)', script: MYSQL, installs: [{ link: '/etc/mysql/my.cnf', name: 'my.cnf', path: '/etc/mysql/my.cnf.migrated', priority: 300, slaves: [] }] },
    { name: 'timgm6mb-soundfont (--force)', script: TIMGM, installs: [{ link: '/usr/share/sounds/sf2/default-GM.sf2', name: 'default-GM.sf2', path: '/usr/share/sounds/sf2/TimGM6mb.sf2', priority: 20, slaves: [], force: true }] },
    { name: 'other actions ignored', script: BISON, installs: [] },
    { name: 'openjdk (loop variables)', script: OPENJDK, installs: [], unread: [OPENJDK.slice(OPENJDK.indexOf('update-'), OPENJDK.indexOf('\n    done'))] },
    { name: 'libpetsc (${...})', script: PETSC, installs: [], unread: [PETSC.trim()] },
    { name: 'clang ($prio)', script: CLANG, installs: [], unread: [CLANG.trim()] },
    {
      name: 'inside a command substitution', script: 'x=$(update-alternatives --install /usr/bin/a a "/usr/bin/a b" 1)\n',
      installs: [{ link: '/usr/bin/a', name: 'a', path: '/usr/bin/a b', priority: 1, slaves: [] }],
    },
    {
      name: 'quoting and escapes', script: `update-alternatives --install '/usr/bin/q' q\\x /usr/bin/"q 2" +7 --slave /s s /t\\\n1 >/dev/null 2>&1; echo done\n`,
      installs: [{ link: '/usr/bin/q', name: 'qx', path: '/usr/bin/q 2', priority: 7, slaves: [{ link: '/s', name: 's', path: '/t1' }] }],
    },
    { name: "bash $'...' quoting is not guessed", script: "update-alternatives --install /usr/bin/e e $'/usr/bin/e\\t' 1\n", installs: [], unread: ["update-alternatives --install /usr/bin/e e $'/usr/bin/e\\t' 1"] },
    { name: 'single quotes keep $', script: "/usr/bin/update-alternatives --install /usr/bin/d d '/usr/bin/$d' 1\n", installs: [{ link: '/usr/bin/d', name: 'd', path: '/usr/bin/$d', priority: 1, slaves: [] }] },
    {
      name: 'usage errors and other roots are unread',
      script: 'update-alternatives --install /a a /a 1\nupdate-alternatives --install /a a /b x\nupdate-alternatives --root /r --install /a a /b 1\nupdate-alternatives --slave /c c /d --install /a a /b 1\nupdate-alternatives --install /a a /b 1 --slave /c c /d --slave /e c /f\nupdate-alternatives $cmd\n',
      installs: [],
      unread: ['update-alternatives --install /a a /a 1', 'update-alternatives --install /a a /b x', 'update-alternatives --root /r --install /a a /b 1', 'update-alternatives --slave /c c /d --install /a a /b 1', 'update-alternatives --install /a a /b 1 --slave /c c /d --slave /e c /f', 'update-alternatives $cmd'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = readAlternativeInstalls(c.script);
      assert.deepEqual(got.installs, c.installs);
      assert.deepEqual(got.unread, c.unread ?? []);
    });
  }
});

const pkg = (p: string, script: string): (AlternativeInstall & { package: string })[] => readAlternativeInstalls(script).installs.map((i) => ({ ...i, package: p }));
const existing = (paths: readonly string[]) => (p: string): boolean => paths.includes(p);

describe('alternativesEntries', () => {
  it('ties keep the choice installed first; higher priority wins', () => {
    const files = ['/usr/bin/mawk', '/usr/bin/gawk', '/usr/share/man/man1/mawk.1.gz', '/usr/share/man/man1/gawk.1.gz'];
    const tie = [...pkg('mawk', MAWK), ...pkg('gawk', GAWK)].map((i) => ({ ...i, priority: 10 }));
    const { entries } = alternativesEntries(tie, existing(files));
    assert.equal(entries.find((e) => e.path === '/etc/alternatives/awk')?.linkname, '/usr/bin/mawk');
    const { entries: e2 } = alternativesEntries([...pkg('mawk', MAWK), ...pkg('gawk', GAWK)], existing(files));
    assert.equal(e2.find((e) => e.path === '/etc/alternatives/awk')?.linkname, '/usr/bin/gawk');
  });

  it('writes the link chain and the admin file, sorted', () => {
    const { entries, notes } = alternativesEntries(pkg('mawk', MAWK), existing(['/usr/bin/mawk']));
    assert.deepEqual(entries.map((e) => [e.path, e.type, e.linkname ?? e.content?.toString() ?? '', e.mode]), [
      ['/etc/alternatives', 'directory', '', 0o755],
      ['/etc/alternatives/awk', 'symlink', '/usr/bin/mawk', 0o777],
      ['/etc/alternatives/nawk', 'symlink', '/usr/bin/mawk', 0o777],
      ['/usr/bin/awk', 'symlink', '/etc/alternatives/awk', 0o777],
      ['/usr/bin/nawk', 'symlink', '/etc/alternatives/nawk', 0o777],
      ['/var/lib/dpkg/alternatives', 'directory', '', 0o755],
      [
        '/var/lib/dpkg/alternatives/awk', 'file',
        'auto\n/usr/bin/awk\nawk.1.gz\n/usr/share/man/man1/awk.1.gz\nnawk\n/usr/bin/nawk\nnawk.1.gz\n/usr/share/man/man1/nawk.1.gz\n\n' +
          '/usr/bin/mawk\n5\n/usr/share/man/man1/mawk.1.gz\n/usr/bin/mawk\n/usr/share/man/man1/mawk.1.gz\n\n',
        0o644,
      ],
    ]);
    assert.equal(notes.length, 2, 'one note per man page slave whose target is missing');
    assert.match(notes[0]!, /skip creation of \/usr\/share\/man\/man1\/awk\.1\.gz because associated file \/usr\/share\/man\/man1\/mawk\.1\.gz/);
  });

  it('refuses a choice whose path does not exist, naming the package', () => {
    const { entries, notes } = alternativesEntries(pkg('mysql-common', MYSQL), () => false);
    assert.deepEqual(entries, []);
    assert.deepEqual(notes, ["mysql-common: update-alternatives --install /etc/mysql/my.cnf my.cnf /etc/mysql/my.cnf.migrated 300: alternative path /etc/mysql/my.cnf.migrated doesn't exist"]);
  });

  it('refuses a name or link another group owns', () => {
    const installs = [
      ...pkg('mawk', MAWK),
      { package: 'bad1', link: '/usr/bin/x', name: 'x', path: '/usr/bin/mawk', priority: 1, slaves: [{ link: '/usr/bin/y', name: 'nawk', path: '/usr/bin/mawk' }] },
      { package: 'bad2', link: '/usr/bin/awk', name: 'other', path: '/usr/bin/mawk', priority: 1, slaves: [] },
      { package: 'bad3', link: '/usr/bin/z', name: 'nawk', path: '/usr/bin/mawk', priority: 1, slaves: [] },
    ];
    const { notes } = alternativesEntries(installs, existing(['/usr/bin/mawk']));
    assert.deepEqual(notes.filter((n) => n.startsWith('bad')).map((n) => n.split(': ').slice(2).join(': ')), [
      "alternative nawk can't be slave of x: it is a slave of awk",
      'alternative link /usr/bin/awk is already managed by awk',
      "alternative nawk can't be master: it is a slave of awk",
    ]);
  });

  it('notes a link path that exists in the image', () => {
    const { notes } = alternativesEntries(pkg('timgm6mb-soundfont', TIMGM), existing(['/usr/share/sounds/sf2/TimGM6mb.sf2', '/usr/share/sounds/sf2/default-GM.sf2']));
    assert.match(notes[0]!, /^\/usr\/share\/sounds\/sf2\/default-GM\.sf2 \(link group default-GM\.sf2\) exists in the image.*--force/);
  });
});

/** The calls of the oracle run, in order, with what exists in the tree. */
function oracleCase(): { installs: (AlternativeInstall & { package: string })[]; files: string[]; realFiles: string[] } {
  const installs = [
    ...pkg('mawk', MAWK), ...pkg('gawk', GAWK), ...pkg('vim-tiny', VIM_TINY), ...pkg('nano', NANO), ...pkg('less', LESS),
    { package: 'more', link: '/usr/bin/pager', name: 'pager', path: '/usr/bin/more', priority: 77, slaves: [{ link: '/usr/share/man/man1/pager.1.gz', name: 'pager.1.gz', path: '/usr/share/man/man1/more.1.gz' }] },
    ...pkg('pinentry-curses', PINENTRY), ...pkg('libblas3', LIBBLAS3), ...pkg('libopenblas0-pthread', OPENBLAS), ...pkg('chromium', CHROMIUM),
    ...pkg('mariadb-common', MARIADB), ...pkg('mysql-common', MYSQL), ...pkg('mpich', MPICH), ...pkg('timgm6mb-soundfont', TIMGM),
    // The same path again with a lower priority: the current choice loses to a higher other one.
    { package: 'foo-a', link: '/usr/bin/foo', name: 'foo', path: '/usr/bin/foo-a', priority: 50, slaves: [{ link: '/usr/bin/foo-x', name: 'foo-x', path: '/usr/bin/foo-a' }] },
    { package: 'foo-b', link: '/usr/bin/foo', name: 'foo', path: '/usr/bin/foo-b', priority: 40, slaves: [{ link: '/usr/bin/foo-y', name: 'foo-y', path: '/usr/bin/foo-b' }] },
    { package: 'foo-a', link: '/usr/bin/foo', name: 'foo', path: '/usr/bin/foo-a', priority: 30, slaves: [] },
    // A later call moves the master and a slave link.
    { package: 'bar-a', link: '/usr/bin/bar', name: 'bar', path: '/usr/bin/bar-a', priority: 10, slaves: [{ link: '/usr/bin/bar-s', name: 'bar-s', path: '/usr/bin/bar-a' }] },
    { package: 'bar-b', link: '/usr/sbin/bar', name: 'bar', path: '/usr/bin/bar-b', priority: 5, slaves: [{ link: '/usr/sbin/bar-s', name: 'bar-s', path: '/usr/bin/bar-b' }] },
    // Refused: a slave named like another group's master.
    { package: 'baz', link: '/usr/bin/baz', name: 'baz', path: '/usr/bin/bar-a', priority: 1, slaves: [{ link: '/usr/bin/baz-s', name: 'pager', path: '/usr/bin/bar-a' }] },
    // A real file where the master link goes.
    { package: 'real', link: '/usr/bin/real', name: 'real', path: '/usr/bin/bar-a', priority: 1, slaves: [] },
  ];
  const files = [
    '/usr/bin/mawk', '/usr/bin/gawk', '/usr/share/man/man1/gawk.1.gz', '/usr/bin/vim.tiny', '/usr/share/man/man1/vim.1.gz', '/usr/share/man/de/man1/vim.1.gz',
    '/bin/nano', '/usr/share/man/man1/nano.1.gz', '/usr/bin/less', '/usr/share/man/man1/less.1.gz', '/usr/bin/more', '/usr/share/man/man1/more.1.gz',
    '/usr/bin/pinentry-curses', '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3', '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', '/usr/bin/chromium',
    '/etc/mysql/mariadb.cnf', '/usr/bin/mpirun.mpich', '/usr/share/sounds/sf2/TimGM6mb.sf2',
    '/usr/bin/foo-a', '/usr/bin/foo-b', '/usr/bin/bar-a', '/usr/bin/bar-b',
  ];
  return { installs, files, realFiles: ['/usr/bin/real'] };
}

/** Every symlink and admin file under `root`, as image paths. */
async function snapshot(root: string, dir = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(join(root, dir))) {
    const rel = `${dir}/${name}`;
    const st = await lstat(join(root, rel));
    if (st.isSymbolicLink()) out.set(rel, `-> ${await readlink(join(root, rel))}`);
    else if (st.isDirectory()) for (const [k, v] of await snapshot(root, rel)) out.set(k, v);
    else if (rel.startsWith('/var/lib/dpkg/alternatives/')) out.set(rel, (await readFile(join(root, rel))).toString());
  }
  return out;
}

describe('alternativesEntries against update-alternatives', () => {
  it('gives the links and admin files update-alternatives --root leaves', async (t) => {
    if (!requireTool(t, 'update-alternatives')) return;
    const { installs, files, realFiles } = oracleCase();
    const root = await mkdtemp(join(tmpdir(), 'slipway-alt-'));
    try {
      const links = installs.flatMap((i) => [i.link, ...i.slaves.map((s) => s.link)]);
      for (const d of new Set([...files, ...realFiles, ...links, '/var/log/x', '/etc/alternatives/x', '/var/lib/dpkg/alternatives/x'].map((p) => dirname(p)))) await mkdir(join(root, d), { recursive: true });
      for (const f of [...files, ...realFiles]) await writeFile(join(root, f), '');
      const inImage = new Set([...files, ...realFiles]);
      const ours = alternativesEntries(installs, (p) => inImage.has(p));

      const refused: string[] = [];
      for (const i of installs) {
        const args = ['--root', root, ...(i.force ? ['--force'] : []), '--install', i.link, i.name, i.path, String(i.priority), ...i.slaves.flatMap((s) => ['--slave', s.link, s.name, s.path])];
        const r = runTool('update-alternatives', args);
        if (r.status !== 0) refused.push(`${i.package} ${i.path}`);
      }
      assert.deepEqual(refused, ['mysql-common /etc/mysql/my.cnf.migrated', 'baz /usr/bin/bar-a']);
      assert.deepEqual(ours.notes.filter((n) => /^[a-z-]+: update-alternatives/.test(n)).map((n) => n.split(':')[0]), ['mysql-common', 'baz']);
      assert.ok(ours.notes.some((n) => n.startsWith('/usr/bin/real ')), 'the real file is noted');
      assert.ok((await lstat(join(root, '/usr/bin/real'))).isFile(), 'update-alternatives kept the real file');

      const want = await snapshot(root);
      const got = new Map<string, string>();
      for (const e of ours.entries) {
        if (e.type === 'symlink' && !realFiles.includes(e.path)) got.set(e.path, `-> ${e.linkname}`);
        if (e.type === 'file') got.set(e.path, e.content!.toString());
      }
      assert.deepEqual(new Map([...got].sort()), new Map([...want].sort()));
      assert.ok(got.has('/var/lib/dpkg/alternatives/editor') && got.get('/etc/alternatives/pager') === '-> /usr/bin/less');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
