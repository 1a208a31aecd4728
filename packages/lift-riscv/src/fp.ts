// Shared pieces of the F and D lifters. FP registers hold raw 64-bit patterns; a single is valid
// only NaN-boxed (upper 32 bits all ones), otherwise it reads as the canonical NaN. Operations that
// round or raise flags are defined by the abi FP helpers (exact in every rounding mode, flags
// accrued there). The hot ones first try inline fast paths (fp-fast.ts): arithmetic and roots a
// sticky one (RNE with NX already set: no NX to decide, no fflags write), then host float ops whose
// result and NX provably equal the helper's; a brif sends every other case to the helper. When the
// JIT saw NX already set (LiftHints.stickyNx), arithmetic and roots skip the second kind.
// Moves, sign injection, loads and stores are bit operations here. fma.d and fclass: helper only.
import { ExitCode, FFlag, RoundingMode, type HelperName } from '@ferry/abi';
import type { Builder, Func, Value } from '@ferry/ir';
import { constantField, effectiveAddress, exitIf, setRd, sext32, x, zext32 } from './common.js';
import * as fast from './fp-fast.js';
import type { Operands } from './operands.js';

export type Precision = 's' | 'd';
const BOX = 0xffff_ffff_0000_0000n;
const CANONICAL_NAN_S = 0x7fc0_0000n;

/** The operand as its format's raw bits (single: low 32 bits, zero above). */
export function readF(b: Builder, p: Precision, reg: Value): Value {
  const raw = b.getF(reg);
  if (p === 'd') return raw;
  const boxed = b.cmp('eq', b.bin('shr_u', raw, b.i64(32)), b.i64(0xffff_ffffn));
  return b.select(boxed, b.bin('and', raw, b.i64(0xffff_ffffn)), b.i64(CANONICAL_NAN_S));
}

/** Write a result given as its format's raw bits (single results are NaN-boxed). */
export function writeF(b: Builder, p: Precision, reg: Value, bits: Value): void {
  b.setF(reg, p === 'd' ? bits : b.bin('or', bits, b.i64(BOX)));
}

/** The effective rounding mode: the rm field, or frm when it is 7 (dynamic). Modes 5 and 6, and
 *  frm values above 4, make the instruction illegal. A constant legal static field (the JIT's) is
 *  used as it is, with no frm read and no check. */
export function roundingMode(b: Builder, o: Operands): Value {
  const field = constantI32(b.func, o.rm);
  if (field !== undefined && field <= RoundingMode.RMM) return o.rm;
  const frm = b.emit('wrap.i64', [b.getSlot('frm')]);
  const rm = field === RoundingMode.DYN ? frm : b.select(b.cmp('eq', o.rm, b.i32(RoundingMode.DYN)), frm, o.rm);
  exitIf(b, b.cmp('gt_u', rm, b.i32(RoundingMode.RMM)), ExitCode.illegalInstruction, o.pc);
  return rm;
}

/** The i32 constant v was defined as, if it is one (the JIT passes instruction fields so). */
function constantI32(func: Func, v: Value): number | undefined {
  const known = constantField(func, v);
  return known === undefined ? undefined : Number(known);
}

/** i32, nonzero when the effective rounding mode is RNE and fflags already holds NX; undefined
 *  when a constant rm field rules RNE out. No illegal-mode check is needed: RNE is legal. */
function rneWithStickyNx(b: Builder, o: Operands): Value | undefined {
  const field = constantI32(b.func, o.rm);
  if (field !== undefined && field !== RoundingMode.RNE && field !== RoundingMode.DYN) return undefined;
  const nx = b.emit('wrap.i64', [b.bin('and', b.getSlot('fflags'), b.i64(FFlag.NX))]);
  if (field === RoundingMode.RNE) return nx;
  const frm = b.getSlot('frm');
  const effective = field === RoundingMode.DYN ? frm : b.select(b.cmp('eq', o.rm, b.i32(RoundingMode.DYN)), frm, b.emit('extend_u.i32', [o.rm]));
  return b.bin('and', b.unary('eqz', effective), nx);
}

const helper = (p: Precision, base: string) => `${base}_${p}` as HelperName;

export const fpLoad = (p: Precision) => (b: Builder, o: Operands) =>
  writeF(b, p, o.rd, b.load(p === 'd' ? '64' : 'u32', effectiveAddress(b, o), o.pc));
export const fpStore = (p: Precision) => (b: Builder, o: Operands) =>
  b.store(p === 'd' ? 64 : 32, effectiveAddress(b, o), b.getF(o.rs2), o.pc);

/** i32: whether rm is the mode (a constant when rm is). */
function isMode(b: Builder, rm: Value, mode: number): Value {
  const known = constantI32(b.func, rm);
  return known === undefined ? b.cmp('eq', rm, b.i32(mode)) : b.i32(known === mode ? 1 : 0);
}

