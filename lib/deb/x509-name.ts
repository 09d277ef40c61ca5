/**
 * x509-name: OpenSSL's subject-name hash (`openssl x509 -subject_hash`, X509_NAME_hash_ex),
 * the name that `openssl rehash` gives the `<hash>.<n>` links in a certificate directory.
 *
 * The hash is SHA-1 over OpenSSL's canonical encoding of the Name (crypto/x509/x_name.c,
 * x509_name_canon): each RDN's SET OF AttributeTypeAndValue is re-encoded in DER (so the
 * SET's members are sorted by their encodings, X.690 section 11.6) with every string value of a
 * directory string type turned into a UTF8String that has leading and trailing white space
 * removed, inner runs of white space folded to one space and ASCII letters lowered; the outer
 * SEQUENCE header is left out. The first four digest bytes, read little-endian, are the hash.
 *
 * Names are decoded as OpenSSL's ASN1_PRINTABLE choice decodes them, so a Name OpenSSL
 * refuses (a VisibleString or OCTET STRING value, a BMPString of odd length, a surrogate,
 * malformed UTF-8) is refused here too, with ERR_DEB_MALFORMED.
 */
import { createHash } from 'node:crypto';
import { DER_TAG, derChildren, derContent, derError, encodeDer, isUniversal, readDer, type DerNode } from './der.js';

/** Universal tags of a Name value that OpenSSL accepts (ASN1_tag2bit & B_ASN1_PRINTABLE). */
const ACCEPTED_VALUE_TAGS: ReadonlySet<number> = new Set([3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30]);

/** Bytes per character of the string types that are canonicalised (ASN1_MASK_CANON); 0 is UTF-8. */
const CANON_WIDTH: ReadonlyMap<number, 0 | 1 | 2 | 4> = new Map([
  [12, 0], // UTF8String
  [19, 1], // PrintableString
  [20, 1], // T61String, read as ISO 8859-1 as OpenSSL does
  [22, 1], // IA5String
  [28, 4], // UniversalString
  [30, 2], // BMPString
]);

/** certificateSubject locates the subject Name of DER certificate `der` (RFC 5280 section 4.1). */
export function certificateSubject(der: Buffer, subject = 'certificate'): DerNode {
  const cert = readDer(der, 0, der.length, subject);
  if (!isUniversal(cert, DER_TAG.SEQUENCE, true)) throw derError(subject, 0, 'not a Certificate SEQUENCE');
  const tbs = derChildren(der, cert, subject)[0];
  if (tbs === undefined || !isUniversal(tbs, DER_TAG.SEQUENCE, true)) throw derError(subject, cert.contentStart, 'no TBSCertificate');
  const fields = derChildren(der, tbs, subject);
  const first = fields[0];
  const skip = first !== undefined && first.tagClass === 'context' && first.tag === 0 ? 1 : 0;
  // serialNumber, signature, issuer, validity, subject
  const name = fields[skip + 4];
  if (name === undefined || !isUniversal(name, DER_TAG.SEQUENCE, true)) throw derError(subject, tbs.contentStart, 'no subject Name');
  return name;
}

/**
 * canonicalNameEncoding is OpenSSL's canonical encoding of Name `name` in `der`: the
 * concatenated canonical RDN SETs, empty for an empty Name.
 */
export function canonicalNameEncoding(der: Buffer, name: DerNode, subject = 'certificate'): Buffer {
  const sets: Buffer[] = [];
  for (const rdn of derChildren(der, name, subject)) {
    if (!isUniversal(rdn, DER_TAG.SET, true)) throw derError(subject, rdn.start, 'RDN is not a SET');
    const members = derChildren(der, rdn, subject).map((atv) => canonicalAttribute(der, atv, subject));
    // An empty SET carries no entries, and OpenSSL's canonical form then has nothing for it.
    if (members.length === 0) continue;
    members.sort(Buffer.compare);
    sets.push(encodeDer(0x31, Buffer.concat(members)));
  }
  return Buffer.concat(sets);
}

/** opensslNameHash is the X509_NAME_hash_ex of a canonical name encoding: 8 lower-case hex digits. */
export function opensslNameHash(canonical: Buffer): string {
  const md = createHash('sha1').update(canonical).digest();
  return md.readUInt32LE(0).toString(16).padStart(8, '0');
}

/**
 * opensslSubjectHash is `openssl x509 -noout -subject_hash` of DER certificate `der`: 8
 * lower-case hex digits. Throws ERR_DEB_MALFORMED when the certificate or its subject
 * cannot be decoded as OpenSSL decodes them.
 */
export function opensslSubjectHash(der: Buffer): string {
  return opensslNameHash(canonicalNameEncoding(der, certificateSubject(der)));
}

function canonicalAttribute(der: Buffer, atv: DerNode, subject: string): Buffer {
  if (!isUniversal(atv, DER_TAG.SEQUENCE, true)) throw derError(subject, atv.start, 'AttributeTypeAndValue is not a SEQUENCE');
  const parts = derChildren(der, atv, subject);
  const [type, value] = parts;
  if (parts.length !== 2 || type === undefined || value === undefined) throw derError(subject, atv.start, 'AttributeTypeAndValue needs a type and a value');
  if (!isUniversal(type, DER_TAG.OBJECT_IDENTIFIER, false)) throw derError(subject, type.start, 'attribute type is not an OBJECT IDENTIFIER');
  const oid = derContent(der, type);
  checkObjectIdentifier(oid, subject, type.start);
  return encodeDer(0x30, Buffer.concat([encodeDer(0x06, oid), canonicalValue(der, value, subject)]));
}

