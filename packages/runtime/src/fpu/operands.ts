// Operand generators for the FP helper tests (imported only by *.test.ts): a fixed list of edge
// patterns per format and a seeded generator mixing uniform bit patterns, moderate normals,
// values near the exponent extremes, short significands (exact results and ties), and operands
// derived from one another (cancellation, near-halfway quotients, products near an addend).
// Invariant: deterministic for a given seed, so failures reproduce.
import { SINGLE, type Format } from './oracle.js';

const d = (x: number): bigint => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const s = (x: number): bigint => BigInt(new Uint32Array(new Float32Array([x]).buffer)[0]!);

const interestingValues = [
  0, 1, 1.5, 2, 3, 0.5, 0.1, 2.5, 3.5, 1 / 3, 7, 10, 100, 1e10, 1e-10, 1e30, 1e-30, 1e300, 1e-300,
  2 ** 31, 2 ** 31 - 1, 2 ** 31 + 0.5, 2 ** 31 - 0.5, 2 ** 31 + 1, 2 ** 32, 2 ** 32 - 1, 2 ** 32 - 0.5, 2 ** 63,
  2 ** 63 - 1024, 2 ** 64, 2 ** 64 - 2048, 2 ** 53, 2 ** 53 + 2, 2 ** 24, 2 ** 24 + 1, 2 ** 127, 2 ** 128,
  2 ** -126, 2 ** -127, 2 ** -149, 2 ** -150, 2 ** -968, 2 ** -969, 2 ** 995, 2 ** 1020, 2 ** 1023,
  3.4028234663852886e38, 3.4028235677973366e38, 1.1754942106924411e-38, Number.MIN_VALUE, Number.MAX_VALUE,
  2.2250738585072014e-308, 2.225073858507201e-308, 1 + 2 ** -52, 1 - 2 ** -53, 1 + 2 ** -23, 1 - 2 ** -24,
];

export function edgePatterns(f: Format): bigint[] {
  const out = new Set<bigint>();
  const sign = f === SINGLE ? 1n << 31n : 1n << 63n;
  for (const v of interestingValues) {
    for (const p of [f === SINGLE ? s(v) : d(v)]) {
      out.add(p);
      out.add(p | sign);
    }
  }
  const raw = f === SINGLE
    ? [0x7f800000n, 0x7fc00000n, 0x7f800001n, 0x7fbfffffn, 0x7fc00001n, 1n, 0x7fffffn, 0x800000n, 0x800001n, 0x7f7fffffn, 0x7f7ffffen, 0x7effffffn, 0x7f000000n]
    : [0x7ff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 0x7ff7ffffffffffffn, 0x7ff8000000000001n, 1n,
        0xfffffffffffffn, 0x10000000000000n, 0x10000000000001n, 0x7fefffffffffffffn, 0x7feffffffffffffen, 0x7fdfffffffffffffn, 0x7fe0000000000000n];
  for (const p of raw) {
    out.add(p);
    out.add(p | sign);
  }
  return [...out];
}

/** A small seeded PRNG (xorshift32) with helpers for pattern generation. */
export class OperandSource {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next32() % n;
  }
  bits(width: number): bigint {
    let v = 0n;
    for (let w = 0; w < width; w += 32) v = (v << 32n) | BigInt(this.next32());
    return v & ((1n << BigInt(width)) - 1n);
  }

  /** One pattern of format f, from a randomly chosen family. */
  pattern(f: Format): bigint {
    const fracBits = f.precision - 1;
    const expMax = (1 << f.exponentBits) - 1;
    const bias = (expMax >> 1);
    const sign = BigInt(this.below(2)) << BigInt(f.bits - 1);
    let exponent: number;
    let fraction = this.bits(fracBits);
    switch (this.below(6)) {
      case 0:
        return this.bits(f.bits);
      case 1: // near the extremes of the exponent range
        exponent = [0, 1, 2, expMax - 1, expMax - 2, expMax - 3][this.below(6)]!;
        break;
      case 2: // short significand: products and sums are often exact or halfway
        exponent = bias - 40 + this.below(80);
        fraction &= ~((1n << BigInt(fracBits - this.below(6))) - 1n) & ((1n << BigInt(fracBits)) - 1n);
        break;
      case 3: // low bits all ones / all zeros
        exponent = bias - 60 + this.below(120);
        fraction = this.below(2) ? fraction | ((1n << 20n) - 1n) : fraction & ~((1n << 20n) - 1n);
        break;
      default: // moderate normals
        exponent = bias - 60 + this.below(120);
    }
    return sign | (BigInt(exponent) << BigInt(fracBits)) | fraction;
  }

  /** A second operand related to the first: same magnitude, near it, its negation, or unrelated. */
  related(f: Format, a: bigint): bigint {
    const mask = (1n << BigInt(f.bits)) - 1n;
    const sign = 1n << BigInt(f.bits - 1);
    switch (this.below(5)) {
      case 0:
        return ((a ^ sign) + BigInt(this.below(5)) - 2n) & mask; // cancellation
      case 1:
        return (a + BigInt(this.below(9)) - 4n) & mask; // nearby
      case 2: // similar exponent, random fraction
        return (a & ~((1n << BigInt(f.precision - 1)) - 1n)) | this.bits(f.precision - 1);
      case 3: // exponent shifted by up to ±(precision+3), crossing alignment boundaries
        return (a + (BigInt(this.below(2 * f.precision + 7) - f.precision - 3) << BigInt(f.precision - 1))) & mask;
      default:
        return this.pattern(f);
    }
  }
}
