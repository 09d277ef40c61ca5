/**
 * Docker image references (`name:tag`, `registry:5000/team/name:tag`) as docker-archive's
 * RepoTags hold them. The grammar is distribution/reference's (reference.go): a name of
 * lower-case path components, optionally preceded by a domain, then an optional tag.
 */
import { SlipwayError } from '../core/index.js';

/** DockerReference is a parsed, tagged docker reference. */
export interface DockerReference {
  /** Domain (`registry:5000`), or undefined for Docker Hub's implied `docker.io`. */
  readonly domain?: string;
  /** Repository path without the domain (`team/name`). */
  readonly path: string;
  /** Tag; `latest` when the text had none (as `docker tag` assumes). */
  readonly tag: string;
}

/** DEFAULT_DOCKER_TAG is the tag a docker reference without one gets. */
export const DEFAULT_DOCKER_TAG = 'latest';

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
/** Longest repository name distribution/reference accepts. */
const MAX_NAME_LENGTH = 255;

/**
 * parseDockerReference parses `text` as a tagged docker reference; a missing tag becomes
 * `latest`. Digest references (`name@sha256:...`) are refused: an archive entry is named by tags.
 * Throws ERR_OUTPUT_DESTINATION naming the text.
 */
export function parseDockerReference(text: string): DockerReference {
  const bad = (why: string): SlipwayError =>
    new SlipwayError('ERR_OUTPUT_DESTINATION', `docker reference ${JSON.stringify(text)}: ${why}`, {
      hint: 'write NAME[:TAG], e.g. app:1.0 or registry.example:5000/team/app:1.0',
    });
  if (text.includes('@')) throw bad('digest references cannot name an archive entry');
  const lastSlash = text.lastIndexOf('/');
  const colon = text.indexOf(':', lastSlash + 1);
  const name = colon < 0 ? text : text.slice(0, colon);
  const tag = colon < 0 ? DEFAULT_DOCKER_TAG : text.slice(colon + 1);
  if (!TAG_RE.test(tag)) throw bad(`tag ${JSON.stringify(tag)} is not valid`);
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) throw bad(`name must be 1 to ${MAX_NAME_LENGTH} characters`);
  const parts = name.split('/');
  // As distribution/reference's splitDockerDomain: the first part is a domain when it has a
  // '.' or ':', is `localhost`, or has upper-case letters.
  const first = parts[0]!;
  const hasDomain = parts.length > 1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  if (hasDomain && !DOMAIN_RE.test(first)) throw bad(`domain ${JSON.stringify(first)} is not valid`);
  const pathParts = hasDomain ? parts.slice(1) : parts;
  for (const p of pathParts) {
    if (!PATH_COMPONENT_RE.test(p)) throw bad(`name component ${JSON.stringify(p)} must be lower-case letters and digits joined by '.', '_', '__' or '-'`);
  }
  return { ...(hasDomain ? { domain: first } : {}), path: pathParts.join('/'), tag };
}

/**
 * familiarName is the repository as `docker images` shows it: `docker.io/` and, for one-part
 * names, `library/` left out (distribution/reference's FamiliarName).
 */
export function familiarName(ref: DockerReference): string {
  if (ref.domain === undefined || ref.domain === 'docker.io' || ref.domain === 'index.docker.io') {
    const m = /^library\/([^/]+)$/.exec(ref.path);
    return m ? m[1]! : ref.path;
  }
  return `${ref.domain}/${ref.path}`;
}

/** formatDockerReference renders `ref` in familiar form with its tag (`app:1.0`), as RepoTags list it. */
export function formatDockerReference(ref: DockerReference): string {
  return `${familiarName(ref)}:${ref.tag}`;
}
