import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { chunkings } from '../../fixtures/apt-chunks.js';
import { FIXTURE_EPOCH, rawAr } from '../../fixtures/deb-builder.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { readAr } from './index.js';

const S = 'test.deb';

/** members reads `bytes` (cut into `pieces`) with readAr and returns each member's facts and data. */
async function members(pieces: readonly Buffer[], opts: { maxMemberBytes?: number; skip?: (name: string) => boolean } = {}) {
  const out: { name: string; size: number; mtime: number; mode: number; offset: number; data: Buffer }[] = [];
  for await (const m of readAr(Readable.from(pieces), { subject: S, ...opts })) {
    const parts: Buffer[] = [];
    if (!opts.skip?.(m.name)) for await (const c of m.body) parts.push(c as Buffer);
    out.push({ name: m.name, size: m.size, mtime: m.mtime, mode: m.mode, offset: m.offset, data: Buffer.concat(parts) });
  }
  return out;
}

async function rejects(bytes: Buffer, code: string, pattern: RegExp, opts: { maxMemberBytes?: number } = {}) {
  await assert.rejects(members([bytes], opts), (err: Error & { code?: string }) => {
    assert.equal(err.code, code, err.message);
    assert.match(err.message, new RegExp(`^${S}: `));
    assert.match(err.message, pattern);
    return true;
  });
}

function randomBytes(n: number, seed: number): Buffer {
  const r = seededRandom(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
}

const SAMPLE = [
  { name: 'debian-binary', data: Buffer.from('2.0\n') },
  { name: 'odd', data: randomBytes(333, 1), mode: 0o100600, mtime: 12345 },
  { name: 'empty', data: Buffer.alloc(0) },
  { name: 'big', data: randomBytes(70_001, 2) },
];

describe('readAr', () => {
  for (const [how, pieces] of chunkings(rawAr(SAMPLE))) {
    it(`reads every member, fed ${how}`, async () => {
      const got = await members(pieces);
      assert.deepEqual(got.map((m) => m.name), SAMPLE.map((m) => m.name));
      for (const [i, m] of got.entries()) {
        const want = SAMPLE[i]!;
        assert.deepEqual(m.data, want.data, m.name);
        assert.equal(m.size, want.data.length);
        assert.equal(m.mtime, want.mtime ?? FIXTURE_EPOCH);
        assert.equal(m.mode, want.mode ?? 0o100644);
      }
      assert.equal(got[0]!.offset, 8 + 60);
      assert.equal(got[2]!.offset, 8 + 60 + 4 + 60 + 334 + 60);
    });
  }

  it('skips a body the consumer leaves unread, odd padding included', async () => {
    const got = await members(chunkings(rawAr(SAMPLE))[3]![1], { skip: (n) => n === 'odd' || n === 'big' });
    assert.deepEqual(got.map((m) => [m.name, m.data.length]), [['debian-binary', 4], ['odd', 0], ['empty', 0], ['big', 0]]);
  });

  it('strips the GNU trailing slash and tolerates a missing final pad', async () => {
    const ar = rawAr([{ name: 'control.tar.xz/', data: Buffer.from('abc') }]);
    const got = await members([ar.subarray(0, ar.length - 1)]);
    assert.deepEqual(got.map((m) => [m.name, m.data.toString()]), [['control.tar.xz', 'abc']]);
  });

  it('stopping early destroys the source', async () => {
    const src = Readable.from([rawAr(SAMPLE)]);
    for await (const m of readAr(src, { subject: S })) {
      assert.equal(m.name, 'debian-binary');
      break;
    }
    assert.equal(src.destroyed, true);
  });

  describe('errors', () => {
    const good = rawAr(SAMPLE);
    const header = (ar: Buffer, at: number, start: number, text: string) => {
      const b = Buffer.from(ar);
      b.write(text, at + start, 'latin1');
      return b;
    };
    it('bad magic', () => rejects(Buffer.from('PK\x03\x04 not an ar archive'), 'ERR_DEB_MALFORMED', /offset 0: bad magic/));
    it('an empty file', () => rejects(Buffer.alloc(0), 'ERR_DEB_MALFORMED', /offset 0: bad magic: the file is empty/));
    it('a thin archive', () => rejects(Buffer.from('!<thin>\n'), 'ERR_DEB_MALFORMED', /bad magic "!<thin>\\n"/));
    it('a bad header terminator', () => rejects(header(good, 8, 58, 'xx'), 'ERR_DEB_MALFORMED', /header at offset 8 \("debian-binary"\): bad header/));
    it('a size that is not a number', () => rejects(header(good, 8 + 64, 48, '12x4      '), 'ERR_DEB_MALFORMED', /header at offset 72 \("odd"\): size "12x4" is not a decimal number/));
    it('a mode that is not octal', () => rejects(header(good, 8, 40, '100694  '), 'ERR_DEB_MALFORMED', /mode "100694" is not an octal number/));
    it('a truncated header', () => rejects(good.subarray(0, 8 + 60 + 4 + 30), 'ERR_DEB_MALFORMED', /header at offset 72: truncated: the archive ends 30 bytes into/));
    it('a truncated member', () => rejects(good.subarray(0, good.length - 1000), 'ERR_DEB_MALFORMED', /member big at offset \d+: truncated member: the archive ends after 69002 of its 70001 bytes/));
    it('a truncated member the consumer skips', async () => {
      await assert.rejects(members([good.subarray(0, good.length - 1000)], { skip: () => true }), { code: 'ERR_DEB_MALFORMED', message: /member big at offset \d+: truncated member/ });
    });
    it('a member larger than the cap', () => rejects(good, 'ERR_DEB_MALFORMED', /member big at offset \d+: member larger than MAX_DEB_MEMBER_BYTES: 70001 bytes, over the cap of 1000/, { maxMemberBytes: 1000 }));
    it('a header stating a huge size, refused before reading', () => rejects(header(good, 8, 48, '9999999999'), 'ERR_DEB_MALFORMED', /member debian-binary at offset 8: member larger than MAX_DEB_MEMBER_BYTES/, { maxMemberBytes: 1 << 30 }));
    it('an aborted read', async () => {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(async () => {
        for await (const m of readAr(Readable.from([good]), { subject: S, signal: ac.signal })) m.body.resume();
      }, { code: 'ERR_ABORTED' });
    });
  });
});
