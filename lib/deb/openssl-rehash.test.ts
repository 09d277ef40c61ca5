import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { derToPem, makeCertificate, pemToDer, rehashDir, withSubject } from '../../fixtures/ca-certificates-oracle.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { mustRun } from '../../fixtures/run-tool.js';
import { encodeDer } from './der.js';
import { opensslRehash } from './openssl-rehash.js';
import { decodeBase64, readPemBlocks } from './pem-blocks.js';

const subjectCN = (cn: string): Buffer =>
  encodeDer(0x30, encodeDer(0x31, encodeDer(0x30, Buffer.concat([encodeDer(0x06, Buffer.from([0x55, 0x04, 0x03])), encodeDer(0x0c, Buffer.from(cn))]))));

const lines64 = (b64: string, width = 64): string => b64.replace(new RegExp(`.{${width}}`, 'g'), '$&\n').replace(/\n$/, '');

/** PEM variants of one certificate, each as a file `openssl rehash` reads (or refuses). */
function variants(der: (i: number) => Buffer, key: string): [string, Buffer][] {
  let n = 0;
  const next = (): Buffer => der(n++);
  const pem = (d: Buffer): string => derToPem(d).toString('latin1');
  const b64 = (d: Buffer): string => d.toString('base64');
  const out: [string, string | Buffer][] = [
    ['plain.pem', pem(next())],
    ['crlf.pem', pem(next()).replace(/\n/g, '\r\n')],
    ['trailing-blanks.pem', pem(next()).replace(/\n/g, ' \t \n')],
    ['text-around.pem', `Subject: something\nissuer: x\n\n${pem(next())}trailing words\n`],
    ['no-final-newline.pem', pem(next()).replace(/\n$/, '')],
    ['width76.pem', `-----BEGIN CERTIFICATE-----\n${lines64(b64(next()), 76)}\n-----END CERTIFICATE-----\n`],
    ['one-line.pem', `-----BEGIN CERTIFICATE-----\n${b64(next())}\n-----END CERTIFICATE-----\n`],
    ['blank-after-begin.pem', `-----BEGIN CERTIFICATE-----\n\n${lines64(b64(next()))}\n-----END CERTIFICATE-----\n`],
    ['blank-after-begin-width76.pem', `-----BEGIN CERTIFICATE-----\n\n${lines64(b64(next()), 76)}\n-----END CERTIFICATE-----\n`],
    ['blank-inside.pem', pem(next()).replace(/\n/, '\n\n').replace(/(\n[^\n]{64}\n)/, '$1\n')],
    ['proc-type.pem', pem(next()).replace('-----\n', '-----\nProc-Type: 4,MIC-ONLY\n\n')],
    ['two-certs.pem', pem(next()) + pem(next())],
    ['same-cert-twice.pem', ((p) => p + p)(pem(next()))],
    ['cert-and-key.pem', pem(next()) + key],
    ['key-only.pem', key],
    ['trusted.pem', derToPem(next(), 'TRUSTED CERTIFICATE').toString('latin1')],
    ['x509-old-label.pem', derToPem(next(), 'X509 CERTIFICATE').toString('latin1')],
    ['public-key-and-cert.pem', `-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n${pem(next())}`],
    ['end-mismatch.pem', pem(next()).replace('END CERTIFICATE', 'END X509 CRL')],
    ['no-end.pem', pem(next()).replace(/-----END[^\n]*\n/, '')],
    ['indented-begin.pem', ` ${pem(next())}`],
    ['tab-indented-body.pem', pem(next()).replace(/\n(?!-)/g, '\n\t')],
    ['pad-inside.pem', pem(next()).replace(/\n[A-Za-z0-9+/]{4}/, '\n====')],
    ['bad-char.pem', pem(next()).replace(/\n[A-Za-z0-9+/]/, '\n!')],
    ['high-bytes-at-line-ends.pem', Buffer.from(pem(next()).replace(/\n/g, '\u00a0\n'), 'latin1')],
    ['nul-before.pem', Buffer.concat([Buffer.from('junk\0more junk\n'), Buffer.from(pem(next()))])],
    ['der.pem', next()],
    ['empty.pem', ''],
    ['not-a-cert.pem', derToPem(Buffer.from('just some bytes, not DER')).toString('latin1')],
    ['trailing-garbage-in-der.pem', pem(Buffer.concat([next(), Buffer.from([0x05, 0x00, 0xff])]))],
    ['UPPER.PEM', pem(next())],
    ['cer-file.cer', pem(next())],
    ['ignored.txt', pem(next())],
    ['no-extension', pem(next())],
  ];
  return out.map(([name, content]) => [name, typeof content === 'string' ? Buffer.from(content, 'latin1') : content]);
}

