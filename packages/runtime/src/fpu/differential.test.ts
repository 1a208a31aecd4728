// Differential tests: every FP helper against the rational oracle on edge-case and seeded random
// operands in all five rounding modes, comparing result bits and raised flags exactly.
import { describe, expect, it } from 'vitest';
import { makeFpuHelpers } from './index.js';
import * as oracle from './oracle.js';
import { edgePatterns, OperandSource } from './operands.js';

let raisedFlags = 0;
const fpu = makeFpuHelpers((flags) => {
  raisedFlags |= flags;
});
const MODES = [0, 1, 2, 3, 4];
const RANDOM_CASES = Number(process.env.FERRY_FPU_CASES ?? 2500);
const { SINGLE, DOUBLE } = oracle;
const hex = (v: bigint): string => '0x' + v.toString(16);

interface Mismatch {
  operands: string;
  rm: number;
  got: string;
  want: string;
}

/** Run helper and oracle on each operand tuple in each mode; collect disagreements. */
function compare(tuples: bigint[][], helper: (ops: bigint[], rm: number) => bigint,
  reference: (ops: bigint[], rm: number) => oracle.Outcome, modes = MODES): Mismatch[] {
  const mismatches: Mismatch[] = [];
  for (const ops of tuples) {
    for (const rm of modes) {
      raisedFlags = 0;
      const bits = helper(ops, rm);
      const got = { bits, flags: raisedFlags };
      const want = reference(ops, rm);
      if (got.bits !== want.bits || got.flags !== want.flags) {
        mismatches.push({
          operands: ops.map(hex).join(', '),
          rm,
          got: `${hex(got.bits)} flags ${got.flags}`,
          want: `${hex(want.bits)} flags ${want.flags}`,
        });
        if (mismatches.length >= 10) return mismatches;
      }
    }
  }
  return mismatches;
}

function pairs(f: oracle.Format, seed: number): bigint[][] {
  const edges = edgePatterns(f);
  const out: bigint[][] = [];
  for (const a of edges) for (const b of edges) out.push([a, b]);
  const source = new OperandSource(seed);
  for (let i = 0; i < RANDOM_CASES; i++) {
    const a = source.pattern(f);
    out.push([a, source.related(f, a)]);
  }
  return out;
}

function singles(f: oracle.Format, seed: number): bigint[][] {
  const source = new OperandSource(seed);
  const out = edgePatterns(f).map((a) => [a]);
  for (let i = 0; i < 4 * RANDOM_CASES; i++) out.push([source.pattern(f)]);
  return out;
}

function triples(f: oracle.Format, seed: number): bigint[][] {
  const source = new OperandSource(seed);
  const edges = edgePatterns(f);
  const out: bigint[][] = [];
  for (let i = 0; i < 3 * RANDOM_CASES; i++) {
    const pick = (): bigint => (source.below(4) === 0 ? edges[source.below(edges.length)]! : source.pattern(f));
    const a = pick();
    const b = source.below(2) ? source.related(f, a) : pick();
    // An addend near -(a*b) exercises cancellation; take it from the oracle's rounded product.
    const product = oracle.oracleMul(f, a, b, 0).bits;
    const c = source.below(3) === 0 ? source.related(f, product) : pick();
    out.push([a, b, c]);
  }
  return out;
}

