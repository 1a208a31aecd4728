// Runtime helpers that generated wasm imports from module "ferry". Defined once here: the
// backend declares the imports from this table, the runtime implements exactly these.
// Memory slow paths may throw a guest fault (a JS exception that unwinds to the dispatcher);
// the pc argument names the faulting instruction so the report is precise.

export type WasmValType = 'i32' | 'i64' | 'f32' | 'f64';

export interface HelperSignature {
  params: readonly WasmValType[];
  result: WasmValType | 'none';
  doc: string;
  /** The state-block slots it may read or write: every one, or only fflags (the FP helpers, which
   *  get the rounding mode as an argument and only accrue flags), so IR passes may keep other
   *  slots' values across a call. Registers are never touched. */
  state: 'all' | 'fflags';
}

const h = (params: readonly WasmValType[], result: WasmValType | 'none', doc: string, state: HelperSignature['state'] = 'all'): HelperSignature => ({
  params,
  result,
  doc,
  state,
});
/** An FP helper: touches only the fflags slot. */
const fp = (params: readonly WasmValType[], result: WasmValType | 'none', doc: string): HelperSignature => h(params, result, doc, 'fflags');

/** FP helpers take raw bit patterns (i64; singles in the low 32 bits, unboxed) and an effective
 *  rounding mode 0..4, accrue fflags into the state block, and return raw bits. */
export const HELPERS = {
  load_slow: h(['i64', 'i32', 'i64'], 'i64', '(address, size in bytes, pc) -> zero-extended value'),
  store_slow: h(['i64', 'i32', 'i64', 'i64'], 'none', '(address, size in bytes, value, pc)'),
  fetch_slow: h(['i64'], 'i32', '(pc) -> 32 bits at pc (upper half zero if only 2 bytes are executable)'),
  read_time: h([], 'i64', 'the time CSR: nanoseconds of a monotonic clock'),
  // Exit coalescing: generated code that has written the exit record (exitCode/exitPc/pc and the
  // retired count) may offer the exit to the runtime in place. 0: the runtime served it and the
  // guest continues at the state block's pc without leaving wasm; otherwise the runtime declined
  // (nothing changed) and the code must leave with the returned exit code as usual.
  serve_exit: h(['i32'], 'i32', '(exit code) -> 0 when served in place (continue at pc), else the exit code to leave with'),

  // Binary arithmetic: (a, b, rm) -> result. Suffix s = single, d = double.
  fadd_s: fp(['i64', 'i64', 'i32'], 'i64', 'single add'),
  fsub_s: fp(['i64', 'i64', 'i32'], 'i64', 'single subtract'),
  fmul_s: fp(['i64', 'i64', 'i32'], 'i64', 'single multiply'),
  fdiv_s: fp(['i64', 'i64', 'i32'], 'i64', 'single divide'),
  fadd_d: fp(['i64', 'i64', 'i32'], 'i64', 'double add'),
  fsub_d: fp(['i64', 'i64', 'i32'], 'i64', 'double subtract'),
  fmul_d: fp(['i64', 'i64', 'i32'], 'i64', 'double multiply'),
  fdiv_d: fp(['i64', 'i64', 'i32'], 'i64', 'double divide'),
  fsqrt_s: fp(['i64', 'i32'], 'i64', 'single square root'),
  fsqrt_d: fp(['i64', 'i32'], 'i64', 'double square root'),
  // Fused multiply-add, one rounding: (a, b, c, rm, negate-product, negate-addend) -> a*b+c with signs.
  fma_s: fp(['i64', 'i64', 'i64', 'i32', 'i32', 'i32'], 'i64', 'single fused multiply-add'),
  fma_d: fp(['i64', 'i64', 'i64', 'i32', 'i32', 'i32'], 'i64', 'double fused multiply-add'),
  // min/max (a, b, isMax) with the 2019 IEEE minimumNumber rules RISC-V uses.
  fminmax_s: fp(['i64', 'i64', 'i32'], 'i64', 'single min (0) or max (1)'),
  fminmax_d: fp(['i64', 'i64', 'i32'], 'i64', 'double min (0) or max (1)'),
  // Comparisons (a, b, kind: 0 eq, 1 lt, 2 le) -> 0 or 1; set NV as the spec says.
  fcmp_s: fp(['i64', 'i64', 'i32'], 'i64', 'single compare'),
  fcmp_d: fp(['i64', 'i64', 'i32'], 'i64', 'double compare'),
  fclass_s: fp(['i64'], 'i64', 'single classify, a one-hot 10-bit mask'),
  fclass_d: fp(['i64'], 'i64', 'double classify, a one-hot 10-bit mask'),
  // Float to integer: (a, rm, kind: 0 w, 1 wu, 2 l, 3 lu) -> integer (w/wu sign-extended to 64).
  fcvt_int_s: fp(['i64', 'i32', 'i32'], 'i64', 'single to integer, saturating, NV/NX flags'),
  fcvt_int_d: fp(['i64', 'i32', 'i32'], 'i64', 'double to integer, saturating, NV/NX flags'),
  // Integer to float: (a, rm, kind: 0 w, 1 wu, 2 l, 3 lu) -> float bits.
  fcvt_s_int: fp(['i64', 'i32', 'i32'], 'i64', 'integer to single'),
  fcvt_d_int: fp(['i64', 'i32', 'i32'], 'i64', 'integer to double'),
  fcvt_s_d: fp(['i64', 'i32'], 'i64', 'double to single'),
  fcvt_d_s: fp(['i64', 'i32'], 'i64', 'single to double'),
} as const satisfies Record<string, HelperSignature>;

export type HelperName = keyof typeof HELPERS;
export const HELPER_MODULE = 'ferry';
export const MEMORY_IMPORT = { module: 'ferry', name: 'memory' } as const;
