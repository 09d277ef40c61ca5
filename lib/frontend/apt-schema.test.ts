import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aptSchema, aptSourceSchema, repositorySchema } from './apt-schema.js';
import type { AptRepositorySpec, AptSourceSpec, AptSpec } from './image-spec.js';
import type { Infer } from './schema-dsl.js';

// Compile-time checks: the hand-written apt types and the types the schemas validate are the
// same. If either drifts, these assignments stop compiling.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const specMatchesSchema: Same<AptSpec, Infer<typeof aptSchema>> = true;
const sourceMatchesSchema: Same<AptSourceSpec, Infer<typeof aptSourceSchema>> = true;
const repositoryMatchesSchema: Same<AptRepositorySpec, Infer<typeof repositorySchema>> = true;

const FPR = '0123456789ABCDEF0123456789ABCDEF01234567';

describe('aptSchema', () => {
  it('agrees with the hand-written AptSpec', () => {
    assert.deepEqual([specMatchesSchema, sourceMatchesSchema, repositoryMatchesSchema], [true, true, true]);
  });

  it('takes every form', () => {
    const spec: AptSpec = {
      sources: [
        'system',
        'deb http://deb.example/debian bookworm main',
        'Types: deb\nURIs: http://deb.example/debian\nSuites: bookworm\nComponents: main\n',
        { uri: 'http://deb.example/debian', suites: ['bookworm'], components: ['main'], 'signed-by': 'k.gpg' },
        { uris: ['http://deb.example/debian'], suites: ['./'], trusted: true },
        { uri: 'file:///r', suites: ['s'], components: ['c'], 'signed-by': [{ url: 'https://deb.example/k', fingerprint: FPR }, FPR] },
      ],
      packages: ['curl', 'jq=1.6-2.1', 'kubelet=1.27.*'],
      recommends: false,
      essential: true,
      exclude: ['systemd'],
    };
    assert.equal(aptSchema.validate(spec), spec);
  });

  const invalid: [unknown, string, string][] = [
    [{}, 'ERR_CONFIG_MISSING_KEY', 'sources'],
    [{ sources: 'system' }, 'ERR_CONFIG_INVALID_TYPE', 'sources'],
    [{ sources: [] }, 'ERR_CONFIG_INVALID_VALUE', 'sources'],
    [{ sources: [null] }, 'ERR_CONFIG_INVALID_TYPE', 'sources[0]'],
    [{ sources: [['system']] }, 'ERR_CONFIG_INVALID_TYPE', 'sources[0]'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: ['main'], trusted: 'yes' }] }, 'ERR_CONFIG_INVALID_TYPE', 'sources[0].trusted'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: [], 'signed-by': 'k' }] }, 'ERR_CONFIG_INVALID_VALUE', 'sources[0].components'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: ['main'], types: [], 'signed-by': 'k' }] }, 'ERR_CONFIG_INVALID_VALUE', 'sources[0].types'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: ['main'], types: ['deb', 'deb'], 'signed-by': 'k' }] }, 'ERR_CONFIG_INVALID_VALUE', 'sources[0].types[1]'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: ['main'], architectures: [], 'signed-by': 'k' }] }, 'ERR_CONFIG_INVALID_VALUE', 'sources[0].architectures'],
    [{ sources: [{ uris: ['http://deb.example/debian', 'http://deb.example/debian'], suites: ['b'], components: ['main'], 'signed-by': 'k' }] }, 'ERR_CONFIG_INVALID_VALUE', 'sources[0].uris[1]'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: ['main', 'main'], 'signed-by': 'k' }] }, 'ERR_CONFIG_INVALID_VALUE', 'sources[0].components[1]'],
    [{ sources: [{ uri: 'http://deb.example/debian', suites: ['b'], components: ['main'], 'signed-by': 'k', 'allow-rollback': 1 }] }, 'ERR_CONFIG_INVALID_TYPE', 'sources[0].allow-rollback'],
    [{ packages: ['curl'] }, 'ERR_CONFIG_MISSING_KEY', 'sources'],
    [{ sources: ['system'], packages: 'curl' }, 'ERR_CONFIG_INVALID_TYPE', 'packages'],
    [{ sources: ['system'], packages: ['curl', 'C'] }, 'ERR_CONFIG_INVALID_VALUE', 'packages[1]'],
    [{ sources: ['system'], packages: ['curl=x'] }, 'ERR_CONFIG_INVALID_VALUE', 'packages[0]'],
    [{ sources: ['system'], recommends: 1 }, 'ERR_CONFIG_INVALID_TYPE', 'recommends'],
    [{ sources: ['system'], essential: 'true' }, 'ERR_CONFIG_INVALID_TYPE', 'essential'],
    [{ sources: ['system'], exclude: [['systemd']] }, 'ERR_CONFIG_INVALID_TYPE', 'exclude[0]'],
    [{ sources: ['system'], exclude: ['systemd=1'] }, 'ERR_CONFIG_INVALID_VALUE', 'exclude[0]'],
    [{ sources: ['system'], pakages: ['curl'] }, 'ERR_CONFIG_UNKNOWN_KEY', 'pakages'],
  ];
  for (const [value, code, keyPath] of invalid) {
    it(`rejects ${JSON.stringify(value).slice(0, 70)} with ${code} at ${keyPath}`, () => {
      assert.throws(() => aptSchema.validate(value), (err: { code: string; hint?: string; location: { keyPath?: string } }) => {
        assert.equal(err.code, code);
        assert.equal(err.location.keyPath, keyPath);
        return true;
      });
    });
  }

  it('hints at the four forms for an item of the wrong type', () => {
    assert.throws(() => aptSourceSchema.validate(7), { code: 'ERR_CONFIG_INVALID_TYPE', message: 'expected a string or a mapping, got an integer (7)', hint: /^write system; a one-line source/ });
  });
});
