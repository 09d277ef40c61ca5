/**
 * openpgp: an OpenPGP verifier over node:crypto, for apt Release files (InRelease cleartext
 * signatures, Release.gpg detached signatures) and the user's signed-by keyrings, judged as
 * strictly as gpgv under apt. Reads armor, v4 keys and v3/v4 signatures; never signs,
 * encrypts or decrypts. May import core only.
 */
export * from './pgp-error.js';
export * from './limits.js';
export { crc24, dearmor, readArmor, type ArmorBlock } from './armor.js';
export { parseKeyring, mergeKeyrings } from './keyring.js';
export type { Keyring, KeyringKey, SubKey } from './keyring-types.js';
export type { Certificate, SignedSubkey, SignedUserId } from './certificate.js';
export { publicKeyAlgorithmName, type PublicKeyAlgorithm, type PublicKeyPacket, type PublicKeyParams, type Curve } from './public-key.js';
export { hashAlgorithmName } from './hash-algorithms.js';
export type { SignaturePacket } from './signature-packet.js';
export { verifySignature, goodSignatures, type SignatureCheck, type SignatureStatus, type VerifyOptions } from './verify-signature.js';
