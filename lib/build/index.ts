/**
 * build: the orchestrator. ImagePlan → inputs (globs, inline files, tarballs, accounts) →
 * one merged filesystem tree → layers → OCI image(s) → destination. May import every module
 * but frontend.
 */
export * from './build-image.js';
export { runtimeConfigJson, DEFAULT_PATH } from './runtime-config.js';
