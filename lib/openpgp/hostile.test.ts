/**
 * Hostile and garbage OpenPGP input: random bytes, truncations, bit flips, bad checksums and
 * huge length fields must end in ERR_PGP_MALFORMED (or a verdict), never another exception,
 * never a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import { seededRandom } from '../../fixtures/seeded-random.js';
import {
  dearmor, MAX_KEYRING_BYTES, MAX_SIGNATURE_BYTES, MAX_SIGNATURE_PACKETS, parseKeyring, verifySignature, type Keyring,
} from './index.js';

/** outcome runs `fn` and returns 'ok' or the code of a PgpError; any other exception fails the test. */
function outcome(fn: () => unknown, what: string): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    const e = err as { code?: string; subject?: string; name?: string; message?: string };
    assert.equal(e.code, 'ERR_PGP_MALFORMED', `${what}: ${e.name}: ${e.message}`);
    assert.equal(e.name, 'PgpError', what);
    assert.equal(e.subject, 'hostile', what);
    assert.ok(e.message!.startsWith('hostile: '), what);
    return e.code!;
  }
}

function randomBytes(next: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

const DATA = new TextEncoder().encode('Origin: Test\nSuite: stable\n');

async function fixture(): Promise<{ key: Uint8Array; ring: Keyring; sig: Uint8Array }> {
  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'hostile' }], format: 'object' });
  const sig = await openpgp.sign({ message: await openpgp.createMessage({ binary: DATA }), signingKeys: privateKey, detached: true, format: 'binary' });
  const key = publicKey.write();
  return { key, ring: parseKeyring(key, 'key.gpg'), sig };
}

