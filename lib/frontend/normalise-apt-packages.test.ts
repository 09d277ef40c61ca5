import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, type ErrorCode } from '../core/index.js';
import type { AptPlan } from '../plan/index.js';
import type { AptSpec } from './image-spec.js';
import { parseConfigText } from './load-config.js';
import { createLocator } from './locate.js';
import { normaliseAptPackages } from './normalise-apt-packages.js';
import { planFromSpec } from './plan-from-spec.js';
import { configErrorOf } from '../../fixtures/config-error.js';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const F = '/work/cfg/image.yaml';
const at = (line: number, column: number, keyPath: string) => ({ file: F, line, column, keyPath });
const SOURCES = ['apt:', '  sources: [system]'];
const SYSTEM = { kind: 'system', at: at(2, 13, 'apt.sources[0]') } as const;

const errorOf = configErrorOf;

const aptOf = (...l: string[]): AptPlan | undefined => parseConfigText(lines(...SOURCES, ...l), F).apt;

/** Drops line and column from every `at`, which a spec built in code does not have. */
function withoutPositions(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'line' || k === 'column' ? undefined : v)));
}

describe('normaliseAptPackages (YAML)', () => {
  it('fills in the defaults when only sources are given', () => {
    assert.deepEqual(aptOf(), { sources: [SYSTEM], packages: [], recommends: false, essential: false, exclude: [], database: 'dpkg' });
  });

  it('reads packages as name and version, in order, each at its line and column', () => {
    const apt = aptOf('  packages:', '    - curl', '    - "jq=1.6-2.1"', '    - kubelet=1:1.27.*', '    - ca-certificates');
    assert.deepEqual(apt?.packages, [
      { name: 'curl', at: at(4, 7, 'apt.packages[0]') },
      { name: 'jq', version: '1.6-2.1', at: at(5, 7, 'apt.packages[1]') },
      { name: 'kubelet', version: '1:1.27.*', at: at(6, 7, 'apt.packages[2]') },
      { name: 'ca-certificates', at: at(7, 7, 'apt.packages[3]') },
    ]);
  });

  it('reads a flow list of packages', () => {
    assert.deepEqual(aptOf('  packages: [curl, "python3=3.11.2-1+b1"]')?.packages, [
      { name: 'curl', at: at(3, 14, 'apt.packages[0]') },
      { name: 'python3', version: '3.11.2-1+b1', at: at(3, 20, 'apt.packages[1]') },
    ]);
  });

  it('reads recommends, essential and exclude', () => {
    const want: AptPlan = {
      sources: [SYSTEM],
      packages: [{ name: 'curl', at: at(3, 14, 'apt.packages[0]') }],
      recommends: true,
      essential: true,
      exclude: ['systemd', 'libsystemd0'],
      database: 'dpkg',
    };
    assert.deepEqual(aptOf('  packages: [curl]', '  recommends: true', '  essential: true', '  exclude: [systemd, libsystemd0]'), want);
    const off = aptOf('  recommends: false', '  essential: false', '  exclude: []');
    assert.deepEqual([off?.recommends, off?.essential, off?.exclude], [false, false, []]);
  });

  it('takes an essential base without packages', () => {
    assert.deepEqual(aptOf('  essential: true'), { sources: [SYSTEM], packages: [], recommends: false, essential: true, exclude: [], database: 'dpkg' });
  });
});

interface ErrorCase {
  readonly name: string;
  /** Lines below `apt:` and `  sources: [system]`. */
  readonly yaml: readonly string[];
  readonly code: ErrorCode;
  readonly line: number;
  readonly column: number;
  readonly keyPath: string;
  /** Matched against the message after the location. */
  readonly problem: RegExp;
  /** Matched against the hint (a suggestion's hint is `did you mean "…"?`). */
  readonly hint: RegExp;
  readonly suggestion?: string;
}

