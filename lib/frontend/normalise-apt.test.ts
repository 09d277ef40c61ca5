import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { ConfigError, type ErrorCode } from '../core/index.js';
import type { AptPlan, ImagePlan } from '../plan/index.js';
import type { AptSpec } from './image-spec.js';
import { parseConfigText } from './load-config.js';
import { createLocator } from './locate.js';
import { keyPlan, normaliseApt } from './normalise-apt.js';
import { planFromSpec } from './plan-from-spec.js';
import { configErrorOf } from '../../fixtures/config-error.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const F = '/work/cfg/image.yaml';
const at = (line: number, column: number, keyPath: string) => ({ file: F, line, column, keyPath });
const FPR = '0123456789ABCDEF0123456789ABCDEF01234567';
const FPR_SPACED = '0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567';
const ARMORED = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGQ=\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const ONE_LINE = `deb [arch=amd64 signed-by=${KEYRING}] http://deb.example/debian bookworm main`;
const DEB822 = `Types: deb\nURIs: http://deb.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: ${KEYRING}\n`;

const errorOf = configErrorOf;

const aptOf = (yaml: string): AptPlan | undefined => parseConfigText(yaml, F).apt;

describe('normaliseApt (YAML)', () => {
  it('gives every form of source its plan, in order', () => {
    const yaml = lines(
      'apt:',
      '  sources:',
      '    - system',
      `    - "${ONE_LINE}"`,
      '    - |',
      ...DEB822.trimEnd().split('\n').map((l) => `      ${l}`),
      '    - uri: http://deb.example/debian',
      '      suites: [bookworm, bookworm-updates]',
      '      components: [main]',
      '      architectures: [amd64, arm64]',
      '      types: [deb, deb-src]',
      '      signed-by: keys/archive.asc',
      '      check-valid-until: false',
      '      allow-rollback: true',
      '    - uris: [http://deb.example/debian, "https://mirror.example/debian"]',
      '      suites: [./]',
      `      signed-by: [${KEYRING}, "${FPR_SPACED}"]`,
      '    - uri: file:///srv/repo',
      '      suites: [stable]',
      '      components: [main]',
      '      trusted: true',
    );
    const want: AptPlan = {
      sources: [
        { kind: 'system', at: at(3, 7, 'apt.sources[0]') },
        { kind: 'one-line', text: ONE_LINE, baseDir: '/work/cfg', at: at(4, 7, 'apt.sources[1]') },
        { kind: 'deb822', text: DEB822, baseDir: '/work/cfg', at: at(5, 7, 'apt.sources[2]') },
        {
          kind: 'entry',
          types: ['deb', 'deb-src'],
          uris: ['http://deb.example/debian'],
          suites: ['bookworm', 'bookworm-updates'],
          components: ['main'],
          architectures: ['amd64', 'arm64'],
          signedBy: [{ kind: 'file', path: '/work/cfg/keys/archive.asc' }],
          trusted: false,
          checkValidUntil: false,
          allowRollback: true,
          at: at(11, 7, 'apt.sources[3]'),
        },
        {
          kind: 'entry',
          types: ['deb'],
          uris: ['http://deb.example/debian', 'https://mirror.example/debian'],
          suites: ['./'],
          components: [],
          signedBy: [
            { kind: 'file', path: KEYRING },
            { kind: 'fingerprint', fingerprint: FPR },
          ],
          trusted: false,
          checkValidUntil: true,
          allowRollback: false,
          at: at(19, 7, 'apt.sources[4]'),
        },
        {
          kind: 'entry',
          types: ['deb'],
          uris: ['file:///srv/repo'],
          suites: ['stable'],
          components: ['main'],
          signedBy: [],
          trusted: true,
          checkValidUntil: true,
          allowRollback: false,
          at: at(22, 7, 'apt.sources[5]'),
        },
      ],
      packages: [],
      recommends: false,
      essential: false,
      exclude: [],
      database: 'dpkg',
    };
    assert.deepEqual(aptOf(yaml), want);
  });

  it('reads each signed-by form: path, inline key, fingerprint, url, list', () => {
    const entry = (signedBy: string[]): string =>
      lines('apt:', '  sources:', '    - uri: http://deb.example/debian', '      suites: [bookworm]', '      components: [main]', ...signedBy);
    const keys = (yaml: string) => {
      const s = aptOf(yaml)?.sources[0];
      return s?.kind === 'entry' ? s.signedBy : undefined;
    };
    assert.deepEqual(keys(entry(['      signed-by: ../keys/a.gpg'])), [{ kind: 'file', path: '/work/keys/a.gpg' }]);
    assert.deepEqual(keys(entry(['      signed-by: |', ...ARMORED.trimEnd().split('\n').map((l) => (l ? `        ${l}` : ''))])), [{ kind: 'inline', armored: ARMORED }]);
    assert.deepEqual(keys(entry([`      signed-by: { url: "https://deb.example/key.asc", fingerprint: "${FPR_SPACED}" }`])), [
      { kind: 'url', url: 'https://deb.example/key.asc', fingerprint: FPR },
    ]);
    assert.deepEqual(keys(entry(['      signed-by:', '        - keys/a.asc', `        - "${FPR.toLowerCase()}"`])), [
      { kind: 'file', path: '/work/cfg/keys/a.asc' },
      { kind: 'fingerprint', fingerprint: FPR },
    ]);
  });

  it('leaves apt out of the plan when the config has no apt section', () => {
    assert.equal(aptOf('base: scratch\n'), undefined);
    assert.equal('apt' in parseConfigText('base: scratch\n', F), false);
  });
});

