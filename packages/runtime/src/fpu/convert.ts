// Conversions: float -> integer (fcvt.{w,wu,l,lu}.{s,d}), integer -> float (fcvt.{s,d}.{w,wu,l,lu}),
// and between the two float formats (fcvt.s.d, fcvt.d.s).
// Float -> integer rounds per mode, then saturates out-of-range values (NaN to the largest
// positive) raising NV and never NX; 32-bit results are sign-extended to 64 bits, for wu too.
// Every result is returned as its unsigned 64-bit pattern.
import { RoundingMode } from '@ferry/abi';
import {
  NX, NV, raised, CANONICAL_NAN_S, CANONICAL_NAN_D, doubleOf, singleOf, bitsOfDouble, low32,
  isSignalingNaNSingle, isSignalingNaNDouble,
} from './bits.js';
import { BINARY64, roundPack, roundToSingle } from './round.js';

const { RNE, RTZ, RDN, RUP, RMM } = RoundingMode;

/** Integer kinds, as the helpers number them. */
export const IntKind = { W: 0, WU: 1, L: 2, LU: 3 } as const;

const TWO_POW_64 = 1n << 64n;
const TWO_POW_63 = 2 ** 63;
const TWO_POW_53 = 2 ** 53;

/** Smallest integer of each kind (exact as doubles); indexed by IntKind. */
const KIND_MIN = [-(2 ** 31), 0, -TWO_POW_63, 0];
/** Exclusive upper bounds (exact as doubles, unlike the maxima 2^63-1 and 2^64-1). */
const KIND_LIMIT = [2 ** 31, 2 ** 32, TWO_POW_63, 2 ** 64];
/** Saturated results as 64-bit patterns: [for too-large or NaN, for too-small]. */
const KIND_SATURATED: readonly (readonly [bigint, bigint])[] = [
  [0x7fffffffn, 0xffffffff80000000n],
  [0xffffffffffffffffn, 0n], // wu max 0xffffffff sign-extends to all ones
  [0x7fffffffffffffffn, 0x8000000000000000n],
  [0xffffffffffffffffn, 0n],
];

/** v rounded to an integral double in mode rm. */
function roundToIntegral(v: number, rm: number): number {
  switch (rm) {
    case RTZ:
      return Math.trunc(v);
    case RDN:
      return Math.floor(v);
    case RUP:
      return Math.ceil(v);
    case RNE:
    case RMM: {
      const truncated = Math.trunc(v);
      const fraction = Math.abs(v - truncated); // exact
      if (fraction < 0.5) return truncated;
      const away = truncated + Math.sign(v);
      if (fraction > 0.5 || rm === RMM) return away;
      return truncated % 2 === 0 ? truncated : away;
    }
    default:
      throw new Error(`FPU helper called with rounding mode ${rm}; the caller must resolve DYN to 0..4`);
  }
}

/** Convert a finite-or-infinite-or-NaN double (widened single or double) to integer kind `kind`. */
function floatToInt(v: number, rm: number, kind: number): bigint {
  const saturated = KIND_SATURATED[kind];
  if (saturated === undefined) throw new Error(`fcvt to integer called with kind ${kind}; expected 0 w, 1 wu, 2 l, 3 lu`);
  if (v !== v) {
    raised.flags |= NV;
    return saturated[0];
  }
  const r = roundToIntegral(v, rm);
  if (r >= KIND_LIMIT[kind]!) {
    raised.flags |= NV;
    return saturated[0];
  }
  if (r < KIND_MIN[kind]!) {
    raised.flags |= NV;
    return saturated[1];
  }
  if (r !== v) raised.flags |= NX;
  if (kind === IntKind.WU) return BigInt(r | 0) & 0xffffffffffffffffn; // sign-extend bit 31
  return r < 0 ? BigInt(r) + TWO_POW_64 : BigInt(r);
}

export function singleToInt(aBits: bigint, rm: number, kind: number): bigint {
  return floatToInt(singleOf(aBits), rm, kind);
}

export function doubleToInt(aBits: bigint, rm: number, kind: number): bigint {
  return floatToInt(doubleOf(aBits), rm, kind);
}

/** The integer operand of an int -> float conversion as a number when it fits exactly, else a BigInt. */
function integerOperand(a: bigint, kind: number): number | bigint {
  switch (kind) {
    case IntKind.W:
      return low32(a) | 0;
    case IntKind.WU:
      return low32(a);
    case IntKind.L:
      return BigInt.asIntN(64, a);
    case IntKind.LU:
      return BigInt.asUintN(64, a);
    default:
      throw new Error(`fcvt from integer called with kind ${kind}; expected 0 w, 1 wu, 2 l, 3 lu`);
  }
}

export function intToSingle(a: bigint, rm: number, kind: number): bigint {
  const n = integerOperand(a, kind);
  if (typeof n === 'number') return roundToSingle(n, 0, rm);
  const nearest = Number(n); // round to nearest even
  if (Math.abs(nearest) < TWO_POW_53) return roundToSingle(nearest, 0, rm);
  const back = BigInt(nearest);
  return roundToSingle(nearest, n > back ? 1 : n < back ? -1 : 0, rm);
}

export function intToDouble(a: bigint, rm: number, kind: number): bigint {
  const n = integerOperand(a, kind);
  if (typeof n === 'number') return bitsOfDouble(n);
  const nearest = Number(n); // round to nearest even
  if (Math.abs(nearest) < TWO_POW_53 || BigInt(nearest) === n) return bitsOfDouble(nearest);
  if (rm === RNE) {
    raised.flags |= NX;
    return bitsOfDouble(nearest);
  }
  const negative = n < 0n;
  return roundPack(BINARY64, negative, negative ? -n : n, 0, false, rm);
}

export function doubleToSingle(aBits: bigint, rm: number): bigint {
  const x = doubleOf(aBits);
  if (x !== x) {
    if (isSignalingNaNDouble(aBits)) raised.flags |= NV;
    return CANONICAL_NAN_S;
  }
  return roundToSingle(x, 0, rm);
}

export function singleToDouble(aBits: bigint): bigint {
  const x = singleOf(aBits);
  if (x !== x) {
    if (isSignalingNaNSingle(aBits)) raised.flags |= NV;
    return CANONICAL_NAN_D;
  }
  return bitsOfDouble(x);
}
