/**
 * build: the orchestrator. ImagePlan → inputs (globs, inline files, tarballs, accounts) →
 * one merged filesystem tree → layers → OCI image(s) → destination. May import every module
 * but frontend.
 */
export * from './build-image.js';
export { runtimeConfigJson, DEFAULT_PATH } from './runtime-config.js';
export { updateApt, type AptUpdateOptions, type AptUpdateResult, type AptRepositoryReport } from './update-apt.js';
export { aptRepositoriesFromPlan, type AptRepositoriesOptions } from './apt-repositories.js';
export { debianArchitecture } from './debian-architecture.js';
export type { FetchProgress, FetchStats } from '../fetch/index.js';
export { resolveApt, lockRequestOf, lockfilePath, readLockfile, writeLockfile, lockDifferences, type AptResolveResult } from './resolve-apt.js';
export { explainPackage, formatLockfile, type Lockfile, type LockedPackage, type WhyStep, type Resolution, type ResolvedPackage } from '../resolve/index.js';
