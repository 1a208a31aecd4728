// Inline fast paths for the hot FP instructions: wasm float ops where their result provably equals
// the abi helper's; a brif sends every other case to the helper. Invariant: when `ok` holds,
// `result` and `inexact` equal the helper's result bits and raised flags exactly, in every tier
// (the conditions exclude NV, DZ, OF and UF, so NX is the only flag). Per family:
//   doubles (RNE): in the ranges where TwoSum / Dekker's product are exact, the error term decides NX.
//   singles (RNE), fma.s too: computed in f64 (53 >= 2*24 + 2: double rounding innocuous), narrowed;
//     NX iff inexact; the result exact or normal and finite. min/max/compares: no NaN operand.
//   conversions: from integers when exact (any rm) or rounded in RNE; to integers in RTZ only.
//   sticky (arithmetic and roots, RNE with NX already set): no NX to decide, no fflags write; the
//     host result when it is correctly rounded and can raise no other flag.
import type { Builder, OpName, Value } from '@ferry/ir';

export interface FastPath {
  /** i32: nonzero when the inline result applies. */
  ok: Value;
  /** i64: the result (raw float bits, singles zero-extended; or the integer result). */
  result: Value;
  /** i32 0/1: NX raised by the inline result; absent when it never raises a flag. */
  inexact?: Value;
}

/** The result of `fast` when its condition holds, else of `slow()` (a helper call), as one i64. */
export function withFastPath(b: Builder, fast: FastPath, slow: () => Value): Value {
  const fastBlock = b.createBlock();
  const slowBlock = b.createBlock();
  const join = b.createBlock(['i64']);
  b.brif(fast.ok, fastBlock, slowBlock);
  b.switchTo(fastBlock);
  if (fast.inexact !== undefined) {
    b.setSlot('fflags', b.bin('or', b.getSlot('fflags'), b.emit('extend_u.i32', [fast.inexact])));
  }
  b.jump(join, [fast.result]);
  b.switchTo(slowBlock);
  b.jump(join, [slow()]);
  b.switchTo(join);
  return b.param(join, 0);
}

/** A host result for when the mode is RNE and fflags already holds NX: `ok` means it is the
 *  correctly rounded result and raises no flag but NX (the caller gates on RNE and NX). */
export interface StickyPath {
  ok: Value;
  result: Value;
}

/** The sticky result when `gate` (RNE with NX already set) and its own condition hold, with no
 *  fflags write; else `otherwise()`, built in a block of its own so none of its work (error
 *  terms, rounding-mode checks, helper calls) runs on the sticky path. */
export function withStickyPath(b: Builder, gate: Value | undefined, sticky: () => StickyPath, otherwise: () => Value): Value {
  if (gate === undefined) return otherwise();
  const path = sticky();
  const rest = b.createBlock();
  const join = b.createBlock(['i64']);
  b.brif(b.bin('and', gate, path.ok), join, rest, [path.result]);
  b.switchTo(rest);
  b.jump(join, [otherwise()]);
  b.switchTo(join);
  return b.param(join, 0);
}

// ---- small builders over the float ops ----

const view = new DataView(new ArrayBuffer(8));
/** A double constant. */
export function f64(b: Builder, value: number): Value {
  view.setFloat64(0, value);
  return b.emit('fconst.f64', [], view.getBigInt64(0));
}
const floatType = (b: Builder, v: Value): 'f32' | 'f64' => {
  const t = b.func.typeOf(v);
  if (t !== 'f32' && t !== 'f64') throw new Error(`internal error: float op on ${t} value v${v}`);
  return t;
};
type FloatBinary = 'fadd' | 'fsub' | 'fmul' | 'fdiv' | 'fmin' | 'fmax' | 'feq' | 'flt' | 'fle';
const fop = (b: Builder, name: FloatBinary, x: Value, y: Value): Value => b.emit(`${name}.${floatType(b, x)}` as OpName, [x, y]);
const add = (b: Builder, x: Value, y: Value) => fop(b, 'fadd', x, y);
const sub = (b: Builder, x: Value, y: Value) => fop(b, 'fsub', x, y);
const mul = (b: Builder, x: Value, y: Value) => fop(b, 'fmul', x, y);
const abs = (b: Builder, x: Value) => b.emit(`fabs.${floatType(b, x)}`, [x]);
export const fneg = (b: Builder, x: Value): Value => b.emit(`fneg.${floatType(b, x)}`, [x]);
const lt = (b: Builder, x: Value, y: Value) => fop(b, 'flt', x, y);
const le = (b: Builder, x: Value, y: Value) => fop(b, 'fle', x, y);
const eq = (b: Builder, x: Value, y: Value) => fop(b, 'feq', x, y);
const ne = (b: Builder, x: Value, y: Value) => b.unary('eqz', eq(b, x, y));
const isZero = (b: Builder, x: Value) => eq(b, x, f64(b, 0));
const notNaN = (b: Builder, x: Value) => eq(b, x, x);
/** lo <= x < hi (false for NaN). */
const inRange = (b: Builder, x: Value, lo: number, hi: number) => b.bin('and', le(b, f64(b, lo), x), lt(b, x, f64(b, hi)));
const all = (b: Builder, ...conds: Value[]) => conds.reduce((acc, c) => b.bin('and', acc, c));
const any = (b: Builder, ...conds: Value[]) => conds.reduce((acc, c) => b.bin('or', acc, c));