/** A register's value (readF bits) as a host f64: doubles as they are, singles widened exactly. */
const hostDouble = (b: Builder, p: Precision, bits: Value): Value =>
  p === 'd' ? fast.asDouble(b, bits) : fast.singleAsDouble(b, bits);
/** The value in its own width (f32 or f64), for operations that never round. */
const hostFloat = (b: Builder, p: Precision, bits: Value): Value => (p === 'd' ? fast.asDouble(b, bits) : fast.asSingle(b, bits));

const FAST_ARITH = {
  d: { fadd: fast.addDouble, fmul: fast.mulDouble, fdiv: fast.divDouble },
  s: { fadd: fast.addSingle, fmul: fast.mulSingle, fdiv: fast.divSingle },
} as const;
const STICKY_ARITH = {
  d: { fadd: fast.stickyAddDouble, fmul: fast.stickyMulDouble, fdiv: fast.stickyDivDouble },
  s: { fadd: fast.stickyAddSingle, fmul: fast.stickyMulSingle, fdiv: fast.stickyDivSingle },
} as const;

/** Past the sticky path: the inline path that decides NX itself, then the helper; the helper alone
 *  when the JIT saw NX already set (LiftHints.stickyNx), as it will most likely stay set. */
const decidingNx = (b: Builder, o: Operands, inline: () => fast.FastPath, call: () => Value): Value =>
  o.hints?.stickyNx ? call() : fast.withFastPath(b, inline(), call);

/** fadd/fsub/fmul/fdiv: f[rd] = helper(f[rs1], f[rs2], rm), inline when a fast path applies. */
export const arith = (p: Precision, base: 'fadd' | 'fsub' | 'fmul' | 'fdiv') => (b: Builder, o: Operands) => {
  const a = readF(b, p, o.rs1);
  const c = readF(b, p, o.rs2);
  const x = hostDouble(b, p, a);
  const y = base === 'fsub' ? fast.fneg(b, hostDouble(b, p, c)) : hostDouble(b, p, c);
  const family = base === 'fsub' ? 'fadd' : base;
  writeF(b, p, o.rd, fast.withStickyPath(b, rneWithStickyNx(b, o), () => STICKY_ARITH[p][family](b, x, y), () => {
    const rm = roundingMode(b, o);
    return decidingNx(b, o, () => FAST_ARITH[p][family](b, isMode(b, rm, RoundingMode.RNE), x, y), () => b.helper(helper(p, base), a, c, rm));
  }));
};
export const sqrt = (p: Precision) => (b: Builder, o: Operands) => {
  const a = readF(b, p, o.rs1);
  const x = hostDouble(b, p, a);
  const sticky = () => (p === 'd' ? fast.stickySqrtDouble(b, x) : fast.stickySqrtSingle(b, x));
  writeF(b, p, o.rd, fast.withStickyPath(b, rneWithStickyNx(b, o), sticky, () => {
    const rm = roundingMode(b, o);
    const rne = () => isMode(b, rm, RoundingMode.RNE);
    return decidingNx(b, o, () => (p === 'd' ? fast.sqrtDouble(b, rne(), x) : fast.sqrtSingle(b, rne(), x)), () => b.helper(helper(p, 'fsqrt'), a, rm));
  }));
};
/** Fused multiply-add with one rounding: (negate product, negate addend) select the four forms.
 *  Singles try the inline path (the f64 product of two singles is exact); doubles: helper only. */
export const fused = (p: Precision, negateProduct: 0 | 1, negateAddend: 0 | 1) => (b: Builder, o: Operands) => {
  const rm = roundingMode(b, o);
  const args = [readF(b, p, o.rs1), readF(b, p, o.rs2), readF(b, p, o.rs3)];
  const callHelper = () => b.helper(helper(p, 'fma'), ...args, rm, b.i32(negateProduct), b.i32(negateAddend));
  if (p === 'd') return writeF(b, p, o.rd, callHelper());
  const [x, y, z] = args.map((a) => hostDouble(b, p, a)) as [Value, Value, Value];
  const product = b.emit('fmul.f64', [x, y]);
  const inline = fast.addSingle(b, isMode(b, rm, RoundingMode.RNE), negateProduct ? fast.fneg(b, product) : product,
    negateAddend ? fast.fneg(b, z) : z);
  writeF(b, p, o.rd, fast.withFastPath(b, inline, callHelper));
};

