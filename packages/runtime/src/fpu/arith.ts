// fadd/fsub/fmul/fdiv/fsqrt for binary32 and binary64, correctly rounded in all five modes.
// Singles: the exact result is captured as a double plus the sign of its rounding error
// (exact for products, TwoSum for sums, Dekker remainders for quotients and roots), then
// roundToSingle finishes in any mode. Doubles: the hardware result plus an exact error term
// decides NX and directed-mode steps when every operand lies in a range where the error term is
// exact; anything else (subnormal or huge operands, tiny or overflowing results) takes the BigInt path.
import { RoundingMode } from '@ferry/abi';
import {
  NX, OF, DZ, NV, raised, CANONICAL_NAN_S, CANONICAL_NAN_D, MIN_NORMAL_DOUBLE,
  doubleOf, singleOf, bitsOfDouble, isSignalingNaNSingle, isSignalingNaNDouble,
  productError, sumError, stepDouble, exactPartsOfDouble, type ExactParts,
} from './bits.js';
import { BINARY64, roundPack, roundToSingle, bitLength } from './round.js';

const { RNE, RTZ, RDN, RUP, RMM } = RoundingMode;

/** Bounds inside which Dekker's product error is exact and nothing overflows. */
const SAFE_RESULT_MIN = 2 ** -968;
const SAFE_OPERAND_MAX = 2 ** 995;
const SAFE_RESULT_MAX = 2 ** 1020;

export function invalidNaNSingle(): bigint {
  raised.flags |= NV;
  return CANONICAL_NAN_S;
}

export function invalidNaNDouble(): bigint {
  raised.flags |= NV;
  return CANONICAL_NAN_D;
}

/** Canonical NaN for an op whose result is NaN; NV when an input is signalling or none was NaN. */
function nanResultSingle(aBits: bigint, bBits: bigint, x: number, y: number): bigint {
  if (isSignalingNaNSingle(aBits) || isSignalingNaNSingle(bBits) || (x === x && y === y)) raised.flags |= NV;
  return CANONICAL_NAN_S;
}

function nanResultDouble(aBits: bigint, bBits: bigint, x: number, y: number): bigint {
  if (isSignalingNaNDouble(aBits) || isSignalingNaNDouble(bBits) || (x === x && y === y)) raised.flags |= NV;
  return CANONICAL_NAN_D;
}

/** The signed zero of an exact zero sum x + y: +0 unless both are -0, or -0 in RDN unless both are +0. */
export function exactZeroSum(x: number, y: number, rm: number): number {
  if (rm === RDN) return Object.is(x, 0) && Object.is(y, 0) ? 0 : -0;
  return Object.is(x, -0) && Object.is(y, -0) ? -0 : 0;
}

/**
 * Finish a double result s = RN(exact) whose error exact - s has sign `direction` (nonzero):
 * raise NX and step one ulp where RTZ/RDN/RUP round the other way. `tieError` is the exact
 * error when it is known (sums, products), so RMM can detect halfway cases; NaN otherwise.
 * s must lie well inside the normal range so that one step cannot overflow or underflow.
 */
function finishInexactDouble(s: number, direction: number, rm: number, tieError: number): bigint {
  raised.flags |= NX;
  const awayFromZero = direction > 0 === s > 0;
  switch (rm) {
    case RTZ:
      if (!awayFromZero) s = stepDouble(s, false);
      break;
    case RDN:
      if (direction < 0) s = stepDouble(s, s < 0);
      break;
    case RUP:
      if (direction > 0) s = stepDouble(s, s > 0);
      break;
    case RMM:
      if (awayFromZero) {
        const away = stepDouble(s, true);
        if (away - s === 2 * tieError) s = away;
      }
      break;
  }
  return bitsOfDouble(s);
}

/** Round the exact sum of two nonzero finite values to binary64 (also the tail of fma). */
export function roundExactSum(a: ExactParts, b: ExactParts, rm: number): bigint {
  const e = Math.min(a.e, b.e);
  const aScaled = a.m << BigInt(a.e - e);
  const bScaled = b.m << BigInt(b.e - e);
  const sum = (a.negative ? -aScaled : aScaled) + (b.negative ? -bScaled : bScaled);
  if (sum === 0n) return rm === RDN ? BINARY64.signBit : 0n;
  return roundPack(BINARY64, sum < 0n, sum < 0n ? -sum : sum, e, false, rm);
}

