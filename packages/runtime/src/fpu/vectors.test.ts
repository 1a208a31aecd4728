// Hand-written RISC-V F/D spec vectors for the FP helpers: each case states the operands, the
// expected bits and flags, and is checked against the helpers and against the test oracle.
import { describe, expect, it } from 'vitest';
import { HELPERS } from '@ferry/abi';
import { makeFpuHelpers } from './index.js';
import * as oracle from './oracle.js';

let raisedFlags = 0;
let accrueCalls = 0;
const fpu = makeFpuHelpers((flags) => {
  accrueCalls += 1;
  expect(flags).not.toBe(0);
  raisedFlags |= flags;
});
const run = (call: () => bigint): oracle.Outcome => {
  raisedFlags = 0;
  const bits = call();
  return { bits, flags: raisedFlags };
};

const NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
const { SINGLE, DOUBLE } = oracle;

/** Raw pattern of a JS double / of a double rounded to single. */
const d = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const s = (x: number): bigint => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);
const D_MAX = 0x7fefffffffffffffn, D_INF = 0x7ff0000000000000n, D_QNAN = 0x7ff8000000000000n, D_SNAN = 0x7ff0000000000001n;
const S_MAX = 0x7f7fffffn, S_INF = 0x7f800000n, S_QNAN = 0x7fc00000n, S_SNAN = 0x7f800001n;
const D_NEG = 1n << 63n, S_NEG = 1n << 31n;
const u64 = (v: bigint): bigint => BigInt.asUintN(64, v);

