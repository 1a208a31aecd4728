// The IR op table: one row per op (operand types, result type, effect, immediate kind, doc).
// Every other part of the IR (builder, printer, parser, verifier) and the backend derive from it.
// Typed families (add.i32 / add.i64, ...) are generated from one row each, so they cannot drift.
import type { ResultType, Type } from './types.js';

/** pure: no side effects (may be folded, moved, removed when unused). reads: reads guest state or
 *  memory. writes: writes state or memory. call: calls a runtime helper (reads and writes anything).
 *  terminator: ends a block. */
export type Effect = 'pure' | 'reads' | 'writes' | 'call' | 'terminator';

/** What the op's immediate holds. pageCache is optional: a page-cache slot number (see the memory
 *  ops below and docs/ir.md); every other kind except none is required. */
export type ImmKind = 'none' | 'i32' | 'i64' | 'slot' | 'helper' | 'exit' | 'pageCache';
/** Largest page-cache slot number a memory op may name. */
export const MAX_PAGE_CACHE_SLOT = 255;

export interface OpInfo {
  /** Operand types; 'variadic' ops (call_helper) are checked against the helper's signature. */
  args: readonly Type[] | 'variadic';
  result: ResultType | 'helper';
  effect: Effect;
  imm: ImmKind;
  doc: string;
}

const INT = ['i32', 'i64'] as const;
type Int = (typeof INT)[number];

const row = (args: readonly Type[] | 'variadic', result: OpInfo['result'], effect: Effect, imm: ImmKind, doc: string): OpInfo => ({
  args,
  result,
  effect,
  imm,
  doc,
});

function intFamily<N extends string>(names: readonly N[], shape: (t: Int) => OpInfo) {
  const out = {} as Record<`${N}.${Int}`, OpInfo>;
  for (const n of names) for (const t of INT) out[`${n}.${t}`] = shape(t);
  return out;
}

export const INT_BINARY = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_u', 'shr_s', 'rotl', 'rotr',
  'div_s', 'div_u', 'rem_s', 'rem_u'] as const;
export const INT_COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'le_s', 'le_u', 'gt_s', 'gt_u', 'ge_s', 'ge_u'] as const;
export const INT_UNARY = ['clz', 'ctz', 'popcnt'] as const;
export const FLOAT_BINARY = ['fadd', 'fsub', 'fmul', 'fdiv', 'fmin', 'fmax'] as const;
export const FLOAT_COMPARE = ['feq', 'flt', 'fle'] as const;
export const FLOAT_UNARY = ['fabs', 'fneg'] as const;
const FLOAT = ['f32', 'f64'] as const;
type Float = (typeof FLOAT)[number];

function floatFamily<N extends string>(names: readonly N[], shape: (t: Float) => OpInfo) {
  const out = {} as Record<`${N}.${Float}`, OpInfo>;
  for (const n of names) for (const t of FLOAT) out[`${n}.${t}`] = shape(t);
  return out;
}