/** The double held by raw bits. */
export const asDouble = (b: Builder, bits: Value): Value => b.emit('bits_to_f64', [bits]);
/** The single held in the low 32 bits of raw bits, widened (exactly) to a double. */
export const singleAsDouble = (b: Builder, bits: Value): Value => b.emit('promote.f32', [asSingle(b, bits)]);
export const asSingle = (b: Builder, bits: Value): Value => b.emit('bits_to_f32', [b.emit('wrap.i64', [bits])]);
const doubleBits = (b: Builder, x: Value): Value => b.emit('f64_to_bits', [x]);
const singleBits = (b: Builder, x: Value): Value => b.emit('extend_u.i32', [b.emit('f32_to_bits', [x])]);
/** Raw bits of a float value of either width (singles zero-extended). */
export const floatBits = (b: Builder, x: Value): Value => (floatType(b, x) === 'f64' ? doubleBits(b, x) : singleBits(b, x));

// ---- exact error terms (the same formulas as the runtime helpers) ----

/** Dekker's TwoProduct bounds (runtime fpu arith.ts): the product error is exact inside them. */
const SAFE_RESULT_MIN = 2 ** -968;
const SAFE_OPERAND_MAX = 2 ** 995;
const SAFE_RESULT_MAX = 2 ** 1020;
const MIN_NORMAL_DOUBLE = 2 ** -1022;
const MIN_NORMAL_SINGLE = 2 ** -126;
const MAX_SINGLE = 3.4028234663852886e38;
const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for binary64

/** (x + y) - s for s = fl(x + y), Knuth's TwoSum: exact unless something overflows. */
function sumError(b: Builder, x: Value, y: Value, s: Value): Value {
  const yVirtual = sub(b, s, x);
  const xVirtual = sub(b, s, yVirtual);
  return add(b, sub(b, x, xVirtual), sub(b, y, yVirtual));
}

/** Veltkamp's split of a double into high and low halves of 26 bits. */
function split(b: Builder, a: Value): [Value, Value] {
  const t = mul(b, f64(b, SPLITTER), a);
  const high = sub(b, t, sub(b, t, a));
  return [high, sub(b, a, high)];
}

/** x*y - p for p = fl(x*y), Dekker's TwoProduct: exact inside the SAFE_* bounds. */
function productError(b: Builder, x: Value, y: Value, p: Value): Value {
  const [xHigh, xLow] = split(b, x);
  const [yHigh, yLow] = x === y ? [xHigh, xLow] : split(b, y);
  const first = add(b, sub(b, mul(b, xHigh, yHigh), p), mul(b, xHigh, yLow));
  return add(b, add(b, first, mul(b, xLow, yHigh)), mul(b, xLow, yLow));
}

// ---- doubles ----

/** fadd.d / fsub.d (y already negated for fsub) in RNE. */
export function addDouble(b: Builder, rne: Value, x: Value, y: Value): FastPath {
  const s = add(b, x, y);
  // Below 2^1020 TwoSum cannot overflow; sums that land below 2^-1022 are exact (no UF).
  const ok = b.bin('and', rne, lt(b, abs(b, s), f64(b, SAFE_RESULT_MAX)));
  return { ok, result: doubleBits(b, s), inexact: ne(b, sumError(b, x, y, s), f64(b, 0)) };
}

/** Either operand zero or infinite: the host result (if not NaN) is exact and raises nothing. */
function exactSpecial(b: Builder, result: Value, ...operands: Value[]): Value {
  const inf = f64(b, Infinity);
  const special = any(b, ...operands.flatMap((v) => [isZero(b, v), eq(b, abs(b, v), inf)]));
  return b.bin('and', notNaN(b, result), special);
}

