import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { parseControl } from './index.js';

const BASE = 'Package: t\nVersion: 1.0\nArchitecture: all\n';

describe('parseControl', () => {
  it('reads fields, continuation lines and " ." empty lines', () => {
    const f = parseControl(`\n${BASE}Depends: a,\n b (>= 1)\nX-Empty:\n line\nSection:   misc  \nDescription: short\n long\n .\n \tindented\n`, 't.deb');
    assert.deepEqual([...f], [
      ['Package', 't'], ['Version', '1.0'], ['Architecture', 'all'], ['Depends', 'a,\nb (>= 1)'], ['X-Empty', '\nline'], ['Section', 'misc'],
      ['Description', 'short\nlong\n\n\tindented'],
    ]);
  });

  it('takes trailing blank lines and a missing final newline', () => {
    assert.equal(parseControl(`${BASE}Priority: optional`, 't').get('Priority'), 'optional');
    assert.equal(parseControl(`${BASE}\n\n`, 't').size, 3);
  });

  const bad: [string, string, RegExp][] = [
    ['a continuation first', ` x\n${BASE}`, /^t\.deb: control line 1: a continuation line/],
    ['a line without a colon', `${BASE}Garbage\n`, /^t\.deb: control line 4: neither a field/],
    ['a name with a space', `${BASE}Bad Name: x\n`, /control line 4: neither a field/],
    ['a field twice, in another case', `${BASE}package: u\n`, /control line 4: field package is given twice/],
    ['a second stanza', `${BASE}\nPackage: u\n`, /control line 5: a second stanza/],
    ['no Version', 'Package: t\nArchitecture: all\n', /^t\.deb: control: no Version field/],
    ['nothing at all', '', /no Package field/],
  ];
  for (const [what, text, pattern] of bad) {
    it(`refuses ${what} with ERR_DEB_MALFORMED`, () => {
      assert.throws(() => parseControl(text, 't.deb'), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_DEB_MALFORMED');
        assert.match(err.message, pattern);
        return true;
      });
    });
  }

  it('agrees with dpkg-deb --field on a control file dpkg-deb --build wrote', async (t) => {
    if (!requireTool(t, 'dpkg-deb')) return;
    const dir = await mkdtemp(join(tmpdir(), 'slipway-control-'));
    try {
      const text = `${BASE}Maintainer: M <m@example.invalid>\nSection: misc   \nX-Custom:\n line1\n  line2\nX-Tab: a\n\tb\nDepends: libc6 (>= 2.36),\n  libfoo | libbar\nDescription: d\n .\n more\n`;
      await mkdir(join(dir, 'root', 'DEBIAN'), { recursive: true });
      await writeFile(join(dir, 'root', 'DEBIAN', 'control'), text);
      const deb = join(dir, 't.deb');
      mustRun('dpkg-deb', ['--root-owner-group', '-b', join(dir, 'root'), deb]);
      const fields = parseControl(mustRun('dpkg-deb', ['--info', deb, 'control']), deb);
      assert.equal(fields.size, 9);
      for (const [name, value] of fields) {
        // dpkg-deb keeps a continuation line's tab; the value keeps the line without its first blank.
        const shown = mustRun('dpkg-deb', ['--field', deb, name]).replace(/\n$/, '').replace(/^\t/gm, ' ');
        const ours = value.split('\n').map((l, i) => (i === 0 ? l : l === '' ? ' .' : ` ${l}`)).join('\n');
        if (name === 'Depends') assert.equal(ours.replace(/\s+/g, ' '), shown.replace(/\s+/g, ' '));
        else assert.equal(ours, shown, name);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
