// Everything the JIT tiers need at run time, in one module the run loop imports only when a tier
// translates code, so interpreter runs never load the lifter, the IR passes or the wasm writer.
export { AdaptiveExecutor } from './adaptive.js';
export { CodeCache } from './code-cache.js';
export { installPreloaded } from './preload.js';
export { loadBackend, OPT_CODEGEN, Translator } from './translator.js';

type Backend = Awaited<ReturnType<typeof import('./translator.js').loadBackend>>;

/** The JIT modules plus, for tiers that compile with binaryen on this thread (opt), its backend. */
export type JitSupport = typeof import('./index.js') & { backend?: Backend };
