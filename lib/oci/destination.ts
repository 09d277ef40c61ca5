/**
 * Destinations named as containers/image transports name them (containers-transports(5)):
 * `oci:DIR[:REF]`, `oci-archive:FILE[:REF]` and `docker-archive:FILE[:REF]`.
 *
 * The rule, the same as skopeo's on Unix: the text after `TRANSPORT:` is split at its FIRST
 * ':'; what precedes it is the path, what follows is the reference, which may itself hold
 * ':' (`docker-archive:out.tar:registry:5000/app:1.0`). So a path cannot contain ':'; write
 * such a path through a directory or symlink without one.
 */
import { SlipwayError } from '../core/index.js';
import { formatDockerReference, parseDockerReference } from './docker-reference.js';

/** Transport is how an image is stored: an OCI layout directory, its tar, or a `docker save` tar. */
export type Transport = 'oci' | 'oci-archive' | 'docker-archive';

/** Destination is a parsed `TRANSPORT:PATH[:REF]`. */
export interface Destination {
  readonly transport: Transport;
  /** Directory (oci) or file (oci-archive, docker-archive), as written; may be relative. */
  readonly path: string;
  /**
   * Reference inside the destination: an OCI `org.opencontainers.image.ref.name` for oci and
   * oci-archive (writers default it to {@link DEFAULT_REF}); for docker-archive the RepoTag in
   * familiar form with its tag (`app:latest`), absent for an untagged archive as skopeo writes.
   */
  readonly ref?: string;
}

/** DEFAULT_REF is the reference writers use for oci and oci-archive when a destination names none. */
export const DEFAULT_REF = 'latest';

/** TRANSPORTS lists the transports in the order help texts show them. */
export const TRANSPORTS: readonly Transport[] = ['oci', 'oci-archive', 'docker-archive'];

// OCI image-spec annotations.md, `org.opencontainers.image.ref.name`:
// ref ::= component ("/" component)*; component ::= alphanum (separator alphanum)*;
// alphanum ::= [A-Za-z0-9]+; separator ::= [-._:@+] | "--".
const OCI_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const OCI_REF_RE = new RegExp(`^${OCI_COMPONENT}(?:/${OCI_COMPONENT})*$`);

const FORMS_HINT = 'write oci:DIR[:REF], oci-archive:FILE[:REF] or docker-archive:FILE[:NAME[:TAG]]; the path cannot contain ":"';

/** isOciRefName tells whether `ref` is a valid `org.opencontainers.image.ref.name` (annotations.md). */
export function isOciRefName(ref: string): boolean {
  return OCI_REF_RE.test(ref);
}

/** verifyOciRefName throws ERR_OUTPUT_DESTINATION about `subject` unless `ref` is a valid OCI ref name. */
export function verifyOciRefName(ref: string, subject: string): void {
  if (!isOciRefName(ref)) {
    throw new SlipwayError('ERR_OUTPUT_DESTINATION', `${subject}: ${JSON.stringify(ref)} is not a valid OCI ref name`, {
      hint: 'use letters and digits joined by . _ - : @ + (and / between parts), e.g. latest or v1.0',
    });
  }
}

/**
 * parseDestination parses `TRANSPORT:PATH[:REF]`. An oci or oci-archive REF must follow the
 * image-spec ref grammar; a docker-archive REF is a docker reference whose missing tag becomes
 * `latest` and which is kept in familiar form. `PATH:` with an empty REF is refused rather
 * than read as "no ref". Throws ERR_OUTPUT_DESTINATION naming the text, with the forms as hint.
 */
export function parseDestination(text: string): Destination {
  const bad = (why: string, cause?: unknown): SlipwayError =>
    new SlipwayError('ERR_OUTPUT_DESTINATION', `destination ${JSON.stringify(text)}: ${why}`, {
      hint: FORMS_HINT,
      ...(cause === undefined ? {} : { cause }),
    });
  const colon = text.indexOf(':');
  const transport = colon < 0 ? text : text.slice(0, colon);
  if (colon < 0 || !(TRANSPORTS as readonly string[]).includes(transport)) {
    throw bad(colon < 0 ? 'no transport' : `unknown transport ${JSON.stringify(transport)}`);
  }
  const rest = text.slice(colon + 1);
  const split = rest.indexOf(':');
  const path = split < 0 ? rest : rest.slice(0, split);
  const ref = split < 0 ? undefined : rest.slice(split + 1);
  if (path === '') throw bad('empty path');
  if (ref === undefined) return { transport: transport as Transport, path };
  if (ref === '') throw bad('empty reference after ":"');
  if (transport === 'docker-archive') {
    try {
      return { transport, path, ref: formatDockerReference(parseDockerReference(ref)) };
    } catch (err) {
      throw bad(`reference ${JSON.stringify(ref)} is not a docker reference`, err);
    }
  }
  if (!isOciRefName(ref)) throw bad(`reference ${JSON.stringify(ref)} is not a valid OCI ref name (letters, digits, and . _ - : @ + between them, / between parts)`);
  return { transport: transport as Transport, path, ref };
}

/**
 * formatDestination renders `d` as `TRANSPORT:PATH[:REF]`. It round-trips through
 * {@link parseDestination} whenever the path has no ':'.
 */
export function formatDestination(d: Destination): string {
  return `${d.transport}:${d.path}${d.ref === undefined ? '' : `:${d.ref}`}`;
}