/** checkObjectIdentifier refuses what OpenSSL's c2i_ASN1_OBJECT refuses: empty, unterminated or padded sub-identifiers. */
function checkObjectIdentifier(oid: Buffer, subject: string, at: number): void {
  const bad = oid.length === 0 || (oid[oid.length - 1]! & 0x80) !== 0 || oid.some((b, i) => b === 0x80 && (i === 0 || (oid[i - 1]! & 0x80) === 0));
  if (bad) throw derError(subject, at, 'invalid OBJECT IDENTIFIER encoding');
}

function canonicalValue(der: Buffer, value: DerNode, subject: string): Buffer {
  const tag = value.tag;
  if (value.tagClass !== 'universal' || !ACCEPTED_VALUE_TAGS.has(tag)) throw derError(subject, value.start, `attribute value with tag ${value.tagClass} ${tag} is not a directory string`);
  if (tag === DER_TAG.SEQUENCE) {
    if (!value.constructed) throw derError(subject, value.start, 'primitive SEQUENCE');
    return der.subarray(value.start, value.end); // kept whole, header included, as OpenSSL keeps it
  }
  if (value.constructed) throw derError(subject, value.start, 'constructed (BER) string values are not supported');
  const content = derContent(der, value);
  if ((tag === 30 && content.length % 2 !== 0) || (tag === 28 && content.length % 4 !== 0)) throw derError(subject, value.start, 'string length is not a multiple of its character width');
  const width = CANON_WIDTH.get(tag);
  if (width !== undefined) return encodeDer(DER_TAG.UTF8_STRING, foldWhitespaceAndCase(toUtf8(content, width, subject, value.start)));
  if (tag === DER_TAG.BIT_STRING) return encodeDer(tag, bitStringContent(content, subject, value.start));
  return encodeDer(tag, content);
}

/** bitStringContent re-encodes a BIT STRING's content as OpenSSL's i2c_ASN1_BIT_STRING does after decoding it. */
function bitStringContent(content: Buffer, subject: string, at: number): Buffer {
  const unused = content[0];
  if (unused === undefined || unused > 7) throw derError(subject, at, 'invalid BIT STRING');
  if (content.length === 1) return Buffer.from([0]);
  const out = Buffer.from(content);
  out[out.length - 1]! &= (0xff << unused) & 0xff;
  return out;
}

/** toUtf8 converts a string of `width`-byte characters (0: UTF-8) to UTF-8, refusing what ASN1_STRING_to_UTF8 refuses. */
function toUtf8(content: Buffer, width: 0 | 1 | 2 | 4, subject: string, at: number): Buffer {
  const codePoints: number[] = [];
  if (width === 0) {
    for (let i = 0; i < content.length; ) {
      const [cp, n] = utf8Char(content, i);
      if (cp < 0 || !isUnicodeScalar(cp)) throw derError(subject, at, 'invalid UTF8String');
      i += n;
    }
    return content;
  }
  for (let i = 0; i < content.length; i += width) {
    const cp = width === 1 ? content[i]! : width === 2 ? content.readUInt16BE(i) : content.readUInt32BE(i);
    if (!isUnicodeScalar(cp)) throw derError(subject, at, 'string has a character that is not a Unicode scalar value');
    codePoints.push(cp);
  }
  return Buffer.from(String.fromCodePoint(...codePoints), 'utf8');
}

function isUnicodeScalar(cp: number): boolean {
  return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/** utf8Char decodes one character as OpenSSL's UTF8_getc: [code point or -1, bytes used]. */
function utf8Char(s: Buffer, i: number): [number, number] {
  const b = s[i]!;
  const n = b < 0x80 ? 1 : (b & 0xe0) === 0xc0 ? 2 : (b & 0xf0) === 0xe0 ? 3 : (b & 0xf8) === 0xf0 ? 4 : 0;
  if (n === 0 || i + n > s.length) return [-1, 1];
  if (n === 1) return [b, 1];
  let cp = b & (0x7f >> n);
  for (let k = 1; k < n; k++) {
    const c = s[i + k]!;
    if ((c & 0xc0) !== 0x80) return [-1, 1];
    cp = cp * 64 + (c & 0x3f);
  }
  const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
  return cp < min ? [-1, 1] : [cp, n];
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** foldWhitespaceAndCase is asn1_string_canon's byte loop over a UTF-8 string. */
function foldWhitespaceAndCase(s: Buffer): Buffer {
  let from = 0;
  let to = s.length;
  while (from < to && isSpace(s[from]!)) from++;
  while (to > from && isSpace(s[to - 1]!)) to--;
  const out: number[] = [];
  for (let i = from; i < to; ) {
    const b = s[i]!;
    if (b >= 0x80) {
      out.push(b);
      i++;
    } else if (isSpace(b)) {
      out.push(0x20);
      while (i < to && isSpace(s[i]!)) i++;
    } else {
      out.push(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
      i++;
    }
  }
  return Buffer.from(out);
}
