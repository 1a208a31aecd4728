// The JIT's compilers, in one module loaded apart from the rest of the engine: the lifter, the IR
// passes, the baseline wasm writer, the region translator and the compile worker's client. The
// baseline and opt tiers load it before they start; the adaptive tier on its first hot code, so
// a run that stays in T0 never loads it. Invariant: nothing here runs when imported.
export { compileBaselineModule } from '@ferry/backend-wasm/baseline';
export { discoverBlock, discoverRegion, liftBlock, liftRegion, loopHeadersBefore, staticSuccessors } from '@ferry/lift-riscv';
export { CompileClient } from './compile-client.js';
export { baselineBatch, liftHints, loadBackend, OPT_CODEGEN, OPT_PIPELINE, Translator } from './translator.js';
