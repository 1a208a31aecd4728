// Opcodes of the wasm instructions the writer encodes (core spec binary format, plus the
// sign-extension, non-trapping float-to-int (0xfc prefix) and tail-call proposals), as data keyed
// by the builder.ts method names. An opcode above 0xff is prefix << 8 | LEB-encoded sub-opcode.
// Invariant: each instruction's opcode appears once; types are derived from the key, not listed.
import type { FloatBinaryName, FloatUnaryName, IntBinaryName, IntLoadName, IntStoreName, IntUnaryName } from '../builder.js';

/** Value types as the binary format encodes them; also the writer's TypeRefs. */
export const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c } as const;
/** The empty block type; the writer's TypeRef for "no value". */
export const EMPTY_BLOCK = 0x40;
/** The writer's TypeRef for expressions that never complete (br, return, unreachable). */
export const UNREACHABLE_TYPE = 0;
export const FUNCREF = 0x70;
export const FUNC_TYPE = 0x60;

export const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
export const EXTERNAL_KIND = { func: 0, table: 1, memory: 2 } as const;

export const OP = {
  unreachable: 0x00, nop: 0x01, block: 0x02, loop: 0x03, if: 0x04, else: 0x05, end: 0x0b,
  br: 0x0c, br_if: 0x0d, br_table: 0x0e, return: 0x0f, call: 0x10, return_call: 0x12, return_call_indirect: 0x13,
  drop: 0x1a, select: 0x1b, local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_const: 0x41, i64_const: 0x42, f32_const: 0x43, f64_const: 0x44,
} as const;

export const INT_BINARY: Record<'i32' | 'i64', Record<IntBinaryName, number>> = {
  i32: {
    eq: 0x46, ne: 0x47, lt_s: 0x48, lt_u: 0x49, gt_s: 0x4a, gt_u: 0x4b, le_s: 0x4c, le_u: 0x4d, ge_s: 0x4e, ge_u: 0x4f,
    add: 0x6a, sub: 0x6b, mul: 0x6c, div_s: 0x6d, div_u: 0x6e, rem_s: 0x6f, rem_u: 0x70, and: 0x71, or: 0x72, xor: 0x73,
    shl: 0x74, shr_s: 0x75, shr_u: 0x76, rotl: 0x77, rotr: 0x78,
  },
  i64: {
    eq: 0x51, ne: 0x52, lt_s: 0x53, lt_u: 0x54, gt_s: 0x55, gt_u: 0x56, le_s: 0x57, le_u: 0x58, ge_s: 0x59, ge_u: 0x5a,
    add: 0x7c, sub: 0x7d, mul: 0x7e, div_s: 0x7f, div_u: 0x80, rem_s: 0x81, rem_u: 0x82, and: 0x83, or: 0x84, xor: 0x85,
    shl: 0x86, shr_s: 0x87, shr_u: 0x88, rotl: 0x89, rotr: 0x8a,
  },
};
/** Integer binaries that compare, producing an i32 truth value. */
export const INT_COMPARISONS: ReadonlySet<IntBinaryName> = new Set(['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u']);

/** reinterpret takes the float of the same width. */
export const INT_UNARY: Record<'i32' | 'i64', Record<IntUnaryName, number>> = {
  i32: { eqz: 0x45, clz: 0x67, ctz: 0x68, popcnt: 0x69, extend8_s: 0xc0, extend16_s: 0xc1, reinterpret: 0xbc },
  i64: { eqz: 0x50, clz: 0x79, ctz: 0x7a, popcnt: 0x7b, extend8_s: 0xc2, extend16_s: 0xc3, reinterpret: 0xbd },
};

export const INT_LOAD: Record<'i32' | 'i64', Record<IntLoadName, number>> = {
  i32: { load: 0x28, load8_s: 0x2c, load8_u: 0x2d, load16_s: 0x2e, load16_u: 0x2f },
  i64: { load: 0x29, load8_s: 0x30, load8_u: 0x31, load16_s: 0x32, load16_u: 0x33 },
};
export const INT_STORE: Record<'i32' | 'i64', Record<IntStoreName, number>> = {
  i32: { store: 0x36, store8: 0x3a, store16: 0x3b },
  i64: { store: 0x37, store8: 0x3c, store16: 0x3d },
};
/** Only i64 has these widths. */
export const I64_ONLY = { load32_s: 0x34, load32_u: 0x35, store32: 0x3e, extend_s: 0xac, extend_u: 0xad, extend32_s: 0xc4 } as const;
export const I32_WRAP = 0xa7;

/** Float-to-integer truncations: [integer type][kind][float type]. */
export const INT_TRUNC: Record<'i32' | 'i64', Record<'trunc_s' | 'trunc_u' | 'trunc_s_sat' | 'trunc_u_sat', Record<'f32' | 'f64', number>>> = {
  i32: {
    trunc_s: { f32: 0xa8, f64: 0xaa }, trunc_u: { f32: 0xa9, f64: 0xab },
    trunc_s_sat: { f32: 0xfc00, f64: 0xfc02 }, trunc_u_sat: { f32: 0xfc01, f64: 0xfc03 },
  },
  i64: {
    trunc_s: { f32: 0xae, f64: 0xb0 }, trunc_u: { f32: 0xaf, f64: 0xb1 },
    trunc_s_sat: { f32: 0xfc04, f64: 0xfc06 }, trunc_u_sat: { f32: 0xfc05, f64: 0xfc07 },
  },
};

export const FLOAT_BINARY: Record<'f32' | 'f64', Record<FloatBinaryName, number>> = {
  f32: { eq: 0x5b, ne: 0x5c, lt: 0x5d, gt: 0x5e, le: 0x5f, ge: 0x60, add: 0x92, sub: 0x93, mul: 0x94, div: 0x95, min: 0x96, max: 0x97, copysign: 0x98 },
  f64: { eq: 0x61, ne: 0x62, lt: 0x63, gt: 0x64, le: 0x65, ge: 0x66, add: 0xa0, sub: 0xa1, mul: 0xa2, div: 0xa3, min: 0xa4, max: 0xa5, copysign: 0xa6 },
};
export const FLOAT_COMPARISONS: ReadonlySet<FloatBinaryName> = new Set(['eq', 'ne', 'lt', 'gt', 'le', 'ge']);

/** reinterpret takes the integer of the same width. */
export const FLOAT_UNARY: Record<'f32' | 'f64', Record<FloatUnaryName, number>> = {
  f32: { abs: 0x8b, neg: 0x8c, ceil: 0x8d, floor: 0x8e, trunc: 0x8f, nearest: 0x90, sqrt: 0x91, reinterpret: 0xbe },
  f64: { abs: 0x99, neg: 0x9a, ceil: 0x9b, floor: 0x9c, trunc: 0x9d, nearest: 0x9e, sqrt: 0x9f, reinterpret: 0xbf },
};

export const FLOAT_LOAD = { f32: 0x2a, f64: 0x2b } as const;
export const FLOAT_STORE = { f32: 0x38, f64: 0x39 } as const;
/** Integer-to-float conversions: [float type][kind][integer type]. */
export const FLOAT_CONVERT: Record<'f32' | 'f64', Record<'convert_s' | 'convert_u', Record<'i32' | 'i64', number>>> = {
  f32: { convert_s: { i32: 0xb2, i64: 0xb4 }, convert_u: { i32: 0xb3, i64: 0xb5 } },
  f64: { convert_s: { i32: 0xb7, i64: 0xb9 }, convert_u: { i32: 0xb8, i64: 0xba } },
};
export const F32_DEMOTE = 0xb6;
export const F64_PROMOTE = 0xbb;
