/**
 * ca-certificates: what `dpkg --configure ca-certificates` leaves behind on a fresh install,
 * computed from the certificate files instead of running the maintainer scripts: the postinst's
 * /etc/ca-certificates.conf (debconf defaults: every certificate trusted), and the
 * `update-ca-certificates --hooksdir ""` run it makes: one `<name>.pem` symlink per certificate
 * in /etc/ssl/certs, the `openssl rehash` links `<subject hash>.<n>` beside them and the bundle
 * /etc/ssl/certs/ca-certificates.crt. Hooks in /etc/ca-certificates/update.d are not run.
 */
import { posix } from 'node:path';
import type { GeneratedEntry } from './generated-entry.js';
import { compareBytes, debconfCertificateChoices, debconfEnabledCertificates, enabledConfLines, mergedConf, newConf } from './ca-certificates-conf.js';
import { opensslRehash } from './openssl-rehash.js';

/** CaCertificateInput is one certificate file of the image: its absolute path and its bytes. */
export interface CaCertificateInput {
  /** Absolute path in the image, e.g. `/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt`. */
  readonly path: string;
  readonly content: Buffer;
}

/** CaCertificatesOptions are the certificates and what the image already holds. */
export interface CaCertificatesOptions {
  /** Regular files under /usr/share/ca-certificates and /usr/local/share/ca-certificates (others are only found by conf lines). */
  readonly certificates: readonly CaCertificateInput[];
  /** An /etc/ca-certificates.conf already in the image; the postinst merges it instead of writing a new one. */
  readonly conf?: string;
  /** Mode and owner of the image's /usr/local, which the postinst copies to /usr/local/share/ca-certificates (default 0o755 root:root). */
  readonly usrLocal?: { readonly mode: number; readonly uid: number; readonly gid: number };
}

/** CaCertificatesSkip is a certificate file, or a conf line's path, that got no hash link, and why. */
export interface CaCertificatesSkip {
  readonly path: string;
  readonly reason: string;
}

/** CaCertificatesResult is the generated entries, sorted by path, and what was left out. */
export interface CaCertificatesResult {
  /** /etc/ca-certificates.conf, /etc/ssl/certs/*.pem and hash links, the bundle, /usr/local/share/ca-certificates. */
  readonly entries: readonly GeneratedEntry[];
  readonly skipped: readonly CaCertificatesSkip[];
}

/** CA_CERTIFICATES_DIR is where packages install certificates (update-ca-certificates CERTSDIR). */
export const CA_CERTIFICATES_DIR = '/usr/share/ca-certificates';
/** LOCAL_CA_CERTIFICATES_DIR holds the administrator's certificates, always trusted (LOCALCERTSDIR). */
export const LOCAL_CA_CERTIFICATES_DIR = '/usr/local/share/ca-certificates';
/** ETC_CERTS_DIR receives the links and the bundle (ETCCERTSDIR). */
export const ETC_CERTS_DIR = '/etc/ssl/certs';
/** CA_CERTIFICATES_CONF is the list of enabled and disabled certificates (CERTSCONF). */
export const CA_CERTIFICATES_CONF = '/etc/ca-certificates.conf';
/** CA_BUNDLE is the concatenation of every trusted certificate (ETCCERTSDIR/CERTBUNDLE). */
export const CA_BUNDLE = `${ETC_CERTS_DIR}/ca-certificates.crt`;

/** relativeTo is `path` below directory `dir`, or undefined when it is not strictly inside it. */
function relativeTo(dir: string, path: string): string | undefined {
  return path.startsWith(`${dir}/`) && path.length > dir.length + 1 ? path.slice(dir.length + 1) : undefined;
}

/** pemLinkName is the name add() gives a certificate's link: its basename less `.crt`, with ` ` and `,` as `_` and parentheses as `=`, plus `.pem`. */
export function pemLinkName(certPath: string): string {
  const base = posix.basename(certPath);
  const stem = base !== '.crt' && base.endsWith('.crt') ? base.slice(0, -4) : base;
  return `${stem.replace(/[ ,]/g, '_').replace(/[()]/g, '=')}.pem`;
}

/**
 * caCertificatesEntries computes the files and links `dpkg --configure ca-certificates` makes on
 * a fresh install from `certificates` (see the module comment). Pure: it reads only its input.
 * Certificates that get no link or are not listed are reported in `skipped`, never thrown.
 */
