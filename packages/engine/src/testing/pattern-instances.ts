// Random instances of superoperator patterns (interp superops.ts: rows plus register shape) as
// instruction words, for the tests that run fused sequences: registers obey the pattern's shape
// and whatever the caller's program reserves, immediates are random within the caller's limits,
// and a branch or jump inside the pattern is aimed at the instruction after it (a jalr only when
// an earlier auipc of the pattern computes its base). Patterns ending in an ecall or another
// transfer that cannot be aimed have no instance.
import { registerFile, type ParsedPattern } from '@ferry/interp';
import { encode, fieldRange, fieldValueBits, type FieldSpec, type InsnRow, type OperandSlot } from '@ferry/isa-riscv';

/** One place a register symbol appears: its row and slot, and what the row does with it. */
export interface RegisterUse {
  row: InsnRow;
  slot: OperandSlot;
  file: 'x' | 'f';
  /** The base address of a load, store or atomic. */
  base: boolean;
}

export interface InstanceChoices {
  /** A random integer in [0, n). */
  below(n: number): number;
  /** Registers a symbol may name, given its uses (each candidate must fit every use's field). */
  registers(uses: readonly RegisterUse[]): number[];
  /** The range an immediate of `row` is drawn from, inside its field's own (default: the field's). */
  immediateRange?(row: InsnRow): { min: number; max: number } | undefined;
}

const variable = (row: InsnRow, slot: OperandSlot): FieldSpec | undefined => {
  const f = row.fields[slot];
  return typeof f === 'object' ? f : undefined;
};

/** A random encodable value for the row's immediate or rounding-mode slot. */
function randomValue(row: InsnRow, slot: 'imm' | 'rm', choices: InstanceChoices): number {
  const f = variable(row, slot)!;
  if (slot === 'rm') return [0, 1, 2, 3, 4, 7][choices.below(6)]!;
  const field = fieldRange(f);
  const limit = choices.immediateRange?.(row);
  const min = Math.max(field.min, limit?.min ?? field.min);
  const max = Math.min(field.max, limit?.max ?? field.max);
  const align = fieldValueBits(f) & -fieldValueBits(f);
  for (;;) {
    const v = Math.ceil((min + choices.below(max - min + 1)) / align) * align;
    if (v > max) continue;
    if (v !== 0 || !(row.nonzero ?? []).includes(slot)) return v;
  }
}

const fileOf = (row: InsnRow, slot: OperandSlot): 'x' | 'f' => registerFile(row, slot) ?? 'x';

/** Words (with sizes) of one random instance of the pattern, or undefined when there is none. */
export function patternInstance(p: ParsedPattern, choices: InstanceChoices): [number, number][] | undefined {
  const sizes = p.rows.map((row) => row.size);
  const offsets = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
  const registers = new Map<string, number>();
  for (const shape of p.shape) {
    for (const [, symbol] of shape) {
      if (symbol === 'x0' || registers.has(symbol)) continue;
      const uses: RegisterUse[] = p.shape.flatMap((s, j) => [...s].filter(([, sym]) => sym === symbol).map(([slot]) => {
        const row = p.rows[j]!;
        return { row, slot, file: fileOf(row, slot), base: slot === 'rs1' && !!(row.flags.load || row.flags.store) };
      }));
      const fits = (n: number) => uses.every((u) => {
        const { min, max } = fieldRange(variable(u.row, u.slot)!);
        return n >= min && n <= max;
      });
      const candidates = choices.registers(uses).filter(fits);
      if (!candidates.length) return undefined;
      registers.set(symbol, candidates[choices.below(candidates.length)]!);
    }
  }
  const words: [number, number][] = [];
  for (const [k, row] of p.rows.entries()) {
    const ops: Partial<Record<OperandSlot, number>> = {};
    for (const [slot, symbol] of p.shape[k]!) ops[slot] = symbol === 'x0' ? 0 : registers.get(symbol)!;
    for (const slot of ['imm', 'rm'] as const) if (variable(row, slot)) ops[slot] = randomValue(row, slot, choices);
    if (row.flags.endsBlock) {
      if (row.base === 'jalr') {
        const base = p.shape[k]!.get('rs1');
        const from = p.rows.findIndex((x, j) => j < k && x.base === 'auipc' && p.shape[j]!.get('rd') === base);
        if (from < 0) return undefined;
        words[from] = [encode(p.rows[from]!, { rd: registers.get(base!)!, imm: 0 }), p.rows[from]!.size];
        ops.imm = offsets[k]! + row.size - offsets[from]!;
      } else if (variable(row, 'imm')) ops.imm = row.size;
      else return undefined;
    }
    try {
      words.push([encode(row, ops), row.size]);
    } catch {
      return undefined;
    }
  }
  return words;
}
