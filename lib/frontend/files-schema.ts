/**
 * The schema of one `files:` item. Its kind is told by which one of `src`, `content`,
 * `tarball`, `symlink` or `dir` it has; each kind takes its own set of keys.
 */
import { MAX_INLINE_FILE_BYTES } from '../core/index.js';
import { anyOf, array, integer, object, oneOfByKey, string, type Problem } from './schema-dsl.js';
import { filePath, imagePath, modeField, ownerField, sourceField } from './schema-fields.js';

/** isHttpUrl tells whether a `tarball:` value is a download URL rather than a host path. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

function checkGlobPattern(pattern: string): Problem | undefined {
  const p = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')) {
    return {
      problem: `${JSON.stringify(pattern)} is an absolute host path`,
      hint: "write patterns relative to the config file's directory, so the build depends only on files beside the config",
    };
  }
  return undefined;
}

const globPattern = string({
  description: 'A fast-glob pattern relative to the config file\'s directory; a leading "!" excludes.',
  minLength: 1,
  check: checkGlobPattern,
});

const dest = 'Absolute path in the image.';
const owner = ownerField('Owner as "uid:gid", "uid", "user" or "user:group"; user and group names must be declared under users/groups.');

const srcItem = object(
  {
    src: anyOf([globPattern, array(globPattern, { description: 'fast-glob patterns.', minItems: 1 })], {
      description: "fast-glob pattern(s) of host files to copy, relative to the config file's directory.",
    }),
    dest: imagePath(
      'Absolute path in the image where matches go. Ending in "/": a directory, each match keeping its path below the pattern\'s static prefix; otherwise the one file the pattern must match.',
    ),
    mode: modeField('Permission bits of every copied file, as octal digits in a string; by default 0755 for host files with an execute bit, else 0644.'),
    owner: ownerField('Owner of copied files and created directories; root when absent.'),
    source: sourceField,
  },
  { description: 'Copies host files matched by fast-glob patterns.', required: ['src', 'dest'], name: 'a src item' },
);

const contentItem = object(
  {
    content: string({
      description: 'The text of the file, written as UTF-8.',
      check: (s) =>
        Buffer.byteLength(s, 'utf8') > MAX_INLINE_FILE_BYTES
          ? { problem: `inline content is larger than ${MAX_INLINE_FILE_BYTES} bytes`, hint: 'put the file beside the config and copy it with src:' }
          : undefined,
    }),
    dest: filePath(dest, 'a file'),
    mode: modeField('Permission bits as octal digits in a string; default "0644".'),
    owner: ownerField('Owner of the file; default root (0:0).'),
    source: sourceField,
  },
  { description: 'A file whose content is written in the config.', required: ['content', 'dest'], name: 'a content item' },
);

const tarballItem = object(
  {
    tarball: string({
      description: "A tar archive (plain, gzip or zstd): a host path relative to the config file's directory, or an http(s) URL.",
      minLength: 1,
      check: (s) => {
        if (isHttpUrl(s)) return URL.canParse(s) ? undefined : { problem: `${JSON.stringify(s)} is not a valid URL` };
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return { problem: `${JSON.stringify(s)} is a URL slipway cannot fetch`, hint: 'use an http:// or https:// URL, or a local path' };
        return undefined;
      },
    }),
    sha256: string({
      description: 'sha256 of the tarball file as stored (64 lower-case hex digits, optionally prefixed "sha256:"); required for URLs.',
      pattern: /^(sha256:)?[a-f0-9]{64}$/,
      patternProblem: 'is not a sha256 digest',
      patternHint: 'write 64 lower-case hex digits, as printed by sha256sum',
    }),
    dest: imagePath('Directory in the image the archive is unpacked into.'),
    strip: integer({ description: 'Leading path components to drop from each entry, like tar --strip-components; default 0.', min: 0, max: 255 }),
    owner: ownerField("Owner to give every entry; by default each entry keeps the archive's numeric ids."),
    source: sourceField,
  },
  {
    description: 'Unpacks a tar archive below dest.',
    required: ['tarball', 'dest'],
    name: 'a tarball item',
    check: (t) =>
      isHttpUrl(t.tarball) && t.sha256 === undefined
        ? {
            code: 'ERR_CONFIG_MISSING_KEY',
            at: ['sha256'],
            problem: 'a tarball downloaded from a URL needs sha256',
            hint: 'add sha256: with the output of `sha256sum` on the file, so the build is reproducible',
          }
        : undefined,
  },
);

const symlinkItem = object(
  {
    symlink: string({
      description: 'The target of the link, kept exactly as written (absolute or relative).',
      minLength: 1,
      check: (s) => (s.includes('\0') ? { problem: 'the link target contains a NUL byte' } : undefined),
    }),
    dest: filePath('Absolute path of the link in the image.', 'a link'),
    owner: ownerField('Owner of the link; default root (0:0).'),
    source: sourceField,
  },
  { description: 'Creates a symbolic link at dest pointing to symlink.', required: ['symlink', 'dest'], name: 'a symlink item' },
);

const dirItem = object(
  {
    dir: imagePath('Absolute path of the directory in the image.'),
    mode: modeField('Permission bits as octal digits in a string; default "0755".'),
    owner: owner,
    source: sourceField,
  },
  { description: 'Creates an empty directory.', required: ['dir'], name: 'a dir item' },
);

/** fileItemSchema is the schema of one `files:` item. */
export const fileItemSchema = oneOfByKey(
  { src: srcItem, content: contentItem, tarball: tarballItem, symlink: symlinkItem, dir: dirItem },
  {
    description: 'One input of the image filesystem: exactly one of src, content, tarball, symlink or dir.',
    name: 'a files item',
  },
);
