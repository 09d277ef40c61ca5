/**
 * deb: Debian binary packages read as streams: an ar reader of our own, control.tar read
 * into {@link ControlFiles} and the control stanza into fields, data.tar as a stream of
 * {@link DebEntry} values with hostile paths, links and sizes refused. Nothing is written
 * to disk and no maintainer script is run.
 *
 * Also the dpkg database of installed packages (status, info/*.list, .md5sums, .conffiles,
 * triggers), as text files for the build to place in an image.
 *
 * Imports only core (and tar-stream). Knows nothing of layers or OCI: deb yields entries and
 * files, layer consumes entries, build adapts between them.
 */
export { readAr, type ArMember, type ReadArOptions } from './read-ar.js';
export { dataCapFromInstalledSize, readDeb, type DebPart, type ReadDebOptions } from './read-deb.js';
export type { GeneratedEntry } from './generated-entry.js';
export { MAINTAINER_SCRIPTS, type ControlFiles, type MaintainerScript } from './read-control-files.js';
export type { DebEntry, DebEntryType } from './read-data-entries.js';
export { parseControl, REQUIRED_CONTROL_FIELDS, type ControlFields } from './parse-control.js';
export { MAX_DEB_CONTROL_BYTES, MAX_DEB_DATA_BYTES, MAX_DEB_MEMBER_BYTES, MAX_DEBIAN_BINARY_BYTES } from './deb-limits.js';
export { dpkgDatabaseFiles, dpkgListPaths, DPKG_ADMIN_DIR, type DatabaseFile, type DatabaseForm, type InstalledConffile, type InstalledPackage } from './dpkg-database.js';
export { readAlternativeInstalls, alternativesEntries, ALTERNATIVES_DIR, ALTERNATIVES_ADMIN_DIR, type AlternativeInstall, type AlternativeSlave } from './alternatives.js';
export { accountFiles, SHADOW_GID, type AccountFilesInput, type UserInput, type GroupInput } from './account-files.js';
export { caCertificatesEntries, pemLinkName, CA_BUNDLE, CA_CERTIFICATES_CONF, CA_CERTIFICATES_DIR, ETC_CERTS_DIR, LOCAL_CA_CERTIFICATES_DIR, type CaCertificateInput, type CaCertificatesOptions, type CaCertificatesResult, type CaCertificatesSkip } from './ca-certificates.js';
export { opensslSubjectHash } from './x509-name.js';
