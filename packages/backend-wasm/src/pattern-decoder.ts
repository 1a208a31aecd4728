// A bit-pattern decoder as a wasm function, generated from table rows given as data (the T0
// interpreter passes the isa-riscv table): fill(pc, entry) fetches the instruction at pc (inline
// shadow-table fast path, fetch_slow otherwise), matches rows most-specific first, unscrambles each
// operand from the row's bit slices, and writes the cache entry (packing.ts): the matched row's
// index, which selects its handler, and its unpacked operands. It also flags the page as holding
// code, so stores to it invalidate. Fused rows (fused-rows.ts) are tried inside their first row's
// case: when the following words in the same page decode as the fused row's other parts, with the
// registers its shape relates equal, the entry gets the fused row instead.
import binaryen from 'binaryen';
import {
  FETCH_CHECK, GUEST_PAGE_MASK, GUEST_PAGE_SIZE, PageFlag, SHADOW_TABLE,
} from '@ferry/abi';
import { popcount32 } from '@ferry/util';
import { operandSpec, packedLayout, type FusedRow } from './fused-rows.js';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_HANDLER } from './packing.js';
import { outOfReachOrCrossing, shadowHostAddress, shadowIndex } from './guest-memory.js';

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

// Locals of fill: 0 pc (i64), 1 entry (i32), 2 word (i32), 3 shadow entry (i32), 4 table address (i32),
// 5 host address of the word (i32), 6 fetched through the fast path (i32), 7.. later words of a fused row
const PC = 0, ENTRY_PTR = 1, WORD = 2, SHADOW = 3, TABLE_ADDR = 4, HOST = 5, FAST = 6, LATER_WORDS = 7;
const MAX_FUSED_PARTS = 4;

