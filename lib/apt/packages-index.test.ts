import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkings, splitRandomly, streamOf } from '../../fixtures/apt-chunks.js';
import { formatPackagesIndex, syntheticPackages } from '../../fixtures/apt-packages.js';
import { PackageIndex, parseProvidedNames, parseStanzas, readPackages, parsePackageRecord, type PackageOrigin, type PackageRecord } from './index.js';

const MAIN: PackageOrigin = { uri: 'http://repo.invalid/debian', suite: 'bookworm', component: 'main' };
const UPDATES: PackageOrigin = { uri: 'http://repo.invalid/debian', suite: 'bookworm-updates', component: 'main' };
const SHA = 'ab'.repeat(32);

async function collect(src: AsyncIterable<Buffer | string>, origin = MAIN, name = 'main/binary-amd64/Packages'): Promise<PackageRecord[]> {
  const out: PackageRecord[] = [];
  for await (const r of readPackages(src, origin, { name })) out.push(r);
  return out;
}

/** stanza renders a minimal valid Packages stanza with `extra` fields added or replaced. */
function stanza(extra: Record<string, string | undefined> = {}): string {
  const fields: Record<string, string | undefined> = {
    Package: 'hello',
    Version: '2.10-3',
    Architecture: 'amd64',
    Filename: 'pool/main/h/hello/hello_2.10-3_amd64.deb',
    Size: '53092',
    SHA256: SHA,
    ...extra,
  };
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
}

const BASE: PackageRecord = {
  name: 'hello',
  version: '2.10-3',
  architecture: 'amd64',
  source: 'hello',
  sourceVersion: '2.10-3',
  multiArch: 'no',
  essential: false,
  priority: undefined,
  section: undefined,
  installedSize: undefined,
  maintainer: undefined,
  homepage: undefined,
  description: undefined,
  depends: undefined,
  preDepends: undefined,
  recommends: undefined,
  suggests: undefined,
  enhances: undefined,
  conflicts: undefined,
  breaks: undefined,
  provides: undefined,
  replaces: undefined,
  builtUsing: undefined,
  staticBuiltUsing: undefined,
  filename: 'pool/main/h/hello/hello_2.10-3_amd64.deb',
  size: 53092,
  sha256: SHA,
  origin: MAIN,
};

describe('readPackages', () => {
  const table: [string, string, Partial<PackageRecord>][] = [
    ['the required fields only', stanza(), {}],
    ['Source: name', stanza({ Source: 'hello-src' }), { source: 'hello-src', sourceVersion: '2.10-3' }],
    ['Source: name (version) of a binNMU', stanza({ Version: '2.10-3+b1', Source: 'hello (2.10-3)' }), { version: '2.10-3+b1', source: 'hello', sourceVersion: '2.10-3' }],
    ['Multi-Arch, Essential, Priority, Section, Installed-Size', stanza({ 'Multi-Arch': 'foreign', Essential: 'yes', Priority: 'required', Section: 'shells', 'Installed-Size': '6400' }), { multiArch: 'foreign', essential: true, priority: 'required', section: 'shells', installedSize: 6400 }],
    [
      'relations folded onto one line, kept raw',
      stanza({ Depends: 'libc6 (>= 2.34),\n libgcc-s1', 'Pre-Depends': 'dpkg (>= 1.15.6~)', Provides: 'httpd, httpd-cgi (= 1.0)', Breaks: 'old (<< 1)', Conflicts: 'x', Replaces: 'old (<< 1)', Recommends: 'a | b', Suggests: 'c', Enhances: 'd', 'Built-Using': 'gcc-12 (= 12.2.0-14)', 'Static-Built-Using': 'rust-foo (= 1.0-1)' }),
      { depends: 'libc6 (>= 2.34), libgcc-s1', preDepends: 'dpkg (>= 1.15.6~)', provides: 'httpd, httpd-cgi (= 1.0)', breaks: 'old (<< 1)', conflicts: 'x', replaces: 'old (<< 1)', recommends: 'a | b', suggests: 'c', enhances: 'd', builtUsing: 'gcc-12 (= 12.2.0-14)', staticBuiltUsing: 'rust-foo (= 1.0-1)' },
    ],
    [
      'SBOM facts: maintainer, homepage, the synopsis of a long description; an upper-case SHA256',
      stanza({ Maintainer: 'Jérôme Lévêque <j@example.invalid>', Homepage: 'https://example.invalid/hello', Description: 'say hello\n Longer text.\n .\n More.', SHA256: SHA.toUpperCase() }),
      { maintainer: 'Jérôme Lévêque <j@example.invalid>', homepage: 'https://example.invalid/hello', description: 'say hello' },
    ],
  ];
  for (const [name, text, want] of table) {
    it(name, async () => {
      const expected = [{ ...BASE, ...want }];
      for (const [how, pieces] of chunkings(Buffer.from(text))) assert.deepEqual(await collect(streamOf(pieces)), expected, how);
      assert.deepEqual(await collect(streamOf([text.replaceAll('\n', '\r\n')])), expected, 'CRLF');
    });
  }

  const errors: [string, string, number][] = [
    ['a missing Package', `Origin: x\n${stanza({ Package: undefined })}`, 1],
    ['a missing Version', stanza({ Version: undefined }), 1],
    ['an empty Version', stanza({ Version: '' }), 2],
    ['a missing Architecture', stanza({ Architecture: undefined }), 1],
    ['a missing Filename', stanza({ Filename: undefined }), 1],
    ['a missing Size', stanza({ Size: undefined }), 1],
    ['a Size that is not a number', stanza({ Size: '12kB' }), 5],
    ['a missing SHA256', `${stanza()}\n${stanza({ SHA256: undefined })}`, 8],
    ['a short SHA256', stanza({ SHA256: 'abc' }), 6],
    ['an unknown Multi-Arch', stanza({ 'Multi-Arch': 'sometimes' }), 7],
    ['Essential neither yes nor no', stanza({ Essential: 'true' }), 7],
    ['an Installed-Size that is not a number', stanza({ 'Installed-Size': '-1' }), 7],
    ['an unterminated Source version', stanza({ Source: 'hello (2.10' }), 7],
    ['a Source with words after the version', stanza({ Source: 'hello (2.10) x' }), 7],
    ['a Source with a blank in the name', stanza({ Source: 'hel lo' }), 7],
    ['a deb822 syntax error', `${stanza()}garbage\n`, 7],
  ];
  for (const [name, text, line] of errors) {
    it(`rejects ${name} with ERR_APT_MALFORMED naming the index and line`, async () => {
      const want = { code: 'ERR_APT_MALFORMED', subject: 'dists/bookworm/main/binary-amd64/Packages.xz', line };
      for (const [how, pieces] of chunkings(Buffer.from(text), [1])) {
        await assert.rejects(collect(streamOf(pieces), MAIN, 'dists/bookworm/main/binary-amd64/Packages.xz'), want, how);
      }
    });
  }

  it('names the index by its origin when no name is given', async () => {
    const records = readPackages(streamOf([stanza({ Size: 'x' })]), MAIN);
    await assert.rejects(async () => {
      for await (const _ of records) void _;
    }, (err: Error) => err.message.startsWith('http://repo.invalid/debian bookworm/main Packages:5: package hello: '));
  });

  it('stops with ERR_ABORTED when its signal fires', async () => {
    const records = readPackages(streamOf([stanza()]), MAIN, { signal: AbortSignal.abort() });
    await assert.rejects(async () => {
      for await (const _ of records) void _;
    }, { code: 'ERR_ABORTED' });
  });
});

