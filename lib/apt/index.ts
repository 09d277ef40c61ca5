/**
 * apt: reading apt repositories as data, and the client that fetches them. deb822 stanzas
 * (the syntax of Packages, Release and `.sources` files), Release/InRelease content and
 * cleartext-signature splitting, the user's sources (one-line and deb822, including the
 * host's /etc/apt), Packages indices with lookups by package and provided name; and the
 * client: signed-by keys, verified Releases (signature, suite, validity, rollback), index
 * selection and verified fetching into the cache. May import core, fetch and openpgp; knows
 * nothing of OCI and does no version comparison or dependency solving (that is resolve's,
 * which imports these types).
 */
export * from './apt-format-error.js';
export { createStanza, foldField, formatStanzas, type Stanza, type StanzaField } from './stanza.js';
export * from './deb822.js';
export * from './release-date.js';
export * from './release.js';
export * from './strip-clearsign.js';
export * from './sources.js';
export * from './packages-index.js';
export * from './repository.js';
export * from './system-keys.js';
export * from './client-context.js';
export { acceptsSigner, loadKeyring, MAX_KEYRING_BYTES, type FingerprintFilter, type TrustedKeys } from './load-keyring.js';
export { requireGoodSignature, checkReleaseFields, checkRollback, CLOCK_SKEW_SECONDS, type Signer, type SignaturePolicy } from './release-checks.js';
export { acquireRelease, commitRelease, releaseBaseUrl, MAX_RELEASE_BYTES, type AcquireOptions, type VerifiedRelease } from './acquire-release.js';
export * from './index-targets.js';
export * from './fetch-index.js';
export * from './index-table.js';
export * from './load-packages.js';
export * from './update-repositories.js';
export * from './sources-index.js';
