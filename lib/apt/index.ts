/**
 * apt: reading apt repositories as data. deb822 stanzas (the syntax of Packages, Release and
 * `.sources` files), Release/InRelease content and cleartext-signature splitting, the user's
 * sources (one-line and deb822, including the host's /etc/apt), and Packages indices with
 * lookups by package and provided name. May import core and fetch only; knows nothing of OCI
 * and does no version comparison or dependency solving (that is resolve's, which imports
 * these types).
 */
export * from './apt-format-error.js';
export { createStanza, foldField, formatStanzas, type Stanza, type StanzaField } from './stanza.js';
export * from './deb822.js';
export * from './release-date.js';
export * from './release.js';
export * from './strip-clearsign.js';
export * from './sources.js';
export * from './packages-index.js';
