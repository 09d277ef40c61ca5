import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AptRepository } from '../apt/index.js';
import type { ImagePlan } from '../plan/index.js';
import { lockRequestOf } from './resolve-apt.js';

const PLAN = { apt: { sources: [], packages: [{ name: 'curl', at: {} }], recommends: false, essential: false, exclude: [] } } as unknown as ImagePlan;

function repo(keys: AptRepository['keys'], uri = 'http://user:secret@deb.example/debian/'): AptRepository {
  return { uris: [uri], suite: 'bookworm', components: ['main'], types: ['deb'], keys, trusted: false, checkValidUntil: true, allowRollback: false, declaredAt: 'x' };
}

describe('lockRequestOf', () => {
  it('names keys by fingerprint or by the digest of their bytes, never by host path, and drops credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-lockreq-'));
    try {
      await writeFile(join(dir, 'a.gpg'), 'key a');
      await writeFile(join(dir, 'b.gpg'), 'key b');
      const a = await lockRequestOf(PLAN, [repo([{ kind: 'file', path: join(dir, 'a.gpg') }])], ['linux/amd64']);
      const b = await lockRequestOf(PLAN, [repo([{ kind: 'file', path: join(dir, 'b.gpg') }])], ['linux/amd64']);
      const fpr = await lockRequestOf(PLAN, [repo([{ kind: 'fingerprint', fingerprint: 'A'.repeat(40), exact: true }])], ['linux/amd64']);
      assert.match(a.sources[0]!, /^http:\/\/deb\.example\/debian\/ bookworm main \[signed-by=sha256:[0-9a-f]{16}\]$/);
      assert.notEqual(a.sources[0], b.sources[0], 'another keyring makes another request');
      assert.equal(fpr.sources[0], `http://deb.example/debian/ bookworm main [signed-by=${'A'.repeat(40)}!]`);
      for (const r of [a, b, fpr]) assert.doesNotMatch(JSON.stringify(r), new RegExp(`${dir}|secret`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
