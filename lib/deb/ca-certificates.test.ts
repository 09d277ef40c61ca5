import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { makeCertificate, runPostinstConf, runUpdateCaCertificates, type CertTree, type UpdateRun } from '../../fixtures/ca-certificates-oracle.js';
import { requireTool } from '../../fixtures/require-tool.js';
import { CA_CERTIFICATES_CONF_HEADER, debconfCertificateChoices, enabledConfLines, newConf } from './ca-certificates-conf.js';
import { caCertificatesEntries, pemLinkName, type CaCertificateInput, type CaCertificatesResult } from './ca-certificates.js';

/*
 * The oracle is the host's own ca-certificates: its config + postinst run under debconf with a
 * private database and default answers write the conf (fixtures/ca-certificates-oracle.ts), and
 * its update-ca-certificates, pointed at temp dirs, makes the links and the bundle from that
 * conf. The header we write (CA_CERTIFICATES_CONF_HEADER) is the postinst's here-document for
 * a new /etc/ca-certificates.conf, copied from the script and compared byte for byte below.
 */

const SHARE = '/usr/share/ca-certificates';
const LOCAL = '/usr/local/share/ca-certificates';

function readTree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(join(dir, prefix))) {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    if (statSync(join(dir, rel)).isDirectory()) for (const [k, v] of readTree(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

function inputs(tree: CertTree): CaCertificateInput[] {
  return [
    ...[...tree.share].map(([rel, content]) => ({ path: `${SHARE}/${rel}`, content })),
    ...[...(tree.local ?? [])].map(([rel, content]) => ({ path: `${LOCAL}/${rel}`, content })),
  ];
}

/** assertSameAsScripts compares our result with the postinst's conf and update-ca-certificates' directory. */
function assertSameAsScripts(ours: CaCertificatesResult, realConf: string, run: UpdateRun): void {
  const get = (path: string) => ours.entries.find((e) => e.path === path);
  assert.equal(get('/etc/ca-certificates.conf')?.content?.toString('utf8'), realConf, 'conf');
  const links = new Map(ours.entries.filter((e) => e.type === 'symlink').map((e) => [e.path.replace('/etc/ssl/certs/', ''), e.linkname]));
  assert.deepEqual(links, run.links, 'links in /etc/ssl/certs');
  const bundle = get('/etc/ssl/certs/ca-certificates.crt');
  assert.deepEqual(run.files, run.bundle === undefined ? [] : ['ca-certificates.crt']);
  if (run.bundle === undefined) assert.equal(bundle, undefined, 'no bundle without certificates');
  else assert.ok(bundle?.content?.equals(run.bundle), 'bundle bytes');
  const warned = [...run.stderr.matchAll(/^W: (.*) not found, but listed in .*$/gm)].map((m) => m[1]!.replace(/^.*?\/share\//, `${SHARE}/`));
  const missing = ours.skipped.filter((s) => s.reason.includes('but not found')).map((s) => s.path);
  assert.deepEqual(missing.sort(), warned.sort(), 'conf lines reported missing');
}

function check(tree: CertTree, opts: { existingConf?: string; keepCertsList?: boolean } = {}): CaCertificatesResult {
  const realConf = runPostinstConf(tree, opts);
  const run = runUpdateCaCertificates(tree, realConf);
  const ours = caCertificatesEntries({ certificates: inputs(tree), ...(opts.existingConf === undefined ? {} : { conf: opts.existingConf }) });
  assertSameAsScripts(ours, realConf, run);
  return ours;
}

let synthetic: CertTree | undefined;

/** syntheticTree is a tree with the cases the scripts treat specially (see each comment). */
function syntheticTree(): CertTree {
  if (synthetic !== undefined) return synthetic;
  const cert = (cn: string): Buffer => makeCertificate(`/CN=${cn}/O=Slipway Test`);
  const alpha = cert('Alpha');
  const gamma = cert('Gamma');
  const crlf = cert('CRLF').toString('latin1').replace(/\n/g, '\r\n');
  synthetic = {
    share: new Map<string, Buffer>([
      ['mozilla/Alpha.crt', alpha],
      ['mozilla/Dup_of_Gamma.crt', gamma], // same certificate: Gamma.pem, later in strcmp order, gets no hash link
      ['mozilla/Same1.crt', cert('Same')], // same subject: .0 and .1
      ['other/Same2.crt', cert('Same')],
      ['mozilla/Beta (Test), Inc.crt', cert('Beta')], // split at spaces and commas by the scripts
      ['1st.crt', cert('First')], // `uniq -c` + sed turn it into "!st.crt"
      ['x y.crt', cert('XY')], // split into "x" and "y.crt", so "y.crt" is counted 4 times
      ['y.crt', cert('Y')],
      ['mozilla/Paren(s).crt', cert('Parens')], // link name Paren=s=.pem
      ['sub/dir/Gamma.crt', gamma],
      ['mozilla/NoNewline.crt', cert('NoNewline').subarray(0, -1)],
      ['mozilla/CRLF.crt', Buffer.from(crlf, 'latin1')],
      ['mozilla/Junk.crt', Buffer.from('this is not a certificate')],
      ['mozilla/Empty.crt', Buffer.alloc(0)],
      ['Ünïcode_Ω.crt', cert('Unicode')],
      ['README.txt', Buffer.from('not a .crt file\n')],
      ['mozilla/Pem.pem', cert('Pem')],
    ]),
    local: new Map<string, Buffer>([
      ['Local.crt', cert('Local')],
      ['nested/Deep.crt', cert('Deep')],
      ['Alpha.crt', cert('Local Alpha')], // replaces the Alpha.pem link, both in the bundle
      ['skip.pem', cert('Skip')],
    ]),
  };
  return synthetic;
}

describe('caCertificatesEntries', () => {
  it('matches the postinst and update-ca-certificates on a copy of the host certificates', (t: TestContext) => {
    if (!requireTool(t, 'openssl', 'update-ca-certificates')) return;
    const tree = { share: readTree(SHARE) };
    const ours = check(tree, { keepCertsList: true });
    assert.ok(ours.entries.length > 2 * tree.share.size, 'a .pem and a hash link per certificate');
    assert.deepEqual(ours.skipped, []);
    const conf = ours.entries[0]!;
    assert.equal(conf.path, '/etc/ca-certificates.conf');
    assert.ok(conf.content!.toString('utf8').startsWith(CA_CERTIFICATES_CONF_HEADER));
  });

  it('matches the scripts on odd names, collisions, duplicates, local certificates and broken files', (t: TestContext) => {
    if (!requireTool(t, 'openssl', 'update-ca-certificates')) return;
    const ours = check(syntheticTree());
    const conf = ours.entries[0]!.content!.toString('utf8');
    assert.ok(conf.includes('\n!st.crt\n'), 'the 1st.crt quirk');
    const hashLinks = ours.entries.filter((e) => /\.\d$/.test(e.path));
    assert.ok(hashLinks.some((e) => e.path.endsWith('.1')), 'a collision');
    const reasons = new Map(ours.skipped.map((s) => [s.path, s.reason]));
    assert.match(reasons.get(`${SHARE}/sub/dir/Gamma.crt`) ?? '', /duplicate of the certificate in Dup_of_Gamma\.pem/);
    assert.match(reasons.get(`${SHARE}/mozilla/Junk.crt`) ?? '', /no hash link/);
    assert.match(reasons.get(`${SHARE}/mozilla/Alpha.crt`) ?? '', /replaced/);
    assert.match(reasons.get(`${SHARE}/mozilla/Beta (Test), Inc.crt`) ?? '', /not enabled/);
    assert.match(reasons.get(`${LOCAL}/skip.pem`) ?? '', /not named \*\.crt/);
  });

  it('merges an existing conf as the postinst does', (t: TestContext) => {
    if (!requireTool(t, 'openssl', 'update-ca-certificates')) return;
    const existingConf = [
      '# kept comment',
      '!mozilla/Alpha.crt',
      'mozilla/Gone.crt',
      'Local.crt',
      '   sub/dir/Gamma.crt  ',
      '',
      '!other/Same2.crt',
      'mozilla/CRLF.crt\r',
      'mozilla/Beta',
      'last-without-newline.crt',
    ].join('\n');
    check(syntheticTree(), { existingConf });
  });

  it('matches the scripts when there is no certificate at all', (t: TestContext) => {
    if (!requireTool(t, 'openssl', 'update-ca-certificates')) return;
    const ours = check({ share: new Map() });
    assert.equal(ours.entries.find((e) => e.path === '/etc/ssl/certs/ca-certificates.crt'), undefined);
  });

  it('returns entries sorted by path, with modes and /usr/local/share/ca-certificates as /usr/local is', () => {
    const local = caCertificatesEntries({ certificates: [{ path: `${LOCAL}/x.crt`, content: Buffer.from('x') }], usrLocal: { mode: 0o2775, uid: 0, gid: 50 } });
    const paths = local.entries.map((e) => e.path);
    assert.deepEqual(paths, [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    assert.deepEqual(local.entries.find((e) => e.path === LOCAL), { path: LOCAL, type: 'directory', mode: 0o2775, uid: 0, gid: 50 });
    assert.deepEqual(local.entries.find((e) => e.path === '/etc/ssl/certs/x.pem'), { path: '/etc/ssl/certs/x.pem', type: 'symlink', mode: 0o777, linkname: `${LOCAL}/x.crt` });
    assert.deepEqual(local.entries.find((e) => e.path === '/etc/ssl/certs/ca-certificates.crt')?.content, Buffer.from('x\n'));
    assert.equal(local.entries.find((e) => e.path === '/etc/ca-certificates.conf')?.mode, 0o644);
    assert.deepEqual(local.skipped, [{ path: `${LOCAL}/x.crt`, reason: 'no hash link: holds 0 certificates, CRLs or keys, not exactly one' }]);
  });
});

describe('pemLinkName', () => {
  it('names links as add() in update-ca-certificates does', () => {
    assert.equal(pemLinkName('/usr/share/ca-certificates/mozilla/A B,C(D).crt'), 'A_B_C=D=.pem');
    assert.equal(pemLinkName('/usr/local/share/ca-certificates/x.pem'), 'x.pem.pem');
    assert.equal(pemLinkName('/usr/share/ca-certificates/.crt'), '.crt.pem');
  });
});

describe('newConf', () => {
  it('keeps the scripts\' splitting and uniq -c marking', () => {
    const choices = debconfCertificateChoices(['b.crt', 'a b.crt', '1st.crt', 'a,b.crt', 'd/c.crt']);
    assert.deepEqual(choices, ['1st.crt', 'a', 'b.crt', 'a,b.crt', 'b.crt', 'd/c.crt']);
    const conf = newConf(choices, choices);
    assert.equal(conf, `${CA_CERTIFICATES_CONF_HEADER}!st.crt\n      4 a\n      6 b.crt\nd/c.crt\n`);
    assert.deepEqual(enabledConfLines(conf), ['4 a', '6 b.crt', 'd/c.crt']);
    // An empty enabled list still echoes one empty line, which uniq -c counts once: "!".
    assert.equal(newConf(['x.crt'], []), `${CA_CERTIFICATES_CONF_HEADER}!\n!x.crt\n`);
    assert.equal(newConf([], []), `${CA_CERTIFICATES_CONF_HEADER}\n`);
  });
});
