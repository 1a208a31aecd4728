// A bit-pattern decoder as a wasm function, generated from table rows given as data (the T0
// interpreter passes the isa-riscv table): fill(pc, entry) fetches the instruction at pc (inline
// shadow-table fast path, fetch_slow otherwise), matches rows most-specific first, unscrambles each
// operand from the row's bit slices, and writes the cache entry (packing.ts): the matched row's
// index, which selects its handler, and its unpacked operands. It also flags the page as holding
// code, so stores to it invalidate.
import binaryen from 'binaryen';
import {
  FETCH_CHECK, GUEST_PAGE_MASK, GUEST_PAGE_SHIFT, GUEST_VA_BITS, PageFlag, SHADOW_HOST_MASK, SHADOW_TABLE,
} from '@ferry/abi';
import { popcount32 } from '@ferry/util';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_HANDLER } from './packing.js';

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
  /** The interpreter case (lifted mnemonic) that executes this row. */
  opcode: number;
  /** The row's own name (e.g. c.addi4spn), for generated names and messages. */
  name?: string;
  /** Operand fields; a number is a fixed value. */
  fields: Partial<Record<DecoderSlot, BitField | number>>;
  /** Slots that make the encoding reserved (illegal) when they decode as zero. */
  nonzero?: readonly DecoderSlot[];
  /** The row transfers control (branch or jump): T0 checks its taken targets for translations
   *  and hotness (adaptive tier). */
  branch?: boolean;
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

/** Write the entry for `row` (its index `handler`); the operands come from the fetched word. */
function rowCase(m: binaryen.Module, row: DecoderRow, handler: number): ExpressionRef {
  const e = () => m.local.get(ENTRY_PTR, binaryen.i32);
  const writes: ExpressionRef[] = [m.i64.store(ENTRY.tag, 8, e(), m.local.get(PC, binaryen.i64))];
  // The handler byte and the three register bytes are one little-endian i32 store.
  let head = m.i32.const(handler);
  (['rd', 'rs1', 'rs2'] as const).forEach((slot, i) => {
    const spec = row.fields[slot];
    if (typeof spec === 'object') head = m.i32.or(head, m.i32.shl(field(m, spec), m.i32.const(8 * (i + 1))));
  });
  writes.push(m.i32.store(ENTRY.handler, 4, e(), head));
  const { imm, rs3, rm } = row.fields;
  if (typeof imm === 'object') {
    if (typeof rs3 === 'object' || typeof rm === 'object') throw new Error(`internal error: decoder row ${row.name ?? row.opcode} has both an immediate and rs3/rm fields`);
    writes.push(m.i32.store(ENTRY.imm, 4, e(), field(m, imm)));
  } else {
    let packed = m.i32.const(0);
    if (typeof rs3 === 'object') packed = m.i32.or(packed, m.i32.shl(field(m, rs3), m.i32.const(8 * (ENTRY.rs3 - ENTRY.imm))));
    if (typeof rm === 'object') packed = m.i32.or(packed, m.i32.shl(field(m, rm), m.i32.const(8 * (ENTRY.rm - ENTRY.imm))));
    writes.push(m.i32.store(ENTRY.imm, 4, e(), packed));
  }
  let body = m.block(null, [...writes, m.return()]);
  const nonzero: readonly DecoderSlot[] = row.nonzero ?? [];
  if (nonzero.length) {
    const anyZero = nonzero.map((s) => m.i32.eqz(field(m, row.fields[s]))).reduce((acc, c) => m.i32.or(acc, c));
    body = m.if(anyZero, illegal(m), body);
  }
  return m.if(m.i32.eq(m.i32.and(m.local.get(WORD, binaryen.i32), m.i32.const(row.mask | 0)), m.i32.const(row.match | 0)), body);
}

function illegal(m: binaryen.Module): ExpressionRef {
  const e = () => m.local.get(ENTRY_PTR, binaryen.i32);
  return m.block(null, [
    m.i64.store(ENTRY.tag, 8, e(), m.local.get(PC, binaryen.i64)),
    m.i32.store(ENTRY.handler, 4, e(), m.i32.const(ILLEGAL_HANDLER)),
    m.i32.store(ENTRY.imm, 4, e(), m.i32.const(0)),
    m.return(),
  ]);
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
  if (decoderRows.length >= ILLEGAL_HANDLER) throw new Error(`internal error: ${decoderRows.length} decoder rows do not fit the entry's handler byte`);
  const rows = decoderRows.map((row, handler) => ({ row, handler })).sort((a, b) => popcount32(b.row.mask) - popcount32(a.row.mask));
  const body = m.block(null, [tableAddr, shadow, fetch, ...rows.map((r) => rowCase(m, r.row, r.handler)), illegal(m)]);
  m.addFunction(FILL_FUNCTION, binaryen.createType([binaryen.i64, binaryen.i32]), binaryen.none, [binaryen.i32, binaryen.i32, binaryen.i32], body);
}
