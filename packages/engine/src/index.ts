// @ferry/engine: runs guest programs: the dispatch loop over exits, code caches and their
// invalidation, and (with the JIT tiers) the tiering controller.
export * from './run.js';
export * from './tiers.js';
export * from './stats.js';
export * from './decode-cache.js';
export * from './capture.js';
export * from './snippet.js';
