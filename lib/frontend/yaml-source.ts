/**
 * YAML source: parsing config text with the `yaml` package into a plain value plus a
 * {@link Locate} that maps key paths back to lines and columns through the document AST.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ConfigError } from '../core/index.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import type { Locate, Position } from './locate.js';

/** YamlSource is parsed config text: its plain JS value and where each key path is written. */
export interface YamlSource {
  /** The document as plain JS data (mappings as objects, sequences as arrays). */
  readonly value: unknown;
  readonly locate: Locate;
}

/** MAX_YAML_ALIASES caps how many aliases a config may dereference (guards "billion laughs"). */
export const MAX_YAML_ALIASES = 100;

type AnyNode = Node | Pair | null | undefined;

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function findPair(map: AnyNode, key: string | number): Pair | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => keyText(p.key) === String(key));
}

function startOf(node: unknown, lc: LineCounter): Position | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  if (!range) return undefined;
  const { line, col } = lc.linePos(range[0]);
  return { line, column: col };
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.range !== undefined && node.range !== null && node.range[0] === node.range[1];
}

/** locateInDocument is the {@link Locate} of a parsed document: the nearest existing node on `path`. */
export function locateInDocument(doc: Document, lc: LineCounter): Locate {
  return (path, target) => {
    let node: unknown = doc.contents;
    let best = startOf(node, lc) ?? { line: 1, column: 1 };
    for (const [i, seg] of path.entries()) {
      if (isAlias(node)) node = node.resolve(doc);
      let next: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = findPair(node, seg);
        keyNode = pair?.key;
        next = pair?.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg];
      }
      const last = i === path.length - 1;
      const keyPos = startOf(keyNode, lc);
      if (last && target === 'key' && keyPos) return keyPos;
      const valuePos = isEmptyScalar(next) ? undefined : startOf(next, lc);
      if (!valuePos) return keyPos ?? best;
      best = valuePos;
      node = next;
    }
    return best;
  };
}

function syntaxError(file: string, pos: Position, problem: string, keyPath?: KeyPath, hint?: string): ConfigError {
  const kp = keyPath && keyPath.length ? formatKeyPath(keyPath) : undefined;
  return new ConfigError('ERR_CONFIG_SYNTAX', { file, line: pos.line, column: pos.column, ...(kp ? { keyPath: kp } : {}) }, problem, hint ? { hint } : {});
}

/**
 * Walks the AST and throws at the first mapping key that is not a scalar (a config has no
 * use for them, and JS objects cannot hold them) or that repeats an earlier key of its mapping.
 */
function checkKeys(node: unknown, path: KeyPath, file: string, lc: LineCounter): void {
  if (isMap(node)) {
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      if (!isScalar(pair.key)) {
        throw syntaxError(file, startOf(pair.key, lc) ?? startOf(node, lc) ?? { line: 1, column: 1 }, 'a mapping key must be a plain scalar, not a list or mapping', path);
      }
      const key = keyText(pair.key);
      const first = seen.get(key);
      if (first !== undefined) {
        const firstPos = startOf(first, lc);
        throw syntaxError(file, startOf(pair.key, lc) ?? { line: 1, column: 1 }, `duplicate key ${JSON.stringify(key)}`, [...path, key],
          `remove one of the two; the first is at line ${firstPos?.line ?? '?'}`);
      }
      seen.set(key, pair.key ?? {});
      checkKeys(pair.value, [...path, key], file, lc);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => checkKeys(item, [...path, i], file, lc));
  }
}

/**
 * parseYamlSource parses one YAML document. YAML syntax errors and duplicate keys throw
 * ERR_CONFIG_SYNTAX located at `file:line:col`, as do mapping keys that are lists or mappings.
 */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lc = new LineCounter();
  // logLevel 'error': the yaml package must not print warnings from inside a library.
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, logLevel: 'error' });
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lc.linePos(err.pos[0]);
    throw syntaxError(file, { line, column: col }, `YAML syntax: ${err.message.split('\n')[0]}`, undefined, undefined);
  }
  checkKeys(doc.contents, [], file, lc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (cause) {
    throw new ConfigError('ERR_CONFIG_SYNTAX', { file, line: 1, column: 1 }, `YAML: ${(cause as Error).message}`, { cause });
  }
  return { value, locate: locateInDocument(doc, lc) };
}
