import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { derToPem, makeCertificate, opensslSubjectHashOf, pemToDer, withSubject } from '../../fixtures/ca-certificates-oracle.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { encodeDer } from './der.js';
import { canonicalNameEncoding, certificateSubject, opensslSubjectHash } from './x509-name.js';

const HOST_CERTS = '/usr/share/ca-certificates';

function hostCertificates(dir = HOST_CERTS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? hostCertificates(full) : full.endsWith('.crt') ? [full] : [];
  });
}

function mine(der: Buffer): string | undefined {
  try {
    return opensslSubjectHash(der);
  } catch {
    return undefined;
  }
}

// Hand-built Names: tag numbers are universal (X.680 8.4), OIDs are id-at-* (RFC 4519).
const CN = Buffer.from([0x55, 0x04, 0x03]);
const O = Buffer.from([0x55, 0x04, 0x0a]);
const C = Buffer.from([0x55, 0x04, 0x06]);
const tlv = (tag: number, content: Buffer | string): Buffer => encodeDer(tag, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
const atv = (oid: Buffer, value: Buffer): Buffer => tlv(0x30, Buffer.concat([tlv(0x06, oid), value]));
const rdn = (...atvs: Buffer[]): Buffer => tlv(0x31, Buffer.concat(atvs));
const name = (...rdns: Buffer[]): Buffer => tlv(0x30, Buffer.concat(rdns));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bmp = (s: string): Buffer => tlv(0x1e, Buffer.from(s, 'utf16le').swap16());
const cn = (value: Buffer): Buffer => name(rdn(atv(CN, value)));

/** [case, subject Name, whether OpenSSL 3 hashes it or refuses the certificate] */
const CRAFTED: readonly [string, Buffer, 'hash' | 'refused'][] = [
  ['empty Name', name(), 'hash'],
  ['empty SET between RDNs', name(rdn(atv(C, tlv(0x13, 'DE'))), rdn(), rdn(atv(CN, utf8('x')))), 'hash'],
  ['empty UTF8String', cn(utf8('')), 'hash'],
  ['only white space', cn(utf8(' \t\n ')), 'hash'],
  ['every C white space, mixed case', cn(utf8('\t\v\f\r\n  Mixed \t\v CASE\f\rName \n')), 'hash'],
  ['PrintableString with double spaces', cn(tlv(0x13, '  Foo   BAR  ')), 'hash'],
  ['T61String with Latin-1 bytes', cn(tlv(0x14, Buffer.from([0x20, 0xc9, 0x41, 0x20, 0x42, 0xe9]))), 'hash'],
  ['IA5String upper case', cn(tlv(0x16, 'ADMIN@Example.ORG')), 'hash'],
  ['BMPString', cn(bmp(' Ünïcode  ΣΑΣ ')), 'hash'],
  ['BMPString with a lone surrogate', cn(tlv(0x1e, Buffer.from([0xd8, 0x00, 0x00, 0x41]))), 'refused'],
  ['BMPString of odd length', cn(tlv(0x1e, Buffer.from([0x00, 0x41, 0x00]))), 'refused'],
  ['UniversalString', cn(tlv(0x1c, Buffer.from([0, 0, 0, 0x41, 0, 1, 0xf6, 0x00, 0, 0, 0, 0x20]))), 'hash'],
  ['UniversalString past U+10FFFF', cn(tlv(0x1c, Buffer.from([0, 0x11, 0, 0]))), 'refused'],
  ['UTF8String with a 4-byte character', cn(utf8('X 😀 Y')), 'hash'],
  ['UTF8String overlong', cn(tlv(0x0c, Buffer.from([0xc1, 0x81]))), 'refused'],
  ['UTF8String truncated', cn(tlv(0x0c, Buffer.from([0x41, 0xe2, 0x82]))), 'refused'],
  ['UTF8String surrogate', cn(tlv(0x0c, Buffer.from([0xed, 0xa0, 0x80]))), 'refused'],
  ['UTF8String past U+10FFFF', cn(tlv(0x0c, Buffer.from([0xf4, 0x90, 0x80, 0x80]))), 'refused'],
  ['UTF8String upper-case non-ASCII', cn(utf8('ÉCOLE Œuvre')), 'hash'],
  ['NumericString kept as is', cn(tlv(0x12, ' 12  34 ')), 'hash'],
  ['VisibleString', cn(tlv(0x1a, 'Visible')), 'refused'],
  ['OCTET STRING', cn(tlv(0x04, 'octets')), 'refused'],
  ['GeneralString', cn(tlv(0x1b, 'general')), 'refused'],
  ['UTCTime', cn(tlv(0x17, '250101000000Z')), 'refused'],
  ['SEQUENCE value kept whole', cn(tlv(0x30, utf8('Inner  VALUE'))), 'hash'],
  ['BIT STRING with padding bits set', cn(tlv(0x03, Buffer.from([0x03, 0xff, 0xff]))), 'hash'],
  ['REAL value', cn(tlv(0x09, Buffer.from([0x40]))), 'hash'],
  ['context-tagged value', cn(tlv(0x80, 'ctx')), 'refused'],
  ['non-minimal length', cn(Buffer.from([0x0c, 0x81, 0x03, 0x41, 0x42, 0x43])), 'hash'],
  ['multi-valued RDN out of DER order', name(rdn(atv(O, utf8('zzz')), atv(CN, utf8('Aaa')), atv(CN, tlv(0x13, 'AAA  B')))), 'hash'],
  ['multi-valued RDN with values equal after folding', name(rdn(atv(CN, utf8(' same')), atv(CN, tlv(0x13, 'SAME ')))), 'hash'],
  ['OID with a padded sub-identifier', name(rdn(atv(Buffer.from([0x55, 0x80, 0x04]), utf8('x')))), 'refused'],
  ['attribute with a third element', name(rdn(tlv(0x30, Buffer.concat([tlv(0x06, CN), utf8('a'), utf8('b')])))), 'refused'],
];

describe('opensslSubjectHash', () => {
  it('equals openssl x509 -subject_hash for every certificate in the host /usr/share/ca-certificates', (t: TestContext) => {
    if (!requireTool(t, 'openssl', 'update-ca-certificates')) return;
    const files = hostCertificates();
    assert.ok(files.length > 100, `only ${files.length} host certificates`);
    for (const file of files) {
      const pem = readFileSync(file);
      assert.equal(opensslSubjectHash(new X509Certificate(pem).raw), opensslSubjectHashOf(pem), file);
    }
  });

  it('equals openssl for certificates openssl req makes with odd subjects', (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const config = (mask: string, dn: string): string => `[req]\ndistinguished_name = dn\nprompt = no\nstring_mask = ${mask}\nutf8 = yes\n[dn]\n${dn}\n`;
    const certs: [string, Buffer][] = [
      ['mixed case and inner spaces', makeCertificate('/CN=  Mixed   Case  Name /O=ACME\tCorp/C=DE')],
      ['multi-valued RDN', makeCertificate('/CN=Zed+O=Alpha+OU=mid/C=US', { multivalue: true })],
      ['UTF-8', makeCertificate('/CN=Ünïcode ÄÖÜ/O=Σ Corp', { utf8: true })],
      ['BMPString and IA5String', makeCertificate('', { config: config('pkix', 'CN = Ünïcode  Σ  Test\nO = Plain\nemailAddress = Admin@Example.COM') })],
      ['T61String', makeCertificate('', { config: config('nombstr', 'CN = Caf\u00e9  CR\u00c8ME\nO = ORG') })],
    ];
    for (const [label, pem] of certs) assert.equal(opensslSubjectHash(pemToDer(pem)), opensslSubjectHashOf(pem), label);
  });

  it('hashes or refuses hand-built subjects exactly as openssl does', (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const base = pemToDer(makeCertificate('/CN=base'));
    for (const [label, subject, expected] of CRAFTED) {
      const cert = withSubject(base, subject);
      const real = opensslSubjectHashOf(derToPem(cert));
      assert.equal(real === undefined ? 'refused' : 'hash', expected, `${label}: openssl`);
      assert.equal(mine(cert), real, label);
    }
  });

  it('gives the empty Name an empty canonical encoding (SHA-1 of nothing)', () => {
    const cert = withSubject(withSubject(Buffer.from(FAKE_CERT), name()), name());
    assert.equal(canonicalNameEncoding(cert, certificateSubject(cert)).length, 0);
    assert.equal(opensslSubjectHash(cert), 'eea339da');
  });

  it('throws ERR_DEB_MALFORMED on bytes that are not a certificate', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from([0x30, 0x80, 0, 0]), Buffer.from([0x30, 0x05, 0x30, 0x00]), Buffer.from('not der')]) {
      assert.throws(() => opensslSubjectHash(bad), (err: Error & { code?: string }) => err.code === 'ERR_DEB_MALFORMED');
    }
  });
});

/** FAKE_CERT is a structurally complete certificate shell: version, serial, algorithm, issuer, validity, subject, key, signature. */
const FAKE_CERT = encodeDer(
  0x30,
  Buffer.concat([
    encodeDer(0x30, Buffer.concat([encodeDer(0xa0, encodeDer(0x02, Buffer.from([2]))), encodeDer(0x02, Buffer.from([1])), encodeDer(0x30, Buffer.alloc(0)), name(), encodeDer(0x30, Buffer.alloc(0)), cn(utf8('x')), encodeDer(0x30, Buffer.alloc(0))])),
    encodeDer(0x30, Buffer.alloc(0)),
    encodeDer(0x03, Buffer.from([0])),
  ]),
);
