// Bit-level plumbing shared by the FP helpers: one scratch buffer viewed as f64/u64/f32/u32 for
// reinterpreting raw patterns without allocation, the per-call flag accumulator, canonical NaNs,
// and one-ulp steps of doubles and singles by pattern arithmetic.
// Invariant: the host is little-endian (checked at load), so u32[0] is the low word of u64[0]
// and f32[0] aliases the low 32 bits of a pattern written to u64[0].
import { FFlag } from '@ferry/abi';

const scratch = new ArrayBuffer(8);
export const f64 = new Float64Array(scratch);
export const u64 = new BigUint64Array(scratch);
export const f32 = new Float32Array(scratch);
export const u32 = new Uint32Array(scratch);
u32[0] = 1;
if (new Uint8Array(scratch)[0] !== 1) throw new Error('Ferry FPU helpers need a little-endian host');

export const { NX, UF, OF, DZ, NV } = FFlag;

/** Flags raised by the operation in progress; index.ts clears it before and drains it after. */
export const raised = { flags: 0 };

export const CANONICAL_NAN_S = 0x7fc00000n;
export const CANONICAL_NAN_D = 0x7ff8000000000000n;

export const MAX_SINGLE = 3.4028234663852886e38;
export const MIN_NORMAL_SINGLE = 2 ** -126;
export const MIN_NORMAL_DOUBLE = 2 ** -1022;

/** The double held by a raw 64-bit pattern. */
export function doubleOf(bits: bigint): number {
  u64[0] = bits;
  return f64[0]!;
}

/** The raw pattern of a double (never called with NaN: NaN results use the canonical constant). */
export function bitsOfDouble(x: number): bigint {
  f64[0] = x;
  return u64[0]!;
}

/** The single held in the low 32 bits of a raw pattern, widened exactly to a double. */
export function singleOf(bits: bigint): number {
  u64[0] = bits;
  return f32[0]!;
}

/** The raw 32-bit pattern of a single-representable double, zero-extended. */
export function bitsOfSingle(x: number): bigint {
  f32[0] = x;
  return BigInt(u32[0]!);
}

/** The low 32 bits of a pattern as an unsigned number. */
export function low32(bits: bigint): number {
  u64[0] = bits;
  return u32[0]!;
}

export function isSignalingNaNSingle(bits: bigint): boolean {
  const w = low32(bits);
  return (w & 0x7fc00000) === 0x7f800000 && (w & 0x003fffff) !== 0;
}

export function isSignalingNaNDouble(bits: bigint): boolean {
  u64[0] = bits;
  const hi = u32[1]!;
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x0007ffff) !== 0 || u32[0]! !== 0);
}

/** A double one ulp further from zero (magnitudeUp) or nearer to zero; ±0 steps to ±min subnormal. */
export function stepDouble(x: number, magnitudeUp: boolean): number {
  f64[0] = x;
  const lo = u32[0]!;
  if (magnitudeUp) {
    u32[0] = lo + 1;
    if (lo === 0xffffffff) u32[1] = u32[1]! + 1;
  } else {
    u32[0] = lo - 1;
    if (lo === 0) u32[1] = u32[1]! - 1;
  }
  return f64[0]!;
}

/** A single (held exactly in a double) one ulp further from zero or nearer to zero. */
export function stepSingle(x: number, magnitudeUp: boolean): number {
  f32[0] = x;
  u32[0] = magnitudeUp ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

/** True when the significand of a double is odd (its lowest pattern bit is set). */
export function isOddDouble(x: number): boolean {
  f64[0] = x;
  return (u32[0]! & 1) === 1;
}

const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for binary64

/**
 * The exact error a*b - p of the rounded product p = fl(a*b) (Dekker's TwoProduct).
 * Valid when |a|,|b| < 2^995 and the exponent sum keeps every partial product normal.
 */
export function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - p + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/** The exact error (a + b) - s of the rounded sum s = fl(a+b) (Knuth's TwoSum); exact barring overflow. */
export function sumError(a: number, b: number, s: number): number {
  const bVirtual = s - a;
  const aVirtual = s - bVirtual;
  return a - aVirtual + (b - bVirtual);
}

/** A finite double as exact parts: |x| = m · 2^e (m a BigInt, zero for ±0). */
export interface ExactParts {
  negative: boolean;
  m: bigint;
  e: number;
}

export function exactPartsOfDouble(x: number): ExactParts {
  f64[0] = x;
  const hi = u32[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(u32[0]!);
  return {
    negative: hi >>> 31 === 1,
    m: biased === 0 ? fraction : fraction | (1n << 52n),
    e: (biased === 0 ? 1 : biased) - 1075,
  };
}
