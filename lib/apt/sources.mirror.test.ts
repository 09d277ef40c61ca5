import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { readSystemSources } from './index.js';

describe('readSystemSources on this host', () => {
  it("parses the host's apt sources: at least one deb entry whose Signed-By keyring exists", async () => {
    const entries = await readSystemSources('/');
    const deb = entries.filter((e) => e.types.includes('deb'));
    assert.ok(deb.length > 0, 'the host has apt sources (run-tests only runs this file when it does) but none is a deb entry');
    const keyrings = deb.map((e) => e.signedBy).filter((s): s is string => s !== undefined && s.startsWith('/'));
    const present: string[] = [];
    for (const k of keyrings) {
      try {
        await access(k);
        present.push(k);
      } catch {
        // A missing keyring is reported below only if none is present.
      }
    }
    assert.ok(present.length > 0, `no deb entry has a Signed-By keyring that exists (Signed-By seen: ${JSON.stringify(keyrings)})`);
  });
});