export function mulDouble(b: Builder, rne: Value, x: Value, y: Value): FastPath {
  const p = mul(b, x, y);
  const inRangeForDekker = all(b, inRange(b, abs(b, p), SAFE_RESULT_MIN, SAFE_RESULT_MAX),
    inRange(b, abs(b, x), MIN_NORMAL_DOUBLE, SAFE_OPERAND_MAX), inRange(b, abs(b, y), MIN_NORMAL_DOUBLE, SAFE_OPERAND_MAX));
  const inexact = b.bin('and', inRangeForDekker, ne(b, productError(b, x, y, p), f64(b, 0)));
  const ok = b.bin('and', rne, b.bin('or', inRangeForDekker, exactSpecial(b, p, x, y)));
  return { ok, result: doubleBits(b, p), inexact };
}

export function divDouble(b: Builder, rne: Value, x: Value, y: Value): FastPath {
  const q = fop(b, 'fdiv', x, y);
  const inRangeForDekker = all(b, inRange(b, abs(b, q), SAFE_RESULT_MIN, SAFE_OPERAND_MAX),
    inRange(b, abs(b, y), MIN_NORMAL_DOUBLE, SAFE_OPERAND_MAX), inRange(b, abs(b, x), SAFE_RESULT_MIN, SAFE_RESULT_MAX));
  // x - q*y, exactly: its sign is the rounding error's; a quotient is never exactly halfway.
  const product = mul(b, q, y);
  const remainder = sub(b, sub(b, x, product), productError(b, q, y, product));
  const inexact = b.bin('and', inRangeForDekker, ne(b, remainder, f64(b, 0)));
  // A zero divisor raises DZ: the helper handles it.
  const special = b.bin('and', ne(b, y, f64(b, 0)), exactSpecial(b, q, x, y));
  return { ok: b.bin('and', rne, b.bin('or', inRangeForDekker, special)), result: doubleBits(b, q), inexact };
}

export function sqrtDouble(b: Builder, rne: Value, x: Value): FastPath {
  const s = b.emit('fsqrt.f64', [x]);
  const inRangeForDekker = inRange(b, x, SAFE_RESULT_MIN, SAFE_RESULT_MAX);
  const square = mul(b, s, s);
  const remainder = sub(b, sub(b, x, square), productError(b, s, s, square));
  const inexact = b.bin('and', inRangeForDekker, ne(b, remainder, f64(b, 0)));
  // sqrt(±0) = ±0 and sqrt(+inf) = +inf, exactly.
  const special = b.bin('or', isZero(b, x), eq(b, x, f64(b, Infinity)));
  return { ok: b.bin('and', rne, b.bin('or', inRangeForDekker, special)), result: doubleBits(b, s), inexact };
}

// ---- singles (operands widened to f64) ----

/** An f64 value narrowed to single (RNE): the bits, whether it was exact, and whether the single is
 *  normal and finite (then an inexact narrowing raises NX only: tininess is after rounding). */
function narrow(b: Builder, d: Value): { result: Value; exact: Value; normalFinite: Value } {
  const r = b.emit('demote.f64', [d]);
  const back = b.emit('promote.f32', [r]);
  const magnitude = abs(b, back);
  return {
    result: singleBits(b, r),
    exact: eq(b, back, d),
    normalFinite: b.bin('and', lt(b, f64(b, MIN_NORMAL_SINGLE), magnitude), le(b, magnitude, f64(b, MAX_SINGLE))),
  };
}

/** A narrowed result in RNE that must be exact or normal and finite; `exactInF64` says d is the
 *  operation's exact value (or its double rounding cannot differ). */
function narrowed(b: Builder, rne: Value, d: Value, exactInF64: Value): FastPath {
  const n = narrow(b, d);
  const ok = all(b, rne, exactInF64, b.bin('or', n.exact, n.normalFinite));
  return { ok, result: n.result, inexact: b.unary('eqz', n.exact) };
}

/** fadd.s / fsub.s (and fma.s, x being the exact f64 product): the f64 sum is exact, hence
 *  correctly rounded by the narrowing, when its TwoSum error is zero. */
export function addSingle(b: Builder, rne: Value, x: Value, y: Value): FastPath {
  const s = add(b, x, y);
  return narrowed(b, rne, s, eq(b, sumError(b, x, y, s), f64(b, 0)));
}

/** fmul.s: the f64 product of two singles is always exact (infinite products too). */
export function mulSingle(b: Builder, rne: Value, x: Value, y: Value): FastPath {
  return narrowed(b, rne, mul(b, x, y), b.i32(1));
}

/** fdiv.s: RN_s(RN_d(x / y)) = RN_s(x / y), and RN_d(x / y) is a single only when x / y is one.
 *  A zero quotient (zero dividend or infinite divisor) is exact; zero divisors (DZ) and infinite
 *  quotients go to the helper. */
