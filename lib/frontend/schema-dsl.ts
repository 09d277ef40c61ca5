/**
 * A tiny schema combinator library. One definition yields both a validator over plain JS
 * values (what `yaml`'s `toJS()` returns, or what a TypeScript caller passes) and a JSON
 * Schema (draft-07) for editors, so the two can never drift apart.
 */
import { closestName } from '../core/index.js';
import { isPlainObject, type KeyPath } from './key-path.js';
import { node, type Infer, type Issue, type NodeOptions, type ObjectSchema, type Schema } from './schema-node.js';

export { defaultReporter, type Check, type ConfigIssueCode, type Infer, type Issue, type JsonSchema, type NodeOptions, type ObjectSchema, type Problem, type Reporter, type Schema } from './schema-node.js';

/** StringOptions are the options of {@link string}. */
export interface StringOptions<E extends string = string> extends NodeOptions<E> {
  readonly pattern?: RegExp;
  /** Completes `"<value>" …` when the pattern does not match, e.g. `is not 3 or 4 octal digits`. */
  readonly patternProblem?: string;
  readonly patternHint?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly enum?: readonly E[];
  /** Said when the value is not one of `enum` and no close name exists. */
  readonly enumHint?: string;
}

/** quoteHint is the default type hint of {@link string}: YAML read a number or boolean where a string is meant. */
export function quoteHint(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'boolean'
    ? `quote the value so YAML reads it as a string: ${JSON.stringify(String(value))}`
    : undefined;
}

/**
 * string is a schema of a string, optionally limited by a pattern, a length or an enum. A
 * number or boolean given instead gets {@link quoteHint} unless `typeHint` says otherwise.
 */
export function string<const E extends string>(opts: StringOptions<E> & { readonly enum: readonly E[] }): Schema<E>;
export function string(opts: StringOptions): Schema<string>;
export function string(opts: StringOptions): Schema<string> {
  return node<string>({
    ...opts,
    typeHint: opts.typeHint ?? quoteHint,
    expected: 'a string',
    expectedPlural: 'strings',
    accepts: (v) => typeof v === 'string',
    inner: (v, path, report) => {
      const s = v as string;
      const fail = (problem: string, hint?: string, suggestion?: string): Error =>
        report({ code: 'ERR_CONFIG_INVALID_VALUE', path, target: 'value', problem, ...(hint ? { hint } : {}), ...(suggestion ? { suggestion } : {}) });
      if (opts.minLength !== undefined && s.length < opts.minLength) {
        throw fail(s.length === 0 ? 'must not be empty' : `${JSON.stringify(s)} is shorter than ${opts.minLength} characters`);
      }
      if (opts.maxLength !== undefined && s.length > opts.maxLength) throw fail(`${JSON.stringify(s)} is longer than ${opts.maxLength} characters`);
      if (opts.enum && !opts.enum.includes(s)) {
        const suggestion = closestName(s, opts.enum);
        const allowed = opts.enum.length === 1 ? opts.enum[0] : `one of ${opts.enum.join(', ')}`;
        throw fail(`${JSON.stringify(s)} is not allowed; expected ${allowed}`, suggestion ? undefined : opts.enumHint, suggestion);
      }
      if (opts.pattern && !opts.pattern.test(s)) {
        throw fail(`${JSON.stringify(s)} ${opts.patternProblem ?? `does not match ${opts.pattern.source}`}`, opts.patternHint);
      }
      return s;
    },
    json: () => ({
      type: 'string',
      ...(opts.enum ? { enum: [...opts.enum] } : {}),
      ...(opts.pattern ? { pattern: opts.pattern.source } : {}),
      ...(opts.minLength !== undefined ? { minLength: opts.minLength } : {}),
      ...(opts.maxLength !== undefined ? { maxLength: opts.maxLength } : {}),
    }),
  });
}

/** IntegerOptions are the options of {@link integer}. */
export interface IntegerOptions extends NodeOptions<number> {
  readonly min?: number;
  readonly max?: number;
}

/** integer is a schema of a whole number, optionally between `min` and `max` inclusive. */
export function integer(opts: IntegerOptions): Schema<number> {
  return node<number>({
    ...opts,
    expected: 'an integer',
    expectedPlural: 'integers',
    accepts: (v) => Number.isSafeInteger(v),
    inner: (v, path, report) => {
      const n = v as number;
      if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
        const range = opts.max === undefined ? `at least ${opts.min}` : opts.min === undefined ? `at most ${opts.max}` : `between ${opts.min} and ${opts.max}`;
        throw report({ code: 'ERR_CONFIG_INVALID_VALUE', path, target: 'value', problem: `${n} is out of range: must be ${range}` });
      }
      return n;
    },
    json: () => ({ type: 'integer', ...(opts.min !== undefined ? { minimum: opts.min } : {}), ...(opts.max !== undefined ? { maximum: opts.max } : {}) }),
  });
}