describe('FP helper table', () => {
  it('implements every FP entry of abi HELPERS with its arity', () => {
    const fpNames = Object.keys(HELPERS).filter((n) => /^f(add|sub|mul|div|sqrt|ma|minmax|cmp|class|cvt)_/.test(n));
    expect(fpNames.length).toBe(24);
    for (const name of fpNames) {
      const fn = (fpu as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
      expect(typeof fn, name).toBe('function');
      expect(fn!.length, name).toBe(HELPERS[name as keyof typeof HELPERS].params.length);
    }
    expect(Object.keys(fpu).sort()).toEqual(fpNames.sort());
  });

  it('calls accrue only when flags were raised', () => {
    accrueCalls = 0;
    fpu.fadd_d(d(1), d(2), RNE);
    expect(accrueCalls).toBe(0);
    fpu.fdiv_d(d(1), d(3), RNE);
    expect(accrueCalls).toBe(1);
  });
});

type Case = [name: string, helper: () => bigint, reference: () => oracle.Outcome, bits: bigint, flags: number];

function check(cases: Case[]): void {
  for (const [name, helper, reference, bits, flags] of cases) {
    it(name, () => {
      expect(run(helper)).toEqual({ bits, flags });
      expect(reference()).toEqual({ bits, flags });
    });
  }
}

describe('arithmetic vectors', () => {
  const third = d(1 / 3);
  check([
    ['1/3 is inexact', () => fpu.fdiv_d(d(1), d(3), RNE), () => oracle.oracleDiv(DOUBLE, d(1), d(3), RNE), third, NX],
    ['1/3 RUP', () => fpu.fdiv_d(d(1), d(3), RUP), () => oracle.oracleDiv(DOUBLE, d(1), d(3), RUP), third + 1n, NX],
    ['1/3 single RTZ', () => fpu.fdiv_s(s(1), s(3), RTZ), () => oracle.oracleDiv(SINGLE, s(1), s(3), RTZ), 0x3eaaaaaan, NX],
    ['0/0 is invalid', () => fpu.fdiv_d(0n, 0n, RNE), () => oracle.oracleDiv(DOUBLE, 0n, 0n, RNE), D_QNAN, NV],
    ['1/0 divides by zero', () => fpu.fdiv_d(d(1), 0n, RNE), () => oracle.oracleDiv(DOUBLE, d(1), 0n, RNE), D_INF, DZ],
    ['-1/+0 = -inf', () => fpu.fdiv_s(s(-1), 0n, RNE), () => oracle.oracleDiv(SINGLE, s(-1), 0n, RNE), S_NEG | S_INF, DZ],
    ['inf/0 raises nothing', () => fpu.fdiv_d(D_INF, 0n, RNE), () => oracle.oracleDiv(DOUBLE, D_INF, 0n, RNE), D_INF, 0],
    ['inf - inf is invalid', () => fpu.fsub_d(D_INF, D_INF, RNE), () => oracle.oracleAdd(DOUBLE, D_INF, D_INF, RNE, true), D_QNAN, NV],
    ['0 * inf is invalid', () => fpu.fmul_s(0n, S_INF, RNE), () => oracle.oracleMul(SINGLE, 0n, S_INF, RNE), S_QNAN, NV],
    ['qNaN input: canonical, no flag', () => fpu.fadd_d(0x7ff8000000000123n, d(1), RNE), () => oracle.oracleAdd(DOUBLE, 0x7ff8000000000123n, d(1), RNE), D_QNAN, 0],
    ['sNaN input raises NV', () => fpu.fmul_d(d(2), D_SNAN, RNE), () => oracle.oracleMul(DOUBLE, d(2), D_SNAN, RNE), D_QNAN, NV],
    ['single sNaN input raises NV', () => fpu.fadd_s(S_SNAN, s(1), RNE), () => oracle.oracleAdd(SINGLE, S_SNAN, s(1), RNE), S_QNAN, NV],
    ['max*2 RNE overflows to inf', () => fpu.fmul_d(D_MAX, d(2), RNE), () => oracle.oracleMul(DOUBLE, D_MAX, d(2), RNE), D_INF, OF | NX],
    ['max*2 RTZ gives max', () => fpu.fmul_d(D_MAX, d(2), RTZ), () => oracle.oracleMul(DOUBLE, D_MAX, d(2), RTZ), D_MAX, OF | NX],
    ['max*2 RDN gives max', () => fpu.fmul_d(D_MAX, d(2), RDN), () => oracle.oracleMul(DOUBLE, D_MAX, d(2), RDN), D_MAX, OF | NX],
    ['-max*2 RDN gives -inf', () => fpu.fmul_d(D_MAX | D_NEG, d(2), RDN), () => oracle.oracleMul(DOUBLE, D_MAX | D_NEG, d(2), RDN), D_NEG | D_INF, OF | NX],
    ['-max*2 RUP gives -max', () => fpu.fmul_d(D_MAX | D_NEG, d(2), RUP), () => oracle.oracleMul(DOUBLE, D_MAX | D_NEG, d(2), RUP), D_NEG | D_MAX, OF | NX],
    ['single max*2 RMM is inf', () => fpu.fmul_s(S_MAX, s(2), RMM), () => oracle.oracleMul(SINGLE, S_MAX, s(2), RMM), S_INF, OF | NX],
    ['single max + half ulp RUP overflows', () => fpu.fadd_s(S_MAX, s(2 ** 103), RUP), () => oracle.oracleAdd(SINGLE, S_MAX, s(2 ** 103), RUP), S_INF, OF | NX],
    ['single max + tiny RTZ is max, NX only', () => fpu.fadd_s(S_MAX, 1n, RTZ), () => oracle.oracleAdd(SINGLE, S_MAX, 1n, RTZ), S_MAX, NX],
    // 2^1023 + (2^1023 - 2^970) is max + half an ulp: RNE overflows (tie to even), RTZ does not.
    ['sum at the RNE overflow tie overflows', () => fpu.fadd_d(0x7fe0000000000000n, 0x7fdfffffffffffffn, RNE),
      () => oracle.oracleAdd(DOUBLE, 0x7fe0000000000000n, 0x7fdfffffffffffffn, RNE), D_INF, OF | NX],
    ['sum at the RNE overflow tie RTZ is max, NX only', () => fpu.fadd_d(0x7fe0000000000000n, 0x7fdfffffffffffffn, RTZ),
      () => oracle.oracleAdd(DOUBLE, 0x7fe0000000000000n, 0x7fdfffffffffffffn, RTZ), D_MAX, NX],
    ['exact subnormal result: no UF', () => fpu.fmul_d(d(2 ** -1070), d(0.5), RNE), () => oracle.oracleMul(DOUBLE, d(2 ** -1070), d(0.5), RNE), d(2 ** -1071), 0],
    ['inexact subnormal result: UF|NX', () => fpu.fmul_d(d(3 * 2 ** -1074), d(0.5), RNE), () => oracle.oracleMul(DOUBLE, d(3 * 2 ** -1074), d(0.5), RNE), d(2 * 2 ** -1074), UF | NX],
    ['underflow to zero: UF|NX', () => fpu.fmul_d(d(2 ** -1074), d(0.25), RNE), () => oracle.oracleMul(DOUBLE, d(2 ** -1074), d(0.25), RNE), 0n, UF | NX],
    ['underflow RUP to min subnormal', () => fpu.fmul_s(1n, s(0.25), RUP), () => oracle.oracleMul(SINGLE, 1n, s(0.25), RUP), 1n, UF | NX],
    // (1 - 2^-24)·2^-126 = 2^-126 - 2^-150 is a 24-bit number just below 2^-126 (tiny with an
    // unbounded exponent), but on the subnormal grid it is halfway and rounds to even: 2^-126.
    ['tiny after rounding: UF although result is min normal', () => fpu.fmul_s(s(1 - 2 ** -24), s(2 ** -126), RNE),
      () => oracle.oracleMul(SINGLE, s(1 - 2 ** -24), s(2 ** -126), RNE), 0x00800000n, UF | NX],
    ['rounds up to min normal with unbounded exponent: no UF', () => fpu.fmul_d(d(1 - 2 ** -53), d((1 + 2 ** -52) * 2 ** -1022), RNE),
      () => oracle.oracleMul(DOUBLE, d(1 - 2 ** -53), d((1 + 2 ** -52) * 2 ** -1022), RNE), d(2 ** -1022), NX],
    ['x - x = +0', () => fpu.fsub_d(d(5), d(5), RNE), () => oracle.oracleAdd(DOUBLE, d(5), d(5), RNE, true), 0n, 0],
    ['x - x = -0 in RDN', () => fpu.fsub_d(d(5), d(5), RDN), () => oracle.oracleAdd(DOUBLE, d(5), d(5), RDN, true), D_NEG, 0],
    ['-0 + -0 = -0', () => fpu.fadd_s(S_NEG, S_NEG, RNE), () => oracle.oracleAdd(SINGLE, S_NEG, S_NEG, RNE), S_NEG, 0],
    ['1 + 2^-53 ties to even', () => fpu.fadd_d(d(1), d(2 ** -53), RNE), () => oracle.oracleAdd(DOUBLE, d(1), d(2 ** -53), RNE), d(1), NX],
    ['1 + 2^-53 RMM ties away', () => fpu.fadd_d(d(1), d(2 ** -53), RMM), () => oracle.oracleAdd(DOUBLE, d(1), d(2 ** -53), RMM), d(1) + 1n, NX],
    ['sqrt(2)', () => fpu.fsqrt_d(d(2), RNE), () => oracle.oracleSqrt(DOUBLE, d(2), RNE), d(Math.SQRT2), NX],
    ['sqrt(-1) is invalid', () => fpu.fsqrt_s(s(-1), RNE), () => oracle.oracleSqrt(SINGLE, s(-1), RNE), S_QNAN, NV],
    ['sqrt(-0) = -0', () => fpu.fsqrt_d(D_NEG, RNE), () => oracle.oracleSqrt(DOUBLE, D_NEG, RNE), D_NEG, 0],
    ['sqrt(4) exact', () => fpu.fsqrt_s(s(4), RUP), () => oracle.oracleSqrt(SINGLE, s(4), RUP), s(2), 0],
  ]);
});

describe('fused multiply-add vectors', () => {
  check([
    ['fmadd 2*3+1', () => fpu.fma_d(d(2), d(3), d(1), RNE, 0, 0), () => oracle.oracleFma(DOUBLE, d(2), d(3), d(1), RNE, false, false), d(7), 0],
    ['fmsub 2*3-1', () => fpu.fma_d(d(2), d(3), d(1), RNE, 0, 1), () => oracle.oracleFma(DOUBLE, d(2), d(3), d(1), RNE, false, true), d(5), 0],
    ['fnmsub -(2*3)+1', () => fpu.fma_s(s(2), s(3), s(1), RNE, 1, 0), () => oracle.oracleFma(SINGLE, s(2), s(3), s(1), RNE, true, false), s(-5), 0],
    ['fnmadd -(2*3)-1', () => fpu.fma_s(s(2), s(3), s(1), RNE, 1, 1), () => oracle.oracleFma(SINGLE, s(2), s(3), s(1), RNE, true, true), s(-7), 0],
    ['one rounding: (1+2^-30)^2 - 1 is exact', () => fpu.fma_d(d(1 + 2 ** -30), d(1 + 2 ** -30), d(-1), RNE, 0, 0),
      () => oracle.oracleFma(DOUBLE, d(1 + 2 ** -30), d(1 + 2 ** -30), d(-1), RNE, false, false), d(2 ** -29 + 2 ** -60), 0],
    ['one rounding: (1+2^-52)^2 - 1 ties to even', () => fpu.fma_d(d(1 + 2 ** -52), d(1 + 2 ** -52), d(-1), RNE, 0, 0),
      () => oracle.oracleFma(DOUBLE, d(1 + 2 ** -52), d(1 + 2 ** -52), d(-1), RNE, false, false), d(2 ** -51), NX],
    ['one rounding: (1+2^-52)^2 - 1 RUP', () => fpu.fma_d(d(1 + 2 ** -52), d(1 + 2 ** -52), d(-1), RUP, 0, 0),
      () => oracle.oracleFma(DOUBLE, d(1 + 2 ** -52), d(1 + 2 ** -52), d(-1), RUP, false, false), d(2 ** -51) + 1n, NX],
    ['0*inf + qNaN raises NV', () => fpu.fma_d(0n, D_INF, D_QNAN, RNE, 0, 0), () => oracle.oracleFma(DOUBLE, 0n, D_INF, D_QNAN, RNE, false, false), D_QNAN, NV],
    ['inf*1 - inf is invalid', () => fpu.fma_s(S_INF, s(1), S_INF, RNE, 0, 1), () => oracle.oracleFma(SINGLE, S_INF, s(1), S_INF, RNE, false, true), S_QNAN, NV],
    ['qNaN*1 + 1: no flag', () => fpu.fma_s(S_QNAN, s(1), s(1), RNE, 0, 0), () => oracle.oracleFma(SINGLE, S_QNAN, s(1), s(1), RNE, false, false), S_QNAN, 0],
    ['huge product overflows the double yet cancels', () => fpu.fma_d(D_MAX, d(2), D_INF, RNE, 0, 1),
      () => oracle.oracleFma(DOUBLE, D_MAX, d(2), D_INF, RNE, false, true), D_NEG | D_INF, 0],
    ['exact zero sum is -0 in RDN', () => fpu.fma_d(d(2), d(3), d(6), RDN, 0, 1), () => oracle.oracleFma(DOUBLE, d(2), d(3), d(6), RDN, false, true), D_NEG, 0],
  ]);
});

describe('conversion vectors', () => {
  check([
    ['fcvt.w.d(NaN) = 0x7fffffff, NV', () => fpu.fcvt_int_d(D_QNAN, RTZ, 0), () => oracle.oracleToInt(DOUBLE, D_QNAN, RTZ, 0), 0x7fffffffn, NV],
    ['fcvt.wu.d(NaN) = all ones (sign-extended), NV', () => fpu.fcvt_int_d(D_QNAN, RTZ, 1), () => oracle.oracleToInt(DOUBLE, D_QNAN, RTZ, 1), u64(-1n), NV],
    ['fcvt.wu.d(-1.0) = 0, NV', () => fpu.fcvt_int_d(d(-1), RTZ, 1), () => oracle.oracleToInt(DOUBLE, d(-1), RTZ, 1), 0n, NV],
    ['fcvt.wu.d(-0.5) RTZ = 0, NX only', () => fpu.fcvt_int_d(d(-0.5), RTZ, 1), () => oracle.oracleToInt(DOUBLE, d(-0.5), RTZ, 1), 0n, NX],
    ['fcvt.wu.d(3e9) sign-extends bit 31', () => fpu.fcvt_int_d(d(3e9), RTZ, 1), () => oracle.oracleToInt(DOUBLE, d(3e9), RTZ, 1), u64(BigInt.asIntN(32, 3000000000n)), 0],
    ['fcvt.w.d(-2^31 - 0.5) RTZ = -2^31, NX', () => fpu.fcvt_int_d(d(-(2 ** 31) - 0.5), RTZ, 0), () => oracle.oracleToInt(DOUBLE, d(-(2 ** 31) - 0.5), RTZ, 0), u64(-(2n ** 31n)), NX],
    ['fcvt.w.d(-2^31 - 0.5) RNE = -2^31 (tie to even)', () => fpu.fcvt_int_d(d(-(2 ** 31) - 0.5), RNE, 0), () => oracle.oracleToInt(DOUBLE, d(-(2 ** 31) - 0.5), RNE, 0), u64(-(2n ** 31n)), NX],
    ['fcvt.w.d(-2^31 - 0.5) RMM saturates, NV', () => fpu.fcvt_int_d(d(-(2 ** 31) - 0.5), RMM, 0), () => oracle.oracleToInt(DOUBLE, d(-(2 ** 31) - 0.5), RMM, 0), u64(-(2n ** 31n)), NV],
    ['fcvt.w.s(2^31) saturates', () => fpu.fcvt_int_s(s(2 ** 31), RNE, 0), () => oracle.oracleToInt(SINGLE, s(2 ** 31), RNE, 0), 0x7fffffffn, NV],
    ['fcvt.l.d(2^63) saturates', () => fpu.fcvt_int_d(d(2 ** 63), RNE, 2), () => oracle.oracleToInt(DOUBLE, d(2 ** 63), RNE, 2), 0x7fffffffffffffffn, NV],
    ['fcvt.l.d(-2^63) is exact', () => fpu.fcvt_int_d(d(-(2 ** 63)), RNE, 2), () => oracle.oracleToInt(DOUBLE, d(-(2 ** 63)), RNE, 2), 1n << 63n, 0],
    ['fcvt.lu.d(-inf) = 0, NV', () => fpu.fcvt_int_d(D_NEG | D_INF, RNE, 3), () => oracle.oracleToInt(DOUBLE, D_NEG | D_INF, RNE, 3), 0n, NV],
    ['fcvt.l.s(-inf) = min, NV', () => fpu.fcvt_int_s(S_NEG | S_INF, RNE, 2), () => oracle.oracleToInt(SINGLE, S_NEG | S_INF, RNE, 2), 1n << 63n, NV],
    ['fcvt.w.d(2.5) RNE = 2', () => fpu.fcvt_int_d(d(2.5), RNE, 0), () => oracle.oracleToInt(DOUBLE, d(2.5), RNE, 0), 2n, NX],
    ['fcvt.w.d(2.5) RMM = 3', () => fpu.fcvt_int_d(d(2.5), RMM, 0), () => oracle.oracleToInt(DOUBLE, d(2.5), RMM, 0), 3n, NX],
    ['fcvt.w.d(-2.5) RDN = -3', () => fpu.fcvt_int_d(d(-2.5), RDN, 0), () => oracle.oracleToInt(DOUBLE, d(-2.5), RDN, 0), u64(-3n), NX],
    ['fcvt.s.l(2^63-1) RNE = 2^63', () => fpu.fcvt_s_int(0x7fffffffffffffffn, RNE, 2), () => oracle.oracleFromInt(SINGLE, 0x7fffffffffffffffn, RNE, 2), s(2 ** 63), NX],
    ['fcvt.s.l(2^63-1) RTZ', () => fpu.fcvt_s_int(0x7fffffffffffffffn, RTZ, 2), () => oracle.oracleFromInt(SINGLE, 0x7fffffffffffffffn, RTZ, 2), s(2 ** 63) - 1n, NX],
    ['fcvt.d.lu(2^64-1) RTZ', () => fpu.fcvt_d_int(u64(-1n), RTZ, 3), () => oracle.oracleFromInt(DOUBLE, u64(-1n), RTZ, 3), d(2 ** 64) - 1n, NX],
    ['fcvt.d.w uses the low 32 bits', () => fpu.fcvt_d_int(0x12345678ffffffffn, RNE, 0), () => oracle.oracleFromInt(DOUBLE, 0x12345678ffffffffn, RNE, 0), d(-1), 0],
    ['fcvt.s.wu(0xffffffff) rounds', () => fpu.fcvt_s_int(0xffffffffn, RNE, 1), () => oracle.oracleFromInt(SINGLE, 0xffffffffn, RNE, 1), s(2 ** 32), NX],
    ['fcvt.s.d(max double) overflows', () => fpu.fcvt_s_d(D_MAX, RNE), () => oracle.oracleConvert(DOUBLE, SINGLE, D_MAX, RNE), S_INF, OF | NX],
    ['fcvt.s.d(max double) RTZ = max single', () => fpu.fcvt_s_d(D_MAX, RTZ), () => oracle.oracleConvert(DOUBLE, SINGLE, D_MAX, RTZ), S_MAX, OF | NX],
    ['fcvt.s.d(1e-50) underflows', () => fpu.fcvt_s_d(d(1e-50), RNE), () => oracle.oracleConvert(DOUBLE, SINGLE, d(1e-50), RNE), 0n, UF | NX],
    ['fcvt.s.d(sNaN) is NV, canonical', () => fpu.fcvt_s_d(D_SNAN, RNE), () => oracle.oracleConvert(DOUBLE, SINGLE, D_SNAN, RNE), S_QNAN, NV],
    ['fcvt.s.d(qNaN with payload) canonical', () => fpu.fcvt_s_d(0x7ff8dead00000000n, RNE), () => oracle.oracleConvert(DOUBLE, SINGLE, 0x7ff8dead00000000n, RNE), S_QNAN, 0],
    ['fcvt.d.s(sNaN) is NV, canonical', () => fpu.fcvt_d_s(S_SNAN, RNE), () => oracle.oracleConvert(SINGLE, DOUBLE, S_SNAN, RNE), D_QNAN, NV],
    ['fcvt.d.s(min subnormal) exact', () => fpu.fcvt_d_s(1n, RNE), () => oracle.oracleConvert(SINGLE, DOUBLE, 1n, RNE), d(2 ** -149), 0],
  ]);
});

describe('compare, min/max and class vectors', () => {
  check([
    ['fmin(-0, +0) = -0', () => fpu.fminmax_d(D_NEG, 0n, 0), () => oracle.oracleMinMax(DOUBLE, D_NEG, 0n, false), D_NEG, 0],
    ['fmin(+0, -0) = -0', () => fpu.fminmax_s(0n, S_NEG, 0), () => oracle.oracleMinMax(SINGLE, 0n, S_NEG, false), S_NEG, 0],
    ['fmax(-0, +0) = +0', () => fpu.fminmax_s(S_NEG, 0n, 1), () => oracle.oracleMinMax(SINGLE, S_NEG, 0n, true), 0n, 0],
    ['fmin(qNaN, 1) = 1', () => fpu.fminmax_d(D_QNAN, d(1), 0), () => oracle.oracleMinMax(DOUBLE, D_QNAN, d(1), false), d(1), 0],
    ['fmax(sNaN, 1) = 1 with NV', () => fpu.fminmax_s(S_SNAN, s(1), 1), () => oracle.oracleMinMax(SINGLE, S_SNAN, s(1), true), s(1), NV],
    ['fmax(NaN, NaN) canonical', () => fpu.fminmax_d(0x7ff8000000000005n, D_SNAN, 1), () => oracle.oracleMinMax(DOUBLE, 0x7ff8000000000005n, D_SNAN, true), D_QNAN, NV],
    ['feq(qNaN, 1) = 0, no flag', () => fpu.fcmp_d(D_QNAN, d(1), 0), () => oracle.oracleCompare(DOUBLE, D_QNAN, d(1), 0), 0n, 0],
    ['feq(sNaN, 1) = 0, NV', () => fpu.fcmp_s(S_SNAN, s(1), 0), () => oracle.oracleCompare(SINGLE, S_SNAN, s(1), 0), 0n, NV],
    ['flt(qNaN, 1) = 0, NV', () => fpu.fcmp_d(D_QNAN, d(1), 1), () => oracle.oracleCompare(DOUBLE, D_QNAN, d(1), 1), 0n, NV],
    ['fle(1, qNaN) = 0, NV', () => fpu.fcmp_s(s(1), S_QNAN, 2), () => oracle.oracleCompare(SINGLE, s(1), S_QNAN, 2), 0n, NV],
    ['feq(-0, +0) = 1', () => fpu.fcmp_d(D_NEG, 0n, 0), () => oracle.oracleCompare(DOUBLE, D_NEG, 0n, 0), 1n, 0],
    ['flt(-0, +0) = 0', () => fpu.fcmp_d(D_NEG, 0n, 1), () => oracle.oracleCompare(DOUBLE, D_NEG, 0n, 1), 0n, 0],
    ['fle(-inf, -max) = 1', () => fpu.fcmp_s(S_NEG | S_INF, S_NEG | S_MAX, 2), () => oracle.oracleCompare(SINGLE, S_NEG | S_INF, S_NEG | S_MAX, 2), 1n, 0],
  ]);
  const classes: [string, bigint, bigint, number][] = [
    ['-inf', D_NEG | D_INF, S_NEG | S_INF, 0], ['-normal', d(-1), s(-1), 1], ['-subnormal', D_NEG | 1n, S_NEG | 1n, 2],
    ['-0', D_NEG, S_NEG, 3], ['+0', 0n, 0n, 4], ['+subnormal', 0x000fffffffffffffn, 0x007fffffn, 5],
    ['+normal', D_MAX, S_MAX, 6], ['+inf', D_INF, S_INF, 7], ['sNaN', D_SNAN, 0x7fbfffffn, 8], ['qNaN', D_QNAN, 0xffc00001n, 9],
  ];
  for (const [name, double, single, bit] of classes) {
    it(`fclass of ${name} sets bit ${bit}`, () => {
      expect(run(() => fpu.fclass_d(double))).toEqual({ bits: 1n << BigInt(bit), flags: 0 });
      expect(run(() => fpu.fclass_s(single))).toEqual({ bits: 1n << BigInt(bit), flags: 0 });
      expect(oracle.oracleClass(DOUBLE, double)).toBe(1n << BigInt(bit));
      expect(oracle.oracleClass(SINGLE, single)).toBe(1n << BigInt(bit));
    });
  }
});

describe('i64 arguments as WebAssembly delivers them', () => {
  // Wasm passes i64 to JS as a signed bigint: patterns with bit 63 set arrive negative.
  it('treats a negative bigint as its unsigned pattern and returns unsigned patterns', () => {
    const signed = (v: bigint): bigint => BigInt.asIntN(64, v);
    const negOne = d(-1.5);
    const boxedSingle = 0xffffffff00000000n | s(-2.5); // NaN-boxed single, upper bits ignored
    const pairs: [() => bigint, () => bigint][] = [
      [() => fpu.fadd_d(signed(negOne), d(1), RNE), () => fpu.fadd_d(negOne, d(1), RNE)],
      [() => fpu.fma_d(signed(negOne), signed(negOne), signed(D_NEG | D_MAX), RUP, 0, 1), () => fpu.fma_d(negOne, negOne, D_NEG | D_MAX, RUP, 0, 1)],
      [() => fpu.fminmax_d(signed(negOne), d(1), 0), () => fpu.fminmax_d(negOne, d(1), 0)],
      [() => fpu.fclass_d(signed(D_NEG | D_INF)), () => fpu.fclass_d(D_NEG | D_INF)],
      [() => fpu.fcvt_int_d(signed(negOne), RTZ, 2), () => fpu.fcvt_int_d(negOne, RTZ, 2)],
      [() => fpu.fcvt_d_int(-5n, RNE, 2), () => fpu.fcvt_d_int(u64(-5n), RNE, 2)],
      [() => fpu.fcvt_s_int(-5n, RNE, 0), () => fpu.fcvt_s_int(0xfffffffbn, RNE, 0)],
      [() => fpu.fmul_s(signed(boxedSingle), s(2), RNE), () => fpu.fmul_s(s(-2.5), s(2), RNE)],
    ];
    for (const [fromSigned, fromUnsigned] of pairs) {
      const got = run(fromSigned);
      expect(got).toEqual(run(fromUnsigned));
      expect(got.bits >= 0n && got.bits < 1n << 64n).toBe(true);
    }
  });
});
