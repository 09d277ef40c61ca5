import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { accountFiles, type AccountFilesInput, type GroupInput, type UserInput } from './account-files.js';
import type { GeneratedEntry } from './generated-entry.js';

// base-passwd 3.6.1 /usr/share/base-passwd/passwd.master, and group.master shortened (test data).
const PASSWD_MASTER = `root:*:0:0:root:/root:/bin/bash
daemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:*:2:2:bin:/bin:/usr/sbin/nologin
sys:*:3:3:sys:/dev:/usr/sbin/nologin
sync:*:4:65534:sync:/bin:/bin/sync
games:*:5:60:games:/usr/games:/usr/sbin/nologin
man:*:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:*:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:*:8:8:mail:/var/mail:/usr/sbin/nologin
news:*:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:*:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:*:13:13:proxy:/bin:/usr/sbin/nologin
www-data:*:33:33:www-data:/var/www:/usr/sbin/nologin
backup:*:34:34:backup:/var/backups:/usr/sbin/nologin
list:*:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:*:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:*:42:65534::/nonexistent:/usr/sbin/nologin
nobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`;
const GROUP_MASTER = `root:*:0:
daemon:*:1:
bin:*:2:
sys:*:3:
adm:*:4:
tty:*:5:
staff:*:50:
shadow:*:42:
utmp:*:43:
users:*:100:
nogroup:*:65534:
`;
// Debian's /etc/login.defs values that pwconv reads (login package).
const LOGIN_DEFS = 'PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\n';

const APP: UserInput = { name: 'app', uid: 10001, gid: 10001, gecos: 'App,,,', home: '/srv/app', shell: '/sbin/nologin', at: { file: 'slipway.yaml', line: 3, column: 5, keyPath: 'users[0]' } };
const APP_GROUP: GroupInput = { name: 'app', gid: 10001, members: [] };
const WEB: GroupInput = { name: 'web', gid: 10002, members: ['app', 'www-data'] };
const DAYS = 19723;

function texts(entries: readonly GeneratedEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.path, e.content!.toString()]));
}

function base(over: Partial<AccountFilesInput>): AccountFilesInput {
  return { users: [], groups: [], shadow: false, lastChangeDays: DAYS, ...over };
}

describe('accountFiles', () => {
  it('writes nothing without a master, users or groups', () => {
    assert.deepEqual(accountFiles(base({ shadow: true })), []);
  });

  it('without a master starts with root, as the build always has', () => {
    const out = accountFiles(base({ users: [APP], groups: [APP_GROUP, WEB] }));
    assert.deepEqual(texts(out), {
      '/etc/group': 'root:x:0:\napp:x:10001:\nweb:x:10002:app,www-data\n',
      '/etc/passwd': 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001:App,,,:/srv/app:/sbin/nologin\n',
    });
    assert.deepEqual(out.map((e) => [e.path, e.type, e.mode, e.uid, e.gid]), [['/etc/group', 'file', 0o644, 0, 0], ['/etc/passwd', 'file', 0o644, 0, 0]]);
  });

  it('copies the masters byte for byte, then appends the config in order', () => {
    const out = texts(accountFiles(base({ passwdMaster: PASSWD_MASTER, groupMaster: GROUP_MASTER, users: [APP], groups: [WEB, APP_GROUP] })));
    assert.equal(out['/etc/passwd'], `${PASSWD_MASTER}app:x:10001:10001:App,,,:/srv/app:/sbin/nologin\n`);
    assert.equal(out['/etc/group'], `${GROUP_MASTER}web:x:10002:app,www-data\napp:x:10001:\n`);
    assert.equal(texts(accountFiles(base({ passwdMaster: PASSWD_MASTER.trimEnd(), groupMaster: GROUP_MASTER })))['/etc/passwd'], PASSWD_MASTER);
  });

  it('shadows every entry as pwconv and grpconv do', () => {
    const out = accountFiles(base({ passwdMaster: PASSWD_MASTER, groupMaster: GROUP_MASTER, users: [APP], groups: [WEB], shadow: true }));
    const t = texts(out);
    assert.equal(t['/etc/passwd'], `${PASSWD_MASTER.replaceAll(':*:', ':x:')}app:x:10001:10001:App,,,:/srv/app:/sbin/nologin\n`);
    assert.equal(t['/etc/shadow']!.split('\n')[0], `root:*:${DAYS}:0:99999:7:::`);
    assert.equal(t['/etc/shadow']!.split('\n')[18], `app:*:${DAYS}:0:99999:7:::`);
    assert.equal(t['/etc/gshadow'], `${GROUP_MASTER.replace(/:\*:[0-9]+:/g, ':*::')}web:*::app,www-data\n`);
    assert.deepEqual(out.map((e) => [e.path, e.mode, e.uid, e.gid]), [
      ['/etc/group', 0o644, 0, 0], ['/etc/gshadow', 0o640, 0, 42], ['/etc/passwd', 0o644, 0, 0], ['/etc/shadow', 0o640, 0, 42],
    ]);
  });

  it('adds the group shadow as passwd does when it is missing; day 0 leaves the date empty', () => {
    const t = texts(accountFiles(base({ users: [APP], groups: [APP_GROUP], shadow: true, lastChangeDays: 0 })));
    assert.equal(t['/etc/group'], 'root:x:0:\nshadow:x:42:\napp:x:10001:\n');
    assert.equal(t['/etc/gshadow'], 'root:*::\nshadow:*::\napp:*::\n');
    assert.equal(t['/etc/shadow'], 'root:*::0:99999:7:::\napp:*::0:99999:7:::\n');
  });

  const clashes: { name: string; input: Partial<AccountFilesInput>; message: RegExp; keyPath?: string }[] = [
    { name: 'user uid of a master user', input: { passwdMaster: PASSWD_MASTER, users: [{ ...APP, uid: 1 }] }, message: /user "app" \(uid 1\) has the uid 1 of the user "daemon" \(uid 1\) that base-passwd creates/, keyPath: 'users[0]' },
    { name: 'user name of a master user', input: { passwdMaster: PASSWD_MASTER, users: [{ ...APP, name: 'nobody' }] }, message: /user "nobody" \(uid 10001\) has the name of the user "nobody" \(uid 65534\)/ },
    { name: 'group of a master group', input: { groupMaster: GROUP_MASTER, groups: [{ name: 'users', gid: 1000, members: [] }] }, message: /group "users" \(gid 1000\) has the name of the group "users" \(gid 100\) that base-passwd creates/ },
    { name: 'gid of the root group', input: { groups: [{ name: 'wheel', gid: 0, members: [] }] }, message: /group "wheel" \(gid 0\) has the gid 0 of the group "root"/ },
    { name: 'gid 42 with shadow on', input: { groups: [{ name: 'docker', gid: 42, members: [] }], shadow: true }, message: /group "docker" \(gid 42\) has the gid 42 of the group "shadow" \(gid 42\) that passwd creates/ },
  ];
  for (const c of clashes) {
    it(`refuses a config entry clashing: ${c.name}`, () => {
      assert.throws(() => accountFiles(base(c.input)), (err: Error & { code?: string; location?: { keyPath?: string } }) => {
        assert.equal(err.code, 'ERR_CONFIG_INVALID_VALUE');
        assert.match(err.message, c.message);
        if (c.keyPath) assert.equal(err.location?.keyPath, c.keyPath);
        return true;
      });
    });
  }

  it('refuses a malformed master line', () => {
    assert.throws(() => accountFiles(base({ passwdMaster: 'root:*:0:0:root:/root\n' })), { code: 'ERR_DEB_MALFORMED', message: /passwd\.master: line 1/ });
  });
});

