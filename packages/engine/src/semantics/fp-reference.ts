// An exact reference for the RISC-V F and D instructions, written from the spec for the tests only
// (it shares nothing with the runtime's FPU): operands become exact rationals (BigInt numerator,
// power-of-two or general denominator), each operation is computed exactly, and one rounding
// function applies the IEEE 754 rounding modes with RISC-V's choices: tininess detected after
// rounding, every NaN result canonical, NV/DZ/OF/UF/NX raised as the spec lists.
// Invariant: results are raw bit patterns of the destination format; flags use the fflags bits.

export const NV = 16, DZ = 8, OF = 4, UF = 2, NX = 1;
export const RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

export interface Format {
  exponentBits: number;
  fractionBits: number;
}
export const S: Format = { exponentBits: 8, fractionBits: 23 };
export const D: Format = { exponentBits: 11, fractionBits: 52 };

const bias = (f: Format) => (1 << (f.exponentBits - 1)) - 1;
const maxBiased = (f: Format) => (1 << f.exponentBits) - 1;
const one = 1n;

export const canonicalNaN = (f: Format): bigint => (BigInt(maxBiased(f)) << BigInt(f.fractionBits)) | (one << BigInt(f.fractionBits - 1));
export const infinity = (f: Format, negative: boolean): bigint => pack(f, negative, BigInt(maxBiased(f)), 0n);
export const zero = (f: Format, negative: boolean): bigint => pack(f, negative, 0n, 0n);
const signBit = (f: Format) => one << BigInt(f.exponentBits + f.fractionBits);

function pack(f: Format, negative: boolean, biased: bigint, fraction: bigint): bigint {
  return (negative ? signBit(f) : 0n) | (biased << BigInt(f.fractionBits)) | fraction;
}

export type Unpacked =
  | { kind: 'nan'; negative: boolean; signaling: boolean }
  | { kind: 'inf'; negative: boolean }
  | { kind: 'zero'; negative: boolean }
  /** value = (-1)^negative * significand * 2^exponent */
  | { kind: 'finite'; negative: boolean; significand: bigint; exponent: number; subnormal: boolean };

export function unpack(f: Format, bits: bigint): Unpacked {
  const negative = (bits & signBit(f)) !== 0n;
  const biased = Number((bits >> BigInt(f.fractionBits)) & BigInt(maxBiased(f)));
  const fraction = bits & ((one << BigInt(f.fractionBits)) - 1n);
  if (biased === maxBiased(f)) {
    if (fraction === 0n) return { kind: 'inf', negative };
    return { kind: 'nan', negative, signaling: (fraction >> BigInt(f.fractionBits - 1)) === 0n };
  }
  if (biased === 0) {
    if (fraction === 0n) return { kind: 'zero', negative };
    return { kind: 'finite', negative, significand: fraction, exponent: 1 - bias(f) - f.fractionBits, subnormal: true };
  }
  return { kind: 'finite', negative, significand: fraction | (one << BigInt(f.fractionBits)), exponent: biased - bias(f) - f.fractionBits, subnormal: false };
}

export interface Result {
  bits: bigint;
  flags: number;
}

/** An exact nonzero magnitude num / den (den > 0). */
interface Rational {
  num: bigint;
  den: bigint;
}

const bitLength = (v: bigint): number => v.toString(2).length;
const scale = (r: Rational, e: number): Rational => (e >= 0 ? { num: r.num << BigInt(e), den: r.den } : { num: r.num, den: r.den << BigInt(-e) });

/** floor(log2(num / den)) */
function floorLog2(r: Rational): number {
  let e = bitLength(r.num) - bitLength(r.den);
  const s = scale(r, -e); // compare num / den against 2^e
  if (s.num < s.den) e -= 1;
  return e;
}

