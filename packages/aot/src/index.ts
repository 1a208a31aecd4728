// @ferry/aot: whole-binary translation of a guest ELF to one wasm module with a manifest, the
// loader that checks a module against the ELF before the engine installs it, the persistent
// translation cache and run profiles. Loading never needs binaryen; compiling imports it lazily.
export * from './guest-image.js';
export * from './jump-tables.js';
export * from './discover.js';
export * from './regions.js';
export * from './manifest.js';
export * from './version.js';
export * from './compile.js';
export * from './load.js';
export * from './cache.js';
export * from './profile.js';