interface ErrorCase {
  readonly name: string;
  /** Lines below `apt:`. */
  readonly yaml: readonly string[];
  readonly code: ErrorCode;
  readonly line: number;
  readonly column: number;
  readonly keyPath: string;
  /** Matched against the hint (a suggestion's hint is `did you mean "…"?`). */
  readonly hint: RegExp;
  readonly suggestion?: string;
}

const REPO = ['    - uri: http://deb.example/debian', '      suites: [bookworm]', '      components: [main]'];
const SIGNED = `      signed-by: ${KEYRING}`;

const errorCases: ErrorCase[] = [
  { name: 'apt without sources', yaml: ['  {}'], code: 'ERR_CONFIG_MISSING_KEY', line: 2, column: 3, keyPath: 'apt.sources', hint: /add sources: .*\[system\]/ },
  { name: 'empty sources', yaml: ['  sources: []'], code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 12, keyPath: 'apt.sources', hint: /- system/ },
  { name: 'apt as a list', yaml: ['  - system'], code: 'ERR_CONFIG_INVALID_TYPE', line: 2, column: 3, keyPath: 'apt', hint: /.*/ },
  { name: 'misspelt sources', yaml: ['  sorces: [system]'], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 2, column: 3, keyPath: 'apt.sorces', hint: /did you mean "sources"/, suggestion: 'sources' },
  { name: 'misspelt signed-by', yaml: ['  sources:', ...REPO, `      signed_by: ${KEYRING}`], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 6, column: 7, keyPath: 'apt.sources[0].signed_by', hint: /did you mean "signed-by"/, suggestion: 'signed-by' },
  { name: 'misspelt suites', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      sutes: [bookworm]', SIGNED], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 4, column: 7, keyPath: 'apt.sources[0].sutes', hint: /did you mean "suites"/, suggestion: 'suites' },
  { name: 'misspelt key without uri', yaml: ['  sources:', '    - ur: http://deb.example/debian'], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 3, column: 7, keyPath: 'apt.sources[0].ur', hint: /did you mean "uri"/, suggestion: 'uri' },
  { name: 'no signed-by', yaml: ['  sources:', ...REPO], code: 'ERR_CONFIG_MISSING_KEY', line: 3, column: 7, keyPath: 'apt.sources[0].signed-by', hint: /^say which key signs this repository: signed-by: \/path\/to\/keyring\.gpg, or trusted: true to skip checks$/ },
  { name: 'no signed-by, trusted false', yaml: ['  sources:', ...REPO, '      trusted: false'], code: 'ERR_CONFIG_MISSING_KEY', line: 3, column: 7, keyPath: 'apt.sources[0].signed-by', hint: /trusted: true/ },
  { name: 'neither uri nor uris', yaml: ['  sources:', '    - suites: [bookworm]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 7, keyPath: 'apt.sources[0]', hint: /add uri: .*http:\/\/deb\.example\/debian/ },
  { name: 'both uri and uris', yaml: ['  sources:', ...REPO, '      uris: [http://deb.example/debian]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 7, keyPath: 'apt.sources[0]', hint: /uris:/ },
  { name: 'no suites', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      components: [main]', SIGNED], code: 'ERR_CONFIG_MISSING_KEY', line: 3, column: 7, keyPath: 'apt.sources[0].suites', hint: /add suites: / },
  { name: 'empty suites', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: []', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 15, keyPath: 'apt.sources[0].suites', hint: /.*/ },
  { name: 'suite with white space', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: ["bookworm main"]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 16, keyPath: 'apt.sources[0].suites[0]', hint: /one suite per list item/ },
  { name: 'empty component', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: [bookworm]', '      components: [main, ""]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 5, column: 26, keyPath: 'apt.sources[0].components[1]', hint: /.*/ },
  { name: 'no components', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: [bookworm]', SIGNED], code: 'ERR_CONFIG_MISSING_KEY', line: 3, column: 7, keyPath: 'apt.sources[0].components', hint: /components: \[main\].*flat/ },
  { name: 'flat suite with components', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: [./]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 5, column: 19, keyPath: 'apt.sources[0].components', hint: /drop components/ },
  { name: 'flat and normal suites mixed', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: [./, bookworm]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 15, keyPath: 'apt.sources[0].suites', hint: /item of its own/ },
  { name: 'repeated suite', yaml: ['  sources:', '    - uri: http://deb.example/debian', '      suites: [bookworm, bookworm]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 26, keyPath: 'apt.sources[0].suites[1]', hint: /each suite once/ },
  { name: 'relative uri', yaml: ['  sources:', '    - uri: deb.example/debian', '      suites: [bookworm]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 12, keyPath: 'apt.sources[0].uri', hint: /scheme.*http:\/\/deb\.example\/debian/ },
  { name: 'ftp uri', yaml: ['  sources:', '    - uris: [http://deb.example/debian, "ftp://deb.example/debian"]', '      suites: [bookworm]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 41, keyPath: 'apt.sources[0].uris[1]', hint: /http, https, file/ },
  { name: 'empty uris', yaml: ['  sources:', '    - uris: []', '      suites: [bookworm]', '      components: [main]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 13, keyPath: 'apt.sources[0].uris', hint: /.*/ },
  { name: 'unknown type', yaml: ['  sources:', ...REPO, '      types: [deb, deb_src]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 20, keyPath: 'apt.sources[0].types[1]', hint: /did you mean "deb-src"/, suggestion: 'deb-src' },
  { name: 'misspelt architecture', yaml: ['  sources:', ...REPO, '      architectures: [amd46]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 23, keyPath: 'apt.sources[0].architectures[0]', hint: /did you mean "amd64"/, suggestion: 'amd64' },
  { name: 'architecture by another name', yaml: ['  sources:', ...REPO, '      architectures: [amd64, aarch64]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 30, keyPath: 'apt.sources[0].architectures[1]', hint: /did you mean "arm64"/, suggestion: 'arm64' },
  { name: 'architecture not a name', yaml: ['  sources:', ...REPO, '      architectures: [Amd_64x]', SIGNED], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 23, keyPath: 'apt.sources[0].architectures[0]', hint: /Debian's names \(lower case; amd64 for x86_64\)/ },
  { name: 'quoted boolean', yaml: ['  sources:', ...REPO, SIGNED, '      trusted: "yes"'], code: 'ERR_CONFIG_INVALID_TYPE', line: 7, column: 16, keyPath: 'apt.sources[0].trusted', hint: /true or false/ },
  { name: 'short key id', yaml: ['  sources:', ...REPO, '      signed-by: "0x6ED0E7B82643E131"'], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by', hint: /full fingerprint/ },
  { name: 'key URL without fingerprint (string)', yaml: ['  sources:', ...REPO, '      signed-by: https://deb.example/key.asc'], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by', hint: /\{ url: .*fingerprint/ },
  { name: 'key URL without fingerprint (mapping)', yaml: ['  sources:', ...REPO, '      signed-by: { url: "https://deb.example/key.asc" }'], code: 'ERR_CONFIG_MISSING_KEY', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by.fingerprint', hint: /add fingerprint: / },
  { name: 'key URL over file', yaml: ['  sources:', ...REPO, `      signed-by: { url: "file:///k.asc", fingerprint: "${FPR}" }`], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 25, keyPath: 'apt.sources[0].signed-by.url', hint: /http, https only/ },
  { name: 'bad pinned fingerprint', yaml: ['  sources:', ...REPO, `      signed-by: { url: "https://deb.example/k.asc", fingerprint: "${FPR.slice(1)}" }`], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 67, keyPath: 'apt.sources[0].signed-by.fingerprint', hint: /gpg --show-keys/ },
  { name: 'only a fingerprint', yaml: ['  sources:', ...REPO, `      signed-by: "${FPR}"`], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by', hint: /add the keyring that holds the key/ },
  { name: 'inline key without end', yaml: ['  sources:', ...REPO, '      signed-by: |', '        -----BEGIN PGP PUBLIC KEY BLOCK-----', '        mQINBGQ='], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by', hint: /whole armored key/ },
  { name: 'private key inline', yaml: ['  sources:', ...REPO, '      signed-by: [a.gpg, "-----BEGIN PGP PRIVATE KEY BLOCK-----\\nx\\n-----END PGP PRIVATE KEY BLOCK-----"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 26, keyPath: 'apt.sources[0].signed-by[1]', hint: /never put a private key/ },
  { name: 'empty signed-by list', yaml: ['  sources:', ...REPO, '      signed-by: []'], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by', hint: /.*/ },
  { name: 'numeric fingerprint', yaml: ['  sources:', ...REPO, '      signed-by: 1234567890123456789012345678901234567890'], code: 'ERR_CONFIG_INVALID_TYPE', line: 6, column: 18, keyPath: 'apt.sources[0].signed-by', hint: /quote the value/ },
  { name: 'unknown string form', yaml: ['  sources:', '    - "rpm http://deb.example/debian bookworm main"'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 7, keyPath: 'apt.sources[0]', hint: /write system; a one-line source.*deb822 stanza.*mapping with uri:/ },
  { name: 'misspelt system', yaml: ['  sources: [sytem]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 13, keyPath: 'apt.sources[0]', hint: /did you mean "system"/, suggestion: 'system' },
  { name: 'source a number', yaml: ['  sources: [42]'], code: 'ERR_CONFIG_INVALID_TYPE', line: 2, column: 13, keyPath: 'apt.sources[0]', hint: /write system; a one-line source/ },
  { name: 'one-line without suite', yaml: ['  sources:', '    - "deb [trusted=yes] http://deb.example/debian"'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 7, keyPath: 'apt.sources[0]', hint: /deb \[options\] URI SUITE/ },
  { name: 'one-line with unclosed options', yaml: ['  sources:', '    - "deb-src [trusted=yes http://deb.example/debian bookworm main"'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 7, keyPath: 'apt.sources[0]', hint: /deb \[options\] URI SUITE/ },
  { name: 'one-line over two lines', yaml: ['  sources:', '    - |', '      deb http://deb.example/debian bookworm main', '      deb http://deb.example/debian bookworm-updates main'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 7, keyPath: 'apt.sources[0]', hint: /its own item/ },
  { name: 'repeated structured entry', yaml: ['  sources:', '    - system', ...REPO, SIGNED, '    - uris: [http://deb.example/debian]', '      suites: [bookworm]', '      components: [main]', `      signed-by: [${KEYRING}]`], code: 'ERR_CONFIG_INVALID_VALUE', line: 8, column: 7, keyPath: 'apt.sources[2]', hint: /remove one of the two/ },
  { name: 'repeated system', yaml: ['  sources: [system, system]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 2, column: 21, keyPath: 'apt.sources[1]', hint: /list each source once/ },
];

describe('normaliseApt errors (YAML)', () => {
  for (const c of errorCases) {
    it(`rejects ${c.name} with ${c.code} at ${c.line}:${c.column} ${c.keyPath}`, () => {
      const err = errorOf(() => parseConfigText(lines('apt:', ...c.yaml), 'conf/image.yaml'));
      assert.equal(err.code, c.code, err.message);
      assert.deepEqual(err.location, { file: 'conf/image.yaml', line: c.line, column: c.column, keyPath: c.keyPath }, err.message);
      assert.ok(err.message.startsWith(`conf/image.yaml:${c.line}:${c.column} ${c.keyPath}: `), err.message);
      assert.match(err.hint ?? '', c.hint, err.message);
      if (c.suggestion !== undefined) assert.equal(err.suggestion, c.suggestion);
    });
  }

  it('points a repeated entry at the first one', () => {
    const c = errorCases.find((e) => e.name === 'repeated structured entry')!;
    const err = errorOf(() => parseConfigText(lines('apt:', ...c.yaml), 'conf/image.yaml'));
    assert.match(err.message, /is the same source as apt\.sources\[1\] \(line 4, column 7\)/);
  });

  it('never shows credentials or query strings of URLs in messages', () => {
    const secret = 'hunter2';
    const cases = [
      ['  sources:', `    - uri: ftp://user:${secret}@deb.example/debian`, '      suites: [bookworm]', '      components: [main]', SIGNED],
      ['  sources:', ...REPO, `      signed-by: { url: "ftp://u:${secret}@deb.example/k.asc?token=${secret}", fingerprint: "${FPR}" }`],
      ['  sources:', `    - "dep http://u:${secret}@deb.example/debian bookworm main"`],
      ['  sources:', `    - uris: ["https://u:${secret}@deb.example/debian", "https://u:${secret}@deb.example/debian"]`, '      suites: [bookworm]', '      components: [main]', SIGNED],
    ];
    for (const yaml of cases) {
      const err = errorOf(() => parseConfigText(lines('apt:', ...yaml), 'c.yaml'));
      assert.ok(!err.message.includes(secret) && !(err.hint ?? '').includes(secret), err.message);
    }
  });
});

/** SPEC is the TypeScript twin of the YAML in the first test of this file. */
const SPEC: AptSpec = {
  sources: [
    'system',
    ONE_LINE,
    DEB822,
    {
      uri: 'http://deb.example/debian',
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main'],
      architectures: ['amd64', 'arm64'],
      types: ['deb', 'deb-src'],
      'signed-by': 'keys/archive.asc',
      'check-valid-until': false,
      'allow-rollback': true,
    },
    { uris: ['http://deb.example/debian', 'https://mirror.example/debian'], suites: ['./'], 'signed-by': [KEYRING, FPR_SPACED] },
    { uri: 'file:///srv/repo', suites: ['stable'], components: ['main'], trusted: true },
    { uri: 'https://deb.example/ext', suites: ['stable'], components: ['main'], 'signed-by': [{ url: 'https://deb.example/key.asc', fingerprint: FPR_SPACED }, ARMORED] },
  ],
};

const SPEC_YAML = lines(
  'apt:',
  '  sources:',
  '    - system',
  `    - "${ONE_LINE}"`,
  '    - |',
  ...DEB822.trimEnd().split('\n').map((l) => `      ${l}`),
  '    - { uri: http://deb.example/debian, suites: [bookworm, bookworm-updates], components: [main], architectures: [amd64, arm64], types: [deb, deb-src], signed-by: keys/archive.asc, check-valid-until: false, allow-rollback: true }',
  `    - { uris: [http://deb.example/debian, "https://mirror.example/debian"], suites: [./], signed-by: [${KEYRING}, "${FPR_SPACED}"] }`,
  '    - { uri: "file:///srv/repo", suites: [stable], components: [main], trusted: true }',
  '    - uri: https://deb.example/ext',
  '      suites: [stable]',
  '      components: [main]',
  '      signed-by:',
  `        - { url: "https://deb.example/key.asc", fingerprint: "${FPR_SPACED}" }`,
  '        - |',
  ...ARMORED.trimEnd().split('\n').map((l) => (l ? `          ${l}` : '')),
);

/** Drops line and column from every `at`, which a spec built in code does not have. */
function withoutPositions(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'line' || k === 'column' ? undefined : v)));
}

describe('normaliseApt (TypeScript)', () => {
  it('gives the same plan from an ImageSpec as from the YAML file, without positions', () => {
    const fromYaml: ImagePlan = parseConfigText(SPEC_YAML, F);
    const fromSpec = planFromSpec({ apt: SPEC }, { baseDir: '/work/cfg', file: F });
    assert.equal(fromSpec.apt?.sources.length, 7);
    assert.deepEqual(fromSpec.apt, withoutPositions(fromYaml.apt));
  });

  it('gives the same plan as the example in docs/config.md', async () => {
    const doc = await readFile(new URL('../../../docs/config.md', import.meta.url), 'utf8');
    const example = /## `apt`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(example, 'docs/config.md has an apt section with a yaml example');
    const fromYaml = parseConfigText(example, F);
    assert.deepEqual(fromYaml.apt?.packages.map((p) => [p.name, p.version]), [['ca-certificates', undefined], ['curl', '7.88.1-10+deb12u12'], ['python3.11', '3.11.2-*']]);
    const fromSpec = planFromSpec(
      {
        apt: {
          sources: [
            'system',
            'deb [signed-by=/usr/share/keyrings/example-archive-keyring.gpg] http://deb.example/debian bookworm main',
            { uri: 'http://deb.example/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main', 'contrib'], 'signed-by': 'keys/example-archive.asc' },
            { uri: 'https://snapshot.example/archive/debian/20240101T000000Z', suites: ['bookworm'], components: ['main'], 'signed-by': 'keys/example-archive.asc', 'check-valid-until': false },
          ],
          packages: ['ca-certificates', 'curl=7.88.1-10+deb12u12', 'python3.11=3.11.2-*'],
          recommends: false,
          essential: false,
          exclude: ['systemd'],
        },
      },
      { baseDir: '/work/cfg', file: F },
    );
    assert.deepEqual(fromSpec, withoutPositions(fromYaml));
  });

  it('rejects the same problems, located by key path', () => {
    const cases: [AptSpec, ErrorCode, string][] = [
      [{ sources: [] }, 'ERR_CONFIG_INVALID_VALUE', 'apt.sources'],
      [{ sources: [{ uri: 'http://deb.example/debian', suites: ['bookworm'], components: ['main'] }] }, 'ERR_CONFIG_MISSING_KEY', 'apt.sources[0].signed-by'],
      [{ sources: [{ uris: ['http://deb.example/debian'], suites: ['x'], components: ['main'], 'signed-by': 'k.gpg' }, { uri: 'http://deb.example/debian', suites: ['x'], components: ['main'], 'signed-by': ['k.gpg'] }] }, 'ERR_CONFIG_INVALID_VALUE', 'apt.sources[1]'],
    ];
    for (const [apt, code, keyPath] of cases) {
      assert.throws(() => planFromSpec({ apt }, { baseDir: '/b' }), (err: ConfigError) => {
        assert.equal(err.code, code);
        assert.deepEqual(err.location, { keyPath });
        return true;
      });
    }
  });
});

describe('keyPlan', () => {
  const cases: [Parameters<typeof keyPlan>[0], unknown][] = [
    ['keys/a.gpg', { kind: 'file', path: '/base/keys/a.gpg' }],
    ['/etc/apt/keyrings/a.asc', { kind: 'file', path: '/etc/apt/keyrings/a.asc' }],
    [FPR_SPACED, { kind: 'fingerprint', fingerprint: FPR }],
    [ARMORED, { kind: 'inline', armored: ARMORED }],
    [{ url: 'https://deb.example/k', fingerprint: FPR.toLowerCase() }, { kind: 'url', url: 'https://deb.example/k', fingerprint: FPR }],
  ];
  for (const [key, want] of cases) it(`${JSON.stringify(key).slice(0, 50)}`, () => assert.deepEqual(keyPlan(key, '/base'), want));
});

describe('normaliseApt', () => {
  it('locates sources without a file or positions by key path only', () => {
    const plan = normaliseApt({ sources: ['system'] }, '/b', createLocator(undefined, undefined));
    assert.deepEqual(plan, { sources: [{ kind: 'system', at: { keyPath: 'apt.sources[0]' } }], packages: [], recommends: false, essential: false, exclude: [], database: 'dpkg' });
  });
});
