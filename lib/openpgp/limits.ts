/** Named limits that bound memory and work on hostile OpenPGP input. */

/** MAX_KEYRING_BYTES caps a binary keyring (after dearmoring), in bytes. */
export const MAX_KEYRING_BYTES = 16 * 1024 * 1024;
/** MAX_SIGNATURE_BYTES caps a detached signature file (all its packets, after dearmoring), in bytes. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** MAX_SIGNATURE_PACKET_BYTES caps the body of one signature packet, in bytes. */
export const MAX_SIGNATURE_PACKET_BYTES = 64 * 1024;
/** MAX_SIGNATURE_PACKETS caps the signatures in one detached or cleartext signature (an InRelease has two or three). */
export const MAX_SIGNATURE_PACKETS = 64;
/**
 * MAX_CERTIFICATE_SIGNATURES caps the distinct signatures of one key (all copies of it, with
 * its user IDs and subkeys), so the work of verifying them is bounded; only a key flooded with
 * third-party certifications comes near it.
 */
export const MAX_CERTIFICATE_SIGNATURES = 4096;
/** MAX_ARMOR_CHARS caps ASCII-armored text (enough for a keyring of {@link MAX_KEYRING_BYTES}), in UTF-16 code units. */
export const MAX_ARMOR_CHARS = 24 * 1024 * 1024;
/** MAX_MPI_BITS caps one multiprecision integer (RSA modulus, DSA prime), in bits, as GnuPG's 16384-bit keys. */
export const MAX_MPI_BITS = 16384;
