// Superoperator patterns: a pattern names a sequence of instruction-table rows and the shape of
// their register operands, e.g. "lui rd=A; addi rd=A rs1=A" (the addi reads the register the lui
// wrote). Symbols: A..Z integer registers, a..z FP registers, x0 register zero; equal symbols mean
// equal registers. This file reads patterns from decoded instructions (for profiles), says which
// patterns the T0 decoder can fuse, and turns a pattern into a fused row whose semantics come from
// the lifter (each part lifted with run-time operands into one IR function). Operands that fit
// nowhere (beyond three register bytes and 32 immediate bits) make a pattern unfusable.
// Invariant: matchesAt (used by profiles and the selection script) accepts exactly the sequences
// the generated decoder fuses, given the same instruction words.
import { newFunction, type Func, type Type, type Value } from '@ferry/ir';
import { ROWS, decode, type Decoded, type InsnRow, type OperandSlot } from '@ferry/isa-riscv';
import { LIFTERS, liftGeneric, type Operands } from '@ferry/lift-riscv';
import type { FusedOperand, FusedPart, FusedRow } from '@ferry/backend-wasm';

const REGISTER_SLOTS = ['rd', 'rs1', 'rs2', 'rs3'] as const;
const ALL_SLOTS = ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'] as const;
const ROW_INDEX = new Map(ROWS.map((row, i) => [row.name, i]));

/** Register file of a row's operand slot: 'x', 'f', or undefined when the slot is not a register. */
export function registerFile(row: InsnRow, slot: OperandSlot): 'x' | 'f' | undefined {
  if (slot === 'imm' || slot === 'rm') return undefined;
  const spec = row.fields[slot];
  if (spec === undefined) return undefined;
  const tokens = row.syntax.split(',');
  const named = (s: OperandSlot): 'x' | 'f' | undefined => {
    for (const t of tokens) {
      if (t === s || t === `imm(${s})` || t === `(${s})`) return 'x';
      if (t === `f${s.slice(1)}` || (s === 'rd' && t === 'fd')) return 'f';
    }
    return undefined;
  };
  const direct = named(slot);
  if (direct || tokens.includes('zimm')) return direct;
  // A slot the syntax does not show repeats another slot's field (c.addi: rs1 is rd).
  for (const other of REGISTER_SLOTS) {
    if (other !== slot && JSON.stringify(row.fields[other]) === JSON.stringify(spec)) return named(other);
  }
  return 'x';
}

/** The variable operand slots of a row (decoded from the word, not fixed by the row). */
const variableSlots = (row: InsnRow): OperandSlot[] => ALL_SLOTS.filter((s) => typeof row.fields[s] === 'object');

/** The pattern a run of decoded instructions forms: rows plus register shape. */
export function patternOf(insns: readonly Decoded[]): string {
  return shapeOf(insns, false);
}

/** The most general pattern matching a run: its rows, x0 where it has x0, every other register
 *  slot its own symbol (except slots the row decodes from the same bits, which are always equal). */
export function generalPattern(insns: readonly Decoded[]): string {
  return shapeOf(insns, true);
}

const sameField = new Map<InsnRow, Map<OperandSlot, OperandSlot>>();
/** The first register slot of the row decoded from the same bits as `slot`. */
function sameFieldAs(row: InsnRow, slot: OperandSlot): OperandSlot {
  let map = sameField.get(row);
  if (!map) {
    map = new Map();
    for (const s of REGISTER_SLOTS) map.set(s, REGISTER_SLOTS.find((t) => JSON.stringify(row.fields[t]) === JSON.stringify(row.fields[s]))!);
    sameField.set(row, map);
  }
  return map.get(slot)!;
}

const fileCache = new Map<InsnRow, Map<OperandSlot, 'x' | 'f' | undefined>>();
function cachedRegisterFile(row: InsnRow, slot: OperandSlot): 'x' | 'f' | undefined {
  let map = fileCache.get(row);
  if (!map) fileCache.set(row, (map = new Map()));
  if (!map.has(slot)) map.set(slot, registerFile(row, slot));
  return map.get(slot);
}

