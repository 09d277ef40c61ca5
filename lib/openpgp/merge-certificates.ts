/**
 * Merging copies of one certificate (same primary key), as GnuPG merges an imported key into
 * the copy it has: user IDs by their bytes, subkeys by fingerprint, signatures by their raw
 * packet bytes. The work is linear in the packets: every lookup goes through a Map or Set
 * keyed by a digest, never a pairwise comparison, because a keyring may be 16 MiB of copies.
 */
import { createHash } from 'node:crypto';
import type { Certificate, SignedSubkey, SignedUserId } from './certificate.js';
import { MAX_CERTIFICATE_SIGNATURES } from './limits.js';
import { PgpError } from './pgp-error.js';
import type { PublicKeyPacket } from './public-key.js';
import type { SignaturePacket } from './signature-packet.js';

/** digestKey is a short Map key for `bytes`: their SHA-256, base64. */
function digestKey(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** SignatureSet collects distinct signature packets, in first-seen order, and counts them against the cap. */
class SignatureSet {
  readonly list: SignaturePacket[] = [];
  readonly #seen = new Set<string>();

  constructor(private readonly counter: { count: number; readonly fail: () => never }) {}

  addAll(sigs: readonly SignaturePacket[]): void {
    for (const sig of sigs) {
      const key = digestKey(sig.raw);
      if (this.#seen.has(key)) continue;
      if (++this.counter.count > MAX_CERTIFICATE_SIGNATURES) this.counter.fail();
      this.#seen.add(key);
      this.list.push(sig);
    }
  }
}

/**
 * mergeCertificates merges `copies`, which must all have the same primary key (the first
 * copy's packet is kept), into one certificate with each distinct user ID, subkey and
 * signature once, in first-seen order. Throws a PgpError (ERR_PGP_MALFORMED) naming `subject`
 * when the copies hold more than {@link MAX_CERTIFICATE_SIGNATURES} distinct signatures.
 */
export function mergeCertificates(copies: readonly Certificate[], subject: string): Certificate {
  const primary: PublicKeyPacket = copies[0]!.primary;
  const counter = {
    count: 0,
    fail: (): never => {
      throw new PgpError(subject, `key ${primary.fingerprint} has more than ${MAX_CERTIFICATE_SIGNATURES} distinct signatures (at most ${MAX_CERTIFICATE_SIGNATURES} are accepted per key)`, {
        hint: `export the key without third-party signatures: gpg --export --export-options export-minimal ${primary.fingerprint}`,
      });
    },
  };
  const direct = new SignatureSet(counter);
  const userIds = new Map<string, { body: Uint8Array; attribute: boolean; sigs: SignatureSet }>();
  const subkeys = new Map<string, { key: PublicKeyPacket; sigs: SignatureSet }>();
  for (const cert of copies) {
    direct.addAll(cert.direct);
    for (const u of cert.userIds) {
      const key = `${u.attribute ? 'attribute' : 'uid'}:${digestKey(u.body)}`;
      let entry = userIds.get(key);
      if (!entry) userIds.set(key, (entry = { body: u.body, attribute: u.attribute, sigs: new SignatureSet(counter) }));
      entry.sigs.addAll(u.signatures);
    }
    for (const s of cert.subkeys) {
      let entry = subkeys.get(s.key.fingerprint);
      if (!entry) subkeys.set(s.key.fingerprint, (entry = { key: s.key, sigs: new SignatureSet(counter) }));
      entry.sigs.addAll(s.signatures);
    }
  }
  return {
    primary,
    direct: direct.list,
    userIds: [...userIds.values()].map((u): SignedUserId => ({ body: u.body, attribute: u.attribute, signatures: u.sigs.list })),
    subkeys: [...subkeys.values()].map((s): SignedSubkey => ({ key: s.key, signatures: s.sigs.list })),
  };
}

/** groupByFingerprint groups `items` by the fingerprint `fingerprint` gives each, in order of first appearance (items keep their order within a group). */
export function groupByFingerprint<T>(items: readonly T[], fingerprint: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const fpr = fingerprint(item);
    const group = groups.get(fpr);
    if (group) group.push(item);
    else groups.set(fpr, [item]);
  }
  return [...groups.values()];
}