/** Runs as root only (pwconv -R chroots): skips elsewhere, fails under CI=true. */
function requireRoot(t: TestContext): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env['CI'] === 'true') throw new Error('pwconv -R needs root; CI=true requires it');
  t.skip('pwconv -R needs root');
  return false;
}

/** The files before shadowing: each passwd/group line with the password its shadow line holds. */
function unshadowed(plain: string, shadow: string): string {
  const passwords = new Map(shadow.trimEnd().split('\n').map((l) => [l.split(':')[0]!, l.split(':')[1]!] as const));
  return plain.trimEnd().split('\n').map((l) => { const f = l.split(':'); f[1] = passwords.get(f[0]!)!; return `${f.join(':')}\n`; }).join('');
}

describe('accountFiles against pwconv and grpconv', () => {
  const inputs: { name: string; input: AccountFilesInput }[] = [
    { name: 'base-passwd with config accounts', input: base({ passwdMaster: PASSWD_MASTER, groupMaster: GROUP_MASTER, users: [APP, { ...APP, name: 'svc', uid: 10002, gecos: '' }], groups: [APP_GROUP, WEB], shadow: true }) },
    { name: 'no master, shadow group added', input: base({ users: [APP], groups: [APP_GROUP, WEB], shadow: true, lastChangeDays: 20000 }) },
  ];
  for (const { name, input } of inputs) {
    it(`${name}: the same bytes`, async (t) => {
      if (!requireTool(t, 'pwconv', 'grpconv') || !requireRoot(t)) return;
      const ours = texts(accountFiles(input));
      const root = await mkdtemp(join(tmpdir(), 'slipway-pwconv-'));
      try {
        await mkdir(join(root, 'etc'));
        await writeFile(join(root, 'etc/login.defs'), LOGIN_DEFS);
        await writeFile(join(root, 'etc/passwd'), unshadowed(ours['/etc/passwd']!, ours['/etc/shadow']!), { mode: 0o644 });
        await writeFile(join(root, 'etc/group'), unshadowed(ours['/etc/group']!, ours['/etc/gshadow']!), { mode: 0o644 });
        // pwconv dates the entries from SOURCE_DATE_EPOCH (shadow-utils lib/gettime.c).
        const env = { SOURCE_DATE_EPOCH: String(input.lastChangeDays * 86400 + 3600) };
        mustRun('pwconv', ['-R', root], { env });
        mustRun('grpconv', ['-R', root], { env });
        for (const f of ['/etc/passwd', '/etc/shadow', '/etc/group', '/etc/gshadow']) assert.equal(ours[f], await readFile(join(root, f), 'utf8'), f);
        assert.equal((await stat(join(root, 'etc/shadow'))).gid, 42, 'pwconv gives shadow to the group shadow too');
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }

  it('base-passwd masters unshadow to themselves', () => {
    const t = texts(accountFiles(base({ passwdMaster: PASSWD_MASTER, groupMaster: GROUP_MASTER, shadow: true })));
    assert.equal(unshadowed(t['/etc/passwd']!, t['/etc/shadow']!), PASSWD_MASTER);
    assert.equal(unshadowed(t['/etc/group']!, t['/etc/gshadow']!), GROUP_MASTER);
  });
});
