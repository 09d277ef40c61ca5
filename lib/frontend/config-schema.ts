/**
 * The slipway image config schema: the one definition both the validator and the JSON
 * Schema in docs/config-schema.json come from.
 */
import { closestName } from '../core/index.js';
import { compilePathGlob, formatPlatform, KNOWN_PLATFORMS, parsePlatform, PathGlobProblem } from '../plan/index.js';
import { groupsSchema, usersSchema } from './accounts-schema.js';
import { aptSchema } from './apt-schema.js';
import { fileItemSchema } from './files-schema.js';
import type { ImageSpec } from './image-spec.js';
import { anyOf, array, integer, map, object, string, type JsonSchema, type Problem, type Schema } from './schema-dsl.js';
import { imagePath, OWNER_PATTERN, stringMap } from './schema-fields.js';

const platformSchema = string({
  description: `A platform as os/arch[/variant]: ${KNOWN_PLATFORMS.join(', ')}.`,
  check: (s): Problem | undefined => {
    if (parsePlatform(s)) return undefined;
    const suggestion = closestName(s, KNOWN_PLATFORMS);
    return { problem: `${JSON.stringify(s)} is not a platform slipway builds for`, ...(suggestion ? { suggestion } : { hint: `use one of ${KNOWN_PLATFORMS.join(', ')}` }) };
  },
});

const platformsSchema = array(platformSchema, {
  description: 'Platforms to build, in order; default [linux/amd64].',
  minItems: 1,
  check: (list): Problem | undefined => {
    const seen = new Map<string, number>();
    for (const [i, s] of list.entries()) {
      const canonical = formatPlatform(parsePlatform(s)!);
      const first = seen.get(canonical);
      if (first !== undefined) return { at: [i], problem: `${JSON.stringify(s)} repeats ${canonical} (first at platforms[${first}])`, hint: 'list each platform once' };
      seen.set(canonical, i);
    }
    return undefined;
  },
});

const commandSchema = (description: string, key: string): Schema<readonly string[]> =>
  array(string({ description: 'One argument.' }), {
    description,
    typeHint: (v) => (typeof v === 'string' ? `write a list, one string per argument: ${key}: ${JSON.stringify(v.split(/\s+/).filter(Boolean))}` : undefined),
  });

const portSchema = anyOf(
  [
    string({
      description: 'A port as "port" or "port/proto", proto being tcp, udp or sctp.',
      pattern: /^[0-9]{1,5}(\/(tcp|udp|sctp))?$/,
      patternProblem: 'is not a port',
      patternHint: 'write "8080", "8080/tcp", "53/udp" or "132/sctp"',
      check: (s) => {
        const n = Number(s.split('/')[0]);
        return n >= 1 && n <= 65535 ? undefined : { problem: `port ${n} is out of range: must be between 1 and 65535` };
      },
    }),
    integer({ description: 'A TCP port number.', min: 1, max: 65535 }),
  ],
  { description: 'A port to expose: 8080, "8080/tcp", "53/udp" or "132/sctp"; a bare number means tcp.' },
);

