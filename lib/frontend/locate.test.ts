import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocator } from './locate.js';

describe('createLocator', () => {
  const cases: { name: string; file?: string; pos?: { line: number; column: number }; want: object }[] = [
    { name: 'file, position and key path', file: 'a.yaml', pos: { line: 3, column: 7 }, want: { file: 'a.yaml', line: 3, column: 7, keyPath: 'files[1].dest' } },
    { name: 'no position', file: 'a.yaml', want: { file: 'a.yaml', keyPath: 'files[1].dest' } },
    { name: 'no file', pos: { line: 1, column: 1 }, want: { line: 1, column: 1, keyPath: 'files[1].dest' } },
  ];
  for (const c of cases) {
    it(`locates with ${c.name}`, () => {
      const loc = createLocator(c.file, c.pos ? () => c.pos : undefined);
      assert.deepEqual(loc.at(['files', 1, 'dest']), c.want);
    });
  }

  it('passes the target to locate and reports a ConfigError with hint and suggestion', () => {
    const targets: string[] = [];
    const loc = createLocator('a.yaml', (_path, target) => {
      targets.push(target);
      return { line: 2, column: target === 'key' ? 1 : 9 };
    });
    const err = loc.report({ code: 'ERR_CONFIG_UNKNOWN_KEY', path: ['bse'], target: 'key', problem: '"bse" is unknown', suggestion: 'base' });
    assert.deepEqual(targets, ['key']);
    assert.equal((err as { code?: string }).code, 'ERR_CONFIG_UNKNOWN_KEY');
    assert.equal(err.message, 'a.yaml:2:1 bse: "bse" is unknown');
    assert.deepEqual((err as { location?: object }).location, { file: 'a.yaml', line: 2, column: 1, keyPath: 'bse' });
    assert.equal((err as { hint?: string }).hint, 'did you mean "base"?');
  });

  it('leaves keyPath out at the root', () => {
    assert.deepEqual(createLocator('a.yaml', undefined).at([]), { file: 'a.yaml' });
  });
});
