/**
 * Field schemas the config schema uses in several places: image paths, modes, owners,
 * account names, source references, string maps.
 */
import { checkImagePath, type ImagePathProblem } from '../plan/index.js';
import { map, object, string, type Problem, type Schema } from './schema-dsl.js';

const PATH_HINT = 'paths in the image are absolute: start it with "/"';

const PATH_PROBLEMS: Record<ImagePathProblem, (p: string) => Problem> = {
  empty: () => ({ problem: 'must not be empty', hint: 'write an absolute path in the image, e.g. /srv/app' }),
  nul: (p) => ({ problem: `${JSON.stringify(p)} contains a NUL byte` }),
  'not-absolute': (p) => ({ problem: `${JSON.stringify(p)} is not an absolute path`, hint: `paths in the image start with /, e.g. ${JSON.stringify(`/${p}`)}` }),
  'dot-dot': (p) => ({ problem: `${JSON.stringify(p)} has a ".." component`, hint: 'write the path without "..": paths in the image may not climb out of the root' }),
};

/** checkPath is the {@link Problem} with an image path `p` (see checkImagePath), if any. */
export function checkPath(p: string): Problem | undefined {
  const problem = checkImagePath(p);
  return problem ? PATH_PROBLEMS[problem](p) : undefined;
}

/** imagePath is a schema of an absolute path inside the image without `..` components. */
export function imagePath(description: string): Schema<string> {
  return string({ description, pattern: /^\//, patternProblem: 'is not an absolute path', patternHint: PATH_HINT, check: checkPath });
}

/** filePath is {@link imagePath} for a path that names a file, so it may not end with `/`. */
export function filePath(description: string, what: string): Schema<string> {
  return string({
    description,
    pattern: /^\//,
    patternProblem: 'is not an absolute path',
    patternHint: PATH_HINT,
    check: (p) =>
      checkPath(p) ??
      (p.endsWith('/') ? { problem: `${JSON.stringify(p)} ends with "/" but names ${what}`, hint: 'write the full path of the file, without a trailing "/"' } : undefined),
  });
}

/** modeField is a schema of permission bits written as 3 or 4 octal digits in a string. */
export function modeField(description: string): Schema<string> {
  return string({
    description,
    pattern: /^[0-7]{3,4}$/,
    patternProblem: 'is not a file mode of 3 or 4 octal digits',
    patternHint: 'write the mode as in chmod, e.g. "0644", "755" or "4755"',
    typeHint: (value) =>
      typeof value === 'number' ? 'quote the mode, e.g. mode: "0644": YAML reads an unquoted 0644 as a number, not as octal' : undefined,
  });
}

/** OWNER_PATTERN matches `uid`, `uid:gid`, `name` and `name:group`. */
export const OWNER_PATTERN = /^[^:\s]+(:[^:\s]+)?$/;

/** ownerField is a schema of an owner: `uid:gid`, `uid`, `user` or `user:group`. */
export function ownerField(description: string): Schema<string> {
  return string({
    description,
    pattern: OWNER_PATTERN,
    patternProblem: 'is not an owner',
    patternHint: 'write uid:gid, uid, user or user:group, e.g. "10001:10001" or "app"',
  });
}

/** ACCOUNT_NAME is the pattern of user and group names (as useradd accepts by default). */
export const ACCOUNT_NAME = /^[a-z_][a-z0-9_-]*\$?$/;

/** accountName is a schema of a user or group name. */
export function accountName(description: string): Schema<string> {
  return string({
    description,
    pattern: ACCOUNT_NAME,
    maxLength: 32,
    patternProblem: 'is not a valid account name',
    patternHint: 'use lower-case letters, digits, "_" and "-", starting with a letter or "_"',
  });
}

/** MAX_ID is the largest uid or gid slipway accepts (2^31-1, as most tools treat ids as signed). */
export const MAX_ID = 2 ** 31 - 1;

/** sourceField is a schema of where an input's source code lives, for the bill of materials. */
export const sourceField = object(
  {
    git: string({ description: 'URL of the git repository holding the source.', minLength: 1 }),
    ref: string({ description: 'Tag, branch or commit within the git repository.', minLength: 1 }),
    url: string({ description: 'URL of a source archive or web page.', minLength: 1 }),
  },
  {
    description: 'Where the source code of this input lives, recorded in the bill of materials. Needs git or url.',
    name: 'source',
    check: (s) =>
      s.git === undefined && s.url === undefined
        ? { code: 'ERR_CONFIG_MISSING_KEY', at: ['git'], problem: 'source needs git or url', hint: 'add git: <repository URL> (with ref:) or url: <source URL>' }
        : undefined,
  },
);

/** stringMap is a schema of a mapping of names to strings (labels, annotations). */
export function stringMap(description: string): Schema<Readonly<Record<string, string>>> {
  return map(string({ description: 'The value, a string.', }), { description });
}