for (const [name, f, seed] of [['single', SINGLE, 1], ['double', DOUBLE, 2]] as const) {
  const sfx = name === 'single' ? 's' : 'd';
  describe(`${name} arithmetic matches the oracle`, () => {
    const binary = pairs(f, seed);
    it(`fadd_${sfx}`, () => {
      expect(compare(binary, ([a, b], rm) => fpu[`fadd_${sfx}`](a!, b!, rm), ([a, b], rm) => oracle.oracleAdd(f, a!, b!, rm))).toEqual([]);
    });
    it(`fsub_${sfx}`, () => {
      expect(compare(binary, ([a, b], rm) => fpu[`fsub_${sfx}`](a!, b!, rm), ([a, b], rm) => oracle.oracleAdd(f, a!, b!, rm, true))).toEqual([]);
    });
    it(`fmul_${sfx}`, () => {
      expect(compare(binary, ([a, b], rm) => fpu[`fmul_${sfx}`](a!, b!, rm), ([a, b], rm) => oracle.oracleMul(f, a!, b!, rm))).toEqual([]);
    });
    it(`fdiv_${sfx}`, () => {
      expect(compare(binary, ([a, b], rm) => fpu[`fdiv_${sfx}`](a!, b!, rm), ([a, b], rm) => oracle.oracleDiv(f, a!, b!, rm))).toEqual([]);
    });
    it(`fsqrt_${sfx}`, () => {
      expect(compare(singles(f, seed + 10), ([a], rm) => fpu[`fsqrt_${sfx}`](a!, rm), ([a], rm) => oracle.oracleSqrt(f, a!, rm))).toEqual([]);
    });
    it(`fma_${sfx} in all four sign variants`, () => {
      const variants = [[0, 0], [0, 1], [1, 0], [1, 1]] as const;
      const tuples = triples(f, seed + 20);
      for (const [np, na] of variants) {
        expect(compare(tuples, ([a, b, c], rm) => fpu[`fma_${sfx}`](a!, b!, c!, rm, np, na),
          ([a, b, c], rm) => oracle.oracleFma(f, a!, b!, c!, rm, np === 1, na === 1))).toEqual([]);
      }
    });
    it(`fminmax_${sfx} and fcmp_${sfx}`, () => {
      expect(compare(binary, ([a, b], isMax) => fpu[`fminmax_${sfx}`](a!, b!, isMax),
        ([a, b], isMax) => oracle.oracleMinMax(f, a!, b!, isMax === 1), [0, 1])).toEqual([]);
      expect(compare(binary, ([a, b], kind) => fpu[`fcmp_${sfx}`](a!, b!, kind),
        ([a, b], kind) => oracle.oracleCompare(f, a!, b!, kind), [0, 1, 2])).toEqual([]);
    });
    it(`fclass_${sfx}`, () => {
      expect(compare(singles(f, seed + 30), ([a]) => fpu[`fclass_${sfx}`](a!),
        ([a]) => ({ bits: oracle.oracleClass(f, a!), flags: 0 }), [0])).toEqual([]);
    });
  });

  describe(`${name} conversions match the oracle`, () => {
    const values = singles(f, seed + 40);
    for (const kind of [0, 1, 2, 3]) {
      it(`fcvt_int_${sfx} kind ${kind}`, () => {
        expect(compare(values, ([a], rm) => fpu[`fcvt_int_${sfx}`](a!, rm, kind),
          ([a], rm) => oracle.oracleToInt(f, a!, rm, kind))).toEqual([]);
      });
      it(`fcvt_${sfx}_int kind ${kind}`, () => {
        const source = new OperandSource(seed + 50 + kind);
        const ints: bigint[][] = [];
        for (const edge of [0n, 1n, 2n ** 31n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n]) {
          ints.push([edge], [BigInt.asUintN(64, -edge)]);
        }
        for (let i = 0; i < RANDOM_CASES; i++) {
          const width = 1 + source.below(64);
          const v = source.bits(width);
          ints.push([source.below(2) ? BigInt.asUintN(64, -v) : v]);
        }
        expect(compare(ints, ([a], rm) => fpu[`fcvt_${sfx}_int`](a!, rm, kind),
          ([a], rm) => oracle.oracleFromInt(f, a!, rm, kind))).toEqual([]);
      });
    }
  });
}

describe('format conversions match the oracle', () => {
  it('fcvt_s_d', () => {
    const source = new OperandSource(77);
    const values = edgePatterns(DOUBLE).map((a) => [a]);
    for (let i = 0; i < 4 * RANDOM_CASES; i++) {
      // Doubles near the single range matter most: exponents around the single's limits.
      const a = source.below(2) ? source.pattern(DOUBLE) : (BigInt(source.below(2)) << 63n) |
        (BigInt(1023 - 160 + source.below(300)) << 52n) | source.bits(52);
      values.push([a]);
    }
    expect(compare(values, ([a], rm) => fpu.fcvt_s_d(a!, rm), ([a], rm) => oracle.oracleConvert(DOUBLE, SINGLE, a!, rm))).toEqual([]);
  });
  it('fcvt_d_s', () => {
    const source = new OperandSource(78);
    const values = edgePatterns(SINGLE).map((a) => [a]);
    for (let i = 0; i < RANDOM_CASES; i++) values.push([source.pattern(SINGLE)]);
    expect(compare(values, ([a], rm) => fpu.fcvt_d_s(a!, rm), ([a], rm) => oracle.oracleConvert(SINGLE, DOUBLE, a!, rm))).toEqual([]);
  });
});
