// Correct rounding to a RISC-V binary32/binary64 result in all five modes, with IEEE flags as
// RISC-V raises them (tininess after rounding, UF only when tiny and inexact, OF implies NX).
// Two engines: roundPack rounds an exact value m·2^e (BigInt significand, optional sticky bit
// below it) and serves every slow path; roundToSingle rounds a double that already carries the
// exact result rounded to odd (the round-to-odd trick makes the second rounding exact), which
// lets every single-precision op run on JS doubles in every mode.
import { RoundingMode } from '@ferry/abi';
import { NX, UF, OF, raised, stepSingle, isOddDouble, stepDouble, f32, u32 } from './bits.js';

const { RNE, RTZ, RDN, RUP, RMM } = RoundingMode;

export interface FloatFormat {
  precision: number; // significand bits including the hidden one
  emin: number; // exponent of the smallest normal
  emax: number; // exponent of the largest finite
  signBit: bigint;
  infinity: bigint; // positive infinity pattern
  maxFinite: bigint; // positive largest finite pattern
}

export const BINARY32: FloatFormat = {
  precision: 24,
  emin: -126,
  emax: 127,
  signBit: 1n << 31n,
  infinity: 0x7f800000n,
  maxFinite: 0x7f7fffffn,
};

export const BINARY64: FloatFormat = {
  precision: 53,
  emin: -1022,
  emax: 1023,
  signBit: 1n << 63n,
  infinity: 0x7ff0000000000000n,
  maxFinite: 0x7fefffffffffffffn,
};

/** Number of significant bits of a positive BigInt. */
export function bitLength(m: bigint): number {
  return m.toString(2).length;
}

/** Whether discarding `remainder` (compared with `half`, the weight of the first dropped bit) rounds up. */
function roundsUp(rm: number, negative: boolean, remainder: bigint, half: bigint, keptIsOdd: boolean): boolean {
  if (remainder === 0n) return false;
  switch (rm) {
    case RNE:
      return remainder > half || (remainder === half && keptIsOdd);
    case RMM:
      return remainder >= half;
    case RTZ:
      return false;
    case RDN:
      return negative;
    case RUP:
      return !negative;
    default:
      throw new Error(`FPU helper called with rounding mode ${rm}; the caller must resolve DYN to 0..4`);
  }
}

/** The signed result of an overflow in mode rm: infinity or the largest finite value. */
export function overflowResult(fmt: FloatFormat, negative: boolean, rm: number): bigint {
  const toInfinity = rm === RNE || rm === RMM || (rm === RDN && negative) || (rm === RUP && !negative);
  const magnitude = toInfinity ? fmt.infinity : fmt.maxFinite;
  return negative ? fmt.signBit | magnitude : magnitude;
}

/**
 * Round (-1)^negative · (m + sticky·ε) · 2^e to fmt in mode rm, raising flags into `raised`.
 * When sticky is set the true value lies strictly between m·2^e and (m+1)·2^e, and m must
 * carry at least precision+2 bits so the sticky bit sits below the rounding position.
 */
export function roundPack(fmt: FloatFormat, negative: boolean, m: bigint, e: number, sticky: boolean, rm: number): bigint {
  const sign = negative ? fmt.signBit : 0n;
  if (m === 0n) return sign;
  if (sticky) {
    m = (m << 2n) | 1n;
    e -= 2;
  }
  const p = fmt.precision;
  const exponent = bitLength(m) - 1 + e; // value lies in [2^exponent, 2^(exponent+1))
  let quantum = Math.max(exponent - (p - 1), fmt.emin - (p - 1));
  let kept: bigint;
  let inexact = false;
  if (quantum <= e) {
    kept = m << BigInt(e - quantum);
  } else {
    const shift = BigInt(quantum - e);
    kept = m >> shift;
    const remainder = m - (kept << shift);
    inexact = remainder !== 0n;
    if (roundsUp(rm, negative, remainder, 1n << (shift - 1n), (kept & 1n) === 1n)) kept += 1n;
    if (kept === 1n << BigInt(p)) {
      kept >>= 1n;
      quantum += 1;
    }
  }
  if (quantum + p - 1 > fmt.emax) {
    raised.flags |= OF | NX;
    return overflowResult(fmt, negative, rm);
  }
  if (inexact) {
    raised.flags |= NX;
    if (exponent < fmt.emin && isTinyAfterRounding(fmt, negative, m, e, exponent, rm)) raised.flags |= UF;
  }
  const biasedMinusOne = BigInt(quantum + p - 1 + (fmt.emax - 1)); // exponent field of kept's top bit, minus one
  return sign | ((biasedMinusOne << BigInt(p - 1)) + kept);
}

/** Tininess after rounding: would the value, rounded with unbounded exponent range, stay below 2^emin? */
function isTinyAfterRounding(fmt: FloatFormat, negative: boolean, m: bigint, e: number, exponent: number, rm: number): boolean {
  if (exponent < fmt.emin - 1) return true;
  const shift = BigInt(exponent - (fmt.precision - 1) - e);
  if (shift <= 0n) return true; // exact at full precision, so it stays below 2^emin
  const kept = m >> shift;
  const remainder = m - (kept << shift);
  const rounded = roundsUp(rm, negative, remainder, 1n << (shift - 1n), (kept & 1n) === 1n) ? kept + 1n : kept;
  return rounded < 1n << BigInt(fmt.precision);
}

/** Round a double to the binary32 grid in mode rm (subnormals included, overflow to ±inf). */
function roundDoubleToSingleGrid(v: number, rm: number): number {
  let r = Math.fround(v);
  if (r === v || rm === RNE) return r;
  switch (rm) {
    case RTZ:
      if (Math.abs(r) > Math.abs(v)) r = stepSingle(r, false);
      break;
    case RDN:
      if (r > v) r = stepSingle(r, r < 0 || Object.is(r, -0));
      break;
    case RUP:
      if (r < v) r = stepSingle(r, r > 0 || Object.is(r, 0));
      break;
    case RMM:
      if (Math.abs(r) < Math.abs(v)) {
        const away = stepSingle(r, true);
        if (away - v === v - r) r = away;
      }
      break;
    default:
      throw new Error(`FPU helper called with rounding mode ${rm}; the caller must resolve DYN to 0..4`);
  }
  return r;
}

const TWO_POW_64 = 2 ** 64;

/**
 * The binary32 pattern of a result whose exact value x satisfies: v = x rounded to nearest
 * double, direction = sign(x - v). v must be a normal double or zero, and finite.
 * Rounds to odd first (nudging v by one double ulp when x was not exact and v is even), so
 * that rounding to single in any mode equals rounding x itself; then raises flags.
 */
export function roundToSingle(v: number, direction: number, rm: number): bigint {
  if (direction !== 0 && !isOddDouble(v)) v = stepDouble(v, direction > 0 === v > 0);
  const r = roundDoubleToSingleGrid(v, rm);
  const inexact = direction !== 0 || r !== v;
  if (inexact) {
    let flags = NX;
    const magnitude = Math.abs(r);
    if (magnitude === Infinity || Math.abs(v) >= 2 ** 128) {
      flags |= OF;
    } else if (magnitude < 2 ** -126) {
      flags |= UF;
    } else if (magnitude === 2 ** -126 && Math.abs(v) < 2 ** -126) {
      if (Math.abs(roundDoubleToSingleGrid(v * TWO_POW_64, rm)) < 2 ** -62) flags |= UF;
    }
    raised.flags |= flags;
  }
  f32[0] = r;
  return BigInt(u32[0]!);
}
