import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { configJsonSchema, configSchema } from './config-schema.js';
import { renderConfigJsonSchema } from './render-schema.js';

type Json = { [key: string]: unknown };

/** Every schema object in `node`, depth first. */
function* schemaNodes(node: unknown): Generator<Json> {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) yield* schemaNodes(n);
    return;
  }
  const obj = node as Json;
  if ('type' in obj || 'anyOf' in obj || 'oneOf' in obj) yield obj;
  for (const [k, v] of Object.entries(obj)) if (k !== 'enum' && k !== 'required') yield* schemaNodes(k === 'properties' ? Object.values(v as Json) : v);
}

describe('configJsonSchema', () => {
  it('is a draft-07 schema', () => {
    assert.equal(configJsonSchema['$schema'], 'http://json-schema.org/draft-07/schema#');
    assert.equal(configJsonSchema['type'], 'object');
  });

  it('closes every object with fixed keys and describes every node', () => {
    let objects = 0;
    for (const node of schemaNodes(configJsonSchema)) {
      assert.equal(typeof node['description'], 'string', JSON.stringify(node).slice(0, 120));
      if ('properties' in node) {
        objects++;
        assert.equal(node['additionalProperties'], false, JSON.stringify(node).slice(0, 120));
      }
    }
    assert.ok(objects >= 10, `only ${objects} closed objects`);
  });

  it('lists the top-level keys and the files item kinds', () => {
    assert.deepEqual(Object.keys(configJsonSchema['properties'] as Json), ['platforms', 'base', 'compression', 'compression-level', 'apt', 'layers', 'paths', 'files', 'users', 'groups', 'annotations', 'config']);
    const item = ((configJsonSchema['properties'] as Json)['files'] as Json)['items'] as Json;
    const kinds = (item['oneOf'] as Json[]).map((v) => v['required']);
    assert.deepEqual(kinds, [['src', 'dest'], ['content', 'dest'], ['tarball', 'dest'], ['symlink', 'dest'], ['dir']]);
  });

  it('describes the four forms of an apt source with anyOf', () => {
    const apt = (configJsonSchema['properties'] as Json)['apt'] as Json;
    const item = ((apt['properties'] as Json)['sources'] as Json)['items'] as Json;
    const forms = item['anyOf'] as Json[];
    assert.deepEqual(forms.map((f) => f['type']), ['string', 'string', 'string', 'object']);
    assert.deepEqual(forms[0]!['enum'], ['system']);
    assert.ok(new RegExp(forms[1]!['pattern'] as string, 'u').test('deb-src http://deb.example/debian bookworm main'));
    assert.ok(new RegExp(forms[2]!['pattern'] as string, 'u').test('# repo\nTypes: deb\nURIs: http://deb.example/debian\n'));
    assert.deepEqual((forms[3]!['oneOf'] as Json[]).map((v) => v['required']), [['uri', 'suites'], ['uris', 'suites']]);
  });

  it('lists the apt keys, sources required, with patterns for package names', () => {
    const apt = (configJsonSchema['properties'] as Json)['apt'] as Json;
    const props = apt['properties'] as Json;
    assert.deepEqual(Object.keys(props), ['sources', 'packages', 'recommends', 'essential', 'exclude', 'database', 'merged-usr']);
    assert.deepEqual(apt['required'], ['sources']);
    assert.deepEqual([(props['recommends'] as Json)['type'], (props['essential'] as Json)['type']], ['boolean', 'boolean']);
    const request = new RegExp(((props['packages'] as Json)['items'] as Json)['pattern'] as string, 'u');
    const name = new RegExp(((props['exclude'] as Json)['items'] as Json)['pattern'] as string, 'u');
    assert.deepEqual(['curl', 'curl=7.88.1-10+deb12u12', 'kubelet=1.27.*', 'Curl', 'curl>=1'].map((s) => request.test(s)), [true, true, true, false, false]);
    assert.deepEqual(['systemd', 'systemd=252', 'x'].map((s) => name.test(s)), [true, false, false]);
  });

  it('gives the same enums as the validator', () => {
    const props = configJsonSchema['properties'] as Json;
    assert.deepEqual((props['compression'] as Json)['enum'], ['gzip', 'zstd', 'none']);
    for (const c of ['gzip', 'zstd', 'none']) assert.doesNotThrow(() => configSchema.validate({ compression: c }));
    assert.throws(() => configSchema.validate({ compression: 'brotli' }), { code: 'ERR_CONFIG_INVALID_VALUE', location: { keyPath: 'compression' } });
  });

  it('equals the committed docs/config-schema.json (run `npm run docs:schema` after changing the schema)', async () => {
    const committed = await readFile(new URL('../../../docs/config-schema.json', import.meta.url), 'utf8');
    assert.equal(committed, renderConfigJsonSchema());
  });

  it('is valid JSON of patterns JavaScript can compile', () => {
    for (const node of schemaNodes(JSON.parse(renderConfigJsonSchema()))) {
      if (typeof node['pattern'] === 'string') assert.doesNotThrow(() => new RegExp(node['pattern'] as string, 'u'));
    }
  });
});
