// Seeded FP operand generators for the fast-path differential test: edge values (signed zeros,
// subnormals, min normal, max finite, infinities, quiet and signalling NaNs, the fast paths' range
// bounds and their neighbours, integer-conversion limits) and random values built to land on those
// bounds (products, quotients and sums near overflow/underflow, cancellation, short significands
// for exact and halfway results). Invariant: deterministic for a seed; raw bits, singles NaN-boxed
// (a few deliberately unboxed).

export type Width = 's' | 'd';

const BOX = 0xffff_ffff_0000_0000n;
const buffer = new ArrayBuffer(8);
const f64 = new Float64Array(buffer);
const u64 = new BigUint64Array(buffer);
const f32 = new Float32Array(buffer);
const u32 = new Uint32Array(buffer);

const doubleBits = (x: number): bigint => ((f64[0] = x), u64[0]!);
const singleBits = (x: number): bigint => ((f32[0] = x), BigInt(u32[0]!) | BOX);
const bitsOf = (w: Width, x: number): bigint => (w === 'd' ? doubleBits(x) : singleBits(x));

/** xorshift32: small, fast, reproducible. */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.state = x >>> 0);
  }
  below(n: number): number {
    return this.next() % n;
  }
  unit(): number {
    return this.next() / 2 ** 32;
  }
  bits64(): bigint {
    return (BigInt(this.next()) << 32n) | BigInt(this.next());
  }
  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)]!;
  }
}

/** Exponents where a fast path or the format changes behaviour. */
const BOUNDARY_EXPONENTS: Record<Width, number[]> = {
  d: [-1074, -1060, -1022, -1021, -969, -968, -967, -600, 0, 31, 32, 52, 53, 63, 64, 512, 994, 995, 996, 1019, 1020, 1021, 1023],
  s: [-149, -140, -127, -126, -125, -60, 0, 23, 24, 31, 32, 63, 64, 126, 127],
};

const EDGE_VALUES: Record<Width, number[]> = {
  d: [0, 5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308, 2 ** -968, 2 ** -968 * (1 - 2 ** -53), 2 ** -969,
    1, 1.5, 0.5, 1 / 3, 0.1, 3, 10, 0.7, 2 ** 31 - 0.5, 2 ** 31, 2 ** 31 - 1, 2 ** 31 + 0.5, 2 ** 32, 2 ** 32 - 0.5,
    2 ** 52 + 0.5, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 63 - 1024, 2 ** 64, 2 ** 995, 2 ** 995 * (1 - 2 ** -53),
    2 ** 1020, 2 ** 1020 * (1 - 2 ** -53), 2 ** 1023, Number.MAX_VALUE, Infinity, 1 + 2 ** -52, 1 - 2 ** -53],
  s: [0, 2 ** -149, 2 ** -148, 1.1754942106924411e-38, 2 ** -126, 2 ** -126 * (1 + 2 ** -23), 1, 1.5, 0.5, 1 / 3, 0.1, 3, 10,
    2 ** 24, 2 ** 24 + 2, 2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 2 ** 127, 3.4028234663852886e38, Infinity, 1 + 2 ** -23, 1 - 2 ** -24],
};

const NAN_PATTERNS: Record<Width, bigint[]> = {
  d: [0x7ff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000000n, 0x7ff8000000000123n],
  s: [0x7fc00000n | BOX, 0x7f800001n | BOX, 0xffa00000n | BOX, 0x3f800000n /* unboxed 1.0: reads as NaN */],
};

/** Edge patterns of a width, both signs, with one-ulp neighbours of the finite nonzero ones. */
export function edgeOperands(w: Width): bigint[] {
  const out = new Set<bigint>(NAN_PATTERNS[w]);
  const signBit = w === 'd' ? 1n << 63n : 1n << 31n;
  for (const v of EDGE_VALUES[w]) {
    const p = bitsOf(w, v);
    for (const q of v !== 0 && v !== Infinity ? [p - 1n, p, p + 1n] : [p]) {
      out.add(q);
      out.add(q | signBit);
    }
  }
  return [...out];
}

/** A random value of one of several shapes, as a double (exactly representable in the width). */
function randomValue(w: Width, r: Random): number {
  const sign = r.below(2) ? -1 : 1;
  const round = (x: number): number => (w === 'd' ? x : Math.fround(x));
  switch (r.below(5)) {
    case 0: // moderate magnitudes
      return round(sign * (1 + r.unit()) * 2 ** (r.below(80) - 40));
    case 1: // near a boundary exponent
      return round(sign * (1 + r.unit()) * 2 ** (r.pick(BOUNDARY_EXPONENTS[w]) + r.below(5) - 2));
    case 2: // short significands: exact results and exact halfway cases
      return round(sign * (r.below(1 << 12) + 1) * 2 ** (r.below(40) - 20));
    case 3: // small integers and their halves (conversions)
      return sign * (r.below(4096) + [0, 0.5, 0.25, 0.75][r.below(4)]!);
    default: // any exponent
      return round(sign * (1 + r.unit()) * 2 ** (r.below(w === 'd' ? 2100 : 280) - (w === 'd' ? 1075 : 150)));
  }
}

/** One random operand: mostly shaped values, some raw bit patterns (NaNs, subnormals included). */
function randomOperand(w: Width, r: Random): bigint {
  if (r.below(8) === 0) return w === 'd' ? r.bits64() : BigInt(r.next()) | BOX;
  return bitsOf(w, randomValue(w, r));
}

/** `count` single operands: the edges first, then random ones. */
export function fpOperands(w: Width, seed: number, count: number): bigint[] {
  const r = new Random(seed);
  const out = edgeOperands(w).slice(0, count);
  while (out.length < count) out.push(randomOperand(w, r));
  return out;
}

