// Test oracle for the FP helpers (imported only by *.test.ts): an independent, deliberately slow
// model of RISC-V F/D arithmetic over exact rationals. Every operand is decoded to a rational
// n/d (or a special), the operation is computed exactly, and the exact value is rounded to the
// target format by comparing rationals against grid points, with flags derived from definitions
// (tiny: the result rounded with unbounded exponent is below 2^emin; UF: tiny and inexact).
// Invariant: shares no code with the helpers, so agreement between the two is evidence.

export interface Format {
  bits: number; // total width
  precision: number; // significand bits with the hidden one
  exponentBits: number;
}
export const SINGLE: Format = { bits: 32, precision: 24, exponentBits: 8 };
export const DOUBLE: Format = { bits: 64, precision: 53, exponentBits: 11 };

const bias = (f: Format): number => (1 << (f.exponentBits - 1)) - 1;
const emin = (f: Format): number => 1 - bias(f);
const emax = (f: Format): number => bias(f);

export type Decoded =
  | { kind: 'nan'; signaling: boolean }
  | { kind: 'inf'; negative: boolean }
  | { kind: 'num'; negative: boolean; num: bigint; den: bigint }; // |value| = num/den, num >= 0

export interface Outcome {
  bits: bigint;
  flags: number;
}
export const F_NX = 1, F_UF = 2, F_OF = 4, F_DZ = 8, F_NV = 16;

const pow2 = (k: number): bigint => 1n << BigInt(k);

export function decode(f: Format, raw: bigint): Decoded {
  const bits = raw & (pow2(f.bits) - 1n);
  const fracBits = f.precision - 1;
  const negative = bits >> BigInt(f.bits - 1) === 1n;
  const exponentField = Number((bits >> BigInt(fracBits)) & (pow2(f.exponentBits) - 1n));
  const fraction = bits & (pow2(fracBits) - 1n);
  if (exponentField === (1 << f.exponentBits) - 1) {
    if (fraction === 0n) return { kind: 'inf', negative };
    return { kind: 'nan', signaling: (fraction >> BigInt(fracBits - 1)) === 0n };
  }
  const significand = exponentField === 0 ? fraction : fraction + pow2(fracBits);
  const exponent = (exponentField === 0 ? 1 : exponentField) - bias(f) - fracBits;
  return exponent >= 0
    ? { kind: 'num', negative, num: significand << BigInt(exponent), den: 1n }
    : { kind: 'num', negative, num: significand, den: pow2(-exponent) };
}

export const canonicalNaN = (f: Format): bigint => (pow2(f.exponentBits + 1) - 1n) << BigInt(f.precision - 2);
const infinityBits = (f: Format, negative: boolean): bigint =>
  ((negative ? 1n : 0n) << BigInt(f.bits - 1)) | ((pow2(f.exponentBits) - 1n) << BigInt(f.precision - 1));
const zeroBits = (f: Format, negative: boolean): bigint => (negative ? pow2(f.bits - 1) : 0n);

/** floor(log2(num/den)) for num, den > 0. */
function floorLog2(num: bigint, den: bigint): number {
  let e = num.toString(2).length - den.toString(2).length;
  const below = e >= 0 ? num < den << BigInt(e) : num << BigInt(-e) < den;
  if (below) e -= 1;
  return e;
}

/** Round |x| = num/den to an integer multiple k of 2^quantum in mode rm; returns k and exactness. */
function roundToQuantum(num: bigint, den: bigint, quantum: number, rm: number, negative: boolean): { k: bigint; exact: boolean } {
  const n = quantum >= 0 ? num : num << BigInt(-quantum);
  const d = quantum >= 0 ? den << BigInt(quantum) : den;
  const k = n / d;
  const r = n - k * d;
  if (r === 0n) return { k, exact: true };
  const twice = 2n * r;
  let up: boolean;
  if (rm === 0) up = twice > d || (twice === d && (k & 1n) === 1n);
  else if (rm === 1) up = false;
  else if (rm === 2) up = negative;
  else if (rm === 3) up = !negative;
  else if (rm === 4) up = twice >= d;
  else throw new Error(`bad rounding mode ${rm}`);
  return { k: up ? k + 1n : k, exact: false };
}

