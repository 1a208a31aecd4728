// Superoperators of the T0 interpreter: a fused row is a short sequence of decoder rows that the
// decoder recognizes in guest memory when it fills a cache entry (all in one page, the registers
// related as the row's shape says), so no guard runs at dispatch. The entry holds the fused row's
// handler index and the whole sequence's operands, each once: up to three registers in the
// rd/rs1/rs2 bytes, everything else (immediates, rounding modes, further registers) as bit fields
// of the 32-bit immediate word. The handler runs one IR
// function lifted from the sequence (the interp package builds it from the lifter), or just the
// first instruction when the budget cannot cover the sequence. Invariant: the packing written by
// the decoder and the unpacking done by the handler are derived here from the same FusedOperand.
import binaryen from 'binaryen';
import type { Func } from '@ferry/ir';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY } from './packing.js';
import type { BitField, DecoderRow, DecoderSlot } from './pattern-decoder.js';
import {
  OPERAND_SLOTS, P, dispatchPrologue, liftedCode, type HandlerCode, type HandlerCounting, type HandlerLocals, type HandlerRow,
} from './threaded-handlers.js';

/** One instruction of a fused row: its decoder row, its byte offset from the first, and where its
 *  variable operand slots come from (an index into FusedRow.operands, or register x0). Slots the
 *  row fixes, or lacks, are absent. */
export interface FusedPart {
  row: number;
  offset: number;
  slots: Partial<Record<DecoderSlot, number | 'zero'>>;
}

/** One operand stored in a fused entry: decoded from `part`'s `slot` (every other slot naming it
 *  must hold the same value), kept in a register byte or a bit field of the immediate word. */
export interface FusedOperand {
  part: number;
  slot: DecoderSlot;
  at: { byte: 0 | 1 | 2 } | { bit: number };
}

export interface FusedRow {
  name: string;
  parts: readonly FusedPart[];
  operands: readonly FusedOperand[];
  /** The lifted sequence: inputs are the first pc (i64), then each operand (imm i64, others i32). */
  func: Func;
  /** Only fuse on pages the guest cannot write (a part other than the last stores to memory, so
   *  it could rewrite a later part the entry has already decoded). */
  readOnlyPage: boolean;
}

/** A field's significant value bits: bits low..low+width-1 (before sign extension and `add`). */
export function packedLayout(spec: BitField): { low: number; width: number } {
  let low = 31, top = 0, bits = 0;
  for (const s of spec.slices) {
    low = Math.min(low, s.at);
    top = Math.max(top, s.at + s.hi - s.lo);
    bits += s.hi - s.lo + 1;
  }
  if (bits !== top - low + 1) throw new Error('internal error: a fused operand field has gaps in its value bits');
  return { low, width: bits };
}

export const operandType = (slot: DecoderSlot): 'i32' | 'i64' => (slot === 'imm' ? 'i64' : 'i32');

/** The field spec an operand is decoded from. */
export function operandSpec(rows: readonly DecoderRow[], fused: FusedRow, operand: FusedOperand): BitField {
  const spec = rows[fused.parts[operand.part]!.row]!.fields[operand.slot];
  if (typeof spec !== 'object') throw new Error(`internal error: fused row ${fused.name} stores a fixed field`);
  return spec;
}

/** Checks a fused row against the entry format: three register bytes, 32 immediate-word bits. */
export function checkFusedRow(rows: readonly DecoderRow[], fused: FusedRow): void {
  const bytes = new Set<number>();
  let bits = 0;
  for (const o of fused.operands) {
    if ('byte' in o.at) {
      if (bytes.has(o.at.byte)) throw new Error(`internal error: fused row ${fused.name} uses register byte ${o.at.byte} twice`);
      bytes.add(o.at.byte);
    } else {
      const { width } = packedLayout(operandSpec(rows, fused, o));
      if (o.at.bit !== bits) throw new Error(`internal error: fused row ${fused.name} packs its immediate bits out of order`);
      bits += width;
    }
  }
  if (bits > 32) throw new Error(`internal error: fused row ${fused.name} needs ${bits} immediate bits`);
}