export function divSingle(b: Builder, rne: Value, x: Value, y: Value): FastPath {
  const q = fop(b, 'fdiv', x, y);
  const n = narrow(b, q);
  return { ok: b.bin('and', rne, b.bin('or', isZero(b, q), n.normalFinite)), result: n.result, inexact: b.unary('eqz', n.exact) };
}

/** fsqrt.s: the root of a non-negative single is ±0, +inf or normal (NaN and negatives fail). */
export function sqrtSingle(b: Builder, rne: Value, x: Value): FastPath {
  const n = narrow(b, b.emit('fsqrt.f64', [x]));
  return { ok: b.bin('and', rne, le(b, f64(b, 0), x)), result: n.result, inexact: b.unary('eqz', n.exact) };
}

// ---- bit-exact operations: no rounding, only NaN inputs need the helper (NV, canonical NaN) ----

/** fmin/fmax on two non-NaN values: wasm's min/max order -0 below +0 as RISC-V does. */
export function minMax(b: Builder, x: Value, y: Value, isMax: boolean): FastPath {
  const r = fop(b, isMax ? 'fmax' : 'fmin', x, y);
  return { ok: b.bin('and', notNaN(b, x), notNaN(b, y)), result: floatBits(b, r) };
}

/** feq/flt/fle on two non-NaN values (NaN operands raise NV: the helper decides). */
export function compare(b: Builder, x: Value, y: Value, kind: 'feq' | 'flt' | 'fle'): FastPath {
  return { ok: b.bin('and', notNaN(b, x), notNaN(b, y)), result: b.emit('extend_u.i32', [fop(b, kind, x, y)]) };
}

// ---- conversions ----

/** An integer operand (i64: sign- or zero-extended by kind; `unsigned` for lu) within 2^53 in
 *  magnitude converts exactly to a double in every rounding mode. */
export function intToDouble(b: Builder, n: Value, unsigned: boolean): FastPath {
  const ok = unsigned
    ? b.cmp('le_u', n, b.i64(2n ** 53n))
    : b.cmp('le_u', b.bin('add', n, b.i64(2n ** 53n)), b.i64(2n ** 54n));
  return { ok, result: doubleBits(b, b.emit('convert_s.i64', [n])) };
}

/** An integer within ±2^53 as a single: exact results in any mode, rounded ones in RNE (never
 *  subnormal or overflowing at these magnitudes). */
export function intToSingle(b: Builder, rne: Value, n: Value, unsigned: boolean): FastPath {
  const asDoubleExactly = intToDouble(b, n, unsigned);
  const narrowing = narrow(b, b.emit('convert_s.i64', [n]));
  const ok = b.bin('and', asDoubleExactly.ok, b.bin('or', rne, narrowing.exact));
  return { ok, result: narrowing.result, inexact: b.unary('eqz', narrowing.exact) };
}

/** Exclusive bounds of the doubles whose truncation fits each integer kind (w, wu, l, lu). */
const TRUNCATION_BOUNDS: readonly (readonly [number, number])[] = [
  [-(2 ** 31) - 1, 2 ** 31],
  [-1, 2 ** 32],
  [-(2 ** 63) - 2048, 2 ** 63], // -2^63 itself is the only double in range at its end
  [-1, 2 ** 63], // lu from 2^63 up: the helper
];

/** fcvt.{w,wu,l,lu} in RTZ: truncate when the result fits; NX when the value had a fraction. */
export function truncateToInt(b: Builder, rtz: Value, x: Value, kind: 0 | 1 | 2 | 3): FastPath {
  const [low, high] = TRUNCATION_BOUNDS[kind]!;
  const fits = b.bin('and', lt(b, f64(b, low), x), lt(b, x, f64(b, high)));
  const t = b.emit('trunc_sat_s.f64', [x]);
  const inexact = ne(b, b.emit('convert_s.i64', [t]), x);
  return { ok: b.bin('and', rtz, fits), result: kind < 2 ? b.emit('sext32.i64', [t]) : t, inexact };
}

/** fcvt.s.d: exact narrowing in any mode (NaN is never exact), rounded normal results in RNE. */
export function doubleToSingle(b: Builder, rne: Value, x: Value): FastPath {
  const n = narrow(b, x);
  const ok = b.bin('or', n.exact, b.bin('and', rne, n.normalFinite));
  return { ok, result: n.result, inexact: b.unary('eqz', n.exact) };
}

/** fcvt.d.s: exact for every non-NaN single. */
export function singleToDouble(b: Builder, x: Value): FastPath {
  return { ok: notNaN(b, x), result: doubleBits(b, x) };
}