// ---- single precision ----

export function addSingle(aBits: bigint, bBits: bigint, rm: number, negateB: boolean): bigint {
  const x = singleOf(aBits);
  const y = negateB ? -singleOf(bBits) : singleOf(bBits);
  const s = x + y;
  if (s !== s) return nanResultSingle(aBits, bBits, x, y);
  if (s === 0) return roundToSingle(exactZeroSum(x, y, rm), 0, rm);
  const err = sumError(x, y, s);
  return roundToSingle(s, err !== err ? 0 : Math.sign(err), rm);
}

export function mulSingle(aBits: bigint, bBits: bigint, rm: number): bigint {
  const x = singleOf(aBits);
  const y = singleOf(bBits);
  const p = x * y; // exact: 24x24 significand bits fit in a double
  if (p !== p) return nanResultSingle(aBits, bBits, x, y);
  return roundToSingle(p, 0, rm);
}

export function divSingle(aBits: bigint, bBits: bigint, rm: number): bigint {
  const x = singleOf(aBits);
  const y = singleOf(bBits);
  const q = x / y;
  if (q !== q) return nanResultSingle(aBits, bBits, x, y);
  if (y === 0) {
    if (x !== Infinity && x !== -Infinity) raised.flags |= DZ;
    return roundToSingle(q, 0, rm);
  }
  if (x === 0 || q === Infinity || q === -Infinity || y === Infinity || y === -Infinity) return roundToSingle(q, 0, rm);
  const product = q * y;
  const remainder = x - product - productError(q, y, product); // sign of x - q*y, exactly
  return roundToSingle(q, y > 0 ? Math.sign(remainder) : -Math.sign(remainder), rm);
}

export function sqrtSingle(aBits: bigint, rm: number): bigint {
  const x = singleOf(aBits);
  if (x !== x) return isSignalingNaNSingle(aBits) ? invalidNaNSingle() : CANONICAL_NAN_S;
  if (x < 0) return invalidNaNSingle();
  if (x === 0 || x === Infinity) return roundToSingle(x, 0, rm);
  const s = Math.sqrt(x);
  const square = s * s;
  return roundToSingle(s, Math.sign(x - square - productError(s, s, square)), rm);
}

// ---- double precision ----

export function addDouble(aBits: bigint, bBits: bigint, rm: number, negateB: boolean): bigint {
  const x = doubleOf(aBits);
  const y = negateB ? -doubleOf(bBits) : doubleOf(bBits);
  const s = x + y;
  if (s !== s) return nanResultDouble(aBits, bBits, x, y);
  const as = Math.abs(s);
  if (as === Infinity) {
    if (Math.abs(x) === Infinity || Math.abs(y) === Infinity) return bitsOfDouble(s);
    if (rm === RNE) {
      raised.flags |= OF | NX;
      return bitsOfDouble(s);
    }
    // In directed modes a sum just past the RNE overflow threshold may still round to max.
    return roundExactSum(exactPartsOfDouble(x), exactPartsOfDouble(y), rm);
  }
  if (x === 0 || y === 0) return bitsOfDouble(s === 0 ? exactZeroSum(x, y, rm) : s);
  if (s === 0) return bitsOfDouble(exactZeroSum(x, y, rm));
  if (as < SAFE_RESULT_MAX) {
    // A sum that lands below 2^emin is exact, so tininess never needs checking here.
    const err = sumError(x, y, s);
    if (err === 0) return bitsOfDouble(s);
    if (rm === RNE) {
      raised.flags |= NX;
      return bitsOfDouble(s);
    }
    if (as > 2 * MIN_NORMAL_DOUBLE) return finishInexactDouble(s, err, rm, err);
  }
  return roundExactSum(exactPartsOfDouble(x), exactPartsOfDouble(y), rm);
}

export function mulDouble(aBits: bigint, bBits: bigint, rm: number): bigint {
  const x = doubleOf(aBits);
  const y = doubleOf(bBits);
  return mulDoubleValues(x, y, rm, aBits, bBits);
}

