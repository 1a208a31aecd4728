// Shapes of the declarative instruction table (table.ts). The table is data: the JS decoder,
// the disassembler, the test assembler and the T0 interpreter's wasm decoder all derive from it.
import type { Mnemonic } from './mnemonics.js';

/** Bits [hi:lo] of the instruction word, placed at bit `at` of the field value. */
export interface Slice {
  hi: number;
  lo: number;
  at: number;
}

/** How one operand is unscrambled from the instruction word:
 *  value = (signed ? signExtend(concat(slices), topBit + 1) : concat(slices)) + (add ?? 0). */
export interface FieldSpec {
  slices: readonly Slice[];
  signed: boolean;
  /** Added after extraction: 8 for the compressed x8..x15 / f8..f15 register fields. */
  add?: number;
}

/** The operand slots every decoded instruction has. Unused slots decode as 0.
 *  imm carries immediates, shift amounts, CSR numbers and fence pred/succ (fence: imm = bits 31..20);
 *  csrr*i keep their 5-bit zimm in rs1; AMOs keep aq/rl in imm (bit 1 aq, bit 0 rl). */
export type OperandSlot = 'rd' | 'rs1' | 'rs2' | 'rs3' | 'imm' | 'rm';

export interface InsnFlags {
  /** Control may leave straight-line flow: branches, jumps, ecall, ebreak, fence.i. */
  endsBlock?: boolean;
  mayTrap?: boolean;
  load?: boolean;
  store?: boolean;
  /** Always returns to the runtime (ecall, ebreak, fence.i). */
  exits?: boolean;
  /** Reads or writes FP registers or fcsr. */
  fp?: boolean;
}

export interface InsnRow {
  /** Assembler name as objdump -M no-aliases prints it: 'add', 'fadd.d', 'c.addi4spn'. */
  name: string;
  /** The base instruction it is (for a compressed row: the one it expands to). */
  base: Mnemonic;
  size: 2 | 4;
  mask: number;
  match: number;
  /** Operand extraction; a number is a fixed value (compressed expansions: rs1 = 2 for sp). */
  fields: Partial<Record<OperandSlot, FieldSpec | number>>;
  /** Slots that must not decode as zero; a zero there makes the encoding reserved (illegal). */
  nonzero?: readonly OperandSlot[];
  /** Disassembly operand layout, e.g. 'rd,rs1,imm' or 'rd,imm(rs1)'; see disasm.ts. */
  syntax: string;
  flags: InsnFlags;
  /** Operand values that make the encoding reserved (illegal), beyond `nonzero`: the static
   *  rounding modes 5 and 6 of FP rows ({ rm: [5, 6] }). */
  reservedValues?: Partial<Record<OperandSlot, readonly number[]>>;
  /** Mnemonic suffix printed from an operand: 'aqrl' appends .aq / .rl / .aqrl from imm (A extension). */
  suffix?: 'aqrl';
  /** The encodings the GNU assembler emits and objdump accepts under this name. Words that match
   *  mask/match but not these bits are architecturally this instruction (the extra bits are
   *  ignored, e.g. fence rd/rs1), yet objdump shows them as `.4byte`; so does our disassembler. */
  strict?: { mask: number; match: number };
  /** Encodings objdump prints under another name (fence.tso); they still decode to this row. */
  aliases?: readonly { name: string; mask: number; match: number; syntax: string }[];
}

/** A decoded instruction. */
export interface Decoded {
  row: InsnRow;
  base: Mnemonic;
  size: 2 | 4;
  rd: number;
  rs1: number;
  rs2: number;
  rs3: number;
  imm: number;
  rm: number;
}