// ---- sticky paths (the caller gates on RNE with NX already set) ----
// Host ops round to nearest even, so a host result is the correctly rounded one unless it is NaN.
// With finite operands NV and DZ cannot arise; in RNE a finite result means no overflow; and a
// result of magnitude above the smallest normal was not tiny even before rounding to subnormal
// precision (tininess is detected after rounding: a result of exactly the smallest normal may
// still underflow, so the bound is strict). Zero, infinite, tiny and NaN results fall through.

// The conditions test the result's bits (the register value, computed anyway): the sign shifted
// out, one unsigned compare. As float compares (fabs, two flt against constants) they cost V8 a
// constant load and two general-to-vector register moves per instruction: adaptive bench_nbody
// 500000 and bench_matmul 360 ran 9-10% slower, T0 bench_nbody 6%.

/** Raw bits of the smallest normal and of infinity: doubles (i64) and singles (i32). */
const FORMAT_BITS = {
  i64: { minNormal: 0x0010_0000_0000_0000n, inf: 0x7ff0_0000_0000_0000n },
  i32: { minNormal: 0x0080_0000n, inf: 0x7f80_0000n },
} as const;

/** minNormal < |r| < inf for a double's bits (i64), or a single's (i32): false for NaN. */
function normalFiniteBits(b: Builder, bits: Value): Value {
  const type = b.func.typeOf(bits) === 'i64' ? 'i64' : 'i32';
  const { minNormal, inf } = FORMAT_BITS[type];
  const constant = (v: bigint) => (type === 'i64' ? b.i64(v) : b.i32(Number(v)));
  const twice = b.bin('shl', bits, constant(1n));
  // 2 * bits(minNormal) < twice < 2 * bits(inf), as one unsigned compare.
  const low = 2n * minNormal + 1n;
  return b.cmp('lt_u', b.bin('sub', twice, constant(low)), constant(2n * inf - low));
}

/** fadd.d / fsub.d: a finite sum has finite operands and, were it below the smallest normal,
 *  would be exact (sums are multiples of the least subnormal), so only its finiteness matters.
 *  x + (-x) = +0 and -0 + -0 = -0 in RNE on the host too. */
export function stickyAddDouble(b: Builder, x: Value, y: Value): StickyPath {
  const bits = doubleBits(b, add(b, x, y));
  // |s| < inf: the exponent field is not all ones.
  return { ok: b.cmp('lt_u', b.bin('shl', bits, b.i64(1)), b.i64(2n * FORMAT_BITS.i64.inf)), result: bits };
}

/** fmul.d / fdiv.d: a normal finite product or quotient (zero ones may have underflowed). */
export function stickyMulDouble(b: Builder, x: Value, y: Value): StickyPath {
  const bits = doubleBits(b, mul(b, x, y));
  return { ok: normalFiniteBits(b, bits), result: bits };
}
export function stickyDivDouble(b: Builder, x: Value, y: Value): StickyPath {
  const bits = doubleBits(b, fop(b, 'fdiv', x, y));
  return { ok: normalFiniteBits(b, bits), result: bits };
}

/** fsqrt.d: the root of a positive finite double is normal and finite (0 < s < inf: positive
 *  sign, and bits - 1 below those of inf less one). */
export function stickySqrtDouble(b: Builder, x: Value): StickyPath {
  const bits = doubleBits(b, b.emit('fsqrt.f64', [x]));
  return { ok: b.cmp('lt_u', b.bin('sub', bits, b.i64(1)), b.i64(FORMAT_BITS.i64.inf - 1n)), result: bits };
}

/** Singles, operands widened: rounding the f64 result of +, -, *, / or sqrt to single gives the
 *  correctly rounded single (53 >= 2*24 + 2 makes the double rounding innocuous); the narrowed
 *  result must be normal and finite. */
function stickySingle(b: Builder, d: Value): StickyPath {
  const bits = b.emit('f32_to_bits', [b.emit('demote.f64', [d])]);
  return { ok: normalFiniteBits(b, bits), result: b.emit('extend_u.i32', [bits]) };
}
export const stickyAddSingle = (b: Builder, x: Value, y: Value): StickyPath => stickySingle(b, add(b, x, y));
export const stickyMulSingle = (b: Builder, x: Value, y: Value): StickyPath => stickySingle(b, mul(b, x, y));
export const stickyDivSingle = (b: Builder, x: Value, y: Value): StickyPath => stickySingle(b, fop(b, 'fdiv', x, y));
export const stickySqrtSingle = (b: Builder, x: Value): StickyPath => stickySingle(b, b.emit('fsqrt.f64', [x]));