/** x*y rounded once to binary64; bits are only consulted for signalling-NaN checks. */
export function mulDoubleValues(x: number, y: number, rm: number, aBits: bigint, bBits: bigint): bigint {
  const p = x * y;
  if (p !== p) return nanResultDouble(aBits, bBits, x, y);
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (x === 0 || y === 0 || ax === Infinity || ay === Infinity) return bitsOfDouble(p);
  const ap = Math.abs(p);
  if (ap >= SAFE_RESULT_MIN && ap < SAFE_RESULT_MAX && ax >= MIN_NORMAL_DOUBLE && ax < SAFE_OPERAND_MAX &&
      ay >= MIN_NORMAL_DOUBLE && ay < SAFE_OPERAND_MAX) {
    const err = productError(x, y, p);
    if (err === 0) return bitsOfDouble(p);
    if (rm === RNE) {
      raised.flags |= NX;
      return bitsOfDouble(p);
    }
    return finishInexactDouble(p, err, rm, err);
  }
  if (ap === Infinity && rm === RNE) {
    raised.flags |= OF | NX;
    return bitsOfDouble(p);
  }
  const a = exactPartsOfDouble(x);
  const b = exactPartsOfDouble(y);
  return roundPack(BINARY64, a.negative !== b.negative, a.m * b.m, a.e + b.e, false, rm);
}

export function divDouble(aBits: bigint, bBits: bigint, rm: number): bigint {
  const x = doubleOf(aBits);
  const y = doubleOf(bBits);
  const q = x / y;
  if (q !== q) return nanResultDouble(aBits, bBits, x, y);
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (y === 0) {
    if (ax !== Infinity) raised.flags |= DZ;
    return bitsOfDouble(q);
  }
  if (x === 0 || ax === Infinity || ay === Infinity) return bitsOfDouble(q);
  const aq = Math.abs(q);
  if (aq >= SAFE_RESULT_MIN && aq < SAFE_OPERAND_MAX && ay >= MIN_NORMAL_DOUBLE && ay < SAFE_OPERAND_MAX &&
      ax >= SAFE_RESULT_MIN && ax < SAFE_RESULT_MAX) {
    const product = q * y;
    const remainder = x - product - productError(q, y, product);
    if (remainder === 0) return bitsOfDouble(q);
    if (rm === RNE || rm === RMM) {
      // A quotient of normal doubles is never exactly halfway between two normal doubles.
      raised.flags |= NX;
      return bitsOfDouble(q);
    }
    return finishInexactDouble(q, y > 0 ? remainder : -remainder, rm, NaN);
  }
  if (aq === Infinity && rm === RNE) {
    raised.flags |= OF | NX;
    return bitsOfDouble(q);
  }
  const a = exactPartsOfDouble(x);
  const b = exactPartsOfDouble(y);
  // Scale the dividend so the integer quotient carries at least precision+2 bits.
  const shift = Math.max(0, 53 + 3 + bitLength(b.m) - bitLength(a.m));
  const scaled = a.m << BigInt(shift);
  const quotient = scaled / b.m;
  const sticky = quotient * b.m !== scaled;
  return roundPack(BINARY64, a.negative !== b.negative, quotient, a.e - b.e - shift, sticky, rm);
}

/** floor(sqrt(n)) for n >= 0, by Newton's iteration from an overestimate. */
export function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const next = (x + n / x) >> 1n;
    if (next >= x) return x;
    x = next;
  }
}

export function sqrtDouble(aBits: bigint, rm: number): bigint {
  const x = doubleOf(aBits);
  if (x !== x) return isSignalingNaNDouble(aBits) ? invalidNaNDouble() : CANONICAL_NAN_D;
  if (x < 0) return invalidNaNDouble();
  if (x === 0 || x === Infinity) return bitsOfDouble(x);
  const s = Math.sqrt(x);
  if (x >= SAFE_RESULT_MIN && x < SAFE_RESULT_MAX) {
    const square = s * s;
    const remainder = x - square - productError(s, s, square);
    if (remainder === 0) return bitsOfDouble(s);
    if (rm === RNE || rm === RMM) {
      raised.flags |= NX; // square roots are never exactly halfway
      return bitsOfDouble(s);
    }
    return finishInexactDouble(s, remainder, rm, NaN);
  }
  const a = exactPartsOfDouble(x);
  // Make the exponent even and give the root at least precision+2 bits.
  let shift = Math.max(0, 2 * (53 + 3) - bitLength(a.m));
  if ((a.e - shift) % 2 !== 0) shift += 1;
  const scaled = a.m << BigInt(shift);
  const root = integerSqrt(scaled);
  return roundPack(BINARY64, false, root, (a.e - shift) / 2, root * root !== scaled, rm);
}