function shapeOf(insns: readonly Decoded[], general: boolean): string {
  const symbols = new Map<string, string>();
  const next = { x: 0, f: 0 };
  return insns.map((d, position) => {
    const parts = [d.row.name];
    for (const slot of REGISTER_SLOTS) {
      const file = typeof d.row.fields[slot] === 'object' ? cachedRegisterFile(d.row, slot) : undefined;
      if (!file) continue;
      const value = d[slot];
      let symbol: string;
      if (file === 'x' && value === 0) symbol = 'x0';
      else {
        // In a general pattern only slots of one instruction decoded from the same bits share a symbol.
        const same = sameFieldAs(d.row, slot);
        const key = general ? `${file}${position}:${same}` : `${file}${value}`;
        symbol = symbols.get(key) ?? String.fromCharCode((file === 'x' ? 65 : 97) + next[file]++);
        symbols.set(key, symbol);
      }
      parts.push(`${slot}=${symbol}`);
    }
    return parts.join(' ');
  }).join('; ');
}

export interface ParsedPattern {
  rows: InsnRow[];
  /** Per part, register slot -> symbol. */
  shape: Map<OperandSlot, string>[];
}

export function parsePattern(pattern: string): ParsedPattern {
  const rows: InsnRow[] = [];
  const shape: Map<OperandSlot, string>[] = [];
  for (const segment of pattern.split(';')) {
    const [name, ...slots] = segment.trim().split(/\s+/);
    const index = ROW_INDEX.get(name ?? '');
    if (index === undefined) throw new Error(`superoperator pattern "${pattern}": no instruction row named ${name}`);
    const row = ROWS[index]!;
    const map = new Map<OperandSlot, string>();
    for (const s of slots) {
      const [slot, symbol] = s.split('=') as [OperandSlot, string];
      if (!registerFile(row, slot) || typeof row.fields[slot] !== 'object') throw new Error(`superoperator pattern "${pattern}": ${row.name} has no register operand ${slot}`);
      map.set(slot, symbol);
    }
    for (const slot of REGISTER_SLOTS) {
      if (typeof row.fields[slot] === 'object' && registerFile(row, slot) && !map.has(slot)) throw new Error(`superoperator pattern "${pattern}": ${row.name} needs a symbol for ${slot}`);
    }
    rows.push(row);
    shape.push(map);
  }
  return { rows, shape };
}

/** Whether the decoder would fuse `pattern` at the start of `insns` (same rows, registers equal
 *  where the symbols are, x0 where it says x0). */
export function matchesAt(p: ParsedPattern, insns: readonly (Decoded | undefined)[]): boolean {
  if (insns.length < p.rows.length) return false;
  const seen = new Map<string, number>();
  for (let k = 0; k < p.rows.length; k++) {
    const d = insns[k];
    if (!d || d.row !== p.rows[k]) return false;
    for (const [slot, symbol] of p.shape[k]!) {
      const value = d[slot];
      if (symbol === 'x0') {
        if (value !== 0) return false;
        continue;
      }
      const known = seen.get(symbol);
      if (known === undefined) seen.set(symbol, value);
      else if (known !== value) return false;
    }
  }
  return true;
}

/** Why a row cannot be a part other than the last of a fused sequence, or undefined if it can:
 *  those parts must fall through without exits, control transfers or reads of instret. */
export function notFusableInside(row: InsnRow): string | undefined {
  if (row.flags.endsBlock || row.flags.exits) return 'it transfers control or exits';
  if (row.base.startsWith('csr')) return 'it accesses a CSR';
  if (row.flags.load && row.flags.store) return 'it is an atomic memory operation';
  if (row.base.startsWith('lr.') || row.base.startsWith('sc.')) return 'it is a reservation instruction';
  const func = liftGeneric(row.base);
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      if (inst.op === 'exit') return 'its lifted code can exit';
      if (inst.op === 'get_slot' && (inst.imm === 'instret' || inst.imm === 'budget')) return 'it reads the instruction count';
    }
  }
  return undefined;
}

