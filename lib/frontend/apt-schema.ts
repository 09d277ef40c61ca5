/**
 * The schema of the `apt:` section: the repositories packages come from, each `system`, a
 * one-line source, a deb822 stanza, or a mapping with uri(s), suites, components and keys;
 * and the packages to install from them, with recommends, essential and exclude.
 */
import { architectureField, noRepeats, redactUri, urlField, word } from './apt-fields.js';
import { signedBySchema } from './apt-key-schema.js';
import { packageNameField, packageRequestField } from './apt-package-fields.js';
import { checkSourceText, SOURCE_FORMS_HINT, SOURCE_TEXT_JSON } from './apt-text-source.js';
import { isPlainObject } from './key-path.js';
import { array, boolean, object, oneOfByKey, string, type Infer, type Problem, type Schema } from './schema-dsl.js';
import { node } from './schema-node.js';

const SIGNED_BY_HINT = 'say which key signs this repository: signed-by: /path/to/keyring.gpg, or trusted: true to skip checks';
const COMPONENTS_HINT = 'add components: [main], or end the suite with "/" for a flat repository';

const repositoryUrl = urlField("URL of the repository (http, https or file), the directory holding dists/ or a flat repository's files.", ['http:', 'https:', 'file:']);

const flag = (description: string) =>
  boolean({
    description,
    typeHint: (v) => (typeof v === 'string' && /^(yes|no|on|off|true|false)$/i.test(v) ? 'write true or false, without quotes' : undefined),
  });

const repositoryFields = {
  suites: array(word('A suite such as bookworm, or the path of a flat repository ending in "/".', 'suite'), {
    description: 'Suites to read, such as [bookworm, bookworm-updates]. One ending in "/" is the path of a flat repository, which has no components.',
    minItems: 1,
    check: noRepeats('suite'),
  }),
  components: array(word('A component such as main.', 'component'), {
    description: 'Components to read, such as [main, contrib]. Required unless the suites are flat.',
    check: noRepeats('component'),
  }),
  architectures: array(architectureField, {
    description: 'Debian architectures to read, such as [amd64, arm64], when the repository is to be read for these only.',
    minItems: 1,
    check: noRepeats('architecture'),
  }),
  types: array(string({ description: 'deb (binary packages) or deb-src (source packages).', enum: ['deb', 'deb-src'] }), {
    description: 'Kinds of index to read; default [deb].',
    minItems: 1,
    check: noRepeats('type'),
  }),
  'signed-by': signedBySchema,
  trusted: flag('Skip signature checks (file hashes are still checked); default false. The build warns.'),
  'check-valid-until': flag("Refuse a Release past its Valid-Until date; default true. Set false for snapshot archives."),
  'allow-rollback': flag('Accept a Release older than the one already cached for this repository; default false.'),
};

interface RepositoryShape {
  readonly suites: readonly string[];
  readonly components?: readonly string[];
  readonly 'signed-by'?: unknown;
  readonly trusted?: boolean;
}

/** checkRepository checks what relates several keys: flat suites and components, signed-by or trusted. */
function checkRepository(r: RepositoryShape): Problem | undefined {
  const flat = r.suites.filter((s) => s.endsWith('/'));
  if (flat.length > 0 && flat.length < r.suites.length) {
    return { at: ['suites'], problem: 'flat suites (ending in "/") and normal suites are mixed', hint: 'write the flat repository as an item of its own' };
  }
  const components = r.components ?? [];
  if (flat.length > 0 && components.length > 0) {
    return { at: ['components'], problem: `a flat repository (suite ${JSON.stringify(flat[0])}) has no components`, hint: 'drop components:, or drop the trailing "/" from the suite' };
  }
  if (flat.length === 0 && r.components === undefined) {
    return { code: 'ERR_CONFIG_MISSING_KEY', at: ['components'], problem: 'a repository lacks the required key "components"', hint: COMPONENTS_HINT };
  }
  if (flat.length === 0 && components.length === 0) return { at: ['components'], problem: 'must have at least 1 item', hint: COMPONENTS_HINT };
  if (r['signed-by'] === undefined && r.trusted !== true) {
    return { code: 'ERR_CONFIG_MISSING_KEY', at: ['signed-by'], problem: 'a repository lacks the required key "signed-by"', hint: SIGNED_BY_HINT };
  }
  return undefined;
}

