// @ferry/aot: whole-binary translation of a guest ELF to one wasm module with a manifest, the
// loader that checks a module against the ELF before the engine installs it, the persistent
// translation cache and run profiles. Loading a module needs neither binaryen nor the lifter:
// compileAot imports them (and discovery, regions, jump tables: see discover.ts) when it starts.
export * from './guest-image.js';
export * from './options.js';
export * from './manifest.js';
export * from './version.js';
export * from './compile.js';
export * from './load.js';
export * from './cache.js';
export * from './profile.js';
