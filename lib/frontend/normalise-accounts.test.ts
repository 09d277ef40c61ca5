import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSpec } from './image-spec.js';
import { createLocator } from './locate.js';
import { normaliseAccounts } from './normalise-accounts.js';

const SPEC: ImageSpec = {
  users: [
    { name: 'web', uid: 200, gid: 300 },
    { name: 'app', uid: 100 },
  ],
  groups: [{ name: 'staff', gid: 50, members: ['web'] }],
};

describe('normaliseAccounts', () => {
  const accounts = normaliseAccounts(SPEC, createLocator(undefined, undefined));

  it('sorts users by uid and groups by gid, adding one group per user gid', () => {
    assert.deepEqual(accounts.users.map((u) => u.name), ['app', 'web']);
    assert.deepEqual(accounts.groups.map((g) => [g.name, g.gid, g.members]), [['staff', 50, ['web']], ['app', 100, []], ['web', 300, []]]);
  });

  const owners: [string, number, number][] = [
    ['app', 100, 100],
    ['web', 200, 300],
    ['web:staff', 200, 50],
    ['web:app', 200, 100],
    ['200', 200, 300],
    ['201', 201, 201],
    ['0', 0, 0],
    ['root', 0, 0],
    ['root:staff', 0, 50],
    ['5:6', 5, 6],
    ['app:0', 100, 0],
  ];
  for (const [text, uid, gid] of owners) {
    it(`resolves owner ${text} to ${uid}:${gid}`, () => assert.deepEqual(accounts.resolveOwner(text, ['o']), { uid, gid }));
  }

  const users: [string, string][] = [
    ['app', '100:100'],
    ['web:staff', '200:50'],
    ['1000', '1000'],
    ['1000:1000', '1000:1000'],
    ['1000:staff', '1000:50'],
  ];
  for (const [text, want] of users) {
    it(`resolves config.user ${text} to ${want}`, () => assert.equal(accounts.resolveUser(text, ['u']), want));
  }

  const bad: [string, string | undefined][] = [
    ['ap', 'app'],
    ['web:staf', 'staff'],
    ['nobody', undefined],
    ['4294967296', undefined],
  ];
  for (const [text, suggestion] of bad) {
    it(`rejects owner ${text}`, () => {
      assert.throws(() => accounts.resolveOwner(text, ['files', 0, 'owner']), (err: { code: string; suggestion?: string; location: object }) => {
        assert.equal(err.code, 'ERR_CONFIG_INVALID_VALUE');
        assert.equal(err.suggestion, suggestion);
        assert.deepEqual(err.location, { keyPath: 'files[0].owner' });
        return true;
      });
    });
  }
});
