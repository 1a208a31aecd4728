// Differential test of the inline FP fast paths (lift-riscv fp-fast.ts): every fast-pathed
// instruction runs in the T0 interpreter (and, on fewer operands, the opt JIT tier) over seeded
// random and edge-case operands, and each result and its accrued fflags must equal what the exact
// runtime helper (makeFpuHelpers) gives for the same operands. RNE exercises the fast paths; the
// other modes (static and dynamic) check that everything else still reaches the helper. The
// arithmetic and roots also run with fflags preset (NX set: the sticky paths; other flags with NX
// clear: the NX-deciding paths), expecting the preset flags OR-ed with the helper's.
import { describe, expect, it } from 'vitest';
import { assemble } from '@ferry/isa-riscv';
import { makeFpuHelpers, type FpuHelpers } from '@ferry/runtime';
import { runSnippet, runSnippetInTier, SNIPPET_CODE, SNIPPET_DATA, type SnippetInput, type SnippetResult } from './snippet.js';
import { SIGNAL } from './run.js';
import type { Tier } from './tiers.js';
import { flagBoundaryPairs, fpOperandPairs, fpOperands, fpOperandTriples, intOperands, type Width } from './testing/fp-operands.js';

let raised = 0;
const fpu: FpuHelpers = makeFpuHelpers((flags) => {
  raised |= flags;
});

const BOX = 0xffff_ffff_0000_0000n;
const MASK64 = (1n << 64n) - 1n;
/** Cases per snippet run: an 8-byte result and a flags byte each must fit the 4 KiB data page. */
const CASES_PER_RUN = 448;

/** What an instruction reads and writes, and how its helper is called (effective rm given). */
interface Spec {
  mnemonic: string;
  /** Operand kinds: 'f' float register(s) of `width`, 'x' an integer register. */
  sources: 'fff' | 'ff' | 'f' | 'x';
  width: Width;
  result: 'f' | 'x';
  resultWidth: Width;
  hasRm: boolean;
  reference: (ops: bigint[], rm: number) => bigint;
}

/** readF: a single is its low 32 bits when NaN-boxed, otherwise the canonical NaN. */
const unbox = (w: Width, bits: bigint): bigint => (w === 'd' ? bits : bits >> 32n === 0xffff_ffffn ? bits & 0xffff_ffffn : 0x7fc0_0000n);

function spec(mnemonic: string, sources: Spec['sources'], width: Width, result: Spec['result'], resultWidth: Width, hasRm: boolean,
  call: (ops: bigint[], rm: number) => bigint): Spec {
  return { mnemonic, sources, width, result, resultWidth, hasRm, reference: (ops, rm) => call(sources === 'x' ? ops : ops.map((o) => unbox(width, o)), rm) };
}

const SPECS: Spec[] = [];
for (const w of ['s', 'd'] as const) {
  for (const op of ['fadd', 'fsub', 'fmul', 'fdiv'] as const) {
    SPECS.push(spec(`${op}.${w}`, 'ff', w, 'f', w, true, ([a, b], rm) => fpu[`${op}_${w}`](a!, b!, rm)));
  }
  SPECS.push(spec(`fsqrt.${w}`, 'f', w, 'f', w, true, ([a], rm) => fpu[`fsqrt_${w}`](a!, rm)));
  SPECS.push(spec(`fmin.${w}`, 'ff', w, 'f', w, false, ([a, b]) => fpu[`fminmax_${w}`](a!, b!, 0)));
  SPECS.push(spec(`fmax.${w}`, 'ff', w, 'f', w, false, ([a, b]) => fpu[`fminmax_${w}`](a!, b!, 1)));
  (['feq', 'flt', 'fle'] as const).forEach((op, kind) =>
    SPECS.push(spec(`${op}.${w}`, 'ff', w, 'x', w, false, ([a, b]) => fpu[`fcmp_${w}`](a!, b!, kind))));
  (['w', 'wu', 'l', 'lu'] as const).forEach((k, kind) => {
    SPECS.push(spec(`fcvt.${k}.${w}`, 'f', w, 'x', w, true, ([a], rm) => fpu[`fcvt_int_${w}`](a!, rm, kind)));
    // Conversions that are always exact take no rounding-mode operand in the assembler.
    SPECS.push(spec(`fcvt.${w}.${k}`, 'x', w, 'f', w, w === 's' || kind >= 2, ([a], rm) => fpu[`fcvt_${w}_int`](a!, rm, kind)));
  });
}
(['fmadd.s', 'fmsub.s', 'fnmsub.s', 'fnmadd.s'] as const).forEach((mnemonic, form) =>
  SPECS.push(spec(mnemonic, 'fff', 's', 'f', 's', true, ([a, b, c], rm) => fpu.fma_s(a!, b!, c!, rm, form >> 1, form & 1))));
SPECS.push(spec('fcvt.s.d', 'f', 'd', 'f', 's', true, ([a], rm) => fpu.fcvt_s_d(a!, rm)));
SPECS.push(spec('fcvt.d.s', 'f', 's', 'f', 'd', false, ([a], rm) => fpu.fcvt_d_s(a!, rm)));