/** Round the exact nonzero value (-1)^negative · num/den to format f in mode rm. */
export function roundExact(f: Format, negative: boolean, num: bigint, den: bigint, rm: number): Outcome {
  const p = f.precision;
  const e = floorLog2(num, den);
  const quantum = Math.max(e, emin(f)) - (p - 1);
  const { k, exact } = roundToQuantum(num, den, quantum, rm, negative);
  // Unbounded-exponent rounding decides tininess.
  const unbounded = roundToQuantum(num, den, e - (p - 1), rm, negative);
  // k·2^q < 2^emin  <=>  k < 2^(emin - q); only meaningful (and only needed) when e < emin.
  const tiny = e < emin(f) && unbounded.k < pow2(emin(f) - (e - (p - 1)));
  let flags = 0;
  if (!exact) flags |= F_NX;
  if (tiny && !exact) flags |= F_UF;
  // Does k·2^quantum exceed the largest finite value?
  const largest = (pow2(p) - 1n) << BigInt(emax(f) - (p - 1)); // an integer: emax >= p - 1 for both formats
  const magnitudeExceeds = quantum >= 0 ? k << BigInt(quantum) > largest : false;
  if (magnitudeExceeds) {
    flags |= F_OF | F_NX;
    const toInf = rm === 0 || rm === 4 || (rm === 2 && negative) || (rm === 3 && !negative);
    if (toInf) return { bits: infinityBits(f, negative), flags };
    const maxBits = infinityBits(f, false) - 1n;
    return { bits: (negative ? pow2(f.bits - 1) : 0n) | maxBits, flags };
  }
  let field: bigint;
  if (k === 0n) field = 0n;
  else {
    const top = k.toString(2).length - 1 + quantum; // exponent of the leading bit
    if (top < emin(f)) field = k; // subnormal: quantum is emin - (p-1)
    else {
      const biased = BigInt(top + bias(f));
      const fraction = (k << BigInt(p - 1 - (k.toString(2).length - 1))) - pow2(p - 1);
      field = (biased << BigInt(p - 1)) | fraction;
    }
  }
  return { bits: (negative ? pow2(f.bits - 1) : 0n) | field, flags };
}

type Finite = { negative: boolean; num: bigint; den: bigint };

/** Signed rational sum of finite values. */
function addFinite(a: Finite, b: Finite): { num: bigint; den: bigint } {
  const an = a.negative ? -a.num : a.num;
  const bn = b.negative ? -b.num : b.num;
  return { num: an * b.den + bn * a.den, den: a.den * b.den };
}

function finishSigned(f: Format, num: bigint, den: bigint, rm: number): Outcome {
  return roundExact(f, num < 0n, num < 0n ? -num : num, den, rm);
}

const isZero = (v: Decoded): boolean => v.kind === 'num' && v.num === 0n;
const nanOutcome = (f: Format, invalid: boolean): Outcome => ({ bits: canonicalNaN(f), flags: invalid ? F_NV : 0 });
const anySignaling = (...vs: Decoded[]): boolean => vs.some((v) => v.kind === 'nan' && v.signaling);

/** a + b with IEEE special cases; also the addition step of fma (product given as a Decoded). */
function addDecoded(f: Format, a: Decoded, b: Decoded, rm: number, signalingSeen: boolean): Outcome {
  if (a.kind === 'nan' || b.kind === 'nan') return nanOutcome(f, signalingSeen);
  if (a.kind === 'inf' && b.kind === 'inf') {
    return a.negative === b.negative ? { bits: infinityBits(f, a.negative), flags: 0 } : nanOutcome(f, true);
  }
  if (a.kind === 'inf') return { bits: infinityBits(f, a.negative), flags: 0 };
  if (b.kind === 'inf') return { bits: infinityBits(f, b.negative), flags: 0 };
  const sum = addFinite(a, b);
  if (sum.num === 0n) {
    // Exact zero: same-signed zeros keep their sign; otherwise +0, or -0 when rounding down.
    const bothZero = a.num === 0n && b.num === 0n;
    const negative = bothZero && a.negative === b.negative ? a.negative : rm === 2;
    return { bits: zeroBits(f, negative), flags: 0 };
  }
  return finishSigned(f, sum.num, sum.den, rm);
}

function negate(v: Decoded): Decoded {
  return v.kind === 'nan' ? v : { ...v, negative: !v.negative };
}

function product(a: Decoded, b: Decoded): Decoded | 'invalid' {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan', signaling: false };
  const negative = a.negative !== b.negative;
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (isZero(a) || isZero(b)) return 'invalid';
    return { kind: 'inf', negative };
  }
  return { kind: 'num', negative, num: a.num * b.num, den: a.den * b.den };
}