describe('parsePackageRecord', () => {
  it('reads one stanza parsed elsewhere', () => {
    const [s] = parseStanzas(stanza({ Source: 'hello-src (1)' }));
    assert.deepEqual(parsePackageRecord(s!, UPDATES, 'x'), { ...BASE, source: 'hello-src', sourceVersion: '1', origin: UPDATES });
  });
});

describe('parseProvidedNames', () => {
  const table: [string, string[]][] = [
    ['mail-transport-agent', ['mail-transport-agent']],
    ['httpd, httpd-cgi (= 2.4.57-2)', ['httpd', 'httpd-cgi']],
    ['libfoo-abi-1(=1), x:any ,  y (= 1:2.0)', ['libfoo-abi-1', 'x', 'y']],
    ['a,\nb', ['a', 'b']],
    ['', []],
    [' , ,', []],
  ];
  for (const [input, want] of table) it(JSON.stringify(input), () => assert.deepEqual(parseProvidedNames(input), want));
});

describe('PackageIndex', () => {
  const rec = (name: string, version: string, origin: PackageOrigin, provides?: string): PackageRecord => ({ ...BASE, name, version, origin, provides });

  it('looks up by name and by provided name, in the order added', () => {
    const index = new PackageIndex();
    const a1 = rec('exim4', '4.96-15', MAIN, 'mail-transport-agent');
    const b1 = rec('postfix', '3.7.5-1', MAIN, 'mail-transport-agent, default-mta');
    const a2 = rec('exim4', '4.96-15+deb12u1', UPDATES, 'mail-transport-agent, mail-transport-agent (= 1)');
    for (const r of [a1, b1, a2]) index.add(r);
    assert.equal(index.size, 3);
    assert.deepEqual(index.byName('exim4'), [a1, a2]);
    assert.deepEqual(index.byName('exim4').map((r) => r.origin.suite), ['bookworm', 'bookworm-updates']);
    assert.deepEqual(index.byProvides('mail-transport-agent'), [a1, b1, a2]);
    assert.deepEqual(index.byProvides('default-mta'), [b1]);
    assert.deepEqual(index.byName('missing'), []);
    assert.deepEqual(index.byProvides('exim4'), []);
    assert.deepEqual([...index.names()], ['exim4', 'postfix']);
    assert.deepEqual([...index], [a1, b1, a2]);
  });

  it('indexes a generated 64,000-stanza Packages file read in random splits', async () => {
    const pkgs = syntheticPackages(64_000, 3);
    const data = Buffer.from(formatPackagesIndex(pkgs));
    const index = new PackageIndex();
    for await (const r of readPackages(streamOf(splitRandomly(data, 11, 96 * 1024)), MAIN)) index.add(r);
    assert.equal(index.size, 64_000);
    const providers = new Map<string, number>();
    for (const p of pkgs) {
      const found = index.byName(p.name);
      assert.equal(found.length, 1, p.name);
      assert.equal(found[0]!.version, p.version);
      for (const v of new Set(p.provides)) providers.set(v, (providers.get(v) ?? 0) + 1);
    }
    assert.ok(providers.size > 100);
    for (const [name, count] of providers) assert.equal(index.byProvides(name).length, count, name);
  });
});