const runtimeSchema = object(
  {
    user: string({
      description: 'User the process runs as: a declared user name (optionally name:group), uid or uid:gid.',
      pattern: OWNER_PATTERN,
      patternProblem: 'is not a user',
      patternHint: 'write a declared user name, "name:group", "uid" or "uid:gid"',
    }),
    entrypoint: commandSchema('Executable and leading arguments of the process, as a list of strings.', 'entrypoint'),
    cmd: commandSchema('Arguments appended to the entrypoint (or the command when there is none), as a list of strings.', 'cmd'),
    env: map(string({ description: 'The value of the variable.' }), {
      description: 'Environment variables, in order.',
      keyPattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
      keyProblem: 'is not a valid environment variable name (letters, digits and "_", not starting with a digit)',
    }),
    workdir: imagePath('Working directory of the process.'),
    ports: array(portSchema, { description: 'Ports to expose.' }),
    volumes: array(imagePath('An absolute path in the image.'), { description: 'Directories that are mount points for volumes.' }),
    labels: stringMap('Labels of the image config.'),
    'stop-signal': string({
      description: 'Signal that stops the container: a name such as SIGTERM or a number from 1 to 64.',
      pattern: /^(SIG[A-Z0-9+-]+|[0-9]+)$/,
      patternProblem: 'is not a signal',
      patternHint: 'write a signal name such as SIGTERM, or its number as a string',
      check: (s) => {
        if (s.startsWith('SIG')) return undefined;
        const n = Number(s);
        return n >= 1 && n <= 64 ? undefined : { problem: `signal ${s} is out of range: must be between 1 and 64` };
      },
    }),
  },
  { description: 'How the container runs: the OCI image config.', name: 'config' },
);

const STRATEGIES = ['single', 'per-package', 'grouped'] as const;
const strategySchema = string({
  description: 'single: every package in one layer; per-package: a layer each; grouped: the most depended-on packages a layer each, the rest together (default).',
  enum: STRATEGIES,
});

const layersSchema = anyOf(
  [
    strategySchema,
    object(
      {
        strategy: strategySchema,
        max: integer({ description: 'grouped: the most layers the packages take; default 32.', min: 2, max: 125 }),
      },
      { description: 'A layering strategy with its settings.', required: ['strategy'], name: 'layers' },
    ),
  ],
  { description: 'How apt packages are spread over layers; default grouped (max 32). Files of the config always go in layers of their own above.' },
);

const pathPattern = string({
  description: 'A glob over absolute image paths: * within a name, ** any depth, ?, [abc], {a,b}.',
  minLength: 1,
  check: (p): Problem | undefined => {
    try {
      compilePathGlob(p);
      return undefined;
    } catch (err) {
      if (err instanceof PathGlobProblem) return { problem: `${JSON.stringify(p)}: ${err.message}`, hint: 'write an absolute glob such as /usr/share/doc/**' };
      throw err;
    }
  },
});

const pathsSchema = object(
  {
    exclude: array(pathPattern, { description: 'Package files left out of the image, such as [/usr/share/doc/**, /usr/share/man/**]; they are left out of the dpkg file lists too.' }),
    keep: array(pathPattern, { description: 'Package files kept even when excluded; default [/usr/share/doc/*/copyright], which compliance needs.' }),
  },
  { description: 'Which files of apt packages go into the image.', name: 'paths' },
);

/** configSchema is the schema of a slipway image config file (and of {@link ImageSpec}). */
export const configSchema: Schema<ImageSpec> = object(
  {
    platforms: platformsSchema,
    base: string({
      description: 'What the image starts from; only scratch (an empty filesystem) for now.',
      enum: ['scratch'],
      enumHint: 'only scratch is supported for now; add files, or a tarball of a root filesystem, to it',
    }),
    compression: string({ description: 'How layers are compressed; default gzip.', enum: ['gzip', 'zstd', 'none'] }),
    'compression-level': integer({ description: 'Compression level: gzip 1 to 9 (default 1, fastest), zstd 1 to 19 (default 3).', min: 1, max: 19 }),
    apt: aptSchema,
    layers: layersSchema,
    paths: pathsSchema,
    files: array(fileItemSchema, { description: 'Inputs of the image filesystem, in order.' }),
    users: usersSchema,
    groups: groupsSchema,
    annotations: stringMap('Annotations of the image manifest(s) and index.'),
    config: runtimeSchema,
  },
  {
    description: 'A slipway image config.',
    name: 'the image config',
    typeHint: 'a config file is a mapping of keys such as platforms, files, users and config',
  },
);

/** configJsonSchema is {@link configSchema} as a JSON Schema (draft-07) document for editors. */
export const configJsonSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'slipway image config',
  ...configSchema.toJsonSchema(),
};
