/**
 * Key paths into a config value (`files[2].dest`) and the words messages use for values.
 */

/** KeyPath is the path from the config's root to a key: mapping keys and list indexes. */
export type KeyPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * formatKeyPath renders a key path as `files[2].dest` or `config.env.MODE`; keys that are
 * not plain identifiers are quoted in brackets: `annotations["org.example.title"]`.
 */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** isPlainObject tells whether `v` is a mapping: a non-null object that is not a list, buffer or class instance. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** describeValue names the type of `v` for "expected …, got …" messages, e.g. `a string`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null (an empty value)';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (typeof v === 'number') return Number.isInteger(v) ? `an integer (${v})` : `a number (${v})`;
  if (typeof v === 'bigint') return 'an integer';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary data';
  if (isPlainObject(v)) return 'a mapping';
  return `a ${typeof v}`;
}