const errorCases: ErrorCase[] = [
  { name: 'misspelt packages', yaml: ['  pakages: [curl]'], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 3, column: 3, keyPath: 'apt.pakages', problem: /"pakages" is not a key of apt/, hint: /^did you mean "packages"\?$/, suggestion: 'packages' },
  { name: 'misspelt recommends', yaml: ['  recomends: true'], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 3, column: 3, keyPath: 'apt.recomends', problem: /"recomends" is not a key of apt/, hint: /^did you mean "recommends"\?$/, suggestion: 'recommends' },
  { name: 'misspelt essential', yaml: ['  esential: true'], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 3, column: 3, keyPath: 'apt.esential', problem: /not a key of apt/, hint: /did you mean "essential"/, suggestion: 'essential' },
  { name: 'misspelt exclude', yaml: ['  excludes: [systemd]'], code: 'ERR_CONFIG_UNKNOWN_KEY', line: 3, column: 3, keyPath: 'apt.excludes', problem: /not a key of apt/, hint: /did you mean "exclude"/, suggestion: 'exclude' },
  { name: 'packages without sources', yaml: [], code: 'ERR_CONFIG_MISSING_KEY', line: 2, column: 3, keyPath: 'apt.sources', problem: /apt lacks the required key "sources"/, hint: /add sources: / },
  { name: 'packages as a string', yaml: ['  packages: curl jq'], code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 13, keyPath: 'apt.packages', problem: /expected a list of strings, got a string/, hint: /^write a list, one package per item: packages: \[curl, jq\]$/ },
  { name: 'several packages in one item', yaml: ['  packages: ["curl jq"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /lists several packages in one item/, hint: /one package per list item: \[curl, jq\]/ },
  { name: 'a number as a package', yaml: ['  packages:', '    - curl', '    - 7'], code: 'ERR_CONFIG_INVALID_TYPE', line: 5, column: 7, keyPath: 'apt.packages[1]', problem: /expected a string, got an integer \(7\)/, hint: /quote the value/ },
  // An empty item has no position of its own; it is located at its list (the nearest node on its path).
  { name: 'an empty item', yaml: ['  packages:', '    - curl', '    -'], code: 'ERR_CONFIG_INVALID_TYPE', line: 4, column: 5, keyPath: 'apt.packages[1]', problem: /expected a string, got null/, hint: /remove the empty item/ },
  { name: 'upper-case name', yaml: ['  packages: [Curl]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /package names are lower case/, hint: /did you mean "curl"/, suggestion: 'curl' },
  { name: 'not a package name', yaml: ['  packages: [lib_foo]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /"lib_foo" is not a Debian package name/, hint: /lower-case letters, digits/ },
  { name: 'version relation', yaml: ['  packages: ["curl>=7.88"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /has a version relation/, hint: /name=version/ },
  { name: 'not a version', yaml: ['  packages: [curl=latest]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /version "latest", which is not a Debian version/, hint: /Debian Policy 5\.6\.12/ },
  { name: 'empty version', yaml: ['  packages: ["curl="]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /empty version/, hint: /or the name alone/ },
  { name: 'architecture qualifier', yaml: ['  packages: ["curl:arm64"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 14, keyPath: 'apt.packages[0]', problem: /architecture qualifier/, hint: /without ":arm64"/ },
  { name: 'repeated package', yaml: ['  packages:', '    - curl', '    - jq', '    - curl'], code: 'ERR_CONFIG_INVALID_VALUE', line: 6, column: 7, keyPath: 'apt.packages[2]', problem: /^package "curl" is listed twice: also at apt\.packages\[0\] \(line 4, column 7\)$/, hint: /^list each package once: remove one of the two$/ },
  { name: 'repeated package with a version', yaml: ['  packages: [curl, "curl=7.88.1-10+deb12u12"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 20, keyPath: 'apt.packages[1]', problem: /"curl" is listed twice: also at apt\.packages\[0\] \(line 3, column 14\)/, hint: /keep the one item with the version you want/ },
  { name: 'repeated package, two versions', yaml: ['  packages: ["jq=1.6-2.1", "jq=1.6-2.1+b1"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 28, keyPath: 'apt.packages[1]', problem: /"jq" is listed twice: also at apt\.packages\[0\]/, hint: /name=version/ },
  { name: 'quoted recommends', yaml: ['  recommends: "true"'], code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 15, keyPath: 'apt.recommends', problem: /expected a boolean, got a string/, hint: /^write true or false, without quotes$/ },
  { name: 'essential as yes', yaml: ['  essential: yes'], code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 14, keyPath: 'apt.essential', problem: /expected a boolean/, hint: /true or false/ },
  { name: 'exclude as a string', yaml: ['  exclude: systemd'], code: 'ERR_CONFIG_INVALID_TYPE', line: 3, column: 12, keyPath: 'apt.exclude', problem: /expected a list of strings/, hint: /^write a list, one package per item: exclude: \[systemd\]$/ },
  { name: 'excluded version', yaml: ['  exclude: ["systemd=252.22-1"]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 13, keyPath: 'apt.exclude[0]', problem: /has a version, but apt\.exclude takes package names/, hint: /^write systemd: / },
  { name: 'excluded non-name', yaml: ['  exclude: [Systemd]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 3, column: 13, keyPath: 'apt.exclude[0]', problem: /lower case/, hint: /did you mean "systemd"/, suggestion: 'systemd' },
  { name: 'repeated exclude', yaml: ['  exclude:', '    - systemd', '    - systemd'], code: 'ERR_CONFIG_INVALID_VALUE', line: 5, column: 7, keyPath: 'apt.exclude[1]', problem: /^package "systemd" is listed twice: also at apt\.exclude\[0\] \(line 4, column 7\)$/, hint: /list each package once/ },
  { name: 'requested and excluded', yaml: ['  packages: [jq, "curl=7.88.1-10"]', '  exclude: [systemd, curl]'], code: 'ERR_CONFIG_INVALID_VALUE', line: 4, column: 22, keyPath: 'apt.exclude[1]', problem: /^package "curl" is excluded but requested at apt\.packages\[1\] \(line 3, column 18\)$/, hint: /remove it from apt\.exclude or from apt\.packages/ },
];

describe('normaliseAptPackages errors (YAML)', () => {
  for (const c of errorCases) {
    it(`rejects ${c.name} with ${c.code} at ${c.line}:${c.column} ${c.keyPath}`, () => {
      const yaml = c.name === 'packages without sources' ? lines('apt:', '  packages: [curl]') : lines(...SOURCES, ...c.yaml);
      const err = errorOf(() => parseConfigText(yaml, 'conf/image.yaml'));
      assert.equal(err.code, c.code, err.message);
      assert.deepEqual(err.location, { file: 'conf/image.yaml', line: c.line, column: c.column, keyPath: c.keyPath }, err.message);
      const prefix = `conf/image.yaml:${c.line}:${c.column} ${c.keyPath}: `;
      assert.ok(err.message.startsWith(prefix), err.message);
      assert.match(err.message.slice(prefix.length), c.problem);
      assert.match(err.hint ?? '', c.hint, err.message);
      assert.equal(err.suggestion, c.suggestion);
    });
  }
});

/** SPEC and SPEC_YAML are one apt section written in TypeScript and in YAML. */
const SPEC: AptSpec = {
  sources: ['system'],
  packages: ['curl', 'jq=1.6-2.1', 'kubelet=1:1.27.*'],
  recommends: true,
  essential: false,
  exclude: ['systemd'],
};
const SPEC_YAML = lines('apt:', '  sources: [system]', '  packages:', '    - curl', '    - jq=1.6-2.1', '    - "kubelet=1:1.27.*"', '  recommends: true', '  essential: false', '  exclude: [systemd]');

describe('normaliseAptPackages (TypeScript)', () => {
  it('gives the same plan from an ImageSpec as from the YAML file, without positions', () => {
    const fromYaml = parseConfigText(SPEC_YAML, F);
    const fromSpec = planFromSpec({ apt: SPEC }, { baseDir: '/work/cfg', file: F });
    assert.equal(fromSpec.apt?.packages.length, 3);
    assert.deepEqual(fromSpec, withoutPositions(fromYaml));
  });

  it('fills in the same defaults', () => {
    const fromSpec = planFromSpec({ apt: { sources: ['system'] } }, { baseDir: '/b' });
    assert.deepEqual(fromSpec.apt, { sources: [{ kind: 'system', at: { keyPath: 'apt.sources[0]' } }], packages: [], recommends: false, essential: false, exclude: [], database: 'dpkg' });
  });

  const cases: [AptSpec, ErrorCode, string, RegExp][] = [
    [{ sources: ['system'], packages: ['curl', 'curl'] }, 'ERR_CONFIG_INVALID_VALUE', 'apt.packages[1]', /^apt\.packages\[1\]: package "curl" is listed twice: also at apt\.packages\[0\]$/],
    [{ sources: ['system'], packages: ['curl'], exclude: ['curl'] }, 'ERR_CONFIG_INVALID_VALUE', 'apt.exclude[0]', /excluded but requested at apt\.packages\[0\]$/],
    [{ sources: ['system'], exclude: ['a', 'a'] }, 'ERR_CONFIG_INVALID_VALUE', 'apt.exclude[0]', /not a Debian package name/],
    [{ sources: ['system'], packages: ['curl>=1'] }, 'ERR_CONFIG_INVALID_VALUE', 'apt.packages[0]', /version relation/],
    [{ sources: ['system'], packages: 'curl' as unknown as string[] }, 'ERR_CONFIG_INVALID_TYPE', 'apt.packages', /expected a list of strings/],
    [{ sources: ['system'], recommends: 'yes' as unknown as boolean }, 'ERR_CONFIG_INVALID_TYPE', 'apt.recommends', /expected a boolean/],
    [{ sources: ['system'], ...{ pakages: ['curl'] } }, 'ERR_CONFIG_UNKNOWN_KEY', 'apt.pakages', /"pakages" is not a key of apt/],
  ];
  for (const [apt, code, keyPath, message] of cases) {
    it(`rejects ${JSON.stringify(apt).slice(0, 70)} with ${code} at ${keyPath}`, () => {
      const err = errorOf(() => planFromSpec({ apt }, { baseDir: '/b' }));
      assert.equal(err.code, code);
      assert.deepEqual(err.location, { keyPath });
      assert.match(err.message, message);
      assert.ok(err.hint, 'has a hint');
    });
  }
});

describe('normaliseAptPackages', () => {
  it('locates packages by key path only without a file or positions', () => {
    const plan = normaliseAptPackages({ sources: [], packages: ['curl=7.0'] }, createLocator(undefined, undefined));
    assert.deepEqual(plan, { packages: [{ name: 'curl', version: '7.0', at: { keyPath: 'apt.packages[0]' } }], recommends: false, essential: false, exclude: [], database: 'dpkg' });
  });

  it('names the other item with its position when the locator knows it', () => {
    const loc = createLocator('build.ts', (path) => ({ line: 10 + Number(path[2]), column: 5 }));
    assert.throws(() => normaliseAptPackages({ sources: [], packages: ['jq'], exclude: ['jq'] }, loc), {
      code: 'ERR_CONFIG_INVALID_VALUE',
      message: 'build.ts:10:5 apt.exclude[0]: package "jq" is excluded but requested at apt.packages[0] (line 10, column 5)',
    });
  });
});
