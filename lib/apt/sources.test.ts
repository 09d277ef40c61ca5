import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseDeb822Sources, parseSourcesList, readSystemSources, type SourceEntry } from './index.js';

const URI = 'http://repo.invalid/debian';
const KEY_LINES = ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '', 'mDMEZbKy9RYJKwYBBAHaRw8BAQdA', '=abcd', '-----END PGP PUBLIC KEY BLOCK-----'];

/** entry fills in the defaults of a SourceEntry for expectations. */
function entry(fields: Partial<SourceEntry> & Pick<SourceEntry, 'origin'>): SourceEntry {
  return { types: ['deb'], uris: [URI], suites: ['bookworm'], components: ['main'], enabled: true, options: {}, ...fields };
}

describe('parseSourcesList', () => {
  const file = '/etc/apt/sources.list';
  const table: [string, string, SourceEntry[]][] = [
    ['a plain line', `deb ${URI} bookworm main`, [entry({ origin: { file, line: 1 } })]],
    [
      'options, several components, comments and blank lines',
      `# a comment\n\ndeb [arch=amd64,arm64 signed-by=/usr/share/keyrings/x.gpg trusted=yes] ${URI} bookworm main contrib # trailing\n`,
      [entry({ components: ['main', 'contrib'], architectures: ['amd64', 'arm64'], signedBy: '/usr/share/keyrings/x.gpg', trusted: true, origin: { file, line: 3 } })],
    ],
    [
      'blanks inside the brackets, other options kept, CRLF',
      `deb [ arch=amd64 check-valid-until=no ] ${URI} bookworm main\r\n`,
      [entry({ architectures: ['amd64'], options: { 'check-valid-until': 'no' }, origin: { file, line: 1 } })],
    ],
    ['deb-src', `deb-src ${URI} bookworm main`, [entry({ types: ['deb-src'], origin: { file, line: 1 } })]],
    ['a flat repository', 'deb [trusted=no] file:/srv/repo ./', [entry({ uris: ['file:/srv/repo'], suites: ['./'], components: [], trusted: false, origin: { file, line: 1 } })]],
    ['a flat repository in a subdirectory', `deb ${URI} dists/local/`, [entry({ suites: ['dists/local/'], components: [], origin: { file, line: 1 } })]],
    [
      'several lines',
      `deb ${URI} bookworm main\n#deb ${URI} disabled main\ndeb ${URI} bookworm-updates main`,
      [entry({ origin: { file, line: 1 } }), entry({ suites: ['bookworm-updates'], origin: { file, line: 3 } })],
    ],
    ['only comments', '# nothing\n   \n', []],
  ];
  for (const [name, text, want] of table) it(name, () => assert.deepEqual(parseSourcesList(text, file), want));

  const errors: [string, string, number][] = [
    ['an unknown type', `rpm ${URI} bookworm main`, 1],
    ['a missing URI', 'deb', 1],
    ['a missing suite', `\ndeb ${URI}`, 2],
    ['a normal suite without components', `deb ${URI} bookworm`, 1],
    ['a flat suite with components', `deb ${URI} ./ main`, 1],
    ['a URI without a scheme', 'deb repo.invalid/debian bookworm main', 1],
    ['an unterminated option list', `deb [arch=amd64 ${URI} bookworm main`, 1],
    ['an option without "="', `deb [arch] ${URI} bookworm main`, 1],
    ['an option given twice', `deb [arch=amd64 arch=arm64] ${URI} bookworm main`, 1],
    ['arch+= (not supported)', `deb [arch+=arm64] ${URI} bookworm main`, 1],
    ['arch-= (not supported)', `deb [arch-=i386] ${URI} bookworm main`, 1],
    ['a bad architecture name', `deb [arch=AMD64] ${URI} bookworm main`, 1],
    ['trusted neither yes nor no', `deb [trusted=maybe] ${URI} bookworm main`, 1],
    ['an empty signed-by', `deb [signed-by=] ${URI} bookworm main`, 1],
  ];
  for (const [name, text, line] of errors) {
    it(`rejects ${name} with ERR_APT_SOURCES_INVALID naming file and line`, () => {
      assert.throws(() => parseSourcesList(text, 'my.list'), (err: Error & { code?: string; subject?: string; line?: number }) => {
        assert.equal(err.code, 'ERR_APT_SOURCES_INVALID');
        assert.equal(err.subject, 'my.list');
        assert.equal(err.line, line);
        assert.ok(err.message.startsWith(`my.list:${line}: `), err.message);
        return true;
      });
    });
  }
});