/** Rounds num / den to an integer by `rm` (sign applies to rdn/rup); reports inexactness. */
function roundToInteger(r: Rational, negative: boolean, rm: number): { value: bigint; inexact: boolean } {
  const q = r.num / r.den;
  const rem = r.num - q * r.den;
  if (rem === 0n) return { value: q, inexact: false };
  const twice = 2n * rem;
  let up: boolean;
  switch (rm) {
    case RNE: up = twice > r.den || (twice === r.den && (q & 1n) === 1n); break;
    case RTZ: up = false; break;
    case RDN: up = negative; break;
    case RUP: up = !negative; break;
    case RMM: up = twice >= r.den; break;
    default: throw new Error(`reference: rounding mode ${rm} is not a real mode`);
  }
  return { value: up ? q + 1n : q, inexact: true };
}

/** The correctly rounded result of (-1)^negative * r in format f, with NX/OF/UF. */
export function round(f: Format, negative: boolean, r: Rational, rm: number): Result {
  const p = f.fractionBits + 1;
  const emin = 1 - bias(f);
  const emax = bias(f);
  // Tininess after rounding: round to p bits with an unbounded exponent and see if it is below 2^emin.
  const eUnbounded = floorLog2(r) - (p - 1);
  const unbounded = roundToInteger(scale(r, -eUnbounded), negative, rm);
  const unboundedMagnitudeExp = bitLength(unbounded.value) - 1 + eUnbounded; // floor(log2) of the rounded value
  const tiny = unboundedMagnitudeExp < emin;
  if (unboundedMagnitudeExp > emax) {
    // Overflow: infinity, or the largest finite number when the mode rounds toward zero for this sign.
    const toInfinity = rm === RNE || rm === RMM || (rm === RUP && !negative) || (rm === RDN && negative);
    const bits = toInfinity ? infinity(f, negative) : pack(f, negative, BigInt(maxBiased(f) - 1), (one << BigInt(f.fractionBits)) - 1n);
    return { bits, flags: OF | NX };
  }
  const e = Math.max(eUnbounded, emin - (p - 1));
  let { value, inexact } = roundToInteger(scale(r, -e), negative, rm);
  let exponent = e;
  if (value === one << BigInt(p)) {
    value >>= 1n;
    exponent += 1;
  }
  let flags = inexact ? NX : 0;
  if (tiny && inexact) flags |= UF;
  if (value === 0n) return { bits: zero(f, negative), flags };
  if (value < one << BigInt(p - 1)) return { bits: pack(f, negative, 0n, value), flags }; // subnormal
  const biased = BigInt(exponent + (p - 1) + bias(f));
  return { bits: pack(f, negative, biased, value - (one << BigInt(p - 1))), flags };
}

/** A finite nonzero operand as a signed dyadic value mantissa * 2^exponent. */
interface Dyadic {
  mantissa: bigint; // signed
  exponent: number;
}
const dyadic = (u: Extract<Unpacked, { kind: 'finite' }>): Dyadic => ({ mantissa: u.negative ? -u.significand : u.significand, exponent: u.exponent });
const dyadicRational = (d: Dyadic): Rational => scale({ num: d.mantissa < 0n ? -d.mantissa : d.mantissa, den: one }, d.exponent);

function addDyadic(a: Dyadic, b: Dyadic): Dyadic {
  const e = Math.min(a.exponent, b.exponent);
  return { mantissa: (a.mantissa << BigInt(a.exponent - e)) + (b.mantissa << BigInt(b.exponent - e)), exponent: e };
}

const nanResult = (f: Format, invalid: boolean): Result => ({ bits: canonicalNaN(f), flags: invalid ? NV : 0 });
const anySignaling = (...us: Unpacked[]): boolean => us.some((u) => u.kind === 'nan' && u.signaling);
const isNaN = (u: Unpacked) => u.kind === 'nan';
const negate = (u: Unpacked): Unpacked => ({ ...u, negative: !u.negative }) as Unpacked;

/** Exact zero results of sums: equal signs keep the sign; otherwise +0, except -0 when rounding down. */
const zeroSum = (f: Format, aNegative: boolean, bNegative: boolean, rm: number): Result =>
  ({ bits: zero(f, aNegative === bNegative ? aNegative : rm === RDN), flags: 0 });