const valueOf = (w: Width, bits: bigint): number => {
  if (w === 'd') {
    u64[0] = bits;
    return f64[0]!;
  }
  u64[0] = bits;
  return f32[0]!;
};

/** A second operand related to the first so that results land on interesting spots. */
function partner(w: Width, x: bigint, r: Random): bigint {
  const v = valueOf(w, x);
  const round = (y: number): number => (w === 'd' ? y : Math.fround(y));
  const target = 2 ** (r.pick(BOUNDARY_EXPONENTS[w]) + r.below(3) - 1);
  switch (r.below(6)) {
    case 0: // cancellation: nearly -x
      return bitsOf(w, round(-v * (1 + (r.below(3) - 1) * 2 ** (w === 'd' ? -52 : -23))));
    case 1: // product near a boundary
      return bitsOf(w, round((target / v) * (1 + r.unit() * 2 ** -20)));
    case 2: // quotient near a boundary
      return bitsOf(w, round(v / target));
    case 3: // equal, or equal magnitude
      return r.below(2) ? x : bitsOf(w, -v);
    default:
      return randomOperand(w, r);
  }
}

/** `count` operand pairs: edge x edge combinations (sampled), then random and related pairs. */
export function fpOperandPairs(w: Width, seed: number, count: number): bigint[][] {
  const r = new Random(seed);
  const edges = edgeOperands(w);
  const out: bigint[][] = [];
  const edgePairs = Math.min(Math.floor(count / 3), edges.length * edges.length);
  for (let i = 0; i < edgePairs; i++) out.push([r.pick(edges), r.pick(edges)]);
  while (out.length < count) {
    const x = r.below(4) === 0 ? r.pick(edges) : randomOperand(w, r);
    out.push(r.below(2) ? [x, partner(w, x, r)] : [partner(w, x, r), x]);
  }
  return out;
}

/** `count` operand triples (fma): a pair, then an addend that is random, an edge, or close to
 *  minus the product (cancellation, exact zero sums). */
export function fpOperandTriples(w: Width, seed: number, count: number): bigint[][] {
  const r = new Random(seed ^ 0x7f4a7c15);
  const edges = edgeOperands(w);
  return fpOperandPairs(w, seed, count).map(([x, y]) => {
    const product = valueOf(w, x!) * valueOf(w, y!);
    const round = (v: number): number => (w === 'd' ? v : Math.fround(v));
    const choice = r.below(4);
    const z = choice === 0 ? r.pick(edges) : choice === 1 ? randomOperand(w, r) : bitsOf(w, round(r.below(2) ? -product : product));
    return [x!, y!, z];
  });
}

/** `count` 64-bit integers (as unsigned patterns) around the conversions' exactness and range limits. */
export function intOperands(seed: number, count: number): bigint[] {
  const r = new Random(seed);
  const limits = [0n, 1n, 2n ** 24n, 2n ** 31n, 2n ** 32n, 2n ** 53n, 2n ** 54n, 2n ** 63n];
  const out: bigint[] = [];
  for (const l of limits) for (const d of [-2n, -1n, 0n, 1n, 2n]) for (const s of [1n, -1n]) out.push(BigInt.asUintN(64, s * (l + d)));
  while (out.length < count) {
    const shift = BigInt(r.below(65));
    const magnitude = r.bits64() >> (64n - shift);
    out.push(BigInt.asUintN(64, r.below(2) ? -magnitude : magnitude));
  }
  return out.slice(0, count);
}

/** Binary32/binary64 limits for the boundary pairs below. */
const LIMITS: Record<Width, { minNormal: number; max: number; fractionBits: number; maxExponent: number }> = {
  d: { minNormal: 2 ** -1022, max: Number.MAX_VALUE, fractionBits: 52, maxExponent: 1023 },
  s: { minNormal: 2 ** -126, max: 3.4028234663852886e38, fractionBits: 23, maxExponent: 127 },
};

/** Operand pairs whose sum, difference, product, quotient or root lands on a flag boundary, in all
 *  four sign combinations: results that round up to exactly the smallest normal (tiny before
 *  rounding: UF), just above it, overflow by a halfway case, the largest finite, exact zeros of
 *  both signs, halfway cases, and zero, infinite and NaN operands. */
export function flagBoundaryPairs(w: Width): bigint[][] {
  const { minNormal, max, fractionBits, maxExponent } = LIMITS[w];
  const ulp1 = 2 ** -fractionBits;
  const half = ulp1 / 2;
  const ulpMax = 2 ** (maxExponent - fractionBits);
  const pairs: [number, number][] = [
    [1 - half, minNormal], [1 + ulp1, minNormal], [1.5, minNormal], [2 - ulp1, minNormal / 2], [minNormal, minNormal],
    [1 - half, 2 ** -Math.log2(minNormal)], [minNormal, 1 + ulp1], [minNormal, 1 - half], [minNormal * 1.5, minNormal],
    [max, 1 + ulp1], [max, 1], [2 ** maxExponent, 2], [2 ** maxExponent, 2 - ulp1], [max, 0.5], [max, 2],
    [max, ulpMax / 2], [max, ulpMax / 4], [max, max], [max, -max],
    [1, half], [1, half * 1.5], [1 + ulp1, 1 + ulp1], [1 + ulp1, half], [3, 1 / 3], [6, 3], [2, 4], [0.1, 0.7],
    [0, 5], [5, 5], [0, 0], [1, 0], [1, Infinity], [Infinity, 1], [Infinity, Infinity], [NaN, 1],
  ];
  const out: bigint[][] = [];
  for (const [x, y] of pairs) for (const [sx, sy] of [[1, 1], [-1, 1], [1, -1], [-1, -1]] as const) out.push([bitsOf(w, sx * x), bitsOf(w, sy * y)]);
  return out;
}