describe('hostile OpenPGP input', { timeout: 120_000 }, () => {
  it('random bytes (seeded) as keyring, signature and armor', async () => {
    const { ring } = await fixture();
    const next = seededRandom(0x5eed);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(next, Math.floor(next() * 600));
      // Make most of them look like OpenPGP packets so the parsers get past the first byte.
      if (bytes.length > 0 && i % 4 !== 0) bytes[0] = (bytes[0]! | 0x80);
      if (bytes.length > 0 && i % 4 === 1) bytes[0] = 0x88 | (bytes[0]! & 3); // old-format signature packet
      if (bytes.length > 1 && i % 4 === 2) bytes[0] = 0xc2; // new-format signature packet
      seen.add(outcome(() => parseKeyring(bytes, 'hostile'), `keyring #${i}`));
      seen.add(outcome(() => verifySignature(DATA, bytes, ring, { subject: 'hostile' }), `signature #${i}`));
      seen.add(outcome(() => dearmor(`-----BEGIN PGP SIGNATURE-----\n\n${Buffer.from(bytes).toString('base64')}\n-----END PGP SIGNATURE-----\n`, 'hostile'), `armor #${i}`));
    }
    assert.ok(seen.has('ERR_PGP_MALFORMED'));
  });

  it('a keyring and a signature cut at every byte', async () => {
    const { key, ring, sig } = await fixture();
    for (let n = 0; n < key.length; n++) outcome(() => parseKeyring(key.subarray(0, n), 'hostile'), `key cut at ${n}`);
    for (let n = 0; n < sig.length; n++) {
      const r = outcome(() => verifySignature(DATA, sig.subarray(0, n), ring, { subject: 'hostile' }), `signature cut at ${n}`);
      assert.equal(r, 'ERR_PGP_MALFORMED', `a signature cut at ${n} is malformed`);
    }
  });

  it('bit flips in a keyring and a signature; changed data never verifies', async () => {
    const { key, ring, sig } = await fixture();
    const next = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const k = key.slice();
      const s = sig.slice();
      const kp = Math.floor(next() * k.length);
      const sp = Math.floor(next() * s.length);
      k[kp] = k[kp]! ^ (1 << Math.floor(next() * 8));
      s[sp] = s[sp]! ^ (1 << Math.floor(next() * 8));
      outcome(() => parseKeyring(k, 'hostile'), `key flip at ${kp}`);
      outcome(() => verifySignature(DATA, s, ring, { subject: 'hostile' }), `signature flip at ${sp}`);
      const d = DATA.slice();
      const dp = Math.floor(next() * d.length);
      d[dp] = d[dp]! ^ (1 << Math.floor(next() * 8));
      assert.deepEqual(verifySignature(d, sig, ring, { subject: 'hostile' }).map((c) => c.status), ['bad'], `data flip at ${dp}`);
    }
    assert.deepEqual(verifySignature(DATA, sig, ring, { subject: 'hostile' }).map((c) => c.status), ['good']);
  });

  const huge: [string, Uint8Array][] = [
    ['a new-format length of 4 GiB', Uint8Array.of(0xc2, 0xff, 0xff, 0xff, 0xff, 0xff, 4)],
    ['an old-format four-byte length of 2 GiB', Uint8Array.of(0x8a, 0x80, 0, 0, 0, 4)],
    ['a partial body length', Uint8Array.of(0xc2, 0xe1, 4, 0)],
    ['an indeterminate length', Uint8Array.of(0x8b, 4, 0, 1, 8)],
    ['a signature packet over 64 KiB', Uint8Array.of(0xc2, 0xff, 0, 1, 0, 1, ...new Uint8Array(65537))],
    ['a hashed subpacket area longer than the packet', Uint8Array.of(0xc2, 8, 4, 0, 22, 8, 0xff, 0xff, 0, 0)],
    ['a subpacket with a four-byte length past the end', Uint8Array.of(0xc2, 22, 4, 0, 22, 8, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 0, 8, 1, 0, 8, 1)],
    ['an MPI of 65535 bits', Uint8Array.of(0xc2, 13, 4, 0, 1, 8, 0, 0, 0, 0, 0xab, 0xcd, 0xff, 0xff, 1)],
    ['a zero-length packet header at the end', Uint8Array.of(0xc2)],
  ];
  for (const [name, bytes] of huge) {
    it(`a signature with ${name}: ERR_PGP_MALFORMED`, async () => {
      const ring: Keyring = { keys: [] };
      assert.equal(outcome(() => verifySignature(DATA, bytes, ring, { subject: 'hostile' }), name), 'ERR_PGP_MALFORMED');
    });
  }

  it('a public key with a 4 GiB length or an MPI over 16384 bits: ERR_PGP_MALFORMED', () => {
    assert.equal(outcome(() => parseKeyring(Uint8Array.of(0xc6, 0xff, 0xff, 0xff, 0xff, 0xff, 4), 'hostile'), 'key length'), 'ERR_PGP_MALFORMED');
    const key = Uint8Array.of(0xc6, 12, 4, 0, 0, 0, 0, 1, 0x40, 0x01, 0xff, 0xff, 0, 0);
    assert.equal(outcome(() => parseKeyring(key, 'hostile'), 'key MPI'), 'ERR_PGP_MALFORMED');
  });

  it('inputs over the named caps are refused before parsing', () => {
    const bigRing = new Uint8Array(MAX_KEYRING_BYTES + 1);
    bigRing[0] = 0x99;
    assert.throws(() => parseKeyring(bigRing, 'hostile'), (err: Error & { code?: string }) => err.code === 'ERR_PGP_MALFORMED' && /at most 16777216/.test(err.message));
    const bigSig = new Uint8Array(MAX_SIGNATURE_BYTES + 1);
    bigSig[0] = 0x88;
    assert.throws(() => verifySignature(DATA, bigSig, { keys: [] }, { subject: 'hostile' }), (err: Error & { code?: string }) => err.code === 'ERR_PGP_MALFORMED' && /at most 1048576/.test(err.message));
  });

  it('more than MAX_SIGNATURE_PACKETS signatures: ERR_PGP_MALFORMED', async () => {
    const { ring, sig } = await fixture();
    const many = new Uint8Array(Buffer.concat(Array.from({ length: MAX_SIGNATURE_PACKETS + 1 }, () => sig)));
    assert.equal(verifySignature(DATA, many.subarray(0, sig.length * MAX_SIGNATURE_PACKETS), ring, { subject: 'hostile' }).length, MAX_SIGNATURE_PACKETS);
    assert.equal(outcome(() => verifySignature(DATA, many, ring, { subject: 'hostile' }), 'many'), 'ERR_PGP_MALFORMED');
  });

  it('a bad armor checksum on a real key: ERR_PGP_MALFORMED', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'crc' }], format: 'object' });
    const armored = privateKey.toPublic().armor();
    assert.ok(parseKeyring(armored, 'hostile').keys.length === 1);
    const crcLine = /^=([A-Za-z0-9+/]{4})$/m.exec(armored);
    if (crcLine) {
      const wrong = armored.replace(crcLine[0], `=${crcLine[1] === 'AAAA' ? 'AAAB' : 'AAAA'}`);
      assert.equal(outcome(() => parseKeyring(wrong, 'hostile'), 'bad CRC'), 'ERR_PGP_MALFORMED');
    } else {
      // openpgp.js v6 writes no checksum line; add a wrong one.
      const wrong = armored.replace(/\n-----END PGP PUBLIC KEY BLOCK-----/, '\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----');
      assert.equal(outcome(() => parseKeyring(wrong, 'hostile'), 'bad CRC'), 'ERR_PGP_MALFORMED');
    }
  });
});
