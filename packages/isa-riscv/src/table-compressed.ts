// The RV64C rows. Each gives the operand fields of the 32-bit instruction it expands to (fixed
// numbers for implied operands: sp, x0, ra), so decoding a compressed word yields the same base
// mnemonic and operands as decoding its expansion. Flags come from the base row.
// Reserved encodings are excluded with `nonzero`; HINT encodings (e.g. c.li x0) decode normally.
import type { InsnRow, OperandSlot } from './types.js';
import type { Mnemonic } from './mnemonics.js';
import { bitPattern } from './fields.js';
import { BASE_ROWS } from './table-base.js';
import * as F from './formats.js';

const SP = 2;
/** Bits 12 and 6..2: the shift amount of c.slli / c.srli / c.srai. */
const SHAMT_BITS = 0x107c;
/** objdump names a zero shift amount `c.slli64` etc. (the RV128 reading of the encoding). */
const shift64Alias = (name: string, pattern: string) => {
  const { mask, match } = bitPattern(pattern);
  return { aliases: [{ name, mask: (mask | SHAMT_BITS) >>> 0, match, syntax: 'rd' }] };
};
const RA = 1;

function compressed(name: string, base: Mnemonic, pattern: string, format: F.Format, extra: Partial<InsnRow> = {}): InsnRow {
  const { mask, match, size } = bitPattern(pattern);
  const baseRow = BASE_ROWS.find((r) => r.base === base);
  if (!baseRow) throw new Error(`compressed row ${name} expands to unknown base instruction ${base}`);
  const row: InsnRow = { name, base, size, mask, match, fields: format.fields, syntax: format.syntax, flags: baseRow.flags, ...extra };
  return format.nonzero ? { ...row, nonzero: format.nonzero } : row;
}

const fmt = (fields: F.Format['fields'], syntax: string, ...nonzero: OperandSlot[]): F.Format =>
  nonzero.length ? { fields, syntax, nonzero } : { fields, syntax };

// Quadrant 0: x8..x15 registers.
const loadPrime = (offset: typeof F.C_WORD_OFFSET, fp: boolean) =>
  fmt({ rd: F.C_RD_PRIME, rs1: F.C_RS1_PRIME, imm: offset }, fp ? 'fd,imm(rs1)' : 'rd,imm(rs1)');
const storePrime = (offset: typeof F.C_WORD_OFFSET, fp: boolean) =>
  fmt({ rs1: F.C_RS1_PRIME, rs2: F.C_RS2_PRIME, imm: offset }, fp ? 'fs2,imm(rs1)' : 'rs2,imm(rs1)');
// Quadrant 1 arithmetic on rd' = rs1'.
const aluPrime = fmt({ rd: F.C_RS1_PRIME, rs1: F.C_RS1_PRIME, rs2: F.C_RS2_PRIME }, 'rd,rs2');
const shiftPrime = fmt({ rd: F.C_RS1_PRIME, rs1: F.C_RS1_PRIME, imm: F.C_SHAMT }, 'rd,shamt');
const branchPrime = fmt({ rs1: F.C_RS1_PRIME, rs2: 0, imm: F.C_BRANCH_OFFSET }, 'rs1,target');
// Quadrant 2: sp-relative loads and stores.
const loadSp = (offset: typeof F.C_WORD_OFFSET, fp: boolean, ...nonzero: OperandSlot[]) =>
  fmt({ rd: F.C_RD, rs1: SP, imm: offset }, fp ? 'fd,imm(rs1)' : 'rd,imm(rs1)', ...nonzero);
const storeSp = (offset: typeof F.C_WORD_OFFSET, fp: boolean) =>
  fmt({ rs1: SP, rs2: F.C_RS2, imm: offset }, fp ? 'fs2,imm(rs1)' : 'rs2,imm(rs1)');