/** boolean is a schema of `true` or `false`. */
export function boolean(opts: NodeOptions<boolean>): Schema<boolean> {
  return node<boolean>({
    ...opts,
    expected: 'a boolean',
    expectedPlural: 'booleans',
    accepts: (v) => typeof v === 'boolean',
    inner: (v) => v as boolean,
    json: () => ({ type: 'boolean' }),
  });
}

/** ArrayOptions are the options of {@link array}. */
export interface ArrayOptions<T> extends NodeOptions<readonly T[]> {
  readonly minItems?: number;
  /** Said when the list has fewer than `minItems` items, e.g. what to list. */
  readonly minItemsHint?: string;
}

/** array is a schema of a list whose every item matches `items`. */
export function array<T>(items: Schema<T>, opts: ArrayOptions<T>): Schema<readonly T[]> {
  return node<readonly T[]>({
    ...opts,
    expected: `a list of ${items.expectedPlural}`,
    expectedPlural: `lists of ${items.expectedPlural}`,
    accepts: (v) => Array.isArray(v),
    inner: (v, path, report) => {
      const list = v as unknown[];
      if (opts.minItems !== undefined && list.length < opts.minItems) {
        throw report({
          code: 'ERR_CONFIG_INVALID_VALUE',
          path,
          target: 'value',
          problem: `must have at least ${opts.minItems} item${opts.minItems === 1 ? '' : 's'}`,
          ...(opts.minItemsHint ? { hint: opts.minItemsHint } : {}),
        });
      }
      list.forEach((item, i) => items.validate(item, [...path, i], report));
      return list as readonly T[];
    },
    json: () => ({ type: 'array', items: items.toJsonSchema(), ...(opts.minItems !== undefined ? { minItems: opts.minItems } : {}) }),
  });
}

/** MapOptions are the options of {@link map}. */
export interface MapOptions<T> extends NodeOptions<Readonly<Record<string, T>>> {
  readonly keyPattern?: RegExp;
  /** Completes `key "<key>" …` when a key does not match `keyPattern`. */
  readonly keyProblem?: string;
}

/** map is a schema of a mapping from free-form string keys to values matching `values`. */
export function map<T>(values: Schema<T>, opts: MapOptions<T>): Schema<Readonly<Record<string, T>>> {
  return node<Readonly<Record<string, T>>>({
    ...opts,
    expected: `a mapping of names to ${values.expectedPlural}`,
    expectedPlural: `mappings of names to ${values.expectedPlural}`,
    accepts: isPlainObject,
    inner: (v, path, report) => {
      const obj = v as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (opts.keyPattern && !opts.keyPattern.test(key)) {
          throw report({
            code: 'ERR_CONFIG_INVALID_VALUE',
            path: [...path, key],
            target: 'key',
            problem: `key ${JSON.stringify(key)} ${opts.keyProblem ?? `does not match ${opts.keyPattern.source}`}`,
          });
        }
        values.validate(obj[key], [...path, key], report);
      }
      return obj as Readonly<Record<string, T>>;
    },
    json: () => ({
      type: 'object',
      ...(opts.keyPattern ? { propertyNames: { pattern: opts.keyPattern.source } } : {}),
      additionalProperties: values.toJsonSchema(),
    }),
  });
}

/** Fields maps each key of an {@link object} schema to the schema of its value. */
export type Fields = { readonly [key: string]: Schema<unknown> };

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** ObjectValue is the value type of an object schema with `fields`, of which `R` are required. */
export type ObjectValue<F extends Fields, R extends keyof F> = Simplify<
  { readonly [K in keyof F as K extends R ? K : never]: Infer<F[K]> } & { readonly [K in keyof F as K extends R ? never : K]?: Infer<F[K]> }
>;

/** ObjectOptions are the options of {@link object}. */
export interface ObjectOptions<F extends Fields, R extends keyof F, T> extends NodeOptions<T> {
  readonly required?: readonly R[];
  /** Names the mapping in messages, e.g. `a src item`; defaults to `this mapping`. */
  readonly name?: string;
}

/**
 * object is a schema of a mapping with known keys: unknown keys are rejected (with the
 * closest known key as suggestion), `required` keys must be present. A key whose value is
 * `undefined` counts as absent.
 */