export function oracleAdd(f: Format, a: bigint, b: bigint, rm: number, subtract = false): Outcome {
  const x = decode(f, a);
  const y = decode(f, b);
  return addDecoded(f, x, subtract ? negate(y) : y, rm, anySignaling(x, y));
}

export function oracleMul(f: Format, a: bigint, b: bigint, rm: number): Outcome {
  const x = decode(f, a);
  const y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') return nanOutcome(f, anySignaling(x, y));
  const p = product(x, y);
  if (p === 'invalid') return nanOutcome(f, true);
  if (p.kind === 'inf') return { bits: infinityBits(f, p.negative), flags: 0 };
  if (p.kind !== 'num') throw new Error('unreachable');
  if (p.num === 0n) return { bits: zeroBits(f, p.negative), flags: 0 };
  return roundExact(f, p.negative, p.num, p.den, rm);
}

export function oracleDiv(f: Format, a: bigint, b: bigint, rm: number): Outcome {
  const x = decode(f, a);
  const y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') return nanOutcome(f, anySignaling(x, y));
  const negative = x.negative !== y.negative;
  if (x.kind === 'inf') return y.kind === 'inf' ? nanOutcome(f, true) : { bits: infinityBits(f, negative), flags: 0 };
  if (y.kind === 'inf') return { bits: zeroBits(f, negative), flags: 0 };
  if (y.num === 0n) return x.num === 0n ? nanOutcome(f, true) : { bits: infinityBits(f, negative), flags: F_DZ };
  if (x.num === 0n) return { bits: zeroBits(f, negative), flags: 0 };
  return roundExact(f, negative, x.num * y.den, x.den * y.num, rm);
}

function integerSquareRoot(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton from the power of two above the root; the iterates decrease to floor(sqrt(n)).
  let r = pow2(Math.ceil(n.toString(2).length / 2));
  for (let next = (r + n / r) >> 1n; next < r; next = (r + n / r) >> 1n) r = next;
  if (r * r > n || (r + 1n) * (r + 1n) <= n) throw new Error('oracle integer square root is wrong');
  return r;
}

export function oracleSqrt(f: Format, a: bigint, rm: number): Outcome {
  const x = decode(f, a);
  if (x.kind === 'nan') return nanOutcome(f, x.signaling);
  if (x.kind === 'inf') return x.negative ? nanOutcome(f, true) : { bits: infinityBits(f, false), flags: 0 };
  if (x.num === 0n) return { bits: zeroBits(f, x.negative), flags: 0 };
  if (x.negative) return nanOutcome(f, true);
  // sqrt(num/den) · 2^K, floored, with K far beyond any format's reach; a non-square gets a
  // midpoint sticky value (2S+1)/2^(K+1), strictly inside (S, S+1)/2^K.
  const K = 700; // the smallest double root is 2^-537: 700 leaves >100 bits below any rounding point
  const scaled = (x.num << BigInt(2 * K)) / x.den;
  const root = integerSquareRoot(scaled);
  const exact = root * root === scaled && scaled * x.den === x.num << BigInt(2 * K);
  return exact ? roundExact(f, false, root, pow2(K), rm) : roundExact(f, false, 2n * root + 1n, pow2(K + 1), rm);
}

/** fma: (negateProduct ? -(a*b) : a*b) + (negateAddend ? -c : c), one rounding. */
export function oracleFma(f: Format, a: bigint, b: bigint, c: bigint, rm: number, negateProduct: boolean, negateAddend: boolean): Outcome {
  const x = decode(f, a);
  const y = decode(f, b);
  const z = decode(f, c);
  const signaling = anySignaling(x, y, z);
  const p = product(x, y);
  if (p === 'invalid') return nanOutcome(f, true); // 0*inf, even with a quiet NaN addend
  if (p.kind === 'nan' || z.kind === 'nan') return nanOutcome(f, signaling);
  return addDecoded(f, negateProduct ? negate(p) : p, negateAddend ? negate(z) : z, rm, signaling);
}

/** Value of an integer kind's range: [min, max]. */
function intRange(kind: number): [bigint, bigint] {
  return [[-pow2(31), pow2(31) - 1n], [0n, pow2(32) - 1n], [-pow2(63), pow2(63) - 1n], [0n, pow2(64) - 1n]][kind] as [bigint, bigint];
}

