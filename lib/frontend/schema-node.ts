/**
 * The core of the schema DSL: the Schema interface, issues and how they are reported, and
 * `node`, which every combinator in schema-dsl.ts is built with.
 */
import { ConfigError, type JsonValue } from '../core/index.js';
import { describeValue, formatKeyPath, type KeyPath } from './key-path.js';

/** JsonSchema is one JSON Schema (draft-07) object as emitted by {@link Schema.toJsonSchema}. */
export type JsonSchema = { readonly [key: string]: JsonValue | undefined };

/** ConfigIssueCode is the error code of a problem found while validating a config value. */
export type ConfigIssueCode = 'ERR_CONFIG_UNKNOWN_KEY' | 'ERR_CONFIG_MISSING_KEY' | 'ERR_CONFIG_INVALID_TYPE' | 'ERR_CONFIG_INVALID_VALUE';

/** Issue is one validation failure, before it is located in a file. */
export interface Issue {
  readonly code: ConfigIssueCode;
  /** Key path of the offending key or value, from the root of the validated value. */
  readonly path: KeyPath;
  /** `key` when the key itself is wrong (an unknown key), `value` when its value is. */
  readonly target: 'key' | 'value';
  /** What is wrong, subject first. */
  readonly problem: string;
  readonly hint?: string;
  readonly suggestion?: string;
}

/** Reporter turns an {@link Issue} into the error to throw (a ConfigError with a location). */
export type Reporter = (issue: Issue) => Error;

/** Problem is what a value check returns when a well-typed value is not allowed. */
export interface Problem {
  /** Defaults to ERR_CONFIG_INVALID_VALUE. */
  readonly code?: ConfigIssueCode;
  /** Where, relative to the checked value (e.g. `[2, 'name']` within a list). */
  readonly at?: KeyPath;
  readonly target?: 'key' | 'value';
  readonly problem: string;
  readonly hint?: string;
  readonly suggestion?: string;
}

/** Check inspects a well-typed value and returns a {@link Problem} when it is not allowed. */
export type Check<T> = (value: T) => Problem | undefined;

/** Schema is a validator and a JSON Schema derived from one definition. */
export interface Schema<T> {
  /** What the value means, shown in editors. */
  readonly description: string;
  /** The expected type as a noun phrase, e.g. `a list of strings`. */
  readonly expected: string;
  /** The plural of {@link Schema.expected} without article, e.g. `lists of strings`. */
  readonly expectedPlural: string;
  /** accepts tells whether `value` has the JS type this schema validates (used by {@link anyOf}). */
  accepts(value: unknown): boolean;
  /** validate returns `value` typed as T or throws `report(issue)` at the first problem. */
  validate(value: unknown, path?: KeyPath, report?: Reporter): T;
  /** toJsonSchema renders the schema as JSON Schema draft-07. */
  toJsonSchema(): JsonSchema;
}

/** ObjectSchema is a {@link Schema} of a mapping with a fixed set of keys. */
export interface ObjectSchema<T> extends Schema<T> {
  /** The keys this mapping may have, in declaration order. */
  readonly keys: readonly string[];
}

/** Infer is the value type a schema validates. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** NodeOptions are the options every schema node takes. */
export interface NodeOptions<T> {
  readonly description: string;
  /** Said when the value has the wrong type, e.g. "quote it". */
  readonly typeHint?: string | ((value: unknown) => string | undefined);
  /** Semantic check run after the type and shape are known to be right. */
  readonly check?: Check<T>;
}

/** defaultReporter builds a ConfigError that carries only the key path. */
export const defaultReporter: Reporter = (issue) =>
  new ConfigError(issue.code, issue.path.length ? { keyPath: formatKeyPath(issue.path) } : {}, issue.problem, {
    ...(issue.hint ? { hint: issue.hint } : {}),
    ...(issue.suggestion ? { suggestion: issue.suggestion } : {}),
  });

/** NodeSpec is what {@link node} needs to build a schema: the type test, the inner validation, the JSON Schema body. */
export interface NodeSpec<T> extends NodeOptions<T> {
  readonly expected: string;
  readonly expectedPlural: string;
  readonly accepts: (value: unknown) => boolean;
  readonly inner: (value: unknown, path: KeyPath, report: Reporter) => T;
  readonly json: () => Record<string, JsonValue | undefined>;
}

/**
 * node builds a {@link Schema} from a {@link NodeSpec}: it checks the JS type (reporting
 * ERR_CONFIG_INVALID_TYPE with the type hint), runs the inner validation, then the check.
 */
export function node<T>(spec: NodeSpec<T>): Schema<T> {
  return {
    description: spec.description,
    expected: spec.expected,
    expectedPlural: spec.expectedPlural,
    accepts: spec.accepts,
    validate(value, path = [], report = defaultReporter) {
      if (!spec.accepts(value)) {
        const hint = typeof spec.typeHint === 'function' ? spec.typeHint(value) : spec.typeHint;
        throw report({
          code: 'ERR_CONFIG_INVALID_TYPE',
          path,
          target: 'value',
          problem: `expected ${spec.expected}, got ${describeValue(value)}`,
          ...(hint ? { hint } : {}),
        });
      }
      const out = spec.inner(value, path, report);
      const problem = spec.check?.(out);
      if (problem) throw report(issueFrom(problem, path));
      return out;
    },
    toJsonSchema: () => ({ description: spec.description, ...spec.json() }),
  };
}

function issueFrom(p: Problem, path: KeyPath): Issue {
  return {
    code: p.code ?? 'ERR_CONFIG_INVALID_VALUE',
    path: [...path, ...(p.at ?? [])],
    target: p.target ?? 'value',
    problem: p.problem,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.suggestion ? { suggestion: p.suggestion } : {}),
  };
}
