import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstDuplicate, groupsSchema, usersSchema } from './accounts-schema.js';

describe('firstDuplicate', () => {
  it('points at the second occurrence', () => {
    const items = [{ n: 'a' }, { n: 'b' }, { n: 'a' }];
    assert.deepEqual(firstDuplicate('xs', items, 'n', (i) => i.n, 'name')?.at, [2, 'n']);
    assert.equal(firstDuplicate('xs', items.slice(0, 2), 'n', (i) => i.n, 'name'), undefined);
  });
});

describe('usersSchema', () => {
  const cases: [unknown, string | undefined, string | undefined][] = [
    [[{ name: 'app', uid: 1, gid: 2, home: '/h', shell: '/bin/sh', gecos: 'App', groups: ['g'] }], undefined, undefined],
    [[{ name: 'svc$', uid: 1 }], undefined, undefined],
    [[{ name: 'a'.repeat(33), uid: 1 }], 'ERR_CONFIG_INVALID_VALUE', '[0].name'],
    [[{ name: '1app', uid: 1 }], 'ERR_CONFIG_INVALID_VALUE', '[0].name'],
    [[{ name: 'app', uid: 1, gecos: 'a:b' }], 'ERR_CONFIG_INVALID_VALUE', '[0].gecos'],
    [[{ name: 'app', uid: 1, shell: 'sh' }], 'ERR_CONFIG_INVALID_VALUE', '[0].shell'],
    [[{ name: 'app', uid: 1, groups: 'g' }], 'ERR_CONFIG_INVALID_TYPE', '[0].groups'],
  ];
  for (const [value, code, keyPath] of cases) {
    it(`${JSON.stringify(value).slice(0, 60)} → ${code ?? 'valid'}`, () => {
      if (!code) return assert.equal(usersSchema.validate(value), value);
      assert.throws(() => usersSchema.validate(value), { code, location: { keyPath } });
    });
  }
});

describe('groupsSchema', () => {
  it('rejects gid 0 and duplicate names', () => {
    assert.throws(() => groupsSchema.validate([{ name: 'g', gid: 0 }]), { code: 'ERR_CONFIG_INVALID_VALUE', location: { keyPath: '[0].gid' } });
    assert.throws(() => groupsSchema.validate([{ name: 'g', gid: 1 }, { name: 'g', gid: 2 }]), { code: 'ERR_CONFIG_INVALID_VALUE', location: { keyPath: '[1].name' } });
  });
});
