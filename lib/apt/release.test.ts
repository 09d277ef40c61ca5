import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRelease } from './index.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'B'.repeat(64);

/** A Release shaped like Debian's (MD5Sum and SHA256 lists, by-hash, arch-all split). */
const DEBIAN_LIKE = `Origin: Debian
Label: Debian
Suite: stable
Version: 12.1
Codename: bookworm
Changelogs: https://example.invalid/changelogs/@CHANGEPATH@_changelog
Date: Sat, 10 Jun 2023 09:20:06 UTC
Valid-Until: Sat, 17 Jun 2023 09:20:06 UTC
Acquire-By-Hash: yes
No-Support-for-Architecture-all: Packages
Architectures: all amd64 arm64
Components: main contrib non-free-firmware
Description: Debian 12.1 Released 22 July 2023
MD5Sum:
 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 main/binary-amd64/Packages
SHA256:
 ${SHA_A}  1484322 main/binary-amd64/Packages
 ${SHA_B}    98581 main/binary-amd64/Packages.xz
`;

/** A security suite names its components updates/main, as Debian's did before bullseye. */
const SECURITY_LIKE = `Origin: Debian
Label: Debian-Security
Suite: oldoldstable
Codename: buster
Date: Mon, 02 Jan 2023 00:00:00 +0100
Architectures: amd64
Components: updates/main updates/contrib
SHA256:
 ${SHA_A} 10 updates/main/binary-amd64/Packages.gz
`;

/** A flat repository's Release: no suite, no codename, no components. */
const FLAT_LIKE = `Date: Thu, 1 Jan 1970 00:00:00 GMT
SHA256:
 ${SHA_A} 0 Packages
`;

describe('parseRelease', () => {
  const table: [string, string, (r: ReturnType<typeof parseRelease>) => void][] = [
    [
      'a Debian-like Release',
      DEBIAN_LIKE,
      (r) => {
        assert.equal(r.origin, 'Debian');
        assert.equal(r.label, 'Debian');
        assert.equal(r.suite, 'stable');
        assert.equal(r.codename, 'bookworm');
        assert.equal(r.version, '12.1');
        assert.equal(r.date, Date.parse('Sat, 10 Jun 2023 09:20:06 GMT') / 1000);
        assert.equal(r.date, 1686388806);
        assert.equal(r.validUntil, r.date! + 7 * 86400);
        assert.deepEqual(r.architectures, ['all', 'amd64', 'arm64']);
        assert.deepEqual(r.components, ['main', 'contrib', 'non-free-firmware']);
        assert.equal(r.acquireByHash, true);
        assert.equal(r.noSupportForArchitectureAll, true);
        assert.deepEqual(
          [...r.files.values()],
          [
            { path: 'main/binary-amd64/Packages', size: 1484322, sha256: SHA_A },
            { path: 'main/binary-amd64/Packages.xz', size: 98581, sha256: SHA_B.toLowerCase() },
          ],
        );
        assert.equal(r.stanza.get('Changelogs'), 'https://example.invalid/changelogs/@CHANGEPATH@_changelog');
      },
    ],
    [
      'a security Release with updates/ components and a numeric zone',
      SECURITY_LIKE,
      (r) => {
        assert.deepEqual(r.components, ['updates/main', 'updates/contrib']);
        assert.equal(r.date, Date.parse('2023-01-01T23:00:00Z') / 1000);
        assert.equal(r.validUntil, undefined);
        assert.equal(r.acquireByHash, false);
        assert.equal(r.noSupportForArchitectureAll, false);
        assert.equal(r.version, undefined);
      },
    ],
    [
      "a flat repository's Release",
      FLAT_LIKE,
      (r) => {
        assert.equal(r.suite, undefined);
        assert.equal(r.date, 0);
        assert.deepEqual(r.components, []);
        assert.deepEqual([...r.files.keys()], ['Packages']);
      },
    ],
  ];
  for (const [name, text, check] of table) {
    it(name, () => check(parseRelease(text, 'dists/x/Release')));
    it(`${name} (CRLF)`, () => check(parseRelease(text.replaceAll('\n', '\r\n'), 'dists/x/Release')));
  }

  const errors: [string, string, number | undefined][] = [
    ['no SHA256 list (MD5Sum only)', 'Suite: x\nMD5Sum:\n 0ed6d4c8891eb86358b94bb35d9e4da4 1 a\n', 1],
    ['a SHA256 line without a size', `Suite: x\nSHA256:\n ${SHA_A} main/x\n`, 3],
    ['a SHA256 line with a short hash', `Suite: x\nSHA256:\n abc 1 main/x\n`, 3],
    ['a SHA256 line with extra words', `Suite: x\nSHA256:\n ${SHA_A} 1 main/x extra\n`, 3],
    ['a path listed twice', `Suite: x\nSHA256:\n ${SHA_A} 1 main/x\n ${SHA_B} 2 main/x\n`, 4],
    ['a Date that is not RFC 2822', `Date: 2023-06-10T09:20:06Z\nSHA256:\n ${SHA_A} 1 a\n`, 1],
    ['an impossible Valid-Until', `Suite: x\nValid-Until: Wed, 31 Feb 2023 00:00:00 UTC\nSHA256:\n ${SHA_A} 1 a\n`, 2],
    ['Acquire-By-Hash neither yes nor no', `Suite: x\nAcquire-By-Hash: maybe\nSHA256:\n ${SHA_A} 1 a\n`, 2],
    ['still cleartext-signed', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nSuite: x\n', 1],
    ['two stanzas', `Suite: x\nSHA256:\n ${SHA_A} 1 a\n\nSuite: y\n`, 5],
    ['an empty file', '\n\n', undefined],
    ['a deb822 syntax error', 'Suite: x\nnot a field\n', 2],
  ];
  for (const [name, text, line] of errors) {
    it(`rejects ${name} with ERR_APT_MALFORMED naming file and line`, () => {
      assert.throws(() => parseRelease(text, 'http://repo.invalid/dists/x/InRelease'), { code: 'ERR_APT_MALFORMED', subject: 'http://repo.invalid/dists/x/InRelease', line });
    });
  }
});
