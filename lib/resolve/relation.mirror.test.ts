/**
 * parseRelations on every relationship field of real Debian indices from the host's mirror:
 * bookworm main amd64 Packages (binary fields) and bookworm main Sources (build fields, with
 * architecture restriction lists and build profiles). Strict mode throughout: the archive
 * holds only what dpkg accepts without its lax flag. Each parsed value must also survive
 * formatRelations and a second parse unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchHostIndex, readIndexStanzas } from '../../fixtures/host-mirror-index.js';
import { formatRelations, parseRelations, type RelationField } from './relation.js';

const BINARY_FIELDS: readonly RelationField[] = ['Depends', 'Pre-Depends', 'Recommends', 'Suggests', 'Enhances', 'Breaks', 'Conflicts', 'Provides', 'Replaces', 'Built-Using', 'Static-Built-Using'];
const SOURCE_FIELDS: readonly RelationField[] = ['Build-Depends', 'Build-Depends-Indep', 'Build-Depends-Arch', 'Build-Conflicts', 'Build-Conflicts-Indep', 'Build-Conflicts-Arch'];

function parseAll(path: string, fields: readonly RelationField[]): { values: number; relations: number; byField: Record<string, number>; restricted: number } {
  const byField: Record<string, number> = {};
  let values = 0;
  let relations = 0;
  let restricted = 0;
  for (const stanza of readIndexStanzas(path, ['Package', ...fields])) {
    for (const field of fields) {
      const value = stanza[field];
      if (value === undefined) continue;
      const parsed = parseRelations(value, { field });
      assert.deepEqual(parseRelations(formatRelations(parsed), { field }), parsed, `${stanza['Package']} ${field}`);
      values++;
      byField[field] = (byField[field] ?? 0) + 1;
      for (const group of parsed) {
        relations += group.length;
        for (const r of group) if (r.architectures || r.profiles) restricted++;
      }
    }
  }
  return { values, relations, byField, restricted };
}

describe('parseRelations on real indices', () => {
  it('parses every relationship field of bookworm main amd64 Packages', async (t) => {
    const path = await fetchHostIndex(t, { suite: 'bookworm', path: 'main/binary-amd64/Packages.gz' });
    if (path === undefined) return;
    const { values, relations, byField } = parseAll(path, BINARY_FIELDS);
    for (const field of ['Depends', 'Pre-Depends', 'Provides', 'Conflicts', 'Breaks']) assert.ok((byField[field] ?? 0) > 100, `${field}: ${byField[field]}`);
    t.diagnostic(`${values} field values, ${relations} relations: ${JSON.stringify(byField)}`);
  });

  it('parses every build relationship field of bookworm main Sources', async (t) => {
    const path = await fetchHostIndex(t, { suite: 'bookworm', path: 'main/source/Sources.gz' });
    if (path === undefined) return;
    const { values, relations, byField, restricted } = parseAll(path, SOURCE_FIELDS);
    assert.ok((byField['Build-Depends'] ?? 0) > 10_000);
    assert.ok(restricted > 100, `only ${restricted} relations with restrictions`);
    t.diagnostic(`${values} field values, ${relations} relations (${restricted} with restrictions): ${JSON.stringify(byField)}`);
  });
});
