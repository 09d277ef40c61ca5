import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun, runTool } from '../../fixtures/run-tool.js';
import {
  checkPackageName,
  checkPackageRequest,
  PACKAGE_NAME,
  PACKAGE_REQUEST,
  PACKAGE_VERSION,
  packageNameField,
  packageRequestField,
  splitPackageRequest,
} from './apt-package-fields.js';

const VALID_NAMES = ['curl', 'jq', 'g++', 'libstdc++6', '0ad', 'python3.11', 'ca-certificates', 'libc6-dev', 'x11-common', 'xz-utils', 'ruby3.1+dfsg'];
const INVALID_NAMES = ['', 'a', 'Curl', 'lib_foo', '-curl', '.curl', '+x', 'curl ', 'cürl', 'curl:amd64', 'curl/bookworm'];

// Exact versions and whether PACKAGE_VERSION takes them; dpkg --validate-version is the oracle.
const EXACT_VERSIONS: [string, boolean][] = [
  ['1.0', true],
  ['7.88.1-10+deb12u12', true],
  ['1:2.38.1-5+deb12u3', true],
  ['2:9.0.1378-2+deb12u2', true],
  ['1.0~rc1-1', true],
  ['1.0+dfsg-1~bpo12+1', true],
  ['0', true],
  ['1.0-1-2', true],
  ['1.0--1', true],
  ['1:2:3', true],
  ['1:1.0-a.b', true],
  ['10:1.0a', true],
  ['1.0-', false],
  ['1.0:2', false],
  ['a1', false],
  ['latest', false],
  ['1.0_1', false],
  [':1.0', false],
  ['1:', false],
  ['1:a', false],
  ['x:1.0', false],
  ['1:1.0-a:b', false],
  ['1.0-1_2', false],
  ['1 0', false],
  ['', false],
  ['1.0é', false],
];

const GLOBS: [string, boolean][] = [
  ['1.27.*', true],
  ['5:20.10.*', true],
  ['1.0-*', true],
  ['2:*', true],
  ['1*', true],
  ['*', false],
  ['1.0**', false],
  ['1.*.0', false],
  ['a*', false],
];

describe('PACKAGE_NAME', () => {
  for (const n of VALID_NAMES) it(`takes ${JSON.stringify(n)}`, () => assert.ok(PACKAGE_NAME.test(n)));
  for (const n of INVALID_NAMES) it(`refuses ${JSON.stringify(n)}`, () => assert.ok(!PACKAGE_NAME.test(n)));

  it('admits only names dpkg --validate-pkgname accepts', (t) => {
    if (!requireTool(t, 'dpkg')) return;
    for (const n of VALID_NAMES) assert.equal(runTool('dpkg', ['--validate-pkgname', n]).status, 0, n);
  });
});

describe('PACKAGE_VERSION', () => {
  for (const [v, ok] of [...EXACT_VERSIONS, ...GLOBS]) it(`${ok ? 'takes' : 'refuses'} ${JSON.stringify(v)}`, () => assert.equal(PACKAGE_VERSION.test(v), ok));

  it('agrees with dpkg --validate-version on every exact version', (t) => {
    if (!requireTool(t, 'dpkg')) return;
    for (const [v] of EXACT_VERSIONS) assert.equal(runTool('dpkg', ['--validate-version', v]).status === 0, PACKAGE_VERSION.test(v), v);
  });
});

describe('PACKAGE_REQUEST', () => {
  it('is a name, optionally = and a version', () => {
    for (const n of VALID_NAMES) assert.ok(PACKAGE_REQUEST.test(n), n);
    for (const n of INVALID_NAMES) assert.ok(!PACKAGE_REQUEST.test(n), n);
    for (const [v, ok] of [...EXACT_VERSIONS, ...GLOBS]) assert.equal(PACKAGE_REQUEST.test(`curl=${v}`), ok, v);
    assert.ok(!PACKAGE_REQUEST.test('curl=1.0=2'));
  });

  it('takes every installed package as name=version (dpkg-query)', (t) => {
    if (!requireTool(t, 'dpkg-query')) return;
    const installed = mustRun('dpkg-query', ['-W', '-f', '${Package}=${Version}\\n']).trim().split('\n');
    assert.ok(installed.length > 0);
    for (const line of installed) assert.ok(PACKAGE_REQUEST.test(line), line);
  });
});

