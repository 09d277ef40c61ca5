/**
 * resolve: Debian versions and package relationships now; the dependency solver and the
 * lockfile later (issue 5). Pure: takes strings and data, returns data, touches no files or
 * network. Imports values only from core, and only `import type` from apt (its records and
 * indices); nothing of OCI, layers or the build.
 */
export * from './debian-version.js';
export * from './relation.js';
export * from './universe.js';
export { DepCache, candidateOf, isEssential, type Reason, type Rejection } from './dep-cache.js';
export * from './resolve-error.js';
export * from './resolve-packages.js';
export * from './lockfile.js';
export * from './explain.js';
