import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Limiter } from './limiter.js';

/** gate is a promise with its resolver, to hold a task open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe('Limiter', () => {
  it('runs at most max tasks at once, the rest in FIFO order', async () => {
    const limiter = new Limiter(2);
    const gates = Array.from({ length: 5 }, gate);
    const started: number[] = [];
    const runs = gates.map((g, i) => limiter.run(async () => (started.push(i), await g.promise, i)));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual([limiter.active, limiter.waiting], [2, 3]);
    gates[1]!.open();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1, 2]);
    gates.forEach((g) => g.open());
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
    assert.deepEqual([limiter.active, limiter.waiting], [0, 0]);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new Limiter(1);
    await assert.rejects(limiter.run(async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await limiter.run(async () => 7), 7);
  });

  it('drops a waiting task whose signal aborts, without running it', async () => {
    const limiter = new Limiter(1);
    const g = gate();
    const first = limiter.run(() => g.promise);
    const ac = new AbortController();
    let ran = false;
    const second = limiter.run(async () => void (ran = true), { signal: ac.signal });
    ac.abort(new Error('stop'));
    await assert.rejects(second, /stop/);
    assert.equal(limiter.waiting, 0);
    g.open();
    await first;
    assert.equal(ran, false);
    await assert.rejects(limiter.run(async () => 1, { signal: ac.signal }), /stop/);
  });

  it('refuses a max that is not a positive integer', () => {
    assert.throws(() => new Limiter(0), RangeError);
    assert.throws(() => new Limiter(1.5), RangeError);
  });
});