describe('splitPackageRequest', () => {
  const cases: [string, unknown][] = [
    ['curl', { name: 'curl' }],
    ['curl=7.88.1-10', { name: 'curl', version: '7.88.1-10' }],
    ['curl=', { name: 'curl', version: '' }],
    ['kubelet=1:1.27.*', { name: 'kubelet', version: '1:1.27.*' }],
  ];
  for (const [text, want] of cases) it(JSON.stringify(text), () => assert.deepEqual(splitPackageRequest(text), want));
});

describe('checkPackageRequest', () => {
  const cases: [string, RegExp, RegExp, string?][] = [
    ['', /^must not be empty$/, /write a package name/],
    ['curl jq', /lists several packages in one item/, /^write one package per list item: \[curl, jq\]$/],
    ['curl>=7.0', /has a version relation/, /name=version, as apt-get install takes it/],
    ['curl (= 7.0)', /has a version relation/, /name=version/],
    ['curl==7.0', /has a version relation/, /name=version/],
    ['curl =7.0', /has a version relation/, /name=version/],
    ['curl\t', /contains white space/, /without spaces/],
    ['=7.0', /has no package name/, /write the name first/],
    ['curl:arm64', /has an architecture qualifier/, /without ":arm64"/],
    ['curl/bookworm-backports', /names a target release/, /curl=VERSION/],
    ['Curl=7.0', /package names are lower case/, /did you mean "curl=7\.0"/, 'curl=7.0'],
    ['lib_foo', /is not a Debian package name$/, /lower-case letters, digits and "\+", "-", "\."/],
    ['curl=', /has an empty version after "="/, /write the version after "="/],
    ['curl=latest', /has version "latest", which is not a Debian version/, /Debian Policy 5\.6\.12/],
    ['curl=1.0-', /has version "1\.0-", which is not a Debian version/, /\[epoch:\]upstream_version\[-debian_revision\]/],
  ];
  for (const [text, problem, hint, suggestion] of cases) {
    it(`${JSON.stringify(text)}: ${problem.source}`, () => {
      const p = checkPackageRequest(text);
      assert.ok(p, 'a problem');
      assert.match(p.problem, problem);
      assert.match(p.hint ?? `did you mean "${p.suggestion}"?`, hint);
      assert.equal(p.suggestion, suggestion);
    });
  }
  it('finds nothing wrong with a valid request', () => {
    for (const t of ['curl', 'curl=7.88.1-10+deb12u12', 'kubelet=1.27.*']) assert.equal(checkPackageRequest(t), undefined);
  });
});

describe('checkPackageName', () => {
  it('refuses a version, suggests lower case, and says what a name is', () => {
    assert.equal(checkPackageName('systemd'), undefined);
    assert.deepEqual(checkPackageName('curl=7.0'), { problem: '"curl=7.0" has a version, but apt.exclude takes package names', hint: 'write curl: an excluded package is left out in every version' });
    assert.equal(checkPackageName('Systemd')?.suggestion, 'systemd');
    assert.match(checkPackageName('a')?.hint ?? '', /at least 2 characters/);
    assert.equal(checkPackageName(' ')?.problem, 'must not be empty');
  });
});

describe('packageRequestField and packageNameField', () => {
  it('validate with the checks and give editors the same pattern', () => {
    assert.equal(packageRequestField.validate('curl=7.0'), 'curl=7.0');
    assert.deepEqual(packageRequestField.toJsonSchema(), { description: packageRequestField.description, type: 'string', pattern: PACKAGE_REQUEST.source });
    assert.deepEqual(packageNameField.toJsonSchema(), { description: packageNameField.description, type: 'string', pattern: PACKAGE_NAME.source });
    assert.throws(() => packageNameField.validate('curl=7.0'), { code: 'ERR_CONFIG_INVALID_VALUE', hint: /write curl/ });
  });

  it('hints at quoting a number and at an empty item', () => {
    assert.throws(() => packageRequestField.validate(7), { code: 'ERR_CONFIG_INVALID_TYPE', hint: /quote the value/ });
    assert.throws(() => packageRequestField.validate(null), { code: 'ERR_CONFIG_INVALID_TYPE', hint: /remove the empty item/ });
  });

  it('agree with their JSON Schema patterns on every table entry', () => {
    const requests = [...VALID_NAMES, ...INVALID_NAMES, ...[...EXACT_VERSIONS, ...GLOBS].map(([v]) => `curl=${v}`)];
    const pattern = new RegExp(String(packageRequestField.toJsonSchema()['pattern']), 'u');
    for (const r of requests) assert.equal(pattern.test(r), checkPackageRequest(r) === undefined, r);
  });
});
