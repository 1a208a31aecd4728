// A bit-pattern decoder as a wasm function, generated from table rows given as data (the T0
// interpreter passes the isa-riscv table): fill(pc, entry) fetches the instruction at pc (inline
// shadow-table fast path, fetch_slow otherwise), matches rows most-specific first, unscrambles each
// operand from the row's bit slices, and writes the packed cache entry (packing.ts). It also flags
// the page as holding code, so stores to it invalidate.
import binaryen from 'binaryen';
import {
  FETCH_CHECK, GUEST_PAGE_MASK, GUEST_PAGE_SHIFT, GUEST_VA_BITS, PageFlag, SHADOW_HOST_MASK, SHADOW_TABLE,
} from '@ferry/abi';
import { popcount32 } from '@ferry/util';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_OPCODE, META_COMPRESSED, META_SHIFT } from './packing.js';

/** Bits [hi:lo] of the word, placed at bit `at` of the operand. */
export interface BitSlice {
  hi: number;
  lo: number;
  at: number;
}
/** operand = (signed ? sign-extend : zero-extend)(concatenated slices) + add */
export interface BitField {
  slices: readonly BitSlice[];
  signed: boolean;
  add?: number;
}
export type DecoderSlot = 'rd' | 'rs1' | 'rs2' | 'rs3' | 'imm' | 'rm';
export interface DecoderRow {
  mask: number;
  match: number;
  size: 2 | 4;
  /** Index the dispatch loop switches on (< ILLEGAL_OPCODE). */
  opcode: number;
  /** Operand fields; a number is a fixed value. */
  fields: Partial<Record<DecoderSlot, BitField | number>>;
  /** Slots that make the encoding reserved (illegal) when they decode as zero. */
  nonzero?: readonly DecoderSlot[];
}

export const FILL_FUNCTION = 'decode_fill';

// Locals of fill: 0 pc (i64), 1 entry (i32), 2 word (i32), 3 shadow entry (i32), 4 table address (i32)
const PC = 0, ENTRY_PTR = 1, WORD = 2, SHADOW = 3, TABLE_ADDR = 4;

function field(m: binaryen.Module, spec: BitField | number | undefined): ExpressionRef {
  if (spec === undefined) return m.i32.const(0);
  if (typeof spec === 'number') return m.i32.const(spec);
  const word = () => m.local.get(WORD, binaryen.i32);
  let value: ExpressionRef | undefined;
  let top = 0;
  for (const s of spec.slices) {
    const width = s.hi - s.lo + 1;
    top = Math.max(top, s.at + width - 1);
    let part = m.i32.shr_u(word(), m.i32.const(s.lo));
    if (width < 32) part = m.i32.and(part, m.i32.const((1 << width) - 1));
    if (s.at) part = m.i32.shl(part, m.i32.const(s.at));
    value = value === undefined ? part : m.i32.or(value, part);
  }
  value ??= m.i32.const(0);
  if (spec.signed && top < 31) value = m.i32.shr_s(m.i32.shl(value, m.i32.const(31 - top)), m.i32.const(31 - top));
  if (spec.add) value = m.i32.add(value, m.i32.const(spec.add));
  return value;
}

function store(m: binaryen.Module, meta: ExpressionRef, imm: ExpressionRef): ExpressionRef {
  const e = () => m.local.get(ENTRY_PTR, binaryen.i32);
  return m.block(null, [
    m.i64.store(ENTRY.tag, 8, e(), m.local.get(PC, binaryen.i64)),
    m.i32.store(ENTRY.meta, 4, e(), meta),
    m.i32.store(ENTRY.imm, 4, e(), imm),
    m.return(),
  ]);
}