export function caCertificatesEntries(options: CaCertificatesOptions): CaCertificatesResult {
  const files = new Map<string, Buffer>();
  for (const c of options.certificates) files.set(posix.normalize(c.path), c.content);
  const skipped: CaCertificatesSkip[] = [];
  const shared = [...files.keys()].flatMap((p) => {
    const rel = relativeTo(CA_CERTIFICATES_DIR, p);
    return rel !== undefined && posix.basename(rel).endsWith('.crt') ? [rel] : [];
  });
  const choices = debconfCertificateChoices(shared);
  const enabled = debconfEnabledCertificates(choices, options.conf);
  const exists = (rel: string): boolean => [CA_CERTIFICATES_DIR, LOCAL_CA_CERTIFICATES_DIR].some((d) => files.has(posix.normalize(`${d}/${rel}`)) && rel !== '');
  const conf = options.conf === undefined ? newConf(choices, enabled) : mergedConf(options.conf, choices, enabled, exists);

  // update-ca-certificates: conf lines first, then the local directory's *.crt files in sorted order.
  const added: string[] = [];
  for (const crt of enabledConfLines(conf)) {
    const path = `${CA_CERTIFICATES_DIR}/${crt}`;
    if (crt !== '' && files.has(posix.normalize(path))) added.push(path);
    else skipped.push({ path, reason: `listed in ${CA_CERTIFICATES_CONF} but not found` });
  }
  const local = [...files.keys()].filter((p) => relativeTo(LOCAL_CA_CERTIFICATES_DIR, p) !== undefined && posix.basename(p).endsWith('.crt'));
  added.push(...local.sort(compareBytes));

  const links = new Map<string, string>(); // ln -sf: a later certificate with the same link name wins
  const bundle: Buffer[] = [];
  for (const path of added) {
    links.set(pemLinkName(path), path);
    bundle.push(bundleText(files.get(posix.normalize(path))!));
  }
  const used = new Set([...added.map((p) => posix.normalize(p))]);
  for (const p of files.keys()) if (!used.has(p)) skipped.push({ path: p, reason: unusedReason(p) });
  for (const path of added) {
    if (links.get(pemLinkName(path)) !== path) skipped.push({ path, reason: `its link ${ETC_CERTS_DIR}/${pemLinkName(path)} was replaced by a later certificate` });
  }

  const rehash = opensslRehash([...links].map(([name, path]) => ({ name, content: files.get(posix.normalize(path))! })));
  for (const s of rehash.skipped) skipped.push({ path: links.get(s.name)!, reason: `no hash link: ${s.reason}` });

  const entries: GeneratedEntry[] = [{ path: CA_CERTIFICATES_CONF, type: 'file', mode: 0o644, content: Buffer.from(conf, 'utf8') }];
  entries.push(localDirEntry(options, local.length > 0));
  for (const [name, target] of links) entries.push({ path: `${ETC_CERTS_DIR}/${name}`, type: 'symlink', mode: 0o777, linkname: target });
  for (const l of rehash.links) entries.push({ path: `${ETC_CERTS_DIR}/${l.name}`, type: 'symlink', mode: 0o777, linkname: l.target });
  if (added.length > 0) entries.push({ path: CA_BUNDLE, type: 'file', mode: 0o644, content: Buffer.concat(bundle) });
  entries.sort((a, b) => compareBytes(a.path, b.path));
  skipped.sort((a, b) => compareBytes(a.path, b.path) || (a.reason < b.reason ? -1 : 1));
  return { entries, skipped };
}

/** bundleText is `sed -e '$a\'` on a certificate: its bytes, with a newline added when the last line has none. */
function bundleText(content: Buffer): Buffer {
  return content.length > 0 && content[content.length - 1] !== 0x0a ? Buffer.concat([content, Buffer.from('\n')]) : content;
}

function unusedReason(path: string): string {
  if (relativeTo(CA_CERTIFICATES_DIR, path) !== undefined) return `not enabled in ${CA_CERTIFICATES_CONF}`;
  if (relativeTo(LOCAL_CA_CERTIFICATES_DIR, path) !== undefined) return 'not named *.crt';
  return `not under ${CA_CERTIFICATES_DIR} or ${LOCAL_CA_CERTIFICATES_DIR}`;
}

/**
 * localDirEntry is the postinst's /usr/local/share/ca-certificates: made with /usr/local's mode
 * and group when missing, or given /usr/local's mode and owner when it already holds certificates.
 */
function localDirEntry(options: CaCertificatesOptions, present: boolean): GeneratedEntry {
  const usrLocal = options.usrLocal ?? { mode: 0o755, uid: 0, gid: 0 };
  return { path: LOCAL_CA_CERTIFICATES_DIR, type: 'directory', mode: usrLocal.mode, uid: present ? usrLocal.uid : 0, gid: usrLocal.gid };
}
