/**
 * Module boundaries (STYLE.md section 2) as a test: every import between lib/ modules and
 * from bin/ is parsed, and an edge not in the allowed table fails.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Modules each module may import values from (core is open to all). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  openpgp: [],
  plan: [],
  fetch: [],
  deb: [],
  layer: [],
  oci: [],
  sbom: [],
  frontend: ['plan'],
  apt: ['fetch', 'openpgp'],
  registry: ['fetch', 'oci'],
  resolve: [],
  build: ['plan', 'fetch', 'apt', 'resolve', 'deb', 'layer', 'oci', 'registry', 'sbom'],
  index: ['build', 'frontend', 'plan', 'oci'],
};
/** Edges allowed for `import type` only. */
const TYPE_ONLY: Record<string, readonly string[]> = { resolve: ['apt'] };

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) sources(full, out);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

interface Edge {
  readonly file: string;
  readonly spec: string;
  readonly typeOnly: boolean;
}

function importsOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const edges: Edge[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) edges.push({ file, spec: m[3]!, typeOnly: Boolean(m[2]) });
  return edges;
}

function moduleOf(path: string): string | undefined {
  const rel = relative(join(root, 'lib'), path).split(sep);
  if (rel[0] === '..') return undefined;
  return rel.length === 1 ? 'index' : rel[0];
}

describe('module boundaries', () => {
  const files = [...sources(join(root, 'lib')), ...sources(join(root, 'bin'))];

  it('finds the sources', () => assert.ok(files.length > 20));

  for (const file of files) {
    for (const edge of importsOf(file).filter((e) => e.spec.startsWith('.'))) {
      const from = moduleOf(file);
      const target = resolve(dirname(file), edge.spec.replace(/\.js$/, '.ts'));
      const to = moduleOf(target);
      const name = `${relative(root, file)} -> ${edge.spec}`;
      it(name, () => {
        if (from === undefined) {
          // bin/ talks to the library only through lib/index.ts.
          if (to !== undefined) assert.equal(relative(root, target), join('lib', 'index.ts'), `${name}: bin may import only lib/index.ts`);
          return;
        }
        if (to === undefined || to === from || to === 'core') return;
        const allowed = ALLOWED[from]?.includes(to) || (edge.typeOnly && TYPE_ONLY[from]?.includes(to));
        assert.ok(allowed, `${name}: ${from} may not import ${to}`);
        if (to !== 'index') assert.equal(relative(join(root, 'lib', to), target), 'index.ts', `${name}: import ${to} through its index.ts`);
      });
    }
  }
});
