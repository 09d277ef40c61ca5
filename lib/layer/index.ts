/**
 * layer: filesystem entries → deterministic tar → compressed, content-addressed layer blob.
 * Also the one-tree merge that finds conflicts before anything is written. Imports only core; knows nothing of Debian, and of OCI only what a layer is.
 */
export * from './layer-entry.js';
export * from './tar-writer.js';
export * from './compress.js';
export * from './write-layer.js';
export * from './fs-tree.js';
