import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStanza, foldField, formatStanzas, parseStanzas } from './index.js';

describe('Stanza', () => {
  const [s] = parseStanzas('Package: a\nMulti-Arch: same\nDescription: x\n y\n');
  it('get looks names up ignoring case', () => {
    assert.equal(s!.get('package'), 'a');
    assert.equal(s!.get('PACKAGE'), 'a');
    assert.equal(s!.get('multi-arch'), 'same');
    assert.equal(s!.get('Version'), undefined);
  });
  it('field gives name as written, value and line', () => {
    assert.deepEqual(s!.field('description'), { name: 'Description', value: 'x\ny', line: 3 });
    assert.equal(s!.field('nope'), undefined);
  });
  it('fields keep file order', () => assert.deepEqual(s!.fields.map((f) => f.name), ['Package', 'Multi-Arch', 'Description']));
});

describe('foldField', () => {
  const table: [string, string][] = [
    ['a, b', 'a, b'],
    ['a,\nb (>= 1),\nc', 'a, b (>= 1), c'],
    ['\n x\n\n y ', 'x y'],
    ['', ''],
  ];
  for (const [input, want] of table) it(JSON.stringify(input), () => assert.equal(foldField(input), want));
});

describe('formatStanzas', () => {
  it('round-trips through parseStanzas', () => {
    const stanzas = [
      createStanza([
        { name: 'Package', value: 'a' },
        { name: 'Description', value: 'synopsis\npara\n\n  verbatim' },
        { name: 'SHA256', value: '\nabc 1 x\ndef 2 y' },
        { name: 'Empty', value: '' },
      ]),
      createStanza([{ name: 'Maintainer', value: '山田 <y@example.invalid>' }]),
    ];
    const text = formatStanzas(stanzas);
    assert.equal(text.split('\n')[2], ' para');
    assert.equal(text.split('\n')[3], ' .');
    const back = parseStanzas(text);
    assert.deepEqual(
      back.map((s) => s.fields.map((f) => [f.name, f.value])),
      stanzas.map((s) => s.fields.map((f) => [f.name, f.value])),
    );
  });

  it('refuses a value line of exactly "." (deb822 cannot express it)', () => {
    assert.throws(() => formatStanzas([createStanza([{ name: 'A', value: 'x\n.' }])]), TypeError);
  });

  it('createStanza refuses a name given twice', () => {
    assert.throws(() => createStanza([{ name: 'A', value: '1' }, { name: 'a', value: '2' }]), TypeError);
  });
});
