/**
 * Certificates ("transferable public keys", RFC 4880 §11.1, RFC 9580 §10.1): a primary key
 * with its direct signatures, user IDs, user attributes and subkeys, each followed by the
 * signatures over it. A keyring is a sequence of them.
 */
import { PacketTag, readPackets, type Packet } from './packets.js';
import { PgpError } from './pgp-error.js';
import { parsePublicKey, type PublicKeyPacket } from './public-key.js';
import { parseSignature, type SignaturePacket } from './signature-packet.js';
import { MAX_SIGNATURE_PACKET_BYTES } from './limits.js';

/** SignedUserId is a user ID or user attribute with the signatures that follow it. */
export interface SignedUserId {
  /** body is the packet body: UTF-8 text for a user ID, subpackets for an attribute. */
  readonly body: Uint8Array;
  readonly attribute: boolean;
  readonly signatures: readonly SignaturePacket[];
}

/** SignedSubkey is a subkey with the signatures that follow it. */
export interface SignedSubkey {
  readonly key: PublicKeyPacket;
  readonly signatures: readonly SignaturePacket[];
}

/** Certificate is the packets of one transferable public key, parsed. */
export interface Certificate {
  readonly primary: PublicKeyPacket;
  /** direct are the signatures right after the primary key (direct-key signatures, key revocations). */
  readonly direct: readonly SignaturePacket[];
  readonly userIds: readonly SignedUserId[];
  readonly subkeys: readonly SignedSubkey[];
}

const NOT_A_KEYRING: Readonly<Record<number, string>> = {
  1: 'an encrypted session key', 3: 'an encrypted session key', 4: 'a one-pass signature', 8: 'compressed data',
  9: 'encrypted data', 11: 'literal data', 18: 'encrypted data', 20: 'encrypted data',
};

/**
 * readCertificates splits binary keyring `bytes` into certificates. Marker, trust, padding
 * and unknown packets are skipped, as GnuPG does; signature packets that do not parse or
 * have an unknown version are dropped (they could never verify). Throws a PgpError
 * (ERR_PGP_MALFORMED) naming `subject` for framing errors, secret keys, message packets,
 * packets before the first key, and keys that are not version 4.
 */
export function readCertificates(bytes: Uint8Array, subject: string): Certificate[] {
  const packets = readPackets(bytes, subject, (tag) => (tag === PacketTag.signature ? MAX_SIGNATURE_PACKET_BYTES : bytes.length));
  const certs: Certificate[] = [];
  let cert: { primary: PublicKeyPacket; direct: SignaturePacket[]; userIds: { body: Uint8Array; attribute: boolean; signatures: SignaturePacket[] }[]; subkeys: { key: PublicKeyPacket; signatures: SignaturePacket[] }[] } | undefined;
  let target: SignaturePacket[] | undefined;
  for (const packet of packets) {
    const where = `packet at offset ${packet.offset}`;
    const fail = (problem: string, hint?: string): never => {
      throw new PgpError(subject, `${where}: ${problem}`, hint ? { hint } : {});
    };
    switch (packet.tag) {
      case PacketTag.publicKey:
        cert = { primary: parsePublicKey(packet.body, subject, `public key ${where}`), direct: [], userIds: [], subkeys: [] };
        certs.push(cert);
        target = cert.direct;
        break;
      case PacketTag.publicSubkey: {
        if (!cert) return fail('subkey before any primary key');
        const sub = { key: parsePublicKey(packet.body, subject, `subkey ${where}`), signatures: [] };
        cert.subkeys.push(sub);
        target = sub.signatures;
        break;
      }
      case PacketTag.userId:
      case PacketTag.userAttribute: {
        if (!cert) return fail('user ID before any primary key');
        const uid = { body: packet.body, attribute: packet.tag === PacketTag.userAttribute, signatures: [] };
        cert.userIds.push(uid);
        target = uid.signatures;
        break;
      }
      case PacketTag.signature: {
        if (!target) return fail('signature before any key');
        const sig = tryParseSignature(packet, subject);
        if (sig) target.push(sig);
        break;
      }
      case PacketTag.secretKey:
      case PacketTag.secretSubkey:
        return fail('is a secret key; a keyring for verification holds public keys only', 'export the public key with `gpg --export KEYID > key.gpg`');
      default:
        if (NOT_A_KEYRING[packet.tag]) fail(`is ${NOT_A_KEYRING[packet.tag]} (tag ${packet.tag}), not part of a public key`);
    }
  }
  return certs;
}

function tryParseSignature(packet: Packet, subject: string): SignaturePacket | undefined {
  try {
    const sig = parseSignature(packet.body, subject, `signature at offset ${packet.offset}`);
    return 'unsupported' in sig ? undefined : sig;
  } catch (err) {
    if (err instanceof PgpError) return undefined;
    throw err;
  }
}
