import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { parseRelease, stripClearsign } from './index.js';

const SIG = '-----BEGIN PGP SIGNATURE-----\n\niHUEARYIAB0WIQRazGB+Hpfj2HN5zkPbZpZAPTZerAUCawShmQAKCRDbZpZAPTZe\n=AbCd\n-----END PGP SIGNATURE-----\n';

function signed(body: string, headers = 'Hash: SHA256\n'): string {
  return `-----BEGIN PGP SIGNED MESSAGE-----\n${headers}\n${body}\n${SIG}`;
}

describe('stripClearsign', () => {
  const table: [string, string, string, string[]][] = [
    ['a Release', signed('Origin: X\nSuite: y'), 'Origin: X\nSuite: y', ['SHA256']],
    ['dash-escaped lines', signed('- -----BEGIN fake\n- -x\n- From here\nplain - dash'), '-----BEGIN fake\n-x\nFrom here\nplain - dash', ['SHA256']],
    ['empty lines, and trailing blanks (not signed) dropped', signed('a  \n\nb\t\n'), 'a\n\nb\n', ['SHA256']],
    ['several hash headers', signed('a', 'Hash: SHA256, SHA512\nHash: SHA1\n'), 'a', ['SHA256', 'SHA512', 'SHA1']],
    ['no armor header at all (RFC 9580)', signed('a', ''), 'a', []],
    ['blank lines before and after', `\n\n${signed('a')}\n\n`, 'a', ['SHA256']],
  ];
  for (const [name, message, text, hashes] of table) {
    for (const [variant, m] of [['LF', message], ['CRLF', message.replaceAll('\n', '\r\n')]] as const) {
      it(`${name} (${variant})`, () => {
        const got = stripClearsign(m, 'InRelease');
        assert.equal(got.text, text);
        assert.deepEqual(got.hashes, hashes);
        assert.equal(got.signature, SIG);
      });
    }
  }

  const errors: [string, string, number][] = [
    ['an unsigned Release', 'Origin: X\nSuite: y\n', 1],
    ['text before the message', `Origin: evil\n${signed('a')}`, 1],
    ['a malformed armor header', '-----BEGIN PGP SIGNED MESSAGE-----\nnot a header\n\na\n' + SIG, 2],
    ['a message that ends in its headers', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n', 2],
    ['an unescaped dash line in the text', signed('a\n-----END PGP SIGNATURE-----\nb'), 5],
    ['no signature', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\na\nb\n', 5],
    ['an unterminated signature', '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\na\n-----BEGIN PGP SIGNATURE-----\n\nabc\n', 7],
    ['text after the signature', `${signed('a')}Origin: evil\n`, 10],
  ];
  for (const [name, message, line] of errors) {
    it(`rejects ${name} with ERR_APT_MALFORMED naming file and line`, () => {
      assert.throws(() => stripClearsign(message, 'dists/x/InRelease'), { code: 'ERR_APT_MALFORMED', subject: 'dists/x/InRelease', line });
    });
  }

  it('gives the text gpgv verifies for a message gpg signed (gpg as the oracle)', async (t) => {
    if (!requireTool(t, 'gpg', 'gpgv')) return;
    const home = await mkdtemp(join(tmpdir(), 'slipway-apt-gpg-'));
    try {
      const env = { GNUPGHOME: home };
      mustRun('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'slipway test <test@example.invalid>', 'ed25519', 'sign', 'never'], { env });
      const body = 'Origin: Test\nSuite: x\n-leading dash\n- dash space\nFrom the start\ntrailing blanks   \n\nDescription: done\n';
      await writeFile(join(home, 'Release'), body);
      mustRun('gpg', ['--batch', '--yes', '--digest-algo', 'SHA512', '--clearsign', '-o', join(home, 'InRelease'), join(home, 'Release')], { env });
      mustRun('gpg', ['--batch', '--yes', '--export', '-o', join(home, 'key.gpg')], { env });
      const verified = mustRun('gpgv', ['--keyring', join(home, 'key.gpg'), '--output', '-', join(home, 'InRelease')], { env });
      const parts = stripClearsign(await readFile(join(home, 'InRelease'), 'utf8'), 'InRelease');
      // RFC 4880 §7.1: the line ending before the signature is not signed; gpgv prints one.
      assert.equal(`${parts.text}\n`, verified);
      assert.equal(`${parts.text}\n`, body.replace('blanks   ', 'blanks'));
      assert.match(parts.signature, /^-----BEGIN PGP SIGNATURE-----\n[\s\S]+\n-----END PGP SIGNATURE-----\n$/);
      assert.deepEqual(parts.hashes, ['SHA512']);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('feeds parseRelease', () => {
    const sha = 'c'.repeat(64);
    const r = parseRelease(stripClearsign(signed(`Suite: x\nSHA256:\n ${sha} 3 main/binary-amd64/Packages`)).text, 'InRelease');
    assert.equal(r.files.get('main/binary-amd64/Packages')?.size, 3);
  });
});