/** The T0 fused row for a pattern, or an error message saying why it cannot be one. */
export function fusedRow(pattern: string): FusedRow | string {
  const { rows, shape } = parsePattern(pattern);
  if (rows.length < 2) return 'a superoperator needs at least two instructions';
  for (const row of rows.slice(0, -1)) {
    const why = notFusableInside(row);
    if (why) return `${row.name} cannot be followed inside a superoperator: ${why}`;
  }
  const operands: FusedOperand[] = [];
  const bySymbol = new Map<string, number>();
  const parts: FusedPart[] = [];
  let offset = 0, bytes = 0, bits = 0;
  rows.forEach((row, k) => {
    const slots: FusedPart['slots'] = {};
    for (const slot of variableSlots(row)) {
      const symbol = shape[k]!.get(slot);
      if (symbol === 'x0') {
        slots[slot] = 'zero';
        continue;
      }
      if (symbol !== undefined && bySymbol.has(symbol)) {
        slots[slot] = bySymbol.get(symbol)!;
        continue;
      }
      let at: FusedOperand['at'];
      // Registers take the three register bytes first (one load each), then immediate-word bits.
      if (symbol !== undefined && bytes < 3) at = { byte: bytes++ as 0 | 1 | 2 };
      else {
        at = { bit: bits };
        const spec = row.fields[slot] as Exclude<InsnRow['fields'][OperandSlot], number | undefined>;
        bits += widthOf(spec);
      }
      slots[slot] = operands.push({ part: k, slot, at }) - 1;
      if (symbol !== undefined) bySymbol.set(symbol, slots[slot] as number);
    }
    parts.push({ row: ROW_INDEX.get(row.name)!, offset, slots });
    offset += row.size;
  });
  if (bits > 32) return `its operands need 3 register bytes and ${bits} more bits (a cache entry holds 32)`;
  return {
    name: rows.map((r) => r.name).join('+'),
    parts,
    operands,
    func: liftSequence(pattern, rows, parts, operands),
    readOnlyPage: rows.slice(0, -1).some((r) => r.flags.store),
  };
}

function widthOf(spec: { slices: readonly { hi: number; lo: number }[] }): number {
  return spec.slices.reduce((n, s) => n + s.hi - s.lo + 1, 0);
}

/** One IR function for the sequence: inputs are the first pc, then each operand; every part is
 *  lifted with those run-time operands, one after the other. */
function liftSequence(pattern: string, rows: readonly InsnRow[], parts: readonly FusedPart[], operands: readonly FusedOperand[]): Func {
  const types: Type[] = ['i64', ...operands.map((o) => (o.slot === 'imm' ? 'i64' : 'i32') as Type)];
  const { func, b } = newFunction(rows.map((r) => r.name).join('+'), types);
  const pc = func.params[0]!;
  rows.forEach((row, k) => {
    const part = parts[k]!;
    const value = (slot: OperandSlot): Value => {
      const source = part.slots[slot];
      if (source === 'zero') return b.i32(0);
      if (source !== undefined) return func.params[source + 1]!;
      const fixed = row.fields[slot];
      return slot === 'imm' ? b.i64(typeof fixed === 'number' ? fixed : 0) : b.i32(typeof fixed === 'number' ? fixed : 0);
    };
    const o: Operands = {
      pc: part.offset ? b.bin('add', pc, b.i64(part.offset)) : pc,
      next: b.bin('add', pc, b.i64(part.offset + row.size)),
      rd: value('rd'), rs1: value('rs1'), rs2: value('rs2'), rs3: value('rs3'), imm: value('imm'), rm: value('rm'),
    };
    LIFTERS[row.base](b, o);
    if (k < rows.length - 1 && b.terminated) throw new Error(`internal error: superoperator "${pattern}": ${row.name} ended the sequence early`);
  });
  if (!b.terminated) b.gotoPc(b.bin('add', pc, b.i64(parts[parts.length - 1]!.offset + rows[rows.length - 1]!.size)));
  return func;
}

/** Decodes a word, or undefined when it does not decode. */
export const decodeWord = (word: number): Decoded | undefined => decode(word);