export function object<const F extends Fields, const R extends keyof F & string = never>(
  fields: F,
  opts: ObjectOptions<F, R, ObjectValue<F, R>>,
): ObjectSchema<ObjectValue<F, R>> {
  const keys = Object.keys(fields);
  const required: readonly string[] = opts.required ?? [];
  const schema = node<ObjectValue<F, R>>({
    ...opts,
    expected: 'a mapping',
    expectedPlural: 'mappings',
    accepts: isPlainObject,
    inner: (v, path, report) => {
      const obj = v as Record<string, unknown>;
      const present = Object.keys(obj).filter((k) => obj[k] !== undefined);
      for (const key of present) {
        if (!Object.hasOwn(fields, key)) throw report(unknownKey(key, keys, path, opts.name));
      }
      for (const key of required) {
        if (obj[key] === undefined) {
          const what = fields[key]?.description.split(/(?<=\.)\s/)[0];
          throw report({
            code: 'ERR_CONFIG_MISSING_KEY',
            path: [...path, key],
            target: 'value',
            problem: `${opts.name ?? 'this mapping'} lacks the required key "${key}"`,
            ...(what ? { hint: `add ${key}: ${what}` } : {}),
          });
        }
      }
      for (const key of present) fields[key]!.validate(obj[key], [...path, key], report);
      return obj as ObjectValue<F, R>;
    },
    json: () => ({
      type: 'object',
      properties: Object.fromEntries(keys.map((k) => [k, fields[k]!.toJsonSchema()])),
      ...(required.length ? { required: [...required] } : {}),
      additionalProperties: false,
    }),
  });
  return { ...schema, keys };
}

/** unknownKey is the issue for `key` not being one of `known` in the mapping at `path`. */
export function unknownKey(key: string, known: readonly string[], path: KeyPath, name = 'this mapping'): Issue {
  const suggestion = closestName(key, known);
  return {
    code: 'ERR_CONFIG_UNKNOWN_KEY',
    path: [...path, key],
    target: 'key',
    problem: `${JSON.stringify(key)} is not a key of ${name}`,
    ...(suggestion ? { suggestion } : { hint: `${name} takes: ${known.join(', ')}` }),
  };
}

/** OneOfByKeyOptions are the options of {@link oneOfByKey}. */
export interface OneOfByKeyOptions<T> extends NodeOptions<T> {
  /** Names the mapping in messages, e.g. `a files item`; defaults to `this mapping`. */
  readonly name?: string;
  /** Said when the mapping has none of the variant keys; default `add one of …`. */
  readonly missingHint?: string;
  /** Said when the mapping has several variant keys; default `split it into one item per …`. */
  readonly conflictHint?: string;
}

/** oneOfByKey is a schema of a mapping whose kind is told by which one of the variant keys it has. */
export function oneOfByKey<const V extends { readonly [key: string]: ObjectSchema<unknown> }>(
  variants: V,
  opts: OneOfByKeyOptions<Infer<V[keyof V]>>,
): Schema<Infer<V[keyof V]>> {
  const kinds = Object.keys(variants);
  const allKeys = [...new Set(kinds.flatMap((k) => variants[k]!.keys))];
  const name = opts.name ?? 'this mapping';
  return node<Infer<V[keyof V]>>({
    ...opts,
    expected: 'a mapping',
    expectedPlural: 'mappings',
    accepts: isPlainObject,
    inner: (v, path, report) => {
      const obj = v as Record<string, unknown>;
      const present = Object.keys(obj).filter((k) => obj[k] !== undefined);
      const found = kinds.filter((k) => present.includes(k));
      if (found.length === 1) return variants[found[0]!]!.validate(obj, path, report) as Infer<V[keyof V]>;
      if (found.length === 0) {
        const stray = present.find((k) => !allKeys.includes(k));
        if (stray !== undefined) throw report(unknownKey(stray, allKeys, path, name));
      }
      throw report({
        code: 'ERR_CONFIG_INVALID_VALUE',
        path,
        target: 'value',
        problem:
          found.length === 0
            ? `${name} needs exactly one of ${kinds.join(', ')}; it has none`
            : `${name} needs exactly one of ${kinds.join(', ')}; ${found.join(' and ')} conflict`,
        hint: found.length === 0 ? (opts.missingHint ?? `add one of ${kinds.join(', ')}`) : (opts.conflictHint ?? `split it into one item per ${found.join('/')}`),
      });
    },
    json: () => ({ type: 'object', oneOf: kinds.map((k) => variants[k]!.toJsonSchema()) }),
  });
}

/** anyOf is a schema matching whichever of `options` accepts the value's JS type first. */
export function anyOf<const S extends readonly Schema<unknown>[]>(options: S, opts: NodeOptions<Infer<S[number]>>): Schema<Infer<S[number]>> {
  return node<Infer<S[number]>>({
    ...opts,
    expected: options.map((o) => o.expected).join(' or '),
    expectedPlural: options.map((o) => o.expectedPlural).join(' or '),
    accepts: (v) => options.some((o) => o.accepts(v)),
    inner: (v, path, report) => options.find((o) => o.accepts(v))!.validate(v, path, report) as Infer<S[number]>,
    json: () => ({ anyOf: options.map((o) => o.toJsonSchema()) }),
  });
}
