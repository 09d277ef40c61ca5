/** OpenPGP hash algorithms (RFC 4880 §9.4, RFC 9580 §9.5) and how strictly each is judged. */

/** HashAlgorithm is one OpenPGP hash algorithm this module knows. */
export interface HashAlgorithm {
  /** id is the OpenPGP algorithm number. */
  readonly id: number;
  /** name is the name GnuPG prints (`SHA256`). */
  readonly name: string;
  /** nodeName is the node:crypto digest name, when node computes it and OpenPGP v4 signatures may use it. */
  readonly nodeName: string | undefined;
  /**
   * weak says the algorithm is not collision resistant: a data signature using it is reported
   * as `weak-hash` (apt refuses SHA1 and older). Key signatures follow {@link keySignatureHashAllowed}.
   */
  readonly weak: boolean;
}

const TABLE: readonly HashAlgorithm[] = [
  { id: 1, name: 'MD5', nodeName: 'md5', weak: true },
  { id: 2, name: 'SHA1', nodeName: 'sha1', weak: true },
  { id: 3, name: 'RIPEMD160', nodeName: 'ripemd160', weak: true },
  { id: 8, name: 'SHA256', nodeName: 'sha256', weak: false },
  { id: 9, name: 'SHA384', nodeName: 'sha384', weak: false },
  { id: 10, name: 'SHA512', nodeName: 'sha512', weak: false },
  { id: 11, name: 'SHA224', nodeName: 'sha224', weak: false },
  // SHA3 is defined by RFC 9580 but GnuPG does not verify it, so neither does slipway.
  { id: 12, name: 'SHA3-256', nodeName: undefined, weak: false },
  { id: 14, name: 'SHA3-512', nodeName: undefined, weak: false },
];

/** hashAlgorithm looks up an OpenPGP hash algorithm by number; undefined for an unknown one. */
export function hashAlgorithm(id: number): HashAlgorithm | undefined {
  return TABLE.find((h) => h.id === id);
}

/** hashAlgorithmName is the GnuPG name of hash algorithm `id`, or `unknown(<id>)`. */
export function hashAlgorithmName(id: number): string {
  return hashAlgorithm(id)?.name ?? `unknown(${id})`;
}

/**
 * keySignatureHashAllowed tells whether a signature over key material (self-certification,
 * binding, back-signature, revocation) with hash `id` may count, as GnuPG 2.2 judges it:
 * MD5 never; SHA-1, RIPEMD-160 and SHA-2 always. (GnuPG refuses SHA-1 only in third-party
 * certifications made after 2019-01-19, which a verifier of self-signatures never uses;
 * gpgv accepts a SHA-1 self-signature of any date, and so does this module.)
 */
export function keySignatureHashAllowed(id: number): boolean {
  const h = hashAlgorithm(id);
  return h?.nodeName !== undefined && h.id !== 1;
}
