// Exact IEEE-754 helpers for the RISC-V F and D extensions, one per FP entry of the abi HELPERS
// table, with the same names and parameter lists. Called from WebAssembly: i64 arguments arrive
// as bigint (singles unboxed, in the low 32 bits), i32 arguments as number (rm is an effective
// mode 0..4); every helper returns the raw result bits as an unsigned 64-bit bigint, singles
// zero-extended. Flags an operation raises are passed to `accrue` once, only when nonzero.
import type { HelperName } from '@ferry/abi';
import { raised } from './bits.js';
import { addSingle, mulSingle, divSingle, sqrtSingle, addDouble, mulDouble, divDouble, sqrtDouble } from './arith.js';
import { fmaSingle, fmaDouble } from './fma.js';
import { minMaxSingle, minMaxDouble, compareSingle, compareDouble, classSingle, classDouble } from './compare.js';
import { singleToInt, doubleToInt, intToSingle, intToDouble, doubleToSingle, singleToDouble } from './convert.js';

export { IntKind } from './convert.js';
export { CompareKind } from './compare.js';

type Binary = (a: bigint, b: bigint, rm: number) => bigint;
type Unary = (a: bigint, rm: number) => bigint;
type Fused = (a: bigint, b: bigint, c: bigint, rm: number, negateProduct: number, negateAddend: number) => bigint;
type WithKind = (a: bigint, b: bigint, kind: number) => bigint;
type Classify = (a: bigint) => bigint;
type Convert = (a: bigint, rm: number, kind: number) => bigint;

export interface FpuHelpers {
  fadd_s: Binary; fsub_s: Binary; fmul_s: Binary; fdiv_s: Binary;
  fadd_d: Binary; fsub_d: Binary; fmul_d: Binary; fdiv_d: Binary;
  fsqrt_s: Unary; fsqrt_d: Unary;
  fma_s: Fused; fma_d: Fused;
  fminmax_s: WithKind; fminmax_d: WithKind;
  fcmp_s: WithKind; fcmp_d: WithKind;
  fclass_s: Classify; fclass_d: Classify;
  fcvt_int_s: Convert; fcvt_int_d: Convert; fcvt_s_int: Convert; fcvt_d_int: Convert;
  fcvt_s_d: Unary; fcvt_d_s: Unary;
}

/** Names of the FP helpers, each of which must be a name in the abi HELPERS table. */
export type FpuHelperName = keyof FpuHelpers & HelperName;

/** The FP helper implementations; `accrue` receives the fflags bits each call raises (never 0). */
export function makeFpuHelpers(accrue: (flags: number) => void): FpuHelpers {
  /** Run one operation with a cleared flag accumulator, then report what it raised. */
  const report = (result: bigint): bigint => {
    const flags = raised.flags;
    if (flags !== 0) {
      raised.flags = 0;
      accrue(flags);
    }
    return result;
  };
  return {
    fadd_s: (a, b, rm) => report(addSingle(a, b, rm, false)),
    fsub_s: (a, b, rm) => report(addSingle(a, b, rm, true)),
    fmul_s: (a, b, rm) => report(mulSingle(a, b, rm)),
    fdiv_s: (a, b, rm) => report(divSingle(a, b, rm)),
    fadd_d: (a, b, rm) => report(addDouble(a, b, rm, false)),
    fsub_d: (a, b, rm) => report(addDouble(a, b, rm, true)),
    fmul_d: (a, b, rm) => report(mulDouble(a, b, rm)),
    fdiv_d: (a, b, rm) => report(divDouble(a, b, rm)),
    fsqrt_s: (a, rm) => report(sqrtSingle(a, rm)),
    fsqrt_d: (a, rm) => report(sqrtDouble(a, rm)),
    fma_s: (a, b, c, rm, np, na) => report(fmaSingle(a, b, c, rm, np !== 0, na !== 0)),
    fma_d: (a, b, c, rm, np, na) => report(fmaDouble(a, b, c, rm, np !== 0, na !== 0)),
    fminmax_s: (a, b, isMax) => report(minMaxSingle(a, b, isMax)),
    fminmax_d: (a, b, isMax) => report(minMaxDouble(a, b, isMax)),
    fcmp_s: (a, b, kind) => report(compareSingle(a, b, kind)),
    fcmp_d: (a, b, kind) => report(compareDouble(a, b, kind)),
    fclass_s: (a) => classSingle(a),
    fclass_d: (a) => classDouble(a),
    fcvt_int_s: (a, rm, kind) => report(singleToInt(a, rm, kind)),
    fcvt_int_d: (a, rm, kind) => report(doubleToInt(a, rm, kind)),
    fcvt_s_int: (a, rm, kind) => report(intToSingle(a, rm, kind)),
    fcvt_d_int: (a, rm, kind) => report(intToDouble(a, rm, kind)),
    fcvt_s_d: (a, rm) => report(doubleToSingle(a, rm)),
    fcvt_d_s: (a, _rm) => report(singleToDouble(a)),
  };
}
