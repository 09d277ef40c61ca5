import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyKeyText, FINGERPRINT_PATTERN, normaliseFingerprint, signedBySchema } from './apt-key-schema.js';

const FPR = '0123456789ABCDEF0123456789ABCDEF01234567';
const ARMORED = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGQ=\n-----END PGP PUBLIC KEY BLOCK-----\n';

describe('classifyKeyText', () => {
  const cases: [string, string][] = [
    ['keys/archive.asc', 'file'],
    ['/usr/share/keyrings/debian-archive-keyring.gpg', 'file'],
    [FPR, 'fingerprint'],
    [FPR.toLowerCase(), 'fingerprint'],
    ['0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567', 'fingerprint'],
    [ARMORED, 'inline'],
    [`\n${ARMORED}`, 'inline'],
  ];
  for (const [text, want] of cases) it(`${JSON.stringify(text).slice(0, 50)} → ${want}`, () => assert.equal(classifyKeyText(text), want));
});

describe('normaliseFingerprint', () => {
  it('upper-cases and drops spaces', () => {
    assert.equal(normaliseFingerprint('0123 4567 89ab cdef 0123  4567 89ab cdef 0123 4567'), FPR);
  });
  it('FINGERPRINT_PATTERN takes exactly 40 hex digits', () => {
    assert.ok(FINGERPRINT_PATTERN.test(FPR));
    assert.ok(!FINGERPRINT_PATTERN.test(FPR.slice(1)));
    assert.ok(!FINGERPRINT_PATTERN.test(`${FPR}0`));
    assert.ok(!FINGERPRINT_PATTERN.test(`${FPR.slice(1)}G`));
  });
});

describe('signedBySchema', () => {
  const valid: unknown[] = [
    'keys/a.gpg',
    ARMORED,
    { url: 'https://deb.example/key.asc', fingerprint: FPR },
    { url: 'http://deb.example/key.asc', fingerprint: FPR.toLowerCase() },
    ['keys/a.gpg', FPR],
    [{ url: 'https://deb.example/key.asc', fingerprint: FPR }, FPR],
  ];
  for (const v of valid) it(`takes ${JSON.stringify(v).slice(0, 60)}`, () => assert.equal(signedBySchema.validate(v), v));

  const invalid: [unknown, string, string | undefined][] = [
    ['', 'ERR_CONFIG_INVALID_VALUE', undefined],
    [[], 'ERR_CONFIG_INVALID_VALUE', undefined],
    [FPR, 'ERR_CONFIG_INVALID_VALUE', undefined],
    [[FPR, FPR.toLowerCase()], 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['6ED0E7B82643E131', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['2643E131', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['https://deb.example/key.asc', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n', 'ERR_CONFIG_INVALID_VALUE', undefined],
    ['a\nb', 'ERR_CONFIG_INVALID_VALUE', undefined],
    [{ url: 'https://deb.example/key.asc' }, 'ERR_CONFIG_MISSING_KEY', 'fingerprint'],
    [{ url: 'https://deb.example/key.asc', fingerprint: FPR, sha256: 'x' }, 'ERR_CONFIG_UNKNOWN_KEY', 'sha256'],
    [{ url: 'https://deb.example/key.asc', fingerprnt: FPR }, 'ERR_CONFIG_UNKNOWN_KEY', 'fingerprnt'],
    [['a.gpg', { url: 'key.asc', fingerprint: FPR }], 'ERR_CONFIG_INVALID_VALUE', '[1].url'],
    [1, 'ERR_CONFIG_INVALID_TYPE', undefined],
    [[true], 'ERR_CONFIG_INVALID_TYPE', '[0]'],
  ];
  for (const [v, code, keyPath] of invalid) {
    it(`rejects ${JSON.stringify(v).slice(0, 60)} with ${code}`, () => {
      assert.throws(() => signedBySchema.validate(v), (err: { code: string; hint?: string; location: { keyPath?: string } }) => {
        assert.equal(err.code, code);
        assert.equal(err.location.keyPath, keyPath);
        if (v !== '') assert.ok(err.hint, 'has a hint');
        return true;
      });
    });
  }

  it('suggests the key a misspelt one means', () => {
    assert.throws(() => signedBySchema.validate({ url: 'https://deb.example/key.asc', fingerprnt: FPR }), { suggestion: 'fingerprint' });
  });
});
