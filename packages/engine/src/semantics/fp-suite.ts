// The F and D semantics tests, written once for both precisions: every arithmetic, fused,
// conversion, min/max, compare, classify and sign-injection instruction over special values
// (±0, ±inf, qNaN, sNaN, subnormals, extremes) and random ones, in every static rounding mode and
// through frm with rm = dyn, checking result bits AND fflags against fp-reference.ts per vector.
// Invariant: programs are built at collection time (harness.ts); single-precision inputs are
// NaN-boxed in the registers, and results are compared as the raw 64-bit register contents.
import { expect, it } from 'vitest';
import { hex64, randomValues, vectorBatches, type VectorBatches } from './harness.js';
import * as ref from './fp-reference.js';

export type Precision = 's' | 'd';
export const FORMAT: Record<Precision, ref.Format> = { s: ref.S, d: ref.D };
const BOX = 0xffff_ffff_0000_0000n;
/** How a value of the precision sits in an FP register. */
export const boxed = (p: Precision, bits: bigint): bigint => (p === 's' ? bits | BOX : bits);
const ROUNDING = ['rne', 'rtz', 'rdn', 'rup', 'rmm'] as const;
const FLAG_NAMES: [number, string][] = [[ref.NV, 'NV'], [ref.DZ, 'DZ'], [ref.OF, 'OF'], [ref.UF, 'UF'], [ref.NX, 'NX']];
const flagText = (flags: number) => FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n).join('|') || '-';

/** Bits of a JS number in the precision (the literal inputs below are exact in both). */
export function bitsOf(p: Precision, v: number): bigint {
  if (p === 'd') return new BigUint64Array(new Float64Array([v]).buffer)[0]!;
  return BigInt(new Uint32Array(new Float32Array([v]).buffer)[0]!);
}

/** Special and ordinary operands of a precision, as raw bits of the format. */
export function specialValues(p: Precision): bigint[] {
  const f = FORMAT[p];
  const width = BigInt(f.exponentBits + f.fractionBits + 1);
  const sign = 1n << (width - 1n);
  const fracMask = (1n << BigInt(f.fractionBits)) - 1n;
  const expAll = ((1n << BigInt(f.exponentBits)) - 1n) << BigInt(f.fractionBits);
  const minNormal = 1n << BigInt(f.fractionBits);
  const maxNormal = expAll - minNormal + fracMask;
  const one = bitsOf(p, 1);
  const random = randomValues(p === 's' ? 3n : 4n, 3).map((r) => BigInt.asUintN(Number(width), r));
  return [
    0n, sign, expAll, expAll | sign, ref.canonicalNaN(f), ref.canonicalNaN(f) | sign | 5n, expAll | 1n, expAll | sign | 3n,
    1n, sign | 1n, fracMask, minNormal, minNormal | sign, maxNormal, maxNormal | sign,
    one, one | sign, bitsOf(p, 1.5), bitsOf(p, 3), bitsOf(p, 0.5), bitsOf(p, -0.1), one + 1n, bitsOf(p, 2 ** (f.fractionBits + 1) + 2),
    ...random,
  ];
}

export interface FpCheck {
  /** Assembly of one vector: inputs at 0(s0).. (FP inputs via fld, integer inputs via ld). */
  body: string;
  inputs: number;
  /** Expected register bits and flags for one vector's inputs and rounding mode. */
  expected: (inputs: readonly bigint[], rm: number) => ref.Result;
}

/** Body pieces: load FP operand k, load integer operand k, store the FP / integer result and the flags. */
export const loadF = (reg: string, k: number) => `fld ${reg}, ${8 * k}(s0)`;
export const loadX = (reg: string, k: number) => `ld ${reg}, ${8 * k}(s0)`;
export const storeResults = (inputs: number, fpResult: boolean) =>
  `${fpResult ? `fsd fa0, ${8 * inputs}(s0)` : `sd a0, ${8 * inputs}(s0)`}\ncsrrw a5, fflags, zero\nsd a5, ${8 * inputs + 8}(s0)`;

interface Mode {
  label: string;
  /** The rounding-mode operand text, or '' for instructions without one. */
  suffix: string;
  frm: number;
  rm: number;
}

/** Static modes, then dyn with frm set to each mode (on a prefix of the vectors). */
const modesFor = (rounds: boolean): Mode[] => (rounds
  ? [...ROUNDING.map((name, rm) => ({ label: name, suffix: `, ${name}`, frm: 0, rm })), ...ROUNDING.map((name, rm) => ({ label: `dyn with frm = ${name}`, suffix: ', dyn', frm: rm, rm }))]
  : [{ label: 'no rounding', suffix: '', frm: 0, rm: 0 }]);

/**
 * One `it` per rounding mode: `check` over every vector, result bits and flags against the reference.
 * `mnemonicLine(suffix)` is the instruction under test with its rounding operand appended.
 * Returns the union of flags the reference expects, so callers can assert every flag was exercised.
 */
export function itMatchesReference(title: string, vectors: readonly (readonly bigint[])[], rounds: boolean, check: Omit<FpCheck, 'body'> & { body: (suffix: string) => string }): Set<number> {
  const modes = modesFor(rounds);
  const dynPrefix = vectors.slice(0, 64);
  const programs = new Map<string, VectorBatches>();
  for (const m of modes) {
    if (!programs.has(m.suffix)) programs.set(m.suffix, vectorBatches(check.body(m.suffix), check.inputs, 2, m.suffix === ', dyn' ? dynPrefix : vectors));
  }
  const expectedFlags = new Set<number>();
  for (const m of modes) for (const v of programs.get(m.suffix)!.vectors) expectedFlags.add(check.expected(v, m.rm).flags);
  for (const m of modes) {
    const batches = programs.get(m.suffix)!;
    it(`${title}: ${m.label}`, async () => {
      const results = await batches.run({ frm: m.frm });
      const wrong: string[] = [];
      batches.vectors.forEach((v, i) => {
        const want = check.expected(v, m.rm);
        const [bits, flags] = results[i]!;
        if (bits !== want.bits || Number(flags) !== want.flags) {
          wrong.push(`${v.map(hex64).join(', ')}: got ${hex64(bits!)} ${flagText(Number(flags))}, want ${hex64(want.bits)} ${flagText(want.flags)}`);
        }
      });
      expect(wrong.slice(0, 8)).toEqual([]);
    });
  }
  return expectedFlags;
}

/** Asserts (at collection time's end, in its own test) that the vectors raise each named flag somewhere. */
export function itRaisesEveryFlag(title: string, seen: Set<number>, flags: readonly number[]): void {
  it(`${title}: the vectors raise ${flags.map(flagText).join(' ')}`, () => {
    const union = [...seen].reduce((a, b) => a | b, 0);
    for (const flag of flags) expect(flagText(union & flag), title).toBe(flagText(flag));
  });
}

/** Every ordered pair and a deterministic sample of triples of the values. */
export const pairsOf = (values: readonly bigint[]): bigint[][] => values.flatMap((a) => values.map((b) => [a, b]));
export function triplesOf(values: readonly bigint[], count: number, seed: bigint): bigint[][] {
  const picks = randomValues(seed, count * 3).map((r) => values[Number(r % BigInt(values.length))]!);
  return Array.from({ length: count }, (_, i) => picks.slice(3 * i, 3 * i + 3));
}
