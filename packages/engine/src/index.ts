// @ferry/engine: runs guest programs: the dispatch loop over exits, code caches and their
// invalidation, and (with the JIT tiers) the tiering controller. Tools a plain run does not need
// are subpaths, so `ferry run` never initialises them: @ferry/engine/check, /inspect, /profile,
// /snippet (code snippets run synchronously, with the disassembler loaded up front).
export * from './run.js';
export * from './wasm-flags.js';
export * from './tiers.js';
export * from './stats.js';
export * from './decode-cache.js';
export * from './capture.js';
export { sameModuleLinks, type ModuleUnit } from './jit/links.js';
export { pagesOf } from './jit/code-cache.js';
