/**
 * openssl-rehash: the `<hash>.<n>` symlinks that `openssl rehash DIR` (apps/rehash.c) makes in a
 * directory that has none yet, computed from the files' names and bytes.
 *
 * Files are taken in strcmp order of their names; only names ending in .pem, .crt, .cer or .crl
 * (any case) are read. A file counts when PEM_X509_INFO_read_bio reads exactly one item from it
 * (a certificate, with at most a CRL or key beside it); its subject hash names the link, and
 * links with the same hash are numbered .0, .1, ... in file order. A certificate whose SHA-1
 * fingerprint was already linked under that hash is skipped as a duplicate.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { isUniversal, readDer, DER_TAG } from './der.js';
import { readPemBlocks, type PemBlock } from './pem-blocks.js';
import { opensslSubjectHash } from './x509-name.js';

/** RehashFile is one file of the directory: its name (no slash) and the bytes it resolves to. */
export interface RehashFile {
  readonly name: string;
  readonly content: Buffer;
}

/** RehashLink is one `<8 hex>.<n>` link; `target` is the file name it points at, relative. */
export interface RehashLink {
  readonly name: string;
  readonly target: string;
}

/** RehashResult is the links `openssl rehash` makes, by name, and the files it read but linked nothing for. */
export interface RehashResult {
  readonly links: readonly RehashLink[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** MAX_HASH_COLLISIONS is how many links one hash may have (rehash.c MAX_COLLISIONS). */
export const MAX_HASH_COLLISIONS = 256;

const CERT_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const EXTENSIONS: ReadonlySet<string> = new Set(['pem', 'crt', 'cer', 'crl']);

type Item = { readonly ok: true; readonly der: Buffer } | { readonly ok: false; readonly reason: string };

/** rehashCandidate tells whether `openssl rehash` reads a file of this name (its extension is pem, crt, cer or crl). */
export function rehashCandidate(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot >= 0 && EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** opensslRehash computes the links `openssl rehash` would add to a directory holding `files` and no links yet. */
export function opensslRehash(files: readonly RehashFile[]): RehashResult {
  const sorted = files.filter((f) => rehashCandidate(f.name)).sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const buckets = new Map<string, { name: string; fingerprint: string }[]>();
  const skipped: { name: string; reason: string }[] = [];
  for (const file of sorted) {
    const item = readSingleCertificate(file.content);
    if (!item.ok) {
      skipped.push({ name: file.name, reason: item.reason });
      continue;
    }
    let hash: string;
    try {
      hash = opensslSubjectHash(item.der);
    } catch (err) {
      skipped.push({ name: file.name, reason: `subject cannot be hashed: ${(err as Error).message}` });
      continue;
    }
    const fingerprint = createHash('sha1').update(item.der).digest('hex');
    const bucket = buckets.get(hash) ?? [];
    buckets.set(hash, bucket);
    const twin = bucket.find((e) => e.fingerprint === fingerprint);
    if (twin !== undefined) skipped.push({ name: file.name, reason: `duplicate of the certificate in ${twin.name}` });
    else if (bucket.length >= MAX_HASH_COLLISIONS) skipped.push({ name: file.name, reason: `more than ${MAX_HASH_COLLISIONS} certificates have subject hash ${hash}` });
    else bucket.push({ name: file.name, fingerprint });
  }
  const links: RehashLink[] = [];
  for (const [hash, bucket] of buckets) bucket.forEach((e, i) => links.push({ name: `${hash}.${i}`, target: e.name }));
  links.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { links, skipped };
}

/**
 * readSingleCertificate reads `content` as PEM_X509_INFO_read_bio does and returns the DER of
 * its certificate when it holds exactly one item with a certificate in it.
 */
export function readSingleCertificate(content: Buffer): Item {
  const pem = readPemBlocks(content);
  if (!pem.ok) return { ok: false, reason: `not readable as PEM: ${pem.reason}` };
  const items: { cert?: Buffer; crl?: boolean; key?: boolean }[] = [];
  let current: { cert?: Buffer; crl?: boolean; key?: boolean } = {};
  const next = (): void => {
    items.push(current);
    current = {};
  };
  for (const block of pem.blocks) {
    if (CERT_LABELS.has(block.label)) {
      if (current.cert !== undefined) next();
      const der = decodeCertificate(block);
      if (!der.ok) return der;
      current.cert = der.der;
    } else if (block.label === 'X509 CRL') {
      if (current.crl) next();
      current.crl = true;
    } else if (block.label.includes('PRIVATE KEY')) {
      if (current.key) next();
      current.key = true;
    }
  }
  if (current.cert !== undefined || current.crl || current.key) items.push(current);
  const only = items[0];
  if (items.length !== 1 || only === undefined) return { ok: false, reason: `holds ${items.length} certificates, CRLs or keys, not exactly one` };
  if (only.cert !== undefined) return { ok: true, der: only.cert };
  if (only.crl) return { ok: false, reason: 'holds a CRL only: CRL links (<hash>.r<n>) are not reproduced' };
  return { ok: false, reason: 'holds a private key only' };
}

/** decodeCertificate is d2i_X509 on a certificate block: the DER of its first element, when OpenSSL accepts it. */
function decodeCertificate(block: PemBlock): Item {
  if (block.header !== '') return { ok: false, reason: `${block.label} block has RFC 1421 headers (encrypted)` };
  try {
    const outer = readDer(block.data, 0, block.data.length);
    if (!isUniversal(outer, DER_TAG.SEQUENCE, true)) return { ok: false, reason: `${block.label} block is not a DER SEQUENCE` };
    const der = block.data.subarray(0, outer.end);
    // Node's X509Certificate parses with OpenSSL's d2i_X509: it accepts what `openssl rehash` accepts.
    new X509Certificate(der);
    return { ok: true, der };
  } catch (err) {
    return { ok: false, reason: `${block.label} block is not a valid certificate: ${(err as Error).message}` };
  }
}
