import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRequestChange, formatLockfile, LOCKFILE_VERSION, parseLockfile, type LockedPackage, type Lockfile } from './lockfile.js';

function pkg(name: string, version = '1.0-1'): LockedPackage {
  return {
    name,
    version,
    architecture: 'amd64',
    source: name,
    sourceVersion: version,
    repository: { uri: 'http://deb.example/debian/', suite: 'bookworm', component: 'main' },
    filename: `pool/main/${name[0]}/${name}/${name}_${version}_amd64.deb`,
    size: 1234,
    sha256: 'a'.repeat(64),
    release: `sha256:${'b'.repeat(64)}`,
    signedBy: ['C'.repeat(40)],
  };
}

const LOCK: Lockfile = {
  lockfileVersion: LOCKFILE_VERSION,
  inputs: `sha256:${'c'.repeat(64)}`,
  request: { packages: ['zlib1g', 'curl'], recommends: false, essential: false, exclude: [], sources: ['http://deb.example/debian/ bookworm main'], platforms: ['linux/amd64'] },
  platforms: [{ platform: 'linux/amd64', architecture: 'amd64', packages: [pkg('zlib1g'), pkg('curl', '7.88.1-10')] }],
};

describe('formatLockfile and parseLockfile', () => {
  it('write sorted, stable JSON that reads back to the same lock', () => {
    const text = formatLockfile(LOCK);
    assert.ok(text.endsWith('}\n'));
    assert.equal(formatLockfile(parseLockfile(text, 'x.lock.json')), text, 'round trip is byte-identical');
    const names = (JSON.parse(text) as { platforms: { packages: { name: string }[] }[] }).platforms[0]!.packages.map((p) => p.name);
    assert.deepEqual(names, ['curl', 'zlib1g']);
    assert.deepEqual(Object.keys((JSON.parse(text) as { platforms: { packages: Record<string, unknown>[] }[] }).platforms[0]!.packages[0]!), [
      'name', 'version', 'architecture', 'source', 'sourceVersion', 'repository', 'filename', 'size', 'sha256', 'release', 'signedBy',
    ]);
    assert.equal(formatLockfile({ ...LOCK, platforms: [{ ...LOCK.platforms[0]!, packages: [...LOCK.platforms[0]!.packages].reverse() }] }), text, 'input order does not matter');
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{', /x\.lock\.json: is not JSON/],
    ['another version', JSON.stringify({ lockfileVersion: 99 }), /lockfileVersion 99; this slipway reads version 1/],
    ['a bad sha256', formatLockfile(LOCK).replace('a'.repeat(64), 'xyz'), /platforms\[0\]\.packages\[0\]\.sha256 is not 64 lowercase hex digits/],
    ['a negative size', formatLockfile(LOCK).replace('"size": 1234', '"size": -1'), /\.size must be a byte count/],
    ['a missing name', formatLockfile(LOCK).replace('"name": "curl",', ''), /packages\[0\]\.name must be a non-empty string/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with ERR_LOCK_INVALID naming the file and field`, () => {
      assert.throws(() => parseLockfile(text, 'x.lock.json'), (err: Error & { code?: string; hint?: string }) => {
        assert.equal(err.code, 'ERR_LOCK_INVALID');
        assert.match(err.message, message);
        assert.match(err.hint ?? '', /slipway lock/);
        return true;
      });
    });
  }
});

describe('describeRequestChange', () => {
  it('names what changed, and nothing when equal', () => {
    const r = LOCK.request;
    assert.deepEqual(describeRequestChange(r, r), []);
    assert.deepEqual(describeRequestChange(r, { ...r, packages: ['curl', 'nginx'], recommends: true, platforms: ['linux/amd64', 'linux/arm64'] }), [
      'packages added: nginx',
      'packages removed: zlib1g',
      'platforms added: linux/arm64',
      'recommends changed to true',
    ]);
    assert.deepEqual(describeRequestChange({ ...r, exclude: ['a', 'b'] }, { ...r, exclude: ['b', 'a'] }), [], 'the order of excludes does not matter');
    assert.deepEqual(describeRequestChange(r, { ...r, sources: ['http://deb.example/debian/ trixie main'] }), ['sources added: http://deb.example/debian/ trixie main', 'sources removed: http://deb.example/debian/ bookworm main']);
  });
});
