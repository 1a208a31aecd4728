// What the JIT tiers need at run time, in one module the run loop imports only when a tier
// translates code (interpreter runs never load it): the code cache, the adaptive executor and
// AOT installation, which are light, and loadCompilers for the heavy part (lifter, IR passes,
// wasm writers), which the adaptive tier loads only when some code gets hot.
export { AdaptiveExecutor } from './adaptive.js';
export { CodeCache } from './code-cache.js';
export { installPreloaded } from './preload.js';

export type Compilers = typeof import('./compilers.js');
export const loadCompilers = (): Promise<Compilers> => import('./compilers.js');

type Backend = Awaited<ReturnType<Compilers['loadBackend']>>;

/** The JIT modules; the compilers when loaded up front (always for baseline and opt) and, for
 *  tiers that compile with binaryen on this thread (opt), its backend. */
export type JitSupport = typeof import('./index.js') & { compilers?: Compilers; backend?: Backend };