const MODE_NAMES = ['rne', 'rtz', 'rdn', 'rup', 'rmm'] as const;

/** One rounding-mode setting: the static rm operand, and frm (used when rm is dyn). */
interface Mode {
  rm: (typeof MODE_NAMES)[number] | 'dyn';
  frm: number;
}
const effectiveRm = (m: Mode): number => (m.rm === 'dyn' ? m.frm : MODE_NAMES.indexOf(m.rm));

/** A guest loop applying the instruction to each operand record (a0: records of 24 bytes, a1:
 *  results, a3: flag bytes, a2: count). Operands go through t0/t1/t4 into ft1/ft2/ft3. */
function loopProgram(s: Spec, m: Mode | undefined, initialFlags: number): Uint8Array {
  const rm = m ? `, ${m.rm}` : '';
  const dest = s.result === 'f' ? 'ft0' : 't2';
  const srcs = s.sources === 'fff' ? 'ft1, ft2, ft3' : s.sources === 'ff' ? 'ft1, ft2' : s.sources === 'f' ? 'ft1' : 't0';
  const { bytes } = assemble(`
    loop:
      ld t0, 0(a0)
      ld t1, 8(a0)
      ld t4, 16(a0)
      fmv.d.x ft1, t0
      fmv.d.x ft2, t1
      fmv.d.x ft3, t4
      csrrwi zero, fflags, ${initialFlags}
      ${s.mnemonic} ${dest}, ${srcs}${rm}
      ${s.result === 'f' ? 'fmv.x.d t2, ft0' : 'nop'}
      csrr t3, fflags
      sd t2, 0(a1)
      sb t3, 0(a3)
      addi a0, a0, 24
      addi a1, a1, 8
      addi a3, a3, 1
      addi a2, a2, -1
      bnez a2, loop
      ebreak
  `);
  return bytes;
}

interface Outcome {
  bits: bigint;
  flags: number;
}

/** Runs `cases` (operand pairs) through the guest loop in batches; returns each result and its flags. */
async function runGuest(s: Spec, m: Mode | undefined, cases: bigint[][], tier: Tier, initialFlags: number, flagsAtStart = 0): Promise<Outcome[]> {
  const loop = loopProgram(s, m, initialFlags);
  const codeSize = (loop.length + 7) & ~7;
  const out: Outcome[] = [];
  for (let start = 0; start < cases.length; start += CASES_PER_RUN) {
    const batch = cases.slice(start, start + CASES_PER_RUN);
    const code = new Uint8Array(codeSize + batch.length * 24);
    code.set(loop);
    const view = new DataView(code.buffer);
    batch.forEach((ops, i) => ops.forEach((o, j) => view.setBigUint64(codeSize + i * 24 + j * 8, o & MASK64, true)));
    const input: SnippetInput = {
      code,
      x: { 10: BigInt(SNIPPET_CODE + codeSize), 11: BigInt(SNIPPET_DATA), 12: BigInt(batch.length), 13: BigInt(SNIPPET_DATA + batch.length * 8) },
      frm: m?.frm ?? 0,
      fflags: flagsAtStart,
    };
    const r: SnippetResult = tier === 'interp' ? runSnippet(input) : await runSnippetInTier(input, tier);
    if (r.status !== 128 + SIGNAL.SIGTRAP || r.message !== undefined) throw new Error(`${s.mnemonic}: snippet stopped: ${r.message ?? r.status}`);
    const data = new DataView(r.data.buffer, r.data.byteOffset, r.data.byteLength);
    batch.forEach((_, i) => out.push({ bits: data.getBigUint64(i * 8, true), flags: data.getUint8(batch.length * 8 + i) }));
  }
  return out;
}

/** The helper's outcome, shaped as the guest sees it (singles NaN-boxed, integers as 64-bit
 *  patterns), with its flags accrued onto the preset ones. */
function expected(s: Spec, ops: bigint[], rm: number, initialFlags: number): Outcome {
  raised = 0;
  const value = s.reference(ops, rm);
  const bits = s.result === 'x' ? BigInt.asUintN(64, value) : s.resultWidth === 's' ? value | BOX : value;
  return { bits, flags: initialFlags | raised };
}

