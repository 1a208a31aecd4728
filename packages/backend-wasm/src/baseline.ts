// @ferry/backend-wasm/baseline: the baseline tier's compiler, which writes wasm directly (no
// binaryen, so the engine imports it on the main thread at no load cost). Each IR function (a
// forward-only CFG: one guest block) becomes one () -> i32 function laid out by jit-functions.ts,
// exactly as compileJitModule lays it out for binaryen, without optimization.
// Invariant: nothing reachable from this file imports binaryen.
import type { Func } from '@ferry/ir';
import { addJitFunctions, type JitFunctionOptions, type JitModule } from './jit-functions.js';
import { WasmWriter } from './wasm-writer/index.js';
import { HINT_EAGER_OPTIMIZED } from './wasm-writer/module-writer.js';

export { TABLE_IMPORT, type DirectLinks, type JitFunctionOptions, type JitModule } from './jit-functions.js';

/** Compiles a batch of lifted blocks into one module; exports are in input order. `links` lets
 *  blocks tail-call each other directly. */
export function compileBaselineModule(funcs: readonly Func[], options: Omit<JitFunctionOptions, 'promoteRegisters'> = {}): JitModule {
  return compileDirectModule(funcs, { ...options, promoteRegisters: false });
}

/** Compiles IR functions (blocks, or regions with loops) into one module without binaryen;
 *  `promoteRegisters` keeps guest registers in locals as the optimizing tier does; `eagerTopTier`
 *  asks V8 (compilation hints) to compile every function with TurboFan when the module is made. */
export function compileDirectModule(funcs: readonly Func[], options: JitFunctionOptions & { eagerTopTier?: boolean } = {}): JitModule {
  const writer = new WasmWriter();
  if (options.eagerTopTier) writer.compilationHint = HINT_EAGER_OPTIMIZED;
  const exports = addJitFunctions(writer, funcs, options);
  return { binary: writer.emitBinary(), exports };
}
