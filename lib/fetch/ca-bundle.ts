/**
 * The CA certificates https trusts: Node's bundled roots, the operating system's CA bundle and
 * the file NODE_EXTRA_CA_CERTS names. Node 20 trusts only its bundled list (and
 * NODE_EXTRA_CA_CERTS, but only while no `ca` is given), so a private CA installed in the
 * system store would be refused; apt trusts the system store, and so does slipway.
 * See docs/decisions.md ("https trust").
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/**
 * SYSTEM_CA_BUNDLES are where operating systems keep their CA bundle, most common first:
 * Debian, Ubuntu and Alpine; Fedora and RHEL; macOS and the BSDs.
 */
export const SYSTEM_CA_BUNDLES: readonly string[] = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g;

/** fileCerts caches, per path, the certificates a PEM file holds; undefined when it cannot be read. */
const fileCerts = new Map<string, readonly string[] | undefined>();

/**
 * readCerts returns the PEM certificates in the file at `path`, reading it once per process;
 * undefined when it is missing or unreadable. Read synchronously: it happens once, when the
 * first https connection is made, and the files are small configuration, not data.
 */
function readCerts(path: string): readonly string[] | undefined {
  if (fileCerts.has(path)) return fileCerts.get(path);
  let certs: readonly string[] | undefined;
  try {
    certs = readFileSync(path, 'utf8').match(PEM_CERTIFICATE) ?? [];
  } catch {
    certs = undefined;
  }
  fileCerts.set(path, certs);
  return certs;
}

/** CaSources are the files {@link systemCaCertificates} reads for an environment. */
interface CaSources {
  /** bundle is the system bundle used: the first readable of $SSL_CERT_FILE and {@link SYSTEM_CA_BUNDLES}. */
  readonly bundle: string | undefined;
  /** extra is $NODE_EXTRA_CA_CERTS when set and readable. */
  readonly extra: string | undefined;
}

function caSources(env: NodeJS.ProcessEnv): CaSources {
  const candidates = [env['SSL_CERT_FILE'], ...SYSTEM_CA_BUNDLES].filter((p): p is string => !!p);
  const extra = env['NODE_EXTRA_CA_CERTS'];
  return { bundle: candidates.find((p) => readCerts(p) !== undefined), extra: extra && readCerts(extra) !== undefined ? extra : undefined };
}

/** certKey is a certificate's base64 body without line breaks: the same certificate wrapped differently has the same key. */
function certKey(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
}

/**
 * systemCaCertificates returns the PEM certificates an https connection trusts, each once, in
 * this order: Node's bundled roots (`tls.rootCertificates`), the system bundle (the first of
 * $SSL_CERT_FILE, /etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt and
 * /etc/ssl/cert.pem that can be read), and the file $NODE_EXTRA_CA_CERTS names. Files are read
 * once per process; missing or unreadable ones are skipped.
 */
export function systemCaCertificates(env: NodeJS.ProcessEnv = process.env): string[] {
  const { bundle, extra } = caSources(env);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pem of [...rootCertificates, ...(bundle ? readCerts(bundle)! : []), ...(extra ? readCerts(extra)! : [])]) {
    const key = certKey(pem);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(pem);
  }
  return out;
}

/** contexts caches one SecureContext per set of files read. */
const contexts = new Map<string, SecureContext>();

/**
 * systemSecureContext is a TLS context that trusts {@link systemCaCertificates}, made once per
 * process for each set of files: building one from a few hundred certificates takes tens of
 * milliseconds, too much to repeat for every connection.
 */
export function systemSecureContext(env: NodeJS.ProcessEnv = process.env): SecureContext {
  const { bundle, extra } = caSources(env);
  const key = `${bundle ?? ''}\0${extra ?? ''}`;
  let context = contexts.get(key);
  if (!context) contexts.set(key, (context = createSecureContext({ ca: systemCaCertificates(env) })));
  return context;
}
