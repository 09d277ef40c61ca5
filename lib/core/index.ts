/**
 * core: errors and their code table, digests and verifying streams, canonical JSON, atomic
 * writes, the build clock, limits and name suggestions. Imports nothing from slipway; every
 * other module may import it.
 */
export * from './errors.js';
export * from './digest.js';
export * from './blob.js';
export * from './canonical-json.js';
export * from './atomic.js';
export * from './clock.js';
export * from './limits.js';
export * from './suggest.js';
export * from './decompress.js';