/** x + y for unpacked operands (neither NaN). */
function sum(f: Format, x: Unpacked, y: Unpacked, rm: number): Result {
  if (x.kind === 'inf' || y.kind === 'inf') {
    if (x.kind === 'inf' && y.kind === 'inf' && x.negative !== y.negative) return nanResult(f, true);
    return { bits: infinity(f, (x.kind === 'inf' ? x : y).negative), flags: 0 };
  }
  if (x.kind === 'zero' && y.kind === 'zero') return zeroSum(f, x.negative, y.negative, rm);
  if (x.kind === 'zero') return roundDyadic(f, dyadic(y as Extract<Unpacked, { kind: 'finite' }>), rm);
  if (y.kind === 'zero') return roundDyadic(f, dyadic(x as Extract<Unpacked, { kind: 'finite' }>), rm);
  const s = addDyadic(dyadic(x as Extract<Unpacked, { kind: 'finite' }>), dyadic(y as Extract<Unpacked, { kind: 'finite' }>));
  if (s.mantissa === 0n) return zeroSum(f, x.negative, y.negative, rm);
  return roundDyadic(f, s, rm);
}
const roundDyadic = (f: Format, d: Dyadic, rm: number): Result => round(f, d.mantissa < 0n, dyadicRational(d), rm);

export function add(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, anySignaling(x, y));
  return sum(f, x, y, rm);
}
export function sub(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, anySignaling(x, y));
  return sum(f, x, negate(y), rm);
}

/** The exact product as an Unpacked-like value (inf, zero or a dyadic), or invalid for inf * 0. */
type Product = { kind: 'invalid' } | { kind: 'inf'; negative: boolean } | { kind: 'zero'; negative: boolean } | { kind: 'finite'; value: Dyadic };
function product(x: Unpacked, y: Unpacked): Product {
  const negative = x.negative !== y.negative;
  if ((x.kind === 'inf' && y.kind === 'zero') || (x.kind === 'zero' && y.kind === 'inf')) return { kind: 'invalid' };
  if (x.kind === 'inf' || y.kind === 'inf') return { kind: 'inf', negative };
  if (x.kind === 'zero' || y.kind === 'zero') return { kind: 'zero', negative };
  const dx = dyadic(x as Extract<Unpacked, { kind: 'finite' }>), dy = dyadic(y as Extract<Unpacked, { kind: 'finite' }>);
  return { kind: 'finite', value: { mantissa: dx.mantissa * dy.mantissa, exponent: dx.exponent + dy.exponent } };
}

export function mul(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, anySignaling(x, y));
  const p = product(x, y);
  if (p.kind === 'invalid') return nanResult(f, true);
  if (p.kind === 'inf') return { bits: infinity(f, p.negative), flags: 0 };
  if (p.kind === 'zero') return { bits: zero(f, p.negative), flags: 0 };
  return roundDyadic(f, p.value, rm);
}

export function div(f: Format, a: bigint, b: bigint, rm: number): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return nanResult(f, anySignaling(x, y));
  const negative = x.negative !== y.negative;
  if ((x.kind === 'inf' && y.kind === 'inf') || (x.kind === 'zero' && y.kind === 'zero')) return nanResult(f, true);
  if (x.kind === 'inf') return { bits: infinity(f, negative), flags: 0 };
  if (y.kind === 'inf' || x.kind === 'zero') return { bits: zero(f, negative), flags: 0 };
  if (y.kind === 'zero') return { bits: infinity(f, negative), flags: DZ };
  const n = dyadicRational(dyadic(x as Extract<Unpacked, { kind: 'finite' }>));
  const d = dyadicRational(dyadic(y as Extract<Unpacked, { kind: 'finite' }>));
  return round(f, negative, { num: n.num * d.den, den: n.den * d.num }, rm);
}