/** Sign injection: magnitude of rs1, sign from rs2 (plain, negated, or xor-ed with rs1's). */
export const signInject = (p: Precision, mode: 'copy' | 'negate' | 'xor') => (b: Builder, o: Operands) => {
  const signBit = p === 'd' ? b.i64(1n << 63n) : b.i64(1n << 31n);
  const a = readF(b, p, o.rs1);
  const c = readF(b, p, o.rs2);
  const sign =
    mode === 'copy'
      ? b.bin('and', c, signBit)
      : mode === 'negate'
        ? b.bin('and', b.bin('xor', c, signBit), signBit)
        : b.bin('and', b.bin('xor', a, c), signBit);
  const magnitude = b.bin('and', a, b.bin('xor', signBit, b.i64(p === 'd' ? -1n : 0xffff_ffffn)));
  writeF(b, p, o.rd, b.bin('or', magnitude, sign));
};

export const minMax = (p: Precision, isMax: 0 | 1) => (b: Builder, o: Operands) => {
  const a = readF(b, p, o.rs1);
  const c = readF(b, p, o.rs2);
  const inline = fast.minMax(b, hostFloat(b, p, a), hostFloat(b, p, c), isMax === 1);
  writeF(b, p, o.rd, fast.withFastPath(b, inline, () => b.helper(helper(p, 'fminmax'), a, c, b.i32(isMax))));
};
const COMPARE_OPS = ['feq', 'flt', 'fle'] as const;
export const compare = (p: Precision, kind: 0 | 1 | 2) => (b: Builder, o: Operands) => {
  const a = readF(b, p, o.rs1);
  const c = readF(b, p, o.rs2);
  const inline = fast.compare(b, hostFloat(b, p, a), hostFloat(b, p, c), COMPARE_OPS[kind]);
  setRd(b, o, fast.withFastPath(b, inline, () => b.helper(helper(p, 'fcmp'), a, c, b.i32(kind))));
};
export const classify = (p: Precision) => (b: Builder, o: Operands) =>
  setRd(b, o, b.helper(helper(p, 'fclass'), readF(b, p, o.rs1)));

/** Integer kinds of conversions: w, wu, l, lu. */
export type IntKind = 0 | 1 | 2 | 3;
export const toInt = (p: Precision, kind: IntKind) => (b: Builder, o: Operands) => {
  const rm = roundingMode(b, o);
  const a = readF(b, p, o.rs1);
  const inline = fast.truncateToInt(b, isMode(b, rm, RoundingMode.RTZ), hostDouble(b, p, a), kind);
  setRd(b, o, fast.withFastPath(b, inline, () => b.helper(p === 'd' ? 'fcvt_int_d' : 'fcvt_int_s', a, rm, b.i32(kind))));
};
export const fromInt = (p: Precision, kind: IntKind) => (b: Builder, o: Operands) => {
  const rm = roundingMode(b, o);
  const n = x(b, o.rs1);
  const extended = kind === 0 ? sext32(b, n) : kind === 1 ? zext32(b, n) : n;
  const inline = p === 'd'
    ? fast.intToDouble(b, extended, kind === 3)
    : fast.intToSingle(b, isMode(b, rm, RoundingMode.RNE), extended, kind === 3);
  writeF(b, p, o.rd, fast.withFastPath(b, inline, () => b.helper(p === 'd' ? 'fcvt_d_int' : 'fcvt_s_int', n, rm, b.i32(kind))));
};

/** fcvt.s.d: inline when exact, or rounded to a normal single in RNE. */
export const doubleToSingle = (b: Builder, o: Operands) => {
  const rm = roundingMode(b, o);
  const a = readF(b, 'd', o.rs1);
  const inline = fast.doubleToSingle(b, isMode(b, rm, RoundingMode.RNE), fast.asDouble(b, a));
  writeF(b, 's', o.rd, fast.withFastPath(b, inline, () => b.helper('fcvt_s_d', a, rm)));
};
/** fcvt.d.s: exact except for NaN inputs (canonical NaN, NV on a signalling one). */
export const singleToDouble = (b: Builder, o: Operands) => {
  const rm = roundingMode(b, o);
  const a = readF(b, 's', o.rs1);
  const inline = fast.singleToDouble(b, fast.singleAsDouble(b, a));
  writeF(b, 'd', o.rd, fast.withFastPath(b, inline, () => b.helper('fcvt_d_s', a, rm)));
};

/** fmv.x.w: the low 32 bits of f[rs1] as they are (no unboxing), sign-extended. fmv.x.d: all 64. */
export const moveToInt = (p: Precision) => (b: Builder, o: Operands) =>
  setRd(b, o, p === 'd' ? b.getF(o.rs1) : sext32(b, b.getF(o.rs1)));
/** fmv.w.x / fmv.d.x: the integer bits into f[rd] (singles NaN-boxed). */
export const moveFromInt = (p: Precision) => (b: Builder, o: Operands) =>
  writeF(b, p, o.rd, p === 'd' ? x(b, o.rs1) : b.bin('and', x(b, o.rs1), b.i64(0xffff_ffffn)));
