import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { openTarStream, type LayerEntry } from './index.js';

/** firstBytes reads at least `n` bytes of a stream, then destroys it. */
async function firstBytes(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let have = 0;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    have += (c as Buffer).length;
    if (have >= n) break;
  }
  stream.destroy();
  return Buffer.concat(chunks);
}

describe('openTarStream', () => {
  it('writes a PAX size record for a file larger than ustar can state (8 GiB)', async () => {
    const size = 8 * 1024 ** 3 + 1;
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(1 << 16));
      },
    });
    const entry: LayerEntry = { path: '/huge', type: 'file', mode: 0o644, uid: 0, gid: 0, size, open: async () => endless };
    const head = await firstBytes(openTarStream([entry], { mtime: 0 }), 2048);
    // First block: the PAX header ('x'), then its records, then the file's own header.
    assert.equal(String.fromCharCode(head[156]!), 'x');
    const records = head.subarray(512, 1024).toString('latin1');
    assert.match(records, new RegExp(`\\d+ size=${size}\\n`));
    assert.match(records, /\d+ path=huge\n/);
    // Then the entry's own ustar header: a regular file ('0').
    assert.equal(String.fromCharCode(head[1024 + 156]!), '0');
    endless.destroy();
  });

  it('writes a PAX path record for a name longer than ustar holds, and keeps it deterministic', async () => {
    const path = `/${'a'.repeat(200)}`;
    const entry: LayerEntry = { path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0 };
    const collect = async () => Buffer.concat(await Readable.from(openTarStream([entry], { mtime: 0 })).toArray());
    const a = await collect();
    assert.match(a.subarray(512, 1024).toString('latin1'), new RegExp(`path=${'a'.repeat(200)}\\n`));
    assert.ok(a.equals(await collect()));
  });

  it("keeps a mode of 0 as 0 (not tar-stream's default)", async () => {
    const entry: LayerEntry = { path: '/locked', type: 'file', mode: 0, uid: 0, gid: 0, size: 0 };
    const tar = Buffer.concat(await openTarStream([entry], { mtime: 0 }).toArray());
    assert.equal(tar.subarray(100, 107).toString(), '000000 ');
  });
});