/** Integer square root (floor). */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = one << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(f: Format, a: bigint, rm: number): Result {
  const x = unpack(f, a);
  if (x.kind === 'nan') return nanResult(f, x.signaling);
  if (x.kind === 'zero') return { bits: a, flags: 0 };
  if (x.negative) return nanResult(f, true);
  if (x.kind === 'inf') return { bits: a, flags: 0 };
  // value = m * 2^e with e even; sqrt = sqrt(m * 2^(2k)) * 2^(e/2 - k), with k large enough that a
  // sticky bit below the integer root decides every rounding.
  let m = x.significand, e = x.exponent;
  if (e % 2 !== 0) { m <<= 1n; e -= 1; }
  const k = 2 * (f.fractionBits + 8);
  const scaled = m << BigInt(2 * k);
  const root = isqrt(scaled);
  const exact = root * root === scaled;
  const r: Rational = scale({ num: 2n * root + (exact ? 0n : 1n), den: 2n }, e / 2 - k);
  return round(f, false, r, rm);
}

/** Fused multiply-add: (-1)^negateProduct * a * b + (-1)^negateAddend * c, rounded once. */
export function fma(f: Format, a: bigint, b: bigint, c: bigint, rm: number, negateProduct: boolean, negateAddend: boolean): Result {
  const x = unpack(f, a), y = unpack(f, b);
  let z = unpack(f, c);
  const infTimesZero = (x.kind === 'inf' && y.kind === 'zero') || (x.kind === 'zero' && y.kind === 'inf');
  // The spec: inf * 0 raises NV even when the addend is a quiet NaN.
  if (isNaN(x) || isNaN(y) || isNaN(z)) return nanResult(f, anySignaling(x, y, z) || infTimesZero);
  if (infTimesZero) return nanResult(f, true);
  if (negateAddend) z = negate(z);
  const p = product(x, y);
  if (p.kind === 'invalid') return nanResult(f, true);
  const productNegative = (p.kind === 'finite' ? p.value.mantissa < 0n : p.negative) !== negateProduct;
  if (p.kind === 'inf') return sum(f, { kind: 'inf', negative: productNegative }, z, rm);
  if (p.kind === 'zero') return sum(f, { kind: 'zero', negative: productNegative }, z, rm);
  const pv: Dyadic = { mantissa: negateProduct ? -p.value.mantissa : p.value.mantissa, exponent: p.value.exponent };
  if (z.kind === 'inf') return { bits: infinity(f, z.negative), flags: 0 };
  if (z.kind === 'zero') return roundDyadic(f, pv, rm);
  const s = addDyadic(pv, dyadic(z as Extract<Unpacked, { kind: 'finite' }>));
  if (s.mantissa === 0n) return zeroSum(f, productNegative, z.negative, rm);
  return roundDyadic(f, s, rm);
}

/** Integer conversion targets: w, wu, l, lu. */
export type IntKind = 'w' | 'wu' | 'l' | 'lu';
const intRange = (k: IntKind): [bigint, bigint] =>
  k === 'w' ? [-(one << 31n), (one << 31n) - 1n] : k === 'wu' ? [0n, (one << 32n) - 1n] : k === 'l' ? [-(one << 63n), (one << 63n) - 1n] : [0n, (one << 64n) - 1n];
/** How the integer result sits in the 64-bit register: 32-bit results are sign-extended (wu too). */
const toRegister = (k: IntKind, v: bigint): bigint => BigInt.asUintN(64, k === 'w' || k === 'wu' ? BigInt.asIntN(32, v) : v);

export function toInt(f: Format, a: bigint, k: IntKind, rm: number): Result {
  const x = unpack(f, a);
  const [min, max] = intRange(k);
  if (x.kind === 'nan') return { bits: toRegister(k, max), flags: NV };
  if (x.kind === 'inf') return { bits: toRegister(k, x.negative ? min : max), flags: NV };
  if (x.kind === 'zero') return { bits: 0n, flags: 0 };
  const { value, inexact } = roundToInteger(dyadicRational(dyadic(x)), x.negative, rm);
  const signed = x.negative ? -value : value;
  if (signed < min) return { bits: toRegister(k, min), flags: NV };
  if (signed > max) return { bits: toRegister(k, max), flags: NV };
  return { bits: toRegister(k, signed), flags: inexact ? NX : 0 };
}

