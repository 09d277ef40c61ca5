/**
 * der: a small reader of ASN.1 BER/DER tag-length-value headers (ITU-T X.690 section 8.1),
 * enough to walk an X.509 certificate (RFC 5280 section 4.1) down to its subject Name.
 * Lengths are read as OpenSSL's ASN1_get_object reads them (long forms with leading zero
 * octets are accepted); indefinite lengths are refused, as DER forbids them.
 */
import { SlipwayError } from '../core/index.js';

/** DerClass is the class of a tag: universal, application, context-specific or private (X.690 8.1.2.2). */
export type DerClass = 'universal' | 'application' | 'context' | 'private';

const CLASSES: readonly DerClass[] = ['universal', 'application', 'context', 'private'];

/** DerNode is one tag-length-value element of a buffer, located by byte offsets. */
export interface DerNode {
  readonly tagClass: DerClass;
  readonly constructed: boolean;
  /** Tag number, e.g. 16 for SEQUENCE, 6 for OBJECT IDENTIFIER. */
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;
}

/** DER_TAG names the universal tag numbers the X.509 readers use (X.680 section 8.4). */
export const DER_TAG = {
  BIT_STRING: 3,
  OBJECT_IDENTIFIER: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
} as const;

/** derError is ERR_DEB_MALFORMED about `subject` at byte `offset`. */
export function derError(subject: string, offset: number, problem: string): SlipwayError {
  return new SlipwayError('ERR_DEB_MALFORMED', `${subject}: DER at offset ${offset}: ${problem}`, {
    hint: 'the certificate is damaged or not DER/PEM encoded; replace the file',
  });
}

/**
 * readDer reads the element that starts at `offset` and must end by `limit` (default: the
 * buffer's end). Throws ERR_DEB_MALFORMED naming `subject` on a truncated or indefinite form.
 */
export function readDer(buf: Buffer, offset: number, limit: number = buf.length, subject = 'certificate'): DerNode {
  let p = offset;
  const byte = (): number => {
    if (p >= limit) throw derError(subject, p, 'truncated element');
    return buf[p++]!;
  };
  const first = byte();
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let b = byte(); ; b = byte()) {
      if (tag > 0xffffff) throw derError(subject, offset, 'tag number too large');
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  const lengthAt = p;
  const l0 = byte();
  let length: number;
  if (l0 < 0x80) {
    length = l0;
  } else if (l0 === 0x80) {
    throw derError(subject, lengthAt, 'indefinite length');
  } else {
    let n = l0 & 0x7f;
    length = 0;
    for (; n > 0; n--) {
      length = length * 256 + byte();
      if (length > 0x7fffffff) throw derError(subject, lengthAt, 'length too large');
    }
  }
  if (length > limit - p) throw derError(subject, lengthAt, `length ${length} runs past the enclosing element`);
  return { tagClass: CLASSES[first >> 6]!, constructed: (first & 0x20) !== 0, tag, start: offset, contentStart: p, end: p + length };
}

/** derChildren reads the elements inside constructed `node`, in order; they must fill it exactly. */
export function derChildren(buf: Buffer, node: DerNode, subject = 'certificate'): DerNode[] {
  if (!node.constructed) throw derError(subject, node.start, 'expected a constructed element');
  const out: DerNode[] = [];
  for (let p = node.contentStart; p < node.end; ) {
    const child = readDer(buf, p, node.end, subject);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** derContent is the content octets of `node` (a view, not a copy). */
export function derContent(buf: Buffer, node: DerNode): Buffer {
  return buf.subarray(node.contentStart, node.end);
}

/** isUniversal tells whether `node` is universal tag `tag` with the given form. */
export function isUniversal(node: DerNode, tag: number, constructed: boolean): boolean {
  return node.tagClass === 'universal' && node.tag === tag && node.constructed === constructed;
}

/** encodeDer writes one element with identifier octet `identifier` (tag numbers below 31 only) and a minimal DER length. */
export function encodeDer(identifier: number, content: Buffer): Buffer {
  const n = content.length;
  let header: Buffer;
  if (n < 0x80) {
    header = Buffer.from([identifier, n]);
  } else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    header = Buffer.from([identifier, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}