/** fcvt.{w,wu,l,lu}: integer result as an unsigned 64-bit pattern (32-bit kinds sign-extended). */
export function oracleToInt(f: Format, a: bigint, rm: number, kind: number): Outcome {
  const x = decode(f, a);
  const [min, max] = intRange(kind);
  const pattern = (v: bigint): bigint => {
    const narrowed = kind < 2 ? BigInt.asIntN(32, v) : v;
    return BigInt.asUintN(64, narrowed);
  };
  if (x.kind === 'nan') return { bits: pattern(max), flags: F_NV };
  if (x.kind === 'inf') return { bits: pattern(x.negative ? min : max), flags: F_NV };
  const { k, exact } = roundToQuantum(x.num, x.den, 0, rm, x.negative);
  const value = x.negative ? -k : k;
  if (value > max) return { bits: pattern(max), flags: F_NV };
  if (value < min) return { bits: pattern(min), flags: F_NV };
  return { bits: pattern(value), flags: exact ? 0 : F_NX };
}

/** fcvt.{s,d}.{w,wu,l,lu}: the integer is the low 32 bits (w, wu) or 64 bits of `a`. */
export function oracleFromInt(f: Format, a: bigint, rm: number, kind: number): Outcome {
  const value = [BigInt.asIntN(32, a), BigInt.asUintN(32, a), BigInt.asIntN(64, a), BigInt.asUintN(64, a)][kind]!;
  if (value === 0n) return { bits: 0n, flags: 0 };
  return roundExact(f, value < 0n, value < 0n ? -value : value, 1n, rm);
}

/** fcvt between formats. */
export function oracleConvert(from: Format, to: Format, a: bigint, rm: number): Outcome {
  const x = decode(from, a);
  if (x.kind === 'nan') return nanOutcome(to, x.signaling);
  if (x.kind === 'inf') return { bits: infinityBits(to, x.negative), flags: 0 };
  if (x.num === 0n) return { bits: zeroBits(to, x.negative), flags: 0 };
  return roundExact(to, x.negative, x.num, x.den, rm);
}

/** Signed comparison of two finite decoded values: -1, 0, 1 (zeros equal). */
function compareFinite(a: Finite, b: Finite): number {
  const an = a.negative ? -a.num : a.num;
  const bn = b.negative ? -b.num : b.num;
  const l = an * b.den;
  const r = bn * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

function orderKey(v: Decoded): Finite {
  // Infinities as huge finite values for ordering.
  if (v.kind === 'inf') return { negative: v.negative, num: pow2(5000), den: 1n };
  if (v.kind === 'nan') throw new Error('NaN has no order');
  return v;
}

export function oracleCompare(f: Format, a: bigint, b: bigint, kind: number): Outcome {
  const x = decode(f, a);
  const y = decode(f, b);
  if (x.kind === 'nan' || y.kind === 'nan') {
    const invalid = kind !== 0 || anySignaling(x, y);
    return { bits: 0n, flags: invalid ? F_NV : 0 };
  }
  const c = compareFinite(orderKey(x), orderKey(y));
  const holds = kind === 0 ? c === 0 : kind === 1 ? c < 0 : c <= 0;
  return { bits: holds ? 1n : 0n, flags: 0 };
}

export function oracleMinMax(f: Format, a: bigint, b: bigint, isMax: boolean): Outcome {
  const mask = pow2(f.bits) - 1n;
  const x = decode(f, a);
  const y = decode(f, b);
  const flags = anySignaling(x, y) ? F_NV : 0;
  if (x.kind === 'nan' && y.kind === 'nan') return { bits: canonicalNaN(f), flags };
  if (x.kind === 'nan') return { bits: b & mask, flags };
  if (y.kind === 'nan') return { bits: a & mask, flags };
  let c = compareFinite(orderKey(x), orderKey(y));
  if (c === 0) c = x.negative === y.negative ? 0 : x.negative ? -1 : 1; // -0 < +0
  const pickA = isMax ? c >= 0 : c <= 0;
  return { bits: (pickA ? a : b) & mask, flags };
}

export function oracleClass(f: Format, a: bigint): bigint {
  const x = decode(f, a);
  const smallestNormal: Finite = { negative: false, num: 1n, den: pow2(-emin(f)) };
  let bit: number;
  if (x.kind === 'nan') bit = x.signaling ? 8 : 9;
  else if (x.kind === 'inf') bit = x.negative ? 0 : 7;
  else if (x.num === 0n) bit = x.negative ? 3 : 4;
  else {
    const subnormal = compareFinite({ ...x, negative: false }, smallestNormal) < 0;
    bit = x.negative ? (subnormal ? 2 : 1) : subnormal ? 5 : 6;
  }
  return 1n << BigInt(bit);
}