function operandsFor(s: Spec, seed: number, count: number): bigint[][] {
  if (s.sources === 'x') return intOperands(seed, count).map((n) => [n, 0n]);
  if (s.sources === 'f') return fpOperands(s.width, seed, count).map((a) => [a, 0n]);
  if (s.sources === 'fff') return fpOperandTriples(s.width, seed, count);
  return fpOperandPairs(s.width, seed, count);
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

async function check(s: Spec, m: Mode | undefined, cases: bigint[][], tier: Tier, initialFlags = 0, flagsAtStart = 0): Promise<void> {
  const got = await runGuest(s, m, cases, tier, initialFlags, flagsAtStart);
  const rm = m ? effectiveRm(m) : 0;
  const mismatches: string[] = [];
  cases.forEach((ops, i) => {
    const want = expected(s, ops, rm, initialFlags);
    const g = got[i]!;
    if (g.bits !== want.bits || g.flags !== want.flags) {
      mismatches.push(`${s.mnemonic} ${ops.map(hex).join(', ')} rm=${rm} preset flags ${initialFlags}: got ${hex(g.bits)} flags ${g.flags}, helper ${hex(want.bits)} flags ${want.flags}`);
    }
  });
  expect(mismatches.slice(0, 10)).toEqual([]);
}

const RNE_CASES = Number(process.env.FERRY_FASTPATH_CASES ?? 1792);
const OTHER_MODES: Mode[] = [
  { rm: 'dyn', frm: 0 },
  { rm: 'rtz', frm: 0 },
  { rm: 'rdn', frm: 0 },
  { rm: 'rmm', frm: 0 },
  { rm: 'dyn', frm: 3 },
];

describe('FP fast paths equal the runtime helpers (T0)', () => {
  it.each(SPECS.map((s, i) => [s.mnemonic, i] as const))('%s', async (_, index) => {
    const s = SPECS[index]!;
    const seed = 0x5eed + index * 7919;
    await check(s, s.hasRm ? { rm: 'rne', frm: 2 } : undefined, operandsFor(s, seed, RNE_CASES), 'interp');
    if (!s.hasRm) return;
    for (const [k, m] of OTHER_MODES.entries()) await check(s, m, operandsFor(s, seed + k + 1, CASES_PER_RUN), 'interp');
  });
});

describe('FP fast paths equal the runtime helpers (opt JIT tier, constant operands folded)', () => {
  it.each(SPECS.map((s, i) => [s.mnemonic, i] as const))('%s', async (_, index) => {
    const s = SPECS[index]!;
    const seed = 0xfa57 + index * 104729;
    await check(s, s.hasRm ? { rm: 'rne', frm: 1 } : undefined, operandsFor(s, seed, CASES_PER_RUN), 'opt');
    if (s.hasRm) await check(s, { rm: 'dyn', frm: 0 }, operandsFor(s, seed + 1, CASES_PER_RUN), 'opt');
  });
});

/** fflags presets: NX alone and all five (the sticky paths apply), and flags without NX (they do not). */
const NX = 1;
const PRESET_FLAGS = [NX, 31, 2 | 4, 8 | 16] as const;
const STICKY_SPECS = SPECS.filter((s) => /^f(add|sub|mul|div|sqrt)\./.test(s.mnemonic));

/** The flag-boundary pairs, then seeded random and related ones (unary ops use the first operand). */
function stickyCases(s: Spec, seed: number): bigint[][] {
  const boundary = flagBoundaryPairs(s.width);
  const cases = s.sources === 'f' ? [...boundary.map(([a]) => [a!, 0n]), ...boundary.map(([, b]) => [b!, 0n])] : boundary;
  return [...cases, ...operandsFor(s, seed, CASES_PER_RUN - cases.length)];
}

describe.each(['interp', 'baseline'] as const)('FP arithmetic with fflags preset equals the runtime helpers (%s)', (tier) => {
  it.each(STICKY_SPECS.map((s) => [s.mnemonic, s] as const))('%s', async (_, s) => {
    const seed = 0x57c4 + SPECS.indexOf(s) * 65537;
    for (const flags of PRESET_FLAGS) await check(s, { rm: 'rne', frm: 3 }, stickyCases(s, seed + flags), tier, flags);
    // The sticky path also serves dyn with frm = RNE; any other mode must not take it.
    await check(s, { rm: 'dyn', frm: 0 }, stickyCases(s, seed + 40), tier, NX);
    await check(s, { rm: 'rtz', frm: 0 }, stickyCases(s, seed + 41), tier, NX);
    await check(s, { rm: 'dyn', frm: 2 }, stickyCases(s, seed + 42), tier, NX);
  });
});

// The JIT lifts arithmetic without its error-term paths when fflags holds NX at translation time
// (LiftHints.stickyNx). The guest state at the snippet's start is what translation sees: with NX
// set there and cleared (or other flags preset) by the loop, every op must still equal the helper.
describe.each(['baseline', 'opt'] as const)('FP arithmetic translated while NX was set, run with NX clear (%s)', (tier) => {
  it.each(STICKY_SPECS.map((s) => [s.mnemonic, s] as const))('%s', async (_, s) => {
    const seed = 0x41c7 + SPECS.indexOf(s) * 257;
    await check(s, { rm: 'rne', frm: 3 }, stickyCases(s, seed), tier, 0, NX);
    await check(s, { rm: 'dyn', frm: 0 }, stickyCases(s, seed + 1), tier, 2 | 4, NX);
    await check(s, { rm: 'rup', frm: 0 }, stickyCases(s, seed + 2), tier, NX, NX);
  });
});