export const COMPRESSED_ROWS: readonly InsnRow[] = [
  // Quadrant 0
  compressed('c.addi4spn', 'addi', '000 ........ ... 00', fmt({ rd: F.C_RD_PRIME, rs1: SP, imm: F.C_ADDI4SPN_IMM }, 'rd,rs1,imm', 'imm')),
  compressed('c.fld', 'fld', '001 ... ... .. ... 00', loadPrime(F.C_DOUBLE_OFFSET, true)),
  compressed('c.lw', 'lw', '010 ... ... .. ... 00', loadPrime(F.C_WORD_OFFSET, false)),
  compressed('c.ld', 'ld', '011 ... ... .. ... 00', loadPrime(F.C_DOUBLE_OFFSET, false)),
  compressed('c.fsd', 'fsd', '101 ... ... .. ... 00', storePrime(F.C_DOUBLE_OFFSET, true)),
  compressed('c.sw', 'sw', '110 ... ... .. ... 00', storePrime(F.C_WORD_OFFSET, false)),
  compressed('c.sd', 'sd', '111 ... ... .. ... 00', storePrime(F.C_DOUBLE_OFFSET, false)),
  // Quadrant 1
  compressed('c.nop', 'addi', '000 0 00000 00000 01', fmt({ rd: 0, rs1: 0, imm: 0 }, ''), {
    // objdump -M no-aliases treats c.nop as an alias and prints the c.addi form.
    aliases: [{ name: 'c.addi', ...bitPattern('000 0 00000 00000 01'), syntax: 'rd,imm' }],
  }),
  compressed('c.addi', 'addi', '000 . ..... ..... 01', fmt({ rd: F.C_RD, rs1: F.C_RD, imm: F.C_IMM6 }, 'rd,imm')),
  compressed('c.addiw', 'addiw', '001 . ..... ..... 01', fmt({ rd: F.C_RD, rs1: F.C_RD, imm: F.C_IMM6 }, 'rd,imm', 'rd')),
  compressed('c.li', 'addi', '010 . ..... ..... 01', fmt({ rd: F.C_RD, rs1: 0, imm: F.C_IMM6 }, 'rd,imm')),
  compressed('c.addi16sp', 'addi', '011 . 00010 ..... 01', fmt({ rd: SP, rs1: SP, imm: F.C_ADDI16SP_IMM }, 'rd,imm', 'imm')),
  compressed('c.lui', 'lui', '011 . ..... ..... 01', fmt({ rd: F.C_RD, imm: F.C_LUI_IMM }, 'rd,upper', 'imm')),
  compressed('c.srli', 'srli', '100 . 00 ... ..... 01', shiftPrime, shift64Alias('c.srli64', '100 . 00 ... ..... 01')),
  compressed('c.srai', 'srai', '100 . 01 ... ..... 01', shiftPrime, shift64Alias('c.srai64', '100 . 01 ... ..... 01')),
  compressed('c.andi', 'andi', '100 . 10 ... ..... 01', fmt({ rd: F.C_RS1_PRIME, rs1: F.C_RS1_PRIME, imm: F.C_IMM6 }, 'rd,imm')),
  compressed('c.sub', 'sub', '100 0 11 ... 00 ... 01', aluPrime),
  compressed('c.xor', 'xor', '100 0 11 ... 01 ... 01', aluPrime),
  compressed('c.or', 'or', '100 0 11 ... 10 ... 01', aluPrime),
  compressed('c.and', 'and', '100 0 11 ... 11 ... 01', aluPrime),
  compressed('c.subw', 'subw', '100 1 11 ... 00 ... 01', aluPrime),
  compressed('c.addw', 'addw', '100 1 11 ... 01 ... 01', aluPrime),
  compressed('c.j', 'jal', '101 ........... 01', fmt({ rd: 0, imm: F.C_JUMP_OFFSET }, 'target')),
  compressed('c.beqz', 'beq', '110 ... ... ..... 01', branchPrime),
  compressed('c.bnez', 'bne', '111 ... ... ..... 01', branchPrime),
  // Quadrant 2
  compressed('c.slli', 'slli', '000 . ..... ..... 10', fmt({ rd: F.C_RD, rs1: F.C_RD, imm: F.C_SHAMT }, 'rd,shamt'),
    shift64Alias('c.slli64', '000 . ..... ..... 10')),
  compressed('c.fldsp', 'fld', '001 . ..... ..... 10', loadSp(F.C_LDSP_OFFSET, true)),
  compressed('c.lwsp', 'lw', '010 . ..... ..... 10', loadSp(F.C_LWSP_OFFSET, false, 'rd')),
  compressed('c.ldsp', 'ld', '011 . ..... ..... 10', loadSp(F.C_LDSP_OFFSET, false, 'rd')),
  compressed('c.jr', 'jalr', '100 0 ..... 00000 10', fmt({ rd: 0, rs1: F.C_RD, imm: 0 }, 'rs1', 'rs1')),
  compressed('c.mv', 'add', '100 0 ..... ..... 10', fmt({ rd: F.C_RD, rs1: 0, rs2: F.C_RS2 }, 'rd,rs2', 'rs2')),
  compressed('c.ebreak', 'ebreak', '100 1 00000 00000 10', fmt({}, '')),
  compressed('c.jalr', 'jalr', '100 1 ..... 00000 10', fmt({ rd: RA, rs1: F.C_RD, imm: 0 }, 'rs1', 'rs1')),
  compressed('c.add', 'add', '100 1 ..... ..... 10', fmt({ rd: F.C_RD, rs1: F.C_RD, rs2: F.C_RS2 }, 'rd,rs2', 'rs2')),
  compressed('c.fsdsp', 'fsd', '101 ...... ..... 10', storeSp(F.C_SDSP_OFFSET, true)),
  compressed('c.swsp', 'sw', '110 ...... ..... 10', storeSp(F.C_SWSP_OFFSET, false)),
  compressed('c.sdsp', 'sd', '111 ...... ..... 10', storeSp(F.C_SDSP_OFFSET, false)),
];
