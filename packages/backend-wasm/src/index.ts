// @ferry/backend-wasm: Ferry IR to WebAssembly through binaryen, with guest memory accesses going
// through the inline shadow-table fast path; plus the generic pieces of the T0 interpreter (a
// bit-pattern decoder and a decode-cache dispatch loop) that `interp` feeds with the isa table and
// the lifter's IR. The only package that imports binaryen.
export * from './module.js';
export * from './emit.js';
export * from './packing.js';
export { addDecoder, FILL_FUNCTION, type BitField, type BitSlice, type DecoderRow, type DecoderSlot } from './pattern-decoder.js';
export {
  addInterpreter, DISPATCH_COUNT_EXPORT, PC_COUNTS, PROFILE_EVICT_IMPORT, RUN_EXPORT, SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS,
  type InterpreterCase, type InterpreterOptions,
} from './dispatch-loop.js';
export { packedLayout, type FusedOperand, type FusedPart, type FusedRow } from './fused-rows.js';
export type { LoadKind } from './guest-memory.js';
export { compileJitModule, TABLE_IMPORT, type DirectLinks, type JitModule, type JitOptions } from './jit-module.js';