/** The operand's value in the handler, unpacked from the entry (P.entry). */
function unpackOperand(m: binaryen.Module, rows: readonly DecoderRow[], fused: FusedRow, o: FusedOperand): ExpressionRef {
  const entry = () => m.local.get(P.entry, binaryen.i32);
  if ('byte' in o.at) return m.i32.load8_u(ENTRY.rd + o.at.byte, 1, entry());
  const spec = operandSpec(rows, fused, o);
  const { low, width } = packedLayout(spec);
  const word = m.i32.load(ENTRY.imm, 4, entry());
  // Move the field to the top of the word, then back down: sign- or zero-extends it.
  let value = m.i32.shl(word, m.i32.const(32 - o.at.bit - width));
  value = spec.signed ? m.i32.shr_s(value, m.i32.const(32 - width)) : m.i32.shr_u(value, m.i32.const(32 - width));
  if (low) value = m.i32.shl(value, m.i32.const(low));
  if (spec.add) value = m.i32.add(value, m.i32.const(spec.add));
  return operandType(o.slot) === 'i64' ? m.i64.extend_s(value) : value;
}

export interface FusedHandlerInput {
  fused: FusedRow;
  /** The plain rows: their lifted cases (the first part runs alone when the budget is short) and
   *  expected successors (the last part's is inlined after the sequence). */
  rows: readonly HandlerRow[];
  counting: HandlerCounting;
  /** Handler table index of the fused row (what counting builds record). */
  index: number;
  /** Handler index of what usually runs after the sequence, inlined behind its row-byte guard. */
  successor?: number;
  /** Any handler's code (for the successor). */
  codeOf: (index: number) => HandlerCode;
}

/** The code of a fused row (see HandlerCode). */
export function fusedCode(mb: WasmModuleBuilder, input: FusedHandlerInput, locals: HandlerLocals, inlineDepth: number): ExpressionRef {
  const m = mb.m;
  const { fused, successor } = input;
  const rows = input.rows.map((r) => r.row);
  const loader = locals.operandLoader();
  const operand = (i: number) => {
    const o = fused.operands[i]!;
    return loader.operand(`operand${i}`, operandType(o.slot) === 'i64' ? binaryen.i64 : binaryen.i32, () => unpackOperand(m, rows, fused, o));
  };
  const pcPlus = (offset: number) => m.i64.add(m.local.get(P.pc, binaryen.i64), m.i64.const(BigInt(offset)));
  const first = fused.parts[0]!, last = fused.parts[fused.parts.length - 1]!;
  const firstRow = rows[first.row]!, lastRow = rows[last.row]!;
  const end = last.offset + lastRow.size;

  // When the budget cannot cover the sequence: the first instruction alone, then dispatch.
  const firstOnly = liftedCode(mb, locals, {
    func: input.rows[first.row]!.func,
    param: (index) => {
      const slot = OPERAND_SLOTS[index]!;
      if (slot === 'pc') return m.local.get(P.pc, binaryen.i64);
      if (slot === 'next') return pcPlus(firstRow.size);
      const source = first.slots[slot];
      if (source === 'zero') return m.i32.const(0);
      if (source !== undefined) return operand(source);
      const fixed = firstRow.fields[slot];
      if (typeof fixed === 'object') throw new Error(`internal error: fused row ${fused.name} leaves ${slot} of its first part undecoded`);
      return slot === 'imm' ? m.i64.const(BigInt(fixed ?? 0)) : m.i32.const(fixed ?? 0);
    },
    branch: false,
    next: () => pcPlus(firstRow.size),
  });
  const whole = liftedCode(mb, locals, {
    func: fused.func,
    param: (index) => (index === 0 ? m.local.get(P.pc, binaryen.i64) : operand(index - 1)),
    branch: lastRow.branch ?? false,
    next: () => pcPlus(end),
    ...(successor === undefined || inlineDepth === 0 ? {} : { inline: { row: successor, code: () => input.codeOf(successor)(locals, inlineDepth - 1) } }),
  });
  const more = BigInt(fused.parts.length - 1);
  const code = [
    m.if(m.i64.lt_u(m.local.get(P.budget, binaryen.i64), m.i64.const(more)), firstOnly),
    // The parts after the first retire here; only the last part can exit or transfer control.
    m.local.set(P.budget, m.i64.sub(m.local.get(P.budget, binaryen.i64), m.i64.const(more))),
    whole,
  ];
  return m.block(null, [...dispatchPrologue(m, input.counting, input.index), ...loader.loads(), ...code, m.unreachable()]);
}
