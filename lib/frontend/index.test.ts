import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as frontend from './index.js';

describe('frontend index', () => {
  it('exports exactly the public frontend API', () => {
    assert.deepEqual(Object.keys(frontend).sort(), ['configJsonSchema', 'loadConfigFile', 'parseConfigText', 'planFromSpec']);
  });

  it('imports only core, plan, yaml and node builtins (tests also fixtures/)', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('.', import.meta.url);
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.js')) continue;
      const text = await readFile(new URL(name, dir), 'utf8');
      for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm)) {
        const fixture = name.endsWith('.test.js') && spec!.startsWith('../../fixtures/');
        const ok = fixture || spec!.startsWith('./') || spec === '../core/index.js' || spec === '../plan/index.js' || spec === 'yaml' || spec!.startsWith('node:');
        assert.ok(ok, `${name} imports ${spec}`);
      }
    }
  });
});