function rowCase(m: binaryen.Module, row: DecoderRow): ExpressionRef {
  const opcode = row.opcode;
  let meta = m.i32.const(opcode | (row.size === 2 ? META_COMPRESSED : 0));
  for (const slot of ['rd', 'rs1', 'rs2', 'rs3', 'rm'] as const) {
    const spec = row.fields[slot];
    if (spec === undefined || spec === 0) continue;
    meta = m.i32.or(meta, m.i32.shl(field(m, spec), m.i32.const(META_SHIFT[slot])));
  }
  let body = store(m, meta, field(m, row.fields.imm));
  const nonzero: readonly DecoderSlot[] = row.nonzero ?? [];
  if (nonzero.length) {
    const anyZero = nonzero.map((s) => m.i32.eqz(field(m, row.fields[s]))).reduce((acc, c) => m.i32.or(acc, c));
    body = m.if(anyZero, illegal(m), body);
  }
  return m.if(m.i32.eq(m.i32.and(m.local.get(WORD, binaryen.i32), m.i32.const(row.mask | 0)), m.i32.const(row.match | 0)), body);
}

function illegal(m: binaryen.Module): ExpressionRef {
  const compressed = m.i32.ne(m.i32.and(m.local.get(WORD, binaryen.i32), m.i32.const(3)), m.i32.const(3));
  return store(m, m.i32.or(m.i32.const(ILLEGAL_OPCODE), m.select(compressed, m.i32.const(META_COMPRESSED), m.i32.const(0))), m.i32.const(0));
}

export function addDecoder(mb: WasmModuleBuilder, decoderRows: readonly DecoderRow[]): void {
  const m = mb.m;
  const pc = () => m.local.get(PC, binaryen.i64);
  const pageIndexMask = -1 >>> (32 - GUEST_VA_BITS + GUEST_PAGE_SHIFT);
  const tableAddr = m.local.set(
    TABLE_ADDR,
    m.i32.add(m.i32.const(SHADOW_TABLE), m.i32.shl(m.i32.and(m.i32.wrap(m.i64.shr_u(pc(), m.i64.const(BigInt(GUEST_PAGE_SHIFT)))), m.i32.const(pageIndexMask)), m.i32.const(2))),
  );
  const shadow = m.local.set(SHADOW, m.i32.load(0, 4, m.local.get(TABLE_ADDR, binaryen.i32)));
  const fast = m.i32.eqz(
    m.i32.or(
      m.i32.or(
        m.i32.xor(m.i32.and(m.local.get(SHADOW, binaryen.i32), m.i32.const(FETCH_CHECK.mask)), m.i32.const(FETCH_CHECK.want)),
        m.i32.wrap(m.i64.shr_u(pc(), m.i64.const(BigInt(GUEST_VA_BITS)))),
      ),
      m.i32.gt_u(m.i32.and(m.i32.wrap(pc()), m.i32.const(GUEST_PAGE_MASK)), m.i32.const(GUEST_PAGE_MASK + 1 - 4)),
    ),
  );
  const host = m.i32.or(m.i32.and(m.local.get(SHADOW, binaryen.i32), m.i32.const(SHADOW_HOST_MASK)), m.i32.and(m.i32.wrap(pc()), m.i32.const(GUEST_PAGE_MASK)));
  const fetch = m.if(
    fast,
    m.block(null, [
      m.local.set(WORD, m.i32.load(0, 1, host)),
      // Decoded code lives here now: stores to this page must invalidate it.
      m.i32.store(0, 4, m.local.get(TABLE_ADDR, binaryen.i32), m.i32.or(m.local.get(SHADOW, binaryen.i32), m.i32.const(PageFlag.CODE))),
    ]),
    m.local.set(WORD, m.call(mb.helper('fetch_slow'), [pc()], binaryen.i32)),
  );
  const rows = [...decoderRows].sort((a, b) => popcount32(b.mask) - popcount32(a.mask));
  const body = m.block(null, [tableAddr, shadow, fetch, ...rows.map((r) => rowCase(m, r)), illegal(m)]);
  m.addFunction(FILL_FUNCTION, binaryen.createType([binaryen.i64, binaryen.i32]), binaryen.none, [binaryen.i32, binaryen.i32, binaryen.i32], body);
}
