/**
 * verifySignature on the host's real InRelease files (as apt last downloaded them to
 * /var/lib/apt/lists) against the host's Debian archive keyring, with gpgv as the oracle.
 * Nothing is fetched: the test is skipped, with a message, when the host has no InRelease.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gpgVerdicts, makeGpgHome, type GpgHome } from '../../fixtures/gpg-home.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { stripClearsign } from '../apt/index.js';
import { parseKeyring, verifySignature } from './index.js';

const LISTS = '/var/lib/apt/lists';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const inReleases = existsSync(LISTS) ? readdirSync(LISTS).filter((n) => n.endsWith('_InRelease')).sort() : [];

describe('verifySignature on the host InRelease files', () => {
  let home: GpgHome | undefined;
  before(async () => {
    home = await makeGpgHome();
  });
  after(async () => home?.close());

  if (inReleases.length === 0 || !existsSync(KEYRING)) {
    it('(skipped: no InRelease in /var/lib/apt/lists or no Debian archive keyring on this host)', (t) => {
      t.skip(`no ${LISTS}/*_InRelease or ${KEYRING}; run apt-get update to have some`);
    });
    return;
  }

  for (const name of inReleases) {
    it(`${name}: the verdicts gpgv gives, at least one good; tampered text is bad`, (t) => {
      if (!requireTool(t, 'gpgv')) return;
      const message = readFileSync(join(LISTS, name), 'utf8');
      const ring = parseKeyring(readFileSync(KEYRING), 'debian-archive-keyring.gpg');
      const parts = stripClearsign(message, name);
      const checks = verifySignature(parts.text, parts.signature, ring, { subject: name, cleartext: true });
      const ringCopy = join(home!.dir, 'archive.gpg');
      copyFileSync(KEYRING, ringCopy);
      const copy = join(home!.dir, name);
      writeFileSync(copy, message);
      assert.deepEqual(checks.map((c) => c.status), gpgVerdicts(home!.gpgv(['--keyring', ringCopy, copy]).stdout), checks.map((c) => c.reason).join('; '));
      assert.ok(checks.some((c) => c.status === 'good'), 'at least one good signature');
      for (const c of checks.filter((x) => x.status === 'good')) {
        assert.ok(ring.keys.some((k) => k.fingerprint === c.primaryFingerprint && (k.fingerprint === c.fingerprint || k.subkeys.some((s) => s.fingerprint === c.fingerprint))));
      }
      const mid = Math.floor(parts.text.length / 2);
      const tampered = `${parts.text.slice(0, mid)}${parts.text[mid] === 'a' ? 'b' : 'a'}${parts.text.slice(mid + 1)}`;
      const after = verifySignature(tampered, parts.signature, ring, { subject: name, cleartext: true }).map((c) => c.status);
      assert.deepEqual(after, checks.map((c) => (c.status === 'good' ? 'bad' : c.status)));
    });
  }
});
