// fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber as RISC-V F 2.2 defines them), feq/flt/fle,
// and fclass. Comparisons and min/max never round; they only raise NV: min/max and feq for a
// signalling NaN input, flt/fle for any NaN input. -0 orders below +0 for min/max only.
import {
  NV, raised, CANONICAL_NAN_S, CANONICAL_NAN_D, doubleOf, singleOf, bitsOfSingle, u32, u64,
  isSignalingNaNSingle, isSignalingNaNDouble,
} from './bits.js';

/** Comparison kinds, as the helpers number them. */
export const CompareKind = { EQ: 0, LT: 1, LE: 2 } as const;

/** The chosen operand of min/max on two non-NaN values: 0 for x, 1 for y. */
function pickMinMax(x: number, y: number, isMax: boolean): 0 | 1 {
  if (x === y) {
    // Equal values differ only for zeros: min prefers -0, max prefers +0.
    const xNegative = Object.is(x, -0);
    return isMax ? (xNegative ? 1 : 0) : xNegative ? 0 : 1;
  }
  return (x < y) !== isMax ? 0 : 1;
}

export function minMaxSingle(aBits: bigint, bBits: bigint, isMax: number): bigint {
  const x = singleOf(aBits);
  const y = singleOf(bBits);
  if (x !== x || y !== y) {
    if (isSignalingNaNSingle(aBits) || isSignalingNaNSingle(bBits)) raised.flags |= NV;
    if (x !== x && y !== y) return CANONICAL_NAN_S;
    return bitsOfSingle(x !== x ? y : x);
  }
  return bitsOfSingle(pickMinMax(x, y, isMax !== 0) === 0 ? x : y);
}

export function minMaxDouble(aBits: bigint, bBits: bigint, isMax: number): bigint {
  const x = doubleOf(aBits);
  const y = doubleOf(bBits);
  if (x !== x || y !== y) {
    if (isSignalingNaNDouble(aBits) || isSignalingNaNDouble(bBits)) raised.flags |= NV;
    if (x !== x && y !== y) return CANONICAL_NAN_D;
    return BigInt.asUintN(64, x !== x ? bBits : aBits);
  }
  return BigInt.asUintN(64, pickMinMax(x, y, isMax !== 0) === 0 ? aBits : bBits);
}

function compareValues(x: number, y: number, kind: number, anySignaling: boolean): bigint {
  if (x !== x || y !== y) {
    if (anySignaling || kind !== CompareKind.EQ) raised.flags |= NV;
    return 0n;
  }
  switch (kind) {
    case CompareKind.EQ:
      return x === y ? 1n : 0n;
    case CompareKind.LT:
      return x < y ? 1n : 0n;
    case CompareKind.LE:
      return x <= y ? 1n : 0n;
    default:
      throw new Error(`fcmp called with kind ${kind}; expected 0 eq, 1 lt, 2 le`);
  }
}

export function compareSingle(aBits: bigint, bBits: bigint, kind: number): bigint {
  const x = singleOf(aBits);
  const y = singleOf(bBits);
  const anySignaling = x !== x || y !== y ? isSignalingNaNSingle(aBits) || isSignalingNaNSingle(bBits) : false;
  return compareValues(x, y, kind, anySignaling);
}

export function compareDouble(aBits: bigint, bBits: bigint, kind: number): bigint {
  const x = doubleOf(aBits);
  const y = doubleOf(bBits);
  const anySignaling = x !== x || y !== y ? isSignalingNaNDouble(aBits) || isSignalingNaNDouble(bBits) : false;
  return compareValues(x, y, kind, anySignaling);
}

/** fclass result bits, one-hot: the index is the bit number the spec assigns. */
const CLASS_MASK = Array.from({ length: 10 }, (_, bit) => 1n << BigInt(bit));
const enum FClass {
  NegativeInfinity = 0, NegativeNormal = 1, NegativeSubnormal = 2, NegativeZero = 3, PositiveZero = 4,
  PositiveSubnormal = 5, PositiveNormal = 6, PositiveInfinity = 7, SignalingNaN = 8, QuietNaN = 9,
}

/** Class index from the sign, whether the exponent field is all ones / zero, and the fraction's state. */
function classify(negative: boolean, exponentAllOnes: boolean, exponentZero: boolean, fractionZero: boolean, quietBit: boolean): bigint {
  let cls: FClass;
  if (exponentAllOnes) {
    if (!fractionZero) return CLASS_MASK[quietBit ? FClass.QuietNaN : FClass.SignalingNaN]!;
    cls = negative ? FClass.NegativeInfinity : FClass.PositiveInfinity;
  } else if (exponentZero) {
    if (fractionZero) cls = negative ? FClass.NegativeZero : FClass.PositiveZero;
    else cls = negative ? FClass.NegativeSubnormal : FClass.PositiveSubnormal;
  } else {
    cls = negative ? FClass.NegativeNormal : FClass.PositiveNormal;
  }
  return CLASS_MASK[cls]!;
}

export function classSingle(aBits: bigint): bigint {
  u64[0] = aBits;
  const w = u32[0]!;
  const exponent = (w >>> 23) & 0xff;
  return classify(w >>> 31 === 1, exponent === 0xff, exponent === 0, (w & 0x7fffff) === 0, (w & 0x400000) !== 0);
}

export function classDouble(aBits: bigint): bigint {
  u64[0] = aBits;
  const hi = u32[1]!;
  const exponent = (hi >>> 20) & 0x7ff;
  const fractionZero = (hi & 0xfffff) === 0 && u32[0] === 0;
  return classify(hi >>> 31 === 1, exponent === 0x7ff, exponent === 0, fractionZero, (hi & 0x80000) !== 0);
}