export const OPS = {
  'iconst.i32': row([], 'i32', 'pure', 'i32', 'a 32-bit integer constant'),
  'iconst.i64': row([], 'i64', 'pure', 'i64', 'a 64-bit integer constant'),
  // Shifts and rotates use the count modulo the width (as wasm). div/rem are undefined (trap) for a
  // zero divisor and for MIN / -1: lifters guard those cases themselves (see lift-riscv/src/m.ts).
  ...intFamily(INT_BINARY, (t) => row([t, t], t, 'pure', 'none', 'integer binary operation')),
  ...intFamily(INT_COMPARE, (t) => row([t, t], 'i32', 'pure', 'none', 'integer comparison, 1 if true else 0')),
  ...intFamily(INT_UNARY, (t) => row([t], t, 'pure', 'none', 'count leading zeros / trailing zeros / set bits')),
  ...intFamily(['eqz'] as const, (t) => row([t], 'i32', 'pure', 'none', '1 if the operand is zero')),
  ...intFamily(['select'] as const, (t) => row(['i32', t, t], t, 'pure', 'none', 'arg1 if arg0 != 0 else arg2')),
  'mulh_s.i64': row(['i64', 'i64'], 'i64', 'pure', 'none', 'high 64 bits of the signed 128-bit product'),
  'mulh_u.i64': row(['i64', 'i64'], 'i64', 'pure', 'none', 'high 64 bits of the unsigned 128-bit product'),
  'mulh_su.i64': row(['i64', 'i64'], 'i64', 'pure', 'none', 'high 64 bits of signed arg0 times unsigned arg1'),
  'extend_s.i32': row(['i32'], 'i64', 'pure', 'none', 'sign-extend i32 to i64'),
  'extend_u.i32': row(['i32'], 'i64', 'pure', 'none', 'zero-extend i32 to i64'),
  'wrap.i64': row(['i64'], 'i32', 'pure', 'none', 'low 32 bits of an i64'),
  'sext8.i64': row(['i64'], 'i64', 'pure', 'none', 'sign-extend the low 8 bits'),
  'sext16.i64': row(['i64'], 'i64', 'pure', 'none', 'sign-extend the low 16 bits'),
  'sext32.i64': row(['i64'], 'i64', 'pure', 'none', 'sign-extend the low 32 bits'),

  // Host floating point with wasm semantics (round to nearest even, no flags): for fast paths only.
  'fconst.f32': row([], 'f32', 'pure', 'i32', 'a single constant given by its bits'),
  'fconst.f64': row([], 'f64', 'pure', 'i64', 'a double constant given by its bits'),
  ...Object.fromEntries(
    FLOAT_BINARY.flatMap((n) => (['f32', 'f64'] as const).map((t) => [`${n}.${t}`, row([t, t], t, 'pure', 'none', 'IEEE operation, RNE, no flags')])),
  ) as Record<`${(typeof FLOAT_BINARY)[number]}.${'f32' | 'f64'}`, OpInfo>,
  ...floatFamily(FLOAT_COMPARE, (t) => row([t, t], 'i32', 'pure', 'none', 'IEEE comparison (false if a NaN), 1 if true else 0')),
  ...floatFamily(FLOAT_UNARY, (t) => row([t], t, 'pure', 'none', 'absolute value / negation: the sign bit only')),
  'promote.f32': row(['f32'], 'f64', 'pure', 'none', 'f32 to f64, exact (NaN payloads unspecified)'),
  'demote.f64': row(['f64'], 'f32', 'pure', 'none', 'f64 to f32, RNE, no flags (NaN payloads unspecified)'),
  'convert_s.i64': row(['i64'], 'f64', 'pure', 'none', 'signed i64 to f64, RNE, no flags'),
  'trunc_sat_s.f64': row(['f64'], 'i64', 'pure', 'none', 'f64 to signed i64 toward zero, saturating, NaN to 0'),
  'fsqrt.f32': row(['f32'], 'f32', 'pure', 'none', 'square root, RNE, no flags'),
  'fsqrt.f64': row(['f64'], 'f64', 'pure', 'none', 'square root, RNE, no flags'),
  'bits_to_f64': row(['i64'], 'f64', 'pure', 'none', 'reinterpret i64 bits as f64'),
  'f64_to_bits': row(['f64'], 'i64', 'pure', 'none', 'reinterpret f64 as i64 bits'),
  'bits_to_f32': row(['i32'], 'f32', 'pure', 'none', 'reinterpret i32 bits as f32'),
  'f32_to_bits': row(['f32'], 'i32', 'pure', 'none', 'reinterpret f32 as i32 bits'),

  // Guest CPU state. Register numbers are i32 values: constants in the JIT, decoded fields in T0.
  get_xreg: row(['i32'], 'i64', 'reads', 'none', 'read integer register x[arg0] (x0 reads 0)'),
  set_xreg: row(['i32', 'i64'], 'none', 'writes', 'none', 'write integer register x[arg0] (x0 ignores writes)'),
  get_freg: row(['i32'], 'i64', 'reads', 'none', 'read FP register f[arg0] as raw bits'),
  set_freg: row(['i32', 'i64'], 'none', 'writes', 'none', 'write FP register f[arg0] as raw bits'),
  get_slot: row([], 'i64', 'reads', 'slot', 'read a scalar state slot (abi StateSlot name)'),
  set_slot: row(['i64'], 'none', 'writes', 'slot', 'write a scalar state slot (abi StateSlot name)'),

  // Guest memory through the shadow table. The last operand is the guest pc of the instruction,
  // so a slow path that faults reports it precisely. Loads yield i64, extended as the name says.
  // The optional immediate `page N` is a performance hint that never changes meaning: accesses
  // naming the same slot N share a cache of the last shadow-table entry they looked up, and one
  // on the cached page whose flags allow it skips the table lookup (opt pass redundant-shadow).
  'load.u8': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 1 byte, zero-extended (address, pc)'),
  'load.s8': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 1 byte, sign-extended (address, pc)'),
  'load.u16': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 2 bytes, zero-extended (address, pc)'),
  'load.s16': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 2 bytes, sign-extended (address, pc)'),
  'load.u32': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 4 bytes, zero-extended (address, pc)'),
  'load.s32': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 4 bytes, sign-extended (address, pc)'),
  'load.64': row(['i64', 'i64'], 'i64', 'reads', 'pageCache', 'load 8 bytes (address, pc)'),
  'store.8': row(['i64', 'i64', 'i64'], 'none', 'writes', 'pageCache', 'store the low byte (address, value, pc)'),
  'store.16': row(['i64', 'i64', 'i64'], 'none', 'writes', 'pageCache', 'store the low 2 bytes (address, value, pc)'),
  'store.32': row(['i64', 'i64', 'i64'], 'none', 'writes', 'pageCache', 'store the low 4 bytes (address, value, pc)'),
  'store.64': row(['i64', 'i64', 'i64'], 'none', 'writes', 'pageCache', 'store 8 bytes (address, value, pc)'),

  call_helper: row('variadic', 'helper', 'call', 'helper', 'call a runtime helper (abi HELPERS) with these arguments'),

  // Terminators.
  jump: row([], 'none', 'terminator', 'none', 'continue at a block, passing its parameters'),
  brif: row(['i32'], 'none', 'terminator', 'none', 'to the first target if arg0 != 0, else the second'),
  goto_pc: row(['i64'], 'none', 'terminator', 'none', 'continue guest execution at address arg0'),
  exit: row(['i64'], 'none', 'terminator', 'exit', 'return to the runtime with an abi ExitCode; arg0 is the pc'),
} as const satisfies Record<string, OpInfo>;

export type OpName = keyof typeof OPS;

/** What a guest memory op touches: its size in bytes, and whether it stores. */
export interface GuestAccess {
  bytes: number;
  store: boolean;
}
const GUEST_ACCESSES: ReadonlyMap<string, GuestAccess> = new Map((Object.keys(OPS) as OpName[]).flatMap((op): [string, GuestAccess][] => {
  const [family, kind] = op.split('.') as [string, string];
  if (family === 'load') return [[op, { bytes: kind === '64' ? 8 : Number(kind.slice(1)) / 8, store: false }]];
  if (family === 'store') return [[op, { bytes: Number(kind) / 8, store: true }]];
  return [];
}));
/** The guest access of a load.* or store.* op (from its name), undefined for any other op. */
export const guestAccessOf = (op: string): GuestAccess | undefined => GUEST_ACCESSES.get(op);
export const opInfo = (op: OpName): OpInfo => OPS[op];
export const isTerminator = (op: OpName): boolean => OPS[op].effect === 'terminator';
