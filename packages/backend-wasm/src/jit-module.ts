// Compiles a batch of translated guest code into one wasm module through binaryen (the optimizing
// tier: registers in locals, binaryen's optimizer). The functions themselves are laid out by
// jit-functions.ts, shared with the baseline tier's direct writer (baseline.ts).
import type { Func } from '@ferry/ir';
import { addJitFunctions, type JitFunctionOptions, type JitModule } from './jit-functions.js';
import { WasmModuleBuilder } from './module.js';

export { TABLE_IMPORT, type DirectLinks, type JitModule } from './jit-functions.js';

export interface JitOptions extends JitFunctionOptions {
  /** binaryen passes to run ([] = none); undefined = binaryen's -O2. */
  passes?: string[];
}

export function compileJitModule(funcs: readonly Func[], options: JitOptions = {}, withText = false): JitModule {
  const mb = new WasmModuleBuilder();
  const exports = addJitFunctions(mb, funcs, options);
  if (!mb.validate()) throw new Error(`internal error: JIT module for ${funcs.map((f) => f.name).join(', ')} does not validate`);
  if (options.passes === undefined) mb.optimize(2, 0);
  else if (options.passes.length) mb.runPasses(options.passes);
  const result: JitModule = { binary: mb.emitBinary(), exports };
  if (withText) result.text = mb.emitText();
  mb.dispose();
  return result;
}