describe('parseDeb822Sources', () => {
  const file = '/etc/apt/sources.list.d/x.sources';
  const inlineKey = KEY_LINES.map((l) => (l === '' ? ' .' : ` ${l}`)).join('\n');
  const table: [string, string, SourceEntry[]][] = [
    [
      'a full stanza with comments',
      `# Debian\nTypes: deb deb-src\nURIs: ${URI} http://127.0.0.1/debian\n# the suites\nSuites: bookworm bookworm-updates\nComponents: main contrib\nArchitectures: amd64 arm64\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
      [
        entry({
          types: ['deb', 'deb-src'],
          uris: [URI, 'http://127.0.0.1/debian'],
          suites: ['bookworm', 'bookworm-updates'],
          components: ['main', 'contrib'],
          architectures: ['amd64', 'arm64'],
          signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
          origin: { file, line: 2 },
        }),
      ],
    ],
    [
      'an inline Signed-By key',
      `Types: deb\nURIs: ${URI}\nSuites: bookworm\nComponents: main\nSigned-By:\n${inlineKey}\n`,
      [entry({ signedBy: `${KEY_LINES.join('\n')}\n`, origin: { file, line: 1 } })],
    ],
    [
      'Enabled: no, Trusted, a flat repository, options under their one-line names',
      `Types: deb\nURIs: ${URI}\nSuites: bookworm\nComponents: main\nEnabled: no\n\nTypes: deb\nURIs: file:/srv/repo\nSuites: ./\nTrusted: yes\nCheck-Valid-Until: no\nLanguages: en\nX-Repolib-Name: local\n`,
      [
        entry({ enabled: false, origin: { file, line: 1 } }),
        entry({ uris: ['file:/srv/repo'], suites: ['./'], components: [], trusted: true, options: { 'check-valid-until': 'no', lang: 'en', 'x-repolib-name': 'local' }, origin: { file, line: 7 } }),
      ],
    ],
    ['a disabled stanza that would not parse is dropped, as apt ignores it', 'Types: rpm\nEnabled: no\n\nX-Comment: nothing\nEnabled: false\n', []],
    ['field names in any case', `types: deb\nuris: ${URI}\nsuites: bookworm\ncomponents: main\n`, [entry({ origin: { file, line: 1 } })]],
  ];
  for (const [name, text, want] of table) {
    it(name, () => assert.deepEqual(parseDeb822Sources(text, file), want));
    it(`${name} (CRLF)`, () => assert.deepEqual(parseDeb822Sources(text.replaceAll('\n', '\r\n'), file), want));
  }

  const base = `Types: deb\nURIs: ${URI}\nSuites: bookworm\nComponents: main\n`;
  const errors: [string, string, number][] = [
    ['a missing Types', `URIs: ${URI}\nSuites: bookworm\nComponents: main\n`, 1],
    ['an unknown type', `Types: deb rpm\nURIs: ${URI}\nSuites: bookworm\nComponents: main\n`, 1],
    ['a missing URIs', 'Types: deb\nSuites: bookworm\nComponents: main\n', 1],
    ['an empty Suites', `Types: deb\nURIs: ${URI}\nSuites:\nComponents: main\n`, 3],
    ['a missing Components', `Types: deb\nURIs: ${URI}\nSuites: bookworm\n`, 1],
    ['a flat suite with components', `Types: deb\nURIs: ${URI}\nSuites: ./\nComponents: main\n`, 1],
    ['flat and normal suites mixed', `Types: deb\nURIs: ${URI}\nSuites: ./ bookworm\nComponents: main\n`, 1],
    ['Architectures-Add (not supported)', `${base}Architectures-Add: arm64\n`, 5],
    ['Enabled neither yes nor no', `${base}Enabled: sometimes\n`, 5],
    ['an inline key without its end line', `${base}Signed-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n abc\n`, 5],
    ['a deb822 syntax error', `${base}\n\nTypes: deb\nthis is not a field\n`, 8],
    ['a later stanza missing a field', `${base}\nTypes: deb\nURIs: ${URI}\n`, 6],
  ];
  for (const [name, text, line] of errors) {
    it(`rejects ${name} with ERR_APT_SOURCES_INVALID naming file and line`, () => {
      assert.throws(() => parseDeb822Sources(text, 'my.sources'), { code: 'ERR_APT_SOURCES_INVALID', subject: 'my.sources', line });
    });
  }
});

describe('readSystemSources', () => {
  const roots: string[] = [];
  after(async () => {
    for (const r of roots) await rm(r, { recursive: true, force: true });
  });

  async function fakeRoot(files: Record<string, string>): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'slipway-apt-root-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return root;
  }

  it('reads sources.list, then sources.list.d/*.list and *.sources in name order, skipping disabled ones', async () => {
    const root = await fakeRoot({
      'etc/apt/sources.list': `deb ${URI} bookworm main\n`,
      'etc/apt/sources.list.d/b.sources': `Types: deb\nURIs: ${URI}\nSuites: b\nComponents: main\n\nTypes: deb\nURIs: ${URI}\nSuites: off\nComponents: main\nEnabled: no\n`,
      'etc/apt/sources.list.d/a.list': `deb ${URI} a main\n`,
      'etc/apt/sources.list.d/c.list.save': `deb ${URI} saved main\n`,
      'etc/apt/sources.list.d/d.list.disabled': `deb ${URI} disabled main\n`,
      'etc/apt/sources.list.d/bad~name.list': `deb ${URI} tilde main\n`,
      'etc/apt/sources.list.d/dir.list/x': 'not a file',
    });
    const got = await readSystemSources(root);
    assert.deepEqual(
      got.map((e) => [e.suites[0], e.origin.file, e.origin.line]),
      [
        ['bookworm', join(root, 'etc/apt/sources.list'), 1],
        ['a', join(root, 'etc/apt/sources.list.d/a.list'), 1],
        ['b', join(root, 'etc/apt/sources.list.d/b.sources'), 1],
      ],
    );
  });

  it('finds nothing, without error, where there is no apt configuration', async () => {
    assert.deepEqual(await readSystemSources(await fakeRoot({})), []);
    assert.deepEqual(await readSystemSources(await fakeRoot({ 'etc/apt/sources.list.d/README': 'x' })), []);
  });

  it('names the full path and line of an error', async () => {
    const root = await fakeRoot({ 'etc/apt/sources.list.d/broken.list': `\ndeb ${URI}\n` });
    await assert.rejects(readSystemSources(root), { code: 'ERR_APT_SOURCES_INVALID', subject: join(root, 'etc/apt/sources.list.d/broken.list'), line: 2 });
  });

  it('stops with ERR_ABORTED when its signal fires', async () => {
    const root = await fakeRoot({ 'etc/apt/sources.list': `deb ${URI} bookworm main\n` });
    await assert.rejects(readSystemSources(root, { signal: AbortSignal.abort() }), { code: 'ERR_ABORTED' });
  });
});
