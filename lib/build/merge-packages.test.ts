/**
 * mergePackages and resolveParents on hostile link structures: the whole lookup shares one
 * budget of 40 links, as the kernel's, so a chain that doubles at each step fails at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveParents } from './merge-packages.js';

describe('resolveParents', () => {
  it('follows merged-/usr and relative links inside the root', () => {
    const links = new Map([
      ['/bin', 'usr/bin'],
      ['/usr/lib/jvm/default', 'java-17'],
      ['/var/run', '/run'],
    ]);
    assert.equal(resolveParents('/bin/bash', links, 't'), '/usr/bin/bash');
    assert.equal(resolveParents('/usr/lib/jvm/default/bin/java', links, 't'), '/usr/lib/jvm/java-17/bin/java');
    assert.equal(resolveParents('/var/run/x.pid', links, 't'), '/run/x.pid');
    assert.equal(resolveParents('/bin', links, 't'), '/bin', 'the last component is not followed');
  });

  it('stays inside the root when a target climbs with ..', () => {
    assert.equal(resolveParents('/a/b/x', new Map([['/a/b', '../../../../etc']]), 't'), '/etc/x');
  });

  it('refuses a doubling chain of links promptly instead of following it exponentially', () => {
    const links = new Map<string, string>([['/d/a0', '.']]);
    for (let k = 1; k <= 40; k++) links.set(`/d/a${k}`, `a${k - 1}/a${k - 1}`);
    const started = process.hrtime.bigint();
    assert.throws(() => resolveParents('/d/a40/x', links, 'evil 1: /d/a40/x'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_DEB_UNSAFE');
      assert.match(err.message, /^evil 1: \/d\/a40\/x: more than 40 symlinks to follow/);
      return true;
    });
    // Not a timing assertion on speed: a bound that only an exponential walk could break.
    assert.ok(process.hrtime.bigint() - started < 5_000_000_000n);
  });

  it('refuses a loop', () => {
    assert.throws(() => resolveParents('/a/x', new Map([['/a', 'b'], ['/b', 'a']]), 't'), { code: 'ERR_DEB_UNSAFE' });
  });
});
