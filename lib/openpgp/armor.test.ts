import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeGpgHome } from '../../fixtures/gpg-home.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { seededRandom } from '../../fixtures/seeded-random.js';
import { crc24, dearmor, readArmor } from './index.js';

function randomBytes(seed: number, n: number): Uint8Array {
  const next = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

function armor(label: string, data: Uint8Array, headers = ''): string {
  const b64 = Buffer.from(data).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  const c = crc24(data);
  const crc = Buffer.from([c >> 16, (c >> 8) & 0xff, c & 0xff]).toString('base64');
  return `-----BEGIN PGP ${label}-----\n${headers}\n${b64}\n=${crc}\n-----END PGP ${label}-----\n`;
}

describe('dearmor', () => {
  it('decodes what gpg --enarmor writes (gpg as the oracle), checksum and all', async (t) => {
    if (!requireTool(t, 'gpg')) return;
    const home = await makeGpgHome();
    try {
      for (const [seed, n] of [[1, 1], [2, 2], [3, 3], [4, 48], [5, 1000], [6, 70_000]] as const) {
        const data = randomBytes(seed, n);
        writeFileSync(join(home.dir, 'in'), data);
        const text = home.gpg(['--enarmor', '--output', '-', join(home.dir, 'in')]);
        const blocks = readArmor(text, 'in.asc');
        assert.equal(blocks.length, 1);
        assert.equal(blocks[0]!.label, 'ARMORED FILE');
        assert.ok(blocks[0]!.headers.some(([name]) => name === 'Comment'), 'header read');
        assert.deepEqual(blocks[0]!.data, data);
        // Our CRC24 is the one gpg wrote.
        const crcLine = text.split('\n').find((l) => /^=[A-Za-z0-9+/]{4}$/.test(l))!;
        assert.equal(crcLine, armor('X', data).split('\n').find((l) => /^=[A-Za-z0-9+/]{4}$/.test(l)));
        // And gpg --dearmor reads back what we armor.
        writeFileSync(join(home.dir, 'ours.asc'), armor('ARMORED FILE', data, 'Comment: slipway\n'));
        home.gpg(['--dearmor', '--output', join(home.dir, 'back'), join(home.dir, 'ours.asc')]);
        assert.deepEqual(new Uint8Array(readFileSync(join(home.dir, 'back'))), data);
      }
    } finally {
      await home.close();
    }
  });

  it('reads several blocks, CRLF line ends, text around blocks, no checksum, no headers', () => {
    const a = randomBytes(10, 100);
    const b = randomBytes(11, 200);
    const noCrc = armor('SIGNATURE', b).replace(/\n=[^\n]*\n/, '\n');
    const text = `Some text first\n${armor('PUBLIC KEY BLOCK', a, 'Version: x\nComment: y\n')}\nbetween\n${noCrc}`.replaceAll('\n', '\r\n');
    assert.deepEqual(dearmor(text, 'k.asc'), [a, b]);
    assert.deepEqual(dearmor(text, 'k.asc', 'SIGNATURE'), [b]);
    assert.deepEqual(readArmor(text, 'k.asc')[0]!.headers, [['Version', 'x'], ['Comment', 'y']]);
  });

  it('passes over the BEGIN PGP SIGNED MESSAGE line of a cleartext message', () => {
    const sig = randomBytes(12, 50);
    const text = `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nOrigin: x\n- -----BEGIN PGP SIGNATURE-----\n${armor('SIGNATURE', sig)}`;
    assert.deepEqual(dearmor(text, 'InRelease'), [sig]);
  });

  const bad: [string, string][] = [
    ['no armor at all', 'just text\n'],
    ['a wrong checksum', armor('SIGNATURE', randomBytes(13, 30)).replace(/\n=(.)/, (_, c: string) => `\n=${c === 'A' ? 'B' : 'A'}`)],
    ['a changed byte under a checksum', armor('SIGNATURE', randomBytes(14, 30)).replace(/\n\n(.)/, (_, c: string) => `\n\n${c === 'A' ? 'B' : 'A'}`)],
    ['no END line', armor('SIGNATURE', randomBytes(15, 30)).replace(/-----END[^\n]*\n/, '')],
    ['a mismatched END line', armor('SIGNATURE', randomBytes(16, 30)).replace('END PGP SIGNATURE', 'END PGP MESSAGE')],
    ['a character that is not base64', armor('SIGNATURE', randomBytes(17, 30)).replace(/\n\n(.)/, '\n\n*')],
    ['padding in the middle', '-----BEGIN PGP SIGNATURE-----\n\nAA==AAAA\n-----END PGP SIGNATURE-----\n'],
    ['a length that is not a multiple of 4', '-----BEGIN PGP SIGNATURE-----\n\nAAAAA\n-----END PGP SIGNATURE-----\n'],
    ['an empty block', '-----BEGIN PGP SIGNATURE-----\n\n-----END PGP SIGNATURE-----\n'],
    ['data after the checksum', `${armor('SIGNATURE', randomBytes(18, 30)).replace(/\n-----END/, '\nAAAA\n-----END')}`],
  ];
  for (const [name, text] of bad) {
    it(`rejects ${name} with ERR_PGP_MALFORMED naming the subject`, () => {
      assert.throws(() => dearmor(text, 'Release.gpg'), (err: Error & { code?: string; subject?: string }) => {
        assert.equal(err.code, 'ERR_PGP_MALFORMED');
        assert.equal(err.subject, 'Release.gpg');
        assert.ok(err.message.startsWith('Release.gpg: '), err.message);
        return true;
      });
    });
  }

  it('rejects a block without the wanted label', () => {
    assert.throws(() => dearmor(armor('PUBLIC KEY BLOCK', randomBytes(19, 10)), 'x.asc', 'SIGNATURE'), { code: 'ERR_PGP_MALFORMED' });
  });
});