const uriRepository = object(
  { uri: repositoryUrl, ...repositoryFields },
  { description: 'A repository at one URL.', required: ['uri', 'suites'], name: 'a repository', check: checkRepository },
);

const urisRepository = object(
  {
    uris: array(repositoryUrl, { description: 'URLs of mirrors of one repository, tried in order.', minItems: 1, check: noRepeats('URI', redactUri) }),
    ...repositoryFields,
  },
  { description: 'A repository with several mirrors.', required: ['uris', 'suites'], name: 'a repository', check: checkRepository },
);

/** repositorySchema is the schema of a structured `apt.sources` item: exactly one of uri or uris. */
export const repositorySchema = oneOfByKey(
  { uri: uriRepository, uris: urisRepository },
  {
    description: 'A repository: uri (or uris, mirrors tried in order), suites, components and signed-by.',
    name: 'a repository',
    missingHint: 'add uri: with the URL of the repository, such as uri: http://deb.example/debian',
    conflictHint: 'write one URL as uri:, or every mirror under uris:',
  },
);

const sourceText = string({ description: 'An apt source written as text.', check: checkSourceText });

/** aptSourceSchema is the schema of one `apt.sources` item: one of three string forms, or a repository mapping. */
export const aptSourceSchema: Schema<string | Infer<typeof repositorySchema>> = node<string | Infer<typeof repositorySchema>>({
  description: 'One apt source: system, a one-line source, a deb822 stanza, or a repository mapping.',
  expected: 'a string or a mapping',
  expectedPlural: 'strings or mappings',
  accepts: (v) => typeof v === 'string' || isPlainObject(v),
  typeHint: SOURCE_FORMS_HINT,
  inner: (v, path, report) => (typeof v === 'string' ? sourceText.validate(v, path, report) : repositorySchema.validate(v, path, report)),
  json: () => ({ anyOf: [...SOURCE_TEXT_JSON, repositorySchema.toJsonSchema()] }),
});

/** packageList is the schema of a list of packages under `key`; a string given instead is shown split into items. */
function packageList(items: Schema<string>, key: string, description: string): Schema<readonly string[]> {
  return array(items, {
    description,
    typeHint: (v) => (typeof v === 'string' ? `write a list, one package per item: ${key}: [${v.split(/[\s,]+/).filter(Boolean).join(', ')}]` : undefined),
  });
}

/** aptSchema is the schema of the `apt:` section. */
export const aptSchema = object(
  {
    sources: array(aptSourceSchema, {
      description: 'Repositories packages come from, in order, such as [system]. Earlier sources win ties between equal versions.',
      minItems: 1,
      minItemsHint: 'list at least one source, such as - system',
    }),
    packages: packageList(packageRequestField, 'packages', 'Packages to install, as apt-get install takes them: name, or name=version to pin a version. Each package once; default none.'),
    recommends: flag("Install the Recommends of chosen packages too; default false (as apt-get's --no-install-recommends)."),
    essential: flag('Add every package marked Essential: yes (a minimal Debian base); default false.'),
    exclude: packageList(packageNameField, 'exclude', 'Packages never to install, by name; what depends on them takes another alternative or fails. Each once, and not also in packages; default none.'),
    database: string({
      description: 'Form of the dpkg database in the image: dpkg (/var/lib/dpkg/status and info/, as dpkg leaves it) or distroless (/var/lib/dpkg/status.d/); default dpkg.',
      enum: ['dpkg', 'distroless'],
    }),
    'merged-usr': flag('Make /bin, /sbin and /lib* links into /usr and put package files at their /usr paths; default: as the suites do (Debian 12 and later, Ubuntu 22.04 and later).'),
  },
  { description: 'apt repositories, the keys that sign them, and the packages to install from them.', required: ['sources'], name: 'apt' },
);
