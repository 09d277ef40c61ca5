/**
 * Release files: the per-suite table of contents of an apt repository (Debian wiki
 * "DebianRepository/Format", section "Release files"). Parses the content only; the signature
 * around an InRelease file is split off by {@link stripClearsign} and checked elsewhere.
 */
import { AptFormatError } from './apt-format-error.js';
import { parseStanzas } from './deb822.js';
import { foldField, type Stanza } from './stanza.js';
import { parseReleaseDate } from './release-date.js';

/** ReleaseFile is one index a Release file lists under SHA256. */
export interface ReleaseFile {
  /** path relative to the Release file's directory, e.g. `main/binary-amd64/Packages.xz`. */
  readonly path: string;
  /** size in bytes. */
  readonly size: number;
  /** sha256 as 64 lowercase hex digits. */
  readonly sha256: string;
}

/** Release is the parsed content of a Release or InRelease file; fields it lacks are undefined. */
export interface Release {
  readonly origin?: string;
  readonly label?: string;
  readonly suite?: string;
  readonly codename?: string;
  readonly version?: string;
  /** date the Release was made, in seconds since the Unix epoch. */
  readonly date?: number;
  /** validUntil is the end of the Release's validity, in seconds since the Unix epoch. */
  readonly validUntil?: number;
  /** architectures served, as listed (may include `all`). */
  readonly architectures: readonly string[];
  /** components as listed; security suites may use `updates/main`. */
  readonly components: readonly string[];
  /** acquireByHash says indices may be fetched from `by-hash/SHA256/<hash>` paths. */
  readonly acquireByHash: boolean;
  /**
   * noSupportForArchitectureAll is `No-Support-for-Architecture-all: Packages`: the
   * repository does not rely on clients reading `binary-all` indices, because every
   * architecture's index also lists the `Architecture: all` packages (Debian's archive does
   * this); apt then skips binary-all, and so does slipway.
   */
  readonly noSupportForArchitectureAll: boolean;
  /** files listed under SHA256, by path, in file order (MD5Sum and SHA1 lists are ignored). */
  readonly files: ReadonlyMap<string, ReleaseFile>;
  /** stanza is the whole parsed stanza, for fields not modelled here. */
  readonly stanza: Stanza;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const SIZE = /^[0-9]{1,15}$/;

/**
 * parseRelease parses Release content (for InRelease, the signed text from
 * {@link stripClearsign}); `subject` names it in errors (a URL or path). Throws an
 * AptFormatError (ERR_APT_MALFORMED) for text that is not one deb822 stanza, still
 * cleartext-signed, without a SHA256 list, with a malformed SHA256 line or duplicate path,
 * with a date that is not RFC 2822, or a yes/no field with another value.
 */
export function parseRelease(text: string, subject: string): Release {
  if (text.trimStart().startsWith('-----BEGIN PGP SIGNED MESSAGE-----')) {
    throw new AptFormatError('ERR_APT_MALFORMED', subject, 1, 'is still cleartext-signed', { hint: 'pass the signed text from stripClearsign()' });
  }
  const stanzas = parseStanzas(text, { name: subject });
  const stanza = stanzas[0];
  if (stanza === undefined) throw new AptFormatError('ERR_APT_MALFORMED', subject, undefined, 'is empty');
  if (stanzas.length > 1) throw new AptFormatError('ERR_APT_MALFORMED', subject, stanzas[1]!.line, 'has more than one stanza');
  const fail = (name: string, problem: string): never => {
    throw new AptFormatError('ERR_APT_MALFORMED', subject, stanza.field(name)?.line ?? stanza.line, problem);
  };
  const words = (name: string): string[] => {
    const v = stanza.get(name);
    return v === undefined ? [] : foldField(v).split(/\s+/).filter(Boolean);
  };
  const date = (name: string): number | undefined => {
    const v = stanza.get(name);
    if (v === undefined) return undefined;
    const t = parseReleaseDate(v);
    return t ?? fail(name, `${name} "${v}" is not an RFC 2822 date`);
  };
  const yesNo = (name: string): boolean => {
    const v = stanza.get(name);
    if (v === undefined) return false;
    if (v === 'yes') return true;
    if (v === 'no') return false;
    return fail(name, `${name} must be "yes" or "no", not "${v}"`);
  };

  const sums = stanza.field('SHA256');
  if (sums === undefined) throw new AptFormatError('ERR_APT_MALFORMED', subject, stanza.line, 'has no SHA256 list of files', { hint: 'MD5Sum and SHA1 are not accepted: the repository must list SHA256 sums' });
  const files = new Map<string, ReleaseFile>();
  const lines = sums.value.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const at = sums.line + i;
    const [sha256, size, path, extra] = line.split(/\s+/);
    if (!sha256 || !SHA256_HEX.test(sha256) || !size || !SIZE.test(size) || !path || extra !== undefined) {
      throw new AptFormatError('ERR_APT_MALFORMED', subject, at, `SHA256 line "${line}" is not "<sha256> <size> <path>"`);
    }
    if (files.has(path)) throw new AptFormatError('ERR_APT_MALFORMED', subject, at, `SHA256 lists ${path} twice`);
    files.set(path, { path, size: Number(size), sha256: sha256.toLowerCase() });
  }

  return {
    origin: stanza.get('Origin'),
    label: stanza.get('Label'),
    suite: stanza.get('Suite'),
    codename: stanza.get('Codename'),
    version: stanza.get('Version'),
    date: date('Date'),
    validUntil: date('Valid-Until'),
    architectures: words('Architectures'),
    components: words('Components'),
    acquireByHash: yesNo('Acquire-By-Hash'),
    noSupportForArchitectureAll: stanza.get('No-Support-for-Architecture-all') === 'Packages',
    files,
    stanza,
  };
}
