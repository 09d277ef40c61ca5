/**
 * plan: ImagePlan, the typed IR between config frontends and the build backend, and its
 * small helpers (platforms, image paths). Plain readonly data, no I/O. Imports only core.
 */
export * from './image-plan.js';
export * from './platform.js';
export * from './paths.js';
export * from './apt-plan.js';
export * from './path-glob.js';
