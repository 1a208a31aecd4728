// Fused multiply-add with one rounding: result = (negateProduct ? -(a*b) : a*b) + (negateAddend ? -c : c).
// The RISC-V instructions map to the flags as (spec "F" chapter, FMA group):
//   fmadd  =  a*b + c  (0, 0)     fmsub  =  a*b - c  (0, 1)
//   fnmsub = -a*b + c  (1, 0)     fnmadd = -a*b - c  (1, 1)
// Invalid (NV, canonical NaN): any sNaN input; 0*inf even when c is a quiet NaN; inf - inf.
// Singles: a*b is exact in a double, the sum's TwoSum error gives the rounding direction.
// Doubles: Boldo-Melquiond emulation (exact product, TwoSum, round-to-odd of the low parts,
// one final rounding) in RNE when everything stays in range; otherwise exact BigInt arithmetic.
import { RoundingMode } from '@ferry/abi';
import {
  NX, NV, raised, CANONICAL_NAN_S, CANONICAL_NAN_D, MIN_NORMAL_DOUBLE,
  doubleOf, singleOf, bitsOfDouble, isSignalingNaNSingle, isSignalingNaNDouble,
  productError, sumError, stepDouble, isOddDouble, exactPartsOfDouble,
} from './bits.js';
import { roundToSingle } from './round.js';
import { exactZeroSum, mulDoubleValues, roundExactSum } from './arith.js';

const { RNE } = RoundingMode;

/**
 * Shared special-case analysis on the (exactly widened) operands. Returns the result value when
 * the inputs decide it exactly (NaN is reported as NaN, with NV already raised), or undefined
 * when x, y, addend are all finite and the general path must run.
 */
function fmaSpecialCase(x: number, y: number, addend: number, negateProduct: boolean, anySignaling: boolean): number | undefined {
  const productIsInvalid = (x === 0 && Math.abs(y) === Infinity) || (Math.abs(x) === Infinity && y === 0);
  if (x !== x || y !== y || addend !== addend) {
    if (anySignaling || productIsInvalid) raised.flags |= NV;
    return NaN;
  }
  if (productIsInvalid) {
    raised.flags |= NV;
    return NaN;
  }
  if (Math.abs(x) === Infinity || Math.abs(y) === Infinity) {
    const product = negateProduct ? -(x * y) : x * y; // ±inf: the other factor is nonzero
    const sum = product + addend;
    if (sum !== sum) raised.flags |= NV; // inf - inf
    return sum;
  }
  if (Math.abs(addend) === Infinity) return addend;
  return undefined;
}

export function fmaSingle(aBits: bigint, bBits: bigint, cBits: bigint, rm: number, negateProduct: boolean, negateAddend: boolean): bigint {
  const x = singleOf(aBits);
  const y = singleOf(bBits);
  const addend = negateAddend ? -singleOf(cBits) : singleOf(cBits);
  const anySignaling = isSignalingNaNSingle(aBits) || isSignalingNaNSingle(bBits) || isSignalingNaNSingle(cBits);
  const special = fmaSpecialCase(x, y, addend, negateProduct, anySignaling);
  if (special !== undefined) return special !== special ? CANONICAL_NAN_S : roundToSingle(special, 0, rm);
  const product = negateProduct ? -(x * y) : x * y; // exact
  const sum = product + addend;
  if (sum === 0) return roundToSingle(exactZeroSum(product, addend, rm), 0, rm);
  return roundToSingle(sum, Math.sign(sumError(product, addend, sum)), rm);
}

const SAFE_MIN = 2 ** -968;
const SAFE_OPERAND_MAX = 2 ** 995;
const SAFE_RESULT_MAX = 2 ** 1020;

export function fmaDouble(aBits: bigint, bBits: bigint, cBits: bigint, rm: number, negateProduct: boolean, negateAddend: boolean): bigint {
  const x = doubleOf(aBits);
  const y = negateProduct ? -doubleOf(bBits) : doubleOf(bBits);
  const addend = negateAddend ? -doubleOf(cBits) : doubleOf(cBits);
  if (x !== x || y !== y || addend !== addend || Math.abs(x) === Infinity || Math.abs(y) === Infinity ||
      Math.abs(addend) === Infinity) {
    const anySignaling = isSignalingNaNDouble(aBits) || isSignalingNaNDouble(bBits) || isSignalingNaNDouble(cBits);
    const special = fmaSpecialCase(x, y, addend, false, anySignaling);
    return special !== special ? CANONICAL_NAN_D : bitsOfDouble(special!);
  }
  if (x === 0 || y === 0) {
    const zeroProduct = x * y;
    return bitsOfDouble(addend === 0 ? exactZeroSum(zeroProduct, addend, rm) : addend);
  }
  if (addend === 0) return mulDoubleValues(x, y, rm, aBits, bBits);
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const productHigh = x * y;
  const ap = Math.abs(productHigh);
  if (rm === RNE && ap >= SAFE_MIN && ap < SAFE_RESULT_MAX && ax >= MIN_NORMAL_DOUBLE && ax < SAFE_OPERAND_MAX &&
      ay >= MIN_NORMAL_DOUBLE && ay < SAFE_OPERAND_MAX && Math.abs(addend) < SAFE_RESULT_MAX) {
    const productLow = productError(x, y, productHigh);
    const sumHigh = addend + productHigh;
    const sumLow = sumError(addend, productHigh, sumHigh);
    let low = sumLow + productLow;
    const lowError = sumError(sumLow, productLow, low);
    if (lowError !== 0 && !isOddDouble(low)) low = stepDouble(low, lowError > 0 === low > 0); // round to odd
    const result = sumHigh + low;
    if (Math.abs(result) >= 2 * MIN_NORMAL_DOUBLE && Math.abs(result) < SAFE_RESULT_MAX) {
      if (lowError !== 0 || sumError(sumHigh, low, result) !== 0) raised.flags |= NX;
      return bitsOfDouble(result);
    }
  }
  const a = exactPartsOfDouble(x);
  const b = exactPartsOfDouble(y);
  return roundExactSum({ negative: a.negative !== b.negative, m: a.m * b.m, e: a.e + b.e }, exactPartsOfDouble(addend), rm);
}