function field(m: binaryen.Module, spec: BitField | number | undefined, wordLocal = WORD): ExpressionRef {
  if (spec === undefined) return m.i32.const(0);
  if (typeof spec === 'number') return m.i32.const(spec);
  const word = () => m.local.get(wordLocal, binaryen.i32);
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

/** Write the entry for `row` (its index `handler`); the operands come from the fetched word.
 *  `fused`: fused rows starting with this row, tried first, with their handler indexes. */
function rowCase(m: binaryen.Module, row: DecoderRow, handler: number, fused: readonly FusedCandidate[]): ExpressionRef {
  const e = () => m.local.get(ENTRY_PTR, binaryen.i32);
  const writes: ExpressionRef[] = [...fused.map((f) => fusedCase(m, f)), m.i64.store(ENTRY.tag, 8, e(), m.local.get(PC, binaryen.i64))];
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

interface FusedCandidate {
  fused: FusedRow;
  handler: number;
  rows: readonly DecoderRow[];
}

/** A word matches `row` the way the decoder would decode it: its pattern, no more specific
 *  overlapping row, no reserved zero operand. */
function decodesAs(m: binaryen.Module, rows: readonly DecoderRow[], index: number, wordLocal: number): ExpressionRef {
  const row = rows[index]!;
  const word = () => m.local.get(wordLocal, binaryen.i32);
  const is = (r: DecoderRow) => m.i32.eq(m.i32.and(word(), m.i32.const(r.mask | 0)), m.i32.const(r.match | 0));
  const conditions = [is(row)];
  for (const other of rows) {
    const overlaps = ((other.mask & row.mask) & (other.match ^ row.match)) === 0;
    if (other !== row && overlaps && popcount32(other.mask) > popcount32(row.mask)) conditions.push(m.i32.eqz(is(other)));
  }
  for (const slot of row.nonzero ?? []) conditions.push(m.i32.ne(field(m, row.fields[slot], wordLocal), m.i32.const(0)));
  return conditions.reduce((a, c) => m.i32.and(a, c));
}

/** Writes the fused row's entry and returns when the words after the first decode as its parts,
 *  all in this page, with the registers its shape relates equal (and x0 where it says x0). */
function fusedCase(m: binaryen.Module, candidate: FusedCandidate): ExpressionRef {
  const { fused, rows } = candidate;
  if (fused.parts.length > MAX_FUSED_PARTS) throw new Error(`internal error: fused row ${fused.name} has more than ${MAX_FUSED_PARTS} parts`);
  const wordOf = (part: number) => (part === 0 ? WORD : LATER_WORDS + part - 1);
  const fieldOf = (part: number, slot: DecoderSlot) => field(m, rows[fused.parts[part]!.row]!.fields[slot], wordOf(part));
  const lastOffset = fused.parts[fused.parts.length - 1]!.offset;
  const pageOffset = m.i32.and(m.i32.wrap(m.local.get(PC, binaryen.i64)), m.i32.const(GUEST_PAGE_MASK));
  let where = m.i32.and(m.local.get(FAST, binaryen.i32), m.i32.le_u(pageOffset, m.i32.const(GUEST_PAGE_SIZE - 4 - lastOffset)));
  if (fused.readOnlyPage) where = m.i32.and(where, m.i32.eqz(m.i32.and(m.local.get(SHADOW, binaryen.i32), m.i32.const(PageFlag.WRITE))));

  const loads: ExpressionRef[] = [];
  const conditions: ExpressionRef[] = [];
  fused.parts.forEach((part, k) => {
    if (k > 0) {
      loads.push(m.local.set(wordOf(k), m.i32.load(part.offset, 1, m.local.get(HOST, binaryen.i32))));
      conditions.push(decodesAs(m, rows, part.row, wordOf(k)));
    }
    for (const [slot, source] of Object.entries(part.slots) as [DecoderSlot, number | 'zero'][]) {
      if (source === 'zero') conditions.push(m.i32.eqz(fieldOf(k, slot)));
      else {
        const o = fused.operands[source]!;
        if (o.part !== k || o.slot !== slot) conditions.push(m.i32.eq(fieldOf(k, slot), fieldOf(o.part, o.slot)));
      }
    }
  });
  const e = () => m.local.get(ENTRY_PTR, binaryen.i32);
  let head = m.i32.const(candidate.handler);
  let immediate = m.i32.const(0);
  for (const o of fused.operands) {
    const spec = operandSpec(rows, fused, o);
    if ('byte' in o.at) head = m.i32.or(head, m.i32.shl(fieldOf(o.part, o.slot), m.i32.const(8 * (o.at.byte + 1))));
    else {
      const { low, width } = packedLayout(spec);
      // The value bits, before sign extension and `add`, at bit o.at.bit.
      let bits = m.i32.sub(fieldOf(o.part, o.slot), m.i32.const(spec.add ?? 0));
      if (low) bits = m.i32.shr_u(bits, m.i32.const(low));
      if (width < 32) bits = m.i32.and(bits, m.i32.const(width === 32 ? -1 : (1 << width) - 1));
      immediate = m.i32.or(immediate, o.at.bit ? m.i32.shl(bits, m.i32.const(o.at.bit)) : bits);
    }
  }
  const write = m.block(null, [
    m.i64.store(ENTRY.tag, 8, e(), m.local.get(PC, binaryen.i64)),
    m.i32.store(ENTRY.handler, 4, e(), head),
    m.i32.store(ENTRY.imm, 4, e(), immediate),
    m.return(),
  ]);
  const matched = conditions.length ? m.if(conditions.reduce((a, c) => m.i32.and(a, c)), write) : write;
  return m.if(where, m.block(null, [...loads, matched]));
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

export function addDecoder(mb: WasmModuleBuilder, decoderRows: readonly DecoderRow[], fused: readonly FusedRow[] = []): void {
  const m = mb.m;
  const pc = () => m.local.get(PC, binaryen.i64);
  const tableAddr = m.local.set(TABLE_ADDR, m.i32.add(m.i32.const(SHADOW_TABLE), shadowIndex(m, m.i32.wrap(pc()))));
  const shadow = m.local.set(SHADOW, m.i32.load(0, 4, m.local.get(TABLE_ADDR, binaryen.i32)));
  const fast = m.i32.eqz(
    m.i32.or(
      m.i32.eqz(m.i32.and(m.local.get(SHADOW, binaryen.i32), m.i32.const(FETCH_CHECK))),
      outOfReachOrCrossing(m, pc(), 4),
    ),
  );
  const host = shadowHostAddress(m, m.i32.wrap(pc()), m.local.get(SHADOW, binaryen.i32));
  const fetch = m.if(
    fast,
    m.block(null, [
      m.local.set(HOST, host),
      m.local.set(FAST, m.i32.const(1)),
      m.local.set(WORD, m.i32.load(0, 1, m.local.get(HOST, binaryen.i32))),
      // Decoded code lives here now: stores to this page must invalidate it (CODE, without STORE_OK).
      m.i32.store(0, 4, m.local.get(TABLE_ADDR, binaryen.i32),
        m.i32.and(m.i32.or(m.local.get(SHADOW, binaryen.i32), m.i32.const(PageFlag.CODE)), m.i32.const(~PageFlag.STORE_OK))),
    ]),
    m.local.set(WORD, m.call(mb.helper('fetch_slow'), [pc()], binaryen.i32)),
  );
  if (decoderRows.length >= ILLEGAL_HANDLER) throw new Error(`internal error: ${decoderRows.length} decoder rows do not fit the entry's handler byte`);
  const rows = decoderRows.map((row, handler) => ({ row, handler })).sort((a, b) => popcount32(b.row.mask) - popcount32(a.row.mask));
  const fusedByFirst = (row: number): FusedCandidate[] =>
    fused.flatMap((f, i) => (f.parts[0]!.row === row ? [{ fused: f, handler: decoderRows.length + i, rows: decoderRows }] : []));
  const body = m.block(null, [tableAddr, shadow, fetch, ...rows.map((r) => rowCase(m, r.row, r.handler, fusedByFirst(r.handler))), illegal(m)]);
  const locals = [binaryen.i32, binaryen.i32, binaryen.i32, binaryen.i32, binaryen.i32, ...Array<binaryen.Type>(MAX_FUSED_PARTS - 1).fill(binaryen.i32)];
  m.addFunction(FILL_FUNCTION, binaryen.createType([binaryen.i64, binaryen.i32]), binaryen.none, locals, body);
}
