import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocator } from './locate.js';
import { normaliseAccounts } from './normalise-accounts.js';
import { normalisePort, normaliseRuntime } from './normalise-runtime.js';

describe('normalisePort', () => {
  const cases: [string | number, string][] = [
    [8080, '8080/tcp'],
    ['8080', '8080/tcp'],
    ['8080/tcp', '8080/tcp'],
    ['53/udp', '53/udp'],
    ['132/sctp', '132/sctp'],
    ['0080', '80/tcp'],
  ];
  for (const [port, want] of cases) it(`${JSON.stringify(port)} → ${want}`, () => assert.equal(normalisePort(port), want));
});

describe('normaliseRuntime', () => {
  const accounts = normaliseAccounts({}, createLocator(undefined, undefined));
  it('gives empty collections for an absent config', () => {
    assert.deepEqual(normaliseRuntime(undefined, accounts), { env: [], ports: [], volumes: [], labels: {} });
  });
  it('copies lists so the plan does not share the spec arrays', () => {
    const cmd = ['a'];
    const out = normaliseRuntime({ cmd }, accounts);
    assert.deepEqual(out.cmd, ['a']);
    assert.notEqual(out.cmd, cmd);
  });
  it('renames stop-signal to stopSignal', () => {
    assert.equal(normaliseRuntime({ 'stop-signal': 'SIGINT' }, accounts).stopSignal, 'SIGINT');
  });
});
