/** The data model of a keyring: keys and subkeys as GnuPG judges them. */
import type { Certificate } from './certificate.js';
import type { PublicKeyAlgorithm, PublicKeyPacket } from './public-key.js';

/** KeyFacts are what GnuPG shows of a primary key or a subkey alike. */
export interface KeyFacts {
  /** fingerprint is 40 uppercase hex digits (SHA-1, RFC 4880 §12.2). */
  readonly fingerprint: string;
  /** keyId is the last 16 hex digits of the fingerprint. */
  readonly keyId: string;
  readonly algorithm: PublicKeyAlgorithm;
  /** bits is the key size as GnuPG prints it (modulus or prime bits, curve size). */
  readonly bits: number | undefined;
  /** curve is GnuPG's curve name (`ed25519`, `nistp256`, ...) for ECC keys. */
  readonly curve: string | undefined;
  readonly created: Date;
  /** expires is when the key expires, from its newest valid self-signature (or binding, for a subkey); undefined: never. */
  readonly expires: Date | undefined;
  /** revoked is the creation time of the earliest valid revocation (0x20 for a key, 0x28 for a subkey); undefined: not revoked. */
  readonly revoked: Date | undefined;
  /** publicKey is the parsed key packet, used to verify signatures. */
  readonly publicKey: PublicKeyPacket;
}

/** SubKey is a subkey with a valid binding signature from its primary key. */
export interface SubKey extends KeyFacts {
  /** canSign says the binding allows signing, the algorithm can sign, and the subkey is cross-certified. */
  readonly canSign: boolean;
  /** crossCertified says a signing subkey carries a valid primary key binding back-signature (0x19). */
  readonly crossCertified: boolean;
}

/** KeyringKey is one primary key of a keyring with its valid user IDs and subkeys. */
export interface KeyringKey extends KeyFacts {
  /** valid says at least one self-signature (user ID certification or direct-key signature) verifies; GnuPG ignores the key otherwise. */
  readonly valid: boolean;
  /** canSign says the key is valid, its algorithm can sign and its newest self-signature's key flags allow signing. */
  readonly canSign: boolean;
  /** userIds are the user IDs with a valid, unrevoked self-certification, in keyring order. */
  readonly userIds: readonly string[];
  /** subkeys are the subkeys with a valid binding signature, in keyring order. */
  readonly subkeys: readonly SubKey[];
  /** certificate is the key's packets whose signatures verified (self-signatures, bindings, revocations), kept for {@link mergeKeyrings}. */
  readonly certificate: Certificate;
}

/** Keyring is a set of public keys to verify signatures against, in file order. */
export interface Keyring {
  readonly keys: readonly KeyringKey[];
}
