import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDestination, isOciRefName, parseDestination, verifyOciRefName, type Destination } from './destination.js';
import { familiarName, formatDockerReference, parseDockerReference } from './docker-reference.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

describe('parseDestination', () => {
  const good: [string, Destination][] = [
    ['oci:out', { transport: 'oci', path: 'out' }],
    ['oci:./out:latest', { transport: 'oci', path: './out', ref: 'latest' }],
    ['oci:/abs/dir:v1.0', { transport: 'oci', path: '/abs/dir', ref: 'v1.0' }],
    // the first ':' after the path splits; the OCI ref may hold ':' itself
    ['oci:out:team/app:1.0', { transport: 'oci', path: 'out', ref: 'team/app:1.0' }],
    ['oci-archive:img.tar', { transport: 'oci-archive', path: 'img.tar' }],
    ['oci-archive:img.tar:v2', { transport: 'oci-archive', path: 'img.tar', ref: 'v2' }],
    ['docker-archive:img.tar', { transport: 'docker-archive', path: 'img.tar' }],
    ['docker-archive:img.tar:app:1.0', { transport: 'docker-archive', path: 'img.tar', ref: 'app:1.0' }],
    // a missing tag is latest, as docker assumes
    ['docker-archive:img.tar:app', { transport: 'docker-archive', path: 'img.tar', ref: 'app:latest' }],
    ['docker-archive:img.tar:registry:5000/team/app:1.0', { transport: 'docker-archive', path: 'img.tar', ref: 'registry:5000/team/app:1.0' }],
    // kept in familiar form, as `docker images` shows it
    ['docker-archive:img.tar:docker.io/library/app:2', { transport: 'docker-archive', path: 'img.tar', ref: 'app:2' }],
  ];
  for (const [text, want] of good) {
    it(`parses ${text}`, () => assert.deepEqual(parseDestination(text), want));
  }

  const bad: [string, string][] = [
    ['out', 'no transport'],
    ['docker:app', 'unknown transport'],
    ['dir:out', 'unknown transport'],
    ['oci:', 'empty path'],
    ['oci::latest', 'empty path'],
    ['oci:out:', 'empty reference'],
    ['oci:out:bad ref', 'not a valid OCI ref name'],
    ['oci:out:-x', 'not a valid OCI ref name'],
    ['docker-archive:img.tar:App:1', 'not a docker reference'],
    ['docker-archive:img.tar:app@sha256:' + 'a'.repeat(64), 'not a docker reference'],
    ['docker-archive:img.tar:app:bad tag', 'not a docker reference'],
  ];
  for (const [text, why] of bad) {
    it(`refuses ${JSON.stringify(text)} with ERR_OUTPUT_DESTINATION (${why})`, () => {
      assert.throws(
        () => parseDestination(text),
        (err: { code?: string; message: string; hint?: string }) =>
          err.code === 'ERR_OUTPUT_DESTINATION' && err.message.includes(JSON.stringify(text)) && err.message.includes(why) && /oci:DIR\[:REF\]/.test(err.hint ?? ''),
      );
    });
  }
});

describe('formatDestination', () => {
  for (const text of ['oci:out', 'oci:out:latest', 'oci-archive:a.tar:v1', 'docker-archive:a.tar', 'docker-archive:a.tar:registry:5000/x/app:1']) {
    it(`round-trips ${text}`, () => assert.equal(formatDestination(parseDestination(text)), text));
  }
});

describe('isOciRefName', () => {
  const cases: [string, boolean][] = [
    ['latest', true],
    ['v1.0.2', true],
    ['team/app:1.0', true],
    ['a--b', true],
    ['x@y+z', true],
    ['', false],
    ['-a', false],
    ['a-', false],
    ['a//b', false],
    ['a b', false],
  ];
  for (const [ref, want] of cases) it(`${JSON.stringify(ref)} → ${want}`, () => assert.equal(isOciRefName(ref), want));
});

describe('verifyOciRefName', () => {
  it('passes a valid ref and refuses an invalid one with ERR_OUTPUT_DESTINATION', () => {
    verifyOciRefName('latest', 'oci:x');
    assert.equal(code(() => verifyOciRefName('no good', 'oci:x')), 'ERR_OUTPUT_DESTINATION');
  });
});

describe('parseDockerReference', () => {
  const cases: [string, { domain?: string; path: string; tag: string }, string][] = [
    ['app', { path: 'app', tag: 'latest' }, 'app:latest'],
    ['app:1.0', { path: 'app', tag: '1.0' }, 'app:1.0'],
    ['team/app:x_y', { path: 'team/app', tag: 'x_y' }, 'team/app:x_y'],
    ['localhost/app', { domain: 'localhost', path: 'app', tag: 'latest' }, 'localhost/app:latest'],
    ['registry:5000/app:1', { domain: 'registry:5000', path: 'app', tag: '1' }, 'registry:5000/app:1'],
    ['docker.io/library/app:1', { domain: 'docker.io', path: 'library/app', tag: '1' }, 'app:1'],
    ['docker.io/team/app:1', { domain: 'docker.io', path: 'team/app', tag: '1' }, 'team/app:1'],
    ['my.registry/a.b__c-d/e:t', { domain: 'my.registry', path: 'a.b__c-d/e', tag: 't' }, 'my.registry/a.b__c-d/e:t'],
  ];
  for (const [text, want, familiar] of cases) {
    it(`parses ${text}`, () => {
      const ref = parseDockerReference(text);
      assert.deepEqual(ref, want);
      assert.equal(formatDockerReference(ref), familiar);
    });
  }
  for (const text of ['', 'App', 'app:', 'a..b', 'app@sha256:' + '0'.repeat(64), 'bad_domain!/app', `app:${'t'.repeat(129)}`, 'x'.repeat(256)]) {
    it(`refuses ${JSON.stringify(text.slice(0, 40))}`, () => assert.equal(code(() => parseDockerReference(text)), 'ERR_OUTPUT_DESTINATION'));
  }
});

describe('familiarName', () => {
  it('drops docker.io and library/ as docker does', () => {
    assert.equal(familiarName({ domain: 'docker.io', path: 'library/app', tag: 'x' }), 'app');
    assert.equal(familiarName({ path: 'library/team/app', tag: 'x' }), 'library/team/app');
    assert.equal(familiarName({ domain: 'ghcr.io', path: 'library/app', tag: 'x' }), 'ghcr.io/library/app');
  });
});