/** Register bits as the integer kind reads them (w/wu: the low 32 bits). */
export function fromInt(f: Format, register: bigint, k: IntKind, rm: number): Result {
  const v = k === 'w' ? BigInt.asIntN(32, register) : k === 'wu' ? BigInt.asUintN(32, register) : k === 'l' ? BigInt.asIntN(64, register) : BigInt.asUintN(64, register);
  if (v === 0n) return { bits: zero(f, false), flags: 0 };
  return round(f, v < 0n, { num: v < 0n ? -v : v, den: one }, rm);
}

/** fcvt between widths: exact value of the source, rounded to the destination. */
export function convert(from: Format, to: Format, a: bigint, rm: number): Result {
  const x = unpack(from, a);
  if (x.kind === 'nan') return nanResult(to, x.signaling);
  if (x.kind === 'inf') return { bits: infinity(to, x.negative), flags: 0 };
  if (x.kind === 'zero') return { bits: zero(to, x.negative), flags: 0 };
  return roundDyadic(to, dyadic(x), rm);
}

/** x < y for non-NaN operands; zeroOrdered makes -0 < +0 (min/max), else they are equal (compares). */
function less(x: Unpacked, y: Unpacked, zeroOrdered: boolean): boolean {
  if (x.kind === 'zero' && y.kind === 'zero') return zeroOrdered && x.negative && !y.negative;
  const infinityRank = (u: Unpacked) => (u.kind === 'inf' ? (u.negative ? -1 : 1) : 0);
  if (x.kind === 'inf' || y.kind === 'inf') return infinityRank(x) < infinityRank(y);
  const signed = (u: Unpacked): Rational & { sign: bigint } =>
    u.kind === 'finite' ? { ...dyadicRational(dyadic(u)), sign: u.negative ? -1n : 1n } : { num: 0n, den: one, sign: 1n };
  const a = signed(x), b = signed(y);
  return a.sign * a.num * b.den < b.sign * b.num * a.den;
}

export function minMax(f: Format, a: bigint, b: bigint, isMax: boolean): Result {
  const x = unpack(f, a), y = unpack(f, b);
  const flags = anySignaling(x, y) ? NV : 0;
  if (isNaN(x) && isNaN(y)) return { bits: canonicalNaN(f), flags };
  if (isNaN(x)) return { bits: b, flags };
  if (isNaN(y)) return { bits: a, flags };
  const aFirst = isMax ? less(y, x, true) : less(x, y, true);
  return { bits: aFirst ? a : b, flags };
}

/** feq (quiet: NV only for sNaN), flt and fle (signaling: NV for any NaN). Result 0 or 1. */
export function compare(f: Format, a: bigint, b: bigint, kind: 'eq' | 'lt' | 'le'): Result {
  const x = unpack(f, a), y = unpack(f, b);
  if (isNaN(x) || isNaN(y)) return { bits: 0n, flags: kind === 'eq' ? (anySignaling(x, y) ? NV : 0) : NV };
  const lt = less(x, y, false), gt = less(y, x, false);
  const r = kind === 'eq' ? !lt && !gt : kind === 'lt' ? lt : !gt;
  return { bits: r ? 1n : 0n, flags: 0 };
}

/** fclass: one bit of ten (spec table): -inf -normal -subnormal -0 +0 +subnormal +normal +inf sNaN qNaN. */
export function classify(f: Format, a: bigint): bigint {
  const x = unpack(f, a);
  const bit = (n: number) => one << BigInt(n);
  switch (x.kind) {
    case 'nan': return bit(x.signaling ? 8 : 9);
    case 'inf': return bit(x.negative ? 0 : 7);
    case 'zero': return bit(x.negative ? 3 : 4);
    case 'finite': return bit(x.negative ? (x.subnormal ? 2 : 1) : (x.subnormal ? 5 : 6));
  }
}
