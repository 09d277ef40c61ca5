import assert from 'node:assert/strict';
import { PassThrough, Readable, Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { pullThrough } from './pull-through.js';

const upper = () =>
  new Transform({
    transform(chunk: Buffer, _e, cb) {
      cb(null, Buffer.from(chunk.toString().toUpperCase()));
    },
  });

async function text(r: Readable): Promise<string> {
  let out = '';
  for await (const c of r) out += String(c);
  return out;
}

describe('pullThrough', () => {
  it('opens nothing until the first read, then passes bytes through every stage', async () => {
    let opened = 0;
    const r = pullThrough(async () => (opened++, Readable.from([Buffer.from('ab'), Buffer.from('c')])), () => [upper(), new PassThrough()]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(opened, 0);
    assert.equal(await text(r), 'ABC');
    assert.equal(opened, 1);
  });

  it('fails when the source fails, or when a stage fails at its end', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('source broke')); } });
    await assert.rejects(text(pullThrough(async () => broken, () => [upper()])), /source broke/);
    const failsAtEnd = () => new Transform({ transform: (c, _e, cb) => cb(null, c), flush: (cb) => cb(new Error('bad digest')) });
    await assert.rejects(text(pullThrough(async () => Readable.from([Buffer.from('x')]), () => [failsAtEnd()])), /bad digest/);
  });

  it('destroys the source when the stream is destroyed', async () => {
    const source = new Readable({ read() { this.push(Buffer.alloc(1024)); } });
    const r = pullThrough(async () => source, () => [upper()]);
    for await (const _ of r) break;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(source.destroyed, true);
  });
});