describe('opensslRehash', () => {
  it('links exactly the files openssl rehash links, for PEM files written in many ways', (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const base = pemToDer(makeCertificate('/CN=base'));
    const key = mustRun('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    const files = new Map(variants((i) => withSubject(base, subjectCN(`variant ${i}`)), key));
    const real = rehashDir(files);
    const ours = opensslRehash([...files].map(([name, content]) => ({ name, content })));
    assert.deepEqual(new Map(ours.links.map((l) => [l.name, l.target])), real);
    assert.ok(real.size >= 15, `openssl linked only ${real.size} variants`);
    const linked = new Set(real.values());
    for (const s of ours.skipped) assert.ok(!linked.has(s.name), s.name);
  });

  it('numbers same-subject certificates .0, .1, ... in strcmp order of file names and skips duplicates', (t: TestContext) => {
    if (!requireTool(t, 'openssl')) return;
    const same = (): Buffer => withSubject(pemToDer(makeCertificate('/CN=x')), subjectCN('Same Subject'));
    const dup = derToPem(same());
    const files = new Map<string, Buffer>([
      ['b.pem', derToPem(same())],
      ['B.pem', derToPem(same())],
      ['_c.crt', derToPem(same())],
      ['A.cer', dup],
      ['a.pem', dup],
      ['other.pem', derToPem(withSubject(same(), subjectCN('Other')))],
    ]);
    const real = rehashDir(files);
    const ours = opensslRehash([...files].map(([name, content]) => ({ name, content })));
    assert.deepEqual(new Map(ours.links.map((l) => [l.name, l.target])), real);
    assert.deepEqual([...real.values()].sort(), ['A.cer', 'B.pem', '_c.crt', 'b.pem', 'other.pem']);
    assert.deepEqual(ours.skipped, [{ name: 'a.pem', reason: 'duplicate of the certificate in A.cer' }]);
  });
});

describe('readPemBlocks', () => {
  it('reads labels, headers and bodies, and refuses what PEM_read_bio refuses', () => {
    const ok = readPemBlocks(Buffer.from('x\n-----BEGIN FOO BAR-----\nProc-Type: 4,ENCRYPTED\n\nAAEC\n-----END FOO BAR-----\n'));
    assert.deepEqual(ok, { ok: true, blocks: [{ label: 'FOO BAR', header: 'Proc-Type: 4,ENCRYPTED\n', data: Buffer.from([0, 1, 2]) }] });
    assert.deepEqual(readPemBlocks(Buffer.from('nothing here\n')), { ok: true, blocks: [] });
    assert.equal(readPemBlocks(Buffer.from('-----BEGIN A-----\nAAEC\n-----END B-----\n')).ok, false);
    assert.equal(readPemBlocks(Buffer.from('-----BEGIN A-----\n\n\nAAEC\n-----END A-----\n')).ok, false);
  });

  it('decodes base64 as EVP_DecodeUpdate does', () => {
    assert.deepEqual(decodeBase64('QQ=='), Buffer.from('A'));
    assert.deepEqual(decodeBase64(' Q U\tJ D\r\n'), Buffer.from('ABC'));
    assert.deepEqual(decodeBase64('QUJD-garbage!'), Buffer.from('ABC'));
    for (const bad of ['QQ', 'Q===', 'QQ==QQ==', 'QU!D', 'QUJ\u00e9']) assert.equal(decodeBase64(bad), undefined, bad);
  });
});
