/**
 * DebReadPool under abort: reads waiting for a worker and reads in flight both settle with
 * the signal's reason, and the pool closes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildDeb } from '../../fixtures/deb-builder.js';
import { DebReadPool } from './deb-read-pool.js';

describe('DebReadPool', () => {
  it('reads a package in a worker, names the package in errors, and settles every read on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-read-pool-'));
    const pool = new DebReadPool(1);
    try {
      const deb = await buildDeb({ package: 'p', version: '1', architecture: 'all', files: [{ path: '/usr/share/p/a', body: 'a'.repeat(100_000) }] });
      await writeFile(join(dir, 'p.deb'), deb);
      const req = (n: number) => ({ blob: join(dir, 'p.deb'), sha256: '0'.repeat(64), subject: `p ${n}`, spool: join(dir, `spool-${n}`) });
      const contents = await pool.read(req(0));
      assert.deepEqual(contents.records.map((r) => r.path).filter((p) => p.startsWith('/usr/share/p/')), ['/usr/share/p/a']);
      assert.ok(Buffer.isBuffer(contents.control.scripts.postinst ?? Buffer.alloc(0)));

      const missing = { ...req(1), blob: join(dir, 'gone.deb') };
      await assert.rejects(pool.read(missing), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_CACHE_CORRUPT');
        assert.match(err.message, /^p 1: /);
        return true;
      });

      const ac = new AbortController();
      const reads = [pool.read(req(2), ac.signal), pool.read(req(3), ac.signal), pool.read(req(4), ac.signal)];
      ac.abort(new Error('stop'));
      const settled = await Promise.allSettled(reads);
      for (const s of settled) if (s.status === 'rejected') assert.equal((s.reason as Error).message, 'stop');
      assert.ok(settled.some((s) => s.status === 'rejected'), 'the waiting reads fail with the reason');
    } finally {
      await pool.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
