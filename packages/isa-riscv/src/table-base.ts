// The 32-bit rows of RV64IMAFD + Zicsr + Zifencei: exactly one row per base mnemonic (checked
// by table.test.ts). The bit pattern (decodetree style, '.' = operand bit) is the single
// source of each encoding; operands come from the shared formats in formats.ts.
import type { InsnFlags, InsnRow } from './types.js';
import type { Mnemonic } from './mnemonics.js';
import { bitPattern } from './fields.js';
import * as F from './formats.js';

/** Rounding-mode values 5 and 6 are reserved: an instruction encoding them statically is illegal. */
const RESERVED_ROUNDING_MODES = { rm: [5, 6] } as const;

function row(name: Mnemonic, pattern: string, format: F.Format, flags: InsnFlags = {}, extra: Partial<InsnRow> = {}): InsnRow {
  const { mask, match, size } = bitPattern(pattern);
  const reserved = typeof format.fields.rm === 'object' ? { reservedValues: RESERVED_ROUNDING_MODES } : {};
  return { name, base: name, size, mask, match, fields: format.fields, syntax: format.syntax, flags, ...reserved, ...extra };
}

const JUMP: InsnFlags = { endsBlock: true };
const LOAD: InsnFlags = { load: true, mayTrap: true };
const STORE: InsnFlags = { store: true, mayTrap: true };
const ATOMIC: InsnFlags = { load: true, store: true, mayTrap: true };
const FP: InsnFlags = { fp: true };
/** FP rows with a rounding-mode field trap when it (or a dynamic frm) is reserved. */
const FP_RM: InsnFlags = { fp: true, mayTrap: true };
const FP_LOAD: InsnFlags = { fp: true, load: true, mayTrap: true };
const FP_STORE: InsnFlags = { fp: true, store: true, mayTrap: true };
const SYSTEM_EXIT: InsnFlags = { endsBlock: true, exits: true, mayTrap: true };
const CSR_ACCESS: InsnFlags = { mayTrap: true };

const amo = (name: Mnemonic, funct5: string, width: 'w' | 'd'): InsnRow =>
  row(name, `${funct5} .. ..... ..... ${width === 'w' ? '010' : '011'} ..... 0101111`, F.AMO, ATOMIC, { suffix: 'aqrl' });
const loadReserved = (name: Mnemonic, width: 'w' | 'd'): InsnRow =>
  row(name, `00010 .. 00000 ..... ${width === 'w' ? '010' : '011'} ..... 0101111`, F.LOAD_RESERVED, LOAD, { suffix: 'aqrl' });
const storeConditional = (name: Mnemonic, width: 'w' | 'd'): InsnRow =>
  row(name, `00011 .. ..... ..... ${width === 'w' ? '010' : '011'} ..... 0101111`, F.AMO, ATOMIC, { suffix: 'aqrl' });

/** An exact int/float conversion: rm is decoded (and ignored), objdump only knows rm = 0. */
function exactConversion(name: Mnemonic, pattern: string, format: F.Format): InsnRow {
  const r = row(name, pattern, format, FP_RM);
  return { ...r, strict: { mask: (r.mask | 0x7000) >>> 0, match: r.match } };
}

/** Rows for one FP precision: fmt is '00' (S) or '01' (D). */
function fpRows(p: 's' | 'd', fmt: string): InsnRow[] {
  const n = (op: string) => `${op}.${p}` as Mnemonic;
  return [
    row(n('fmadd'), `..... ${fmt} ..... ..... ... ..... 1000011`, F.FP_FUSED, FP_RM),
    row(n('fmsub'), `..... ${fmt} ..... ..... ... ..... 1000111`, F.FP_FUSED, FP_RM),
    row(n('fnmsub'), `..... ${fmt} ..... ..... ... ..... 1001011`, F.FP_FUSED, FP_RM),
    row(n('fnmadd'), `..... ${fmt} ..... ..... ... ..... 1001111`, F.FP_FUSED, FP_RM),
    row(n('fadd'), `00000 ${fmt} ..... ..... ... ..... 1010011`, F.FP_BINARY_RM, FP_RM),
    row(n('fsub'), `00001 ${fmt} ..... ..... ... ..... 1010011`, F.FP_BINARY_RM, FP_RM),
    row(n('fmul'), `00010 ${fmt} ..... ..... ... ..... 1010011`, F.FP_BINARY_RM, FP_RM),
    row(n('fdiv'), `00011 ${fmt} ..... ..... ... ..... 1010011`, F.FP_BINARY_RM, FP_RM),
    row(n('fsqrt'), `01011 ${fmt} 00000 ..... ... ..... 1010011`, F.FP_UNARY_RM, FP_RM),
    row(n('fsgnj'), `00100 ${fmt} ..... ..... 000 ..... 1010011`, F.FP_BINARY, FP),
    row(n('fsgnjn'), `00100 ${fmt} ..... ..... 001 ..... 1010011`, F.FP_BINARY, FP),
    row(n('fsgnjx'), `00100 ${fmt} ..... ..... 010 ..... 1010011`, F.FP_BINARY, FP),
    row(n('fmin'), `00101 ${fmt} ..... ..... 000 ..... 1010011`, F.FP_BINARY, FP),
    row(n('fmax'), `00101 ${fmt} ..... ..... 001 ..... 1010011`, F.FP_BINARY, FP),
    row(n('feq'), `10100 ${fmt} ..... ..... 010 ..... 1010011`, F.FP_COMPARE, FP),
    row(n('flt'), `10100 ${fmt} ..... ..... 001 ..... 1010011`, F.FP_COMPARE, FP),
    row(n('fle'), `10100 ${fmt} ..... ..... 000 ..... 1010011`, F.FP_COMPARE, FP),
    row(n('fclass'), `11100 ${fmt} 00000 ..... 001 ..... 1010011`, F.FP_TO_INT, FP),
    row(`fcvt.w.${p}` as Mnemonic, `11000 ${fmt} 00000 ..... ... ..... 1010011`, F.FP_TO_INT_RM, FP_RM),
    row(`fcvt.wu.${p}` as Mnemonic, `11000 ${fmt} 00001 ..... ... ..... 1010011`, F.FP_TO_INT_RM, FP_RM),
    row(`fcvt.l.${p}` as Mnemonic, `11000 ${fmt} 00010 ..... ... ..... 1010011`, F.FP_TO_INT_RM, FP_RM),
    row(`fcvt.lu.${p}` as Mnemonic, `11000 ${fmt} 00011 ..... ... ..... 1010011`, F.FP_TO_INT_RM, FP_RM),
  ];
}

export const BASE_ROWS: readonly InsnRow[] = [
  // RV64I
  row('lui', '.................... ..... 0110111', F.U),
  row('auipc', '.................... ..... 0010111', F.U),
  row('jal', '.................... ..... 1101111', F.JAL, JUMP),
  row('jalr', '............ ..... 000 ..... 1100111', F.LOAD, JUMP),
  row('beq', '....... ..... ..... 000 ..... 1100011', F.BRANCH, JUMP),
  row('bne', '....... ..... ..... 001 ..... 1100011', F.BRANCH, JUMP),
  row('blt', '....... ..... ..... 100 ..... 1100011', F.BRANCH, JUMP),
  row('bge', '....... ..... ..... 101 ..... 1100011', F.BRANCH, JUMP),
  row('bltu', '....... ..... ..... 110 ..... 1100011', F.BRANCH, JUMP),
  row('bgeu', '....... ..... ..... 111 ..... 1100011', F.BRANCH, JUMP),
  row('lb', '............ ..... 000 ..... 0000011', F.LOAD, LOAD),
  row('lh', '............ ..... 001 ..... 0000011', F.LOAD, LOAD),
  row('lw', '............ ..... 010 ..... 0000011', F.LOAD, LOAD),
  row('ld', '............ ..... 011 ..... 0000011', F.LOAD, LOAD),
  row('lbu', '............ ..... 100 ..... 0000011', F.LOAD, LOAD),
  row('lhu', '............ ..... 101 ..... 0000011', F.LOAD, LOAD),
  row('lwu', '............ ..... 110 ..... 0000011', F.LOAD, LOAD),
  row('sb', '....... ..... ..... 000 ..... 0100011', F.STORE, STORE),
  row('sh', '....... ..... ..... 001 ..... 0100011', F.STORE, STORE),
  row('sw', '....... ..... ..... 010 ..... 0100011', F.STORE, STORE),
  row('sd', '....... ..... ..... 011 ..... 0100011', F.STORE, STORE),
  row('addi', '............ ..... 000 ..... 0010011', F.I),
  row('slti', '............ ..... 010 ..... 0010011', F.I),
  row('sltiu', '............ ..... 011 ..... 0010011', F.I),
  row('xori', '............ ..... 100 ..... 0010011', F.I),
  row('ori', '............ ..... 110 ..... 0010011', F.I),
  row('andi', '............ ..... 111 ..... 0010011', F.I),
  row('slli', '000000 ...... ..... 001 ..... 0010011', F.SHIFT64),
  row('srli', '000000 ...... ..... 101 ..... 0010011', F.SHIFT64),
  row('srai', '010000 ...... ..... 101 ..... 0010011', F.SHIFT64),
  row('add', '0000000 ..... ..... 000 ..... 0110011', F.R),
  row('sub', '0100000 ..... ..... 000 ..... 0110011', F.R),
  row('sll', '0000000 ..... ..... 001 ..... 0110011', F.R),
  row('slt', '0000000 ..... ..... 010 ..... 0110011', F.R),
  row('sltu', '0000000 ..... ..... 011 ..... 0110011', F.R),
  row('xor', '0000000 ..... ..... 100 ..... 0110011', F.R),
  row('srl', '0000000 ..... ..... 101 ..... 0110011', F.R),
  row('sra', '0100000 ..... ..... 101 ..... 0110011', F.R),
  row('or', '0000000 ..... ..... 110 ..... 0110011', F.R),
  row('and', '0000000 ..... ..... 111 ..... 0110011', F.R),
  // fm, pred, succ, rs1 and rd are all "ignored" fields: every value is an ordinary fence.
  row('fence', '............ ..... 000 ..... 0001111', F.FENCE, {}, {
    strict: { mask: 0xf00fffff, match: 0x0000000f },
    aliases: [{ name: 'fence.tso', ...bitPattern('1000 0011 0011 00000 000 00000 0001111'), syntax: '' }],
  }),
  row('ecall', '000000000000 00000 000 00000 1110011', F.NO_OPERANDS, SYSTEM_EXIT),
  row('ebreak', '000000000001 00000 000 00000 1110011', F.NO_OPERANDS, SYSTEM_EXIT),
  row('addiw', '............ ..... 000 ..... 0011011', F.I),
  row('slliw', '0000000 ..... ..... 001 ..... 0011011', F.SHIFT32),
  row('srliw', '0000000 ..... ..... 101 ..... 0011011', F.SHIFT32),
  row('sraiw', '0100000 ..... ..... 101 ..... 0011011', F.SHIFT32),
  row('addw', '0000000 ..... ..... 000 ..... 0111011', F.R),
  row('subw', '0100000 ..... ..... 000 ..... 0111011', F.R),
  row('sllw', '0000000 ..... ..... 001 ..... 0111011', F.R),
  row('srlw', '0000000 ..... ..... 101 ..... 0111011', F.R),
  row('sraw', '0100000 ..... ..... 101 ..... 0111011', F.R),
  // M
  row('mul', '0000001 ..... ..... 000 ..... 0110011', F.R),
  row('mulh', '0000001 ..... ..... 001 ..... 0110011', F.R),
  row('mulhsu', '0000001 ..... ..... 010 ..... 0110011', F.R),
  row('mulhu', '0000001 ..... ..... 011 ..... 0110011', F.R),
  row('div', '0000001 ..... ..... 100 ..... 0110011', F.R),
  row('divu', '0000001 ..... ..... 101 ..... 0110011', F.R),
  row('rem', '0000001 ..... ..... 110 ..... 0110011', F.R),
  row('remu', '0000001 ..... ..... 111 ..... 0110011', F.R),
  row('mulw', '0000001 ..... ..... 000 ..... 0111011', F.R),
  row('divw', '0000001 ..... ..... 100 ..... 0111011', F.R),
  row('divuw', '0000001 ..... ..... 101 ..... 0111011', F.R),
  row('remw', '0000001 ..... ..... 110 ..... 0111011', F.R),
  row('remuw', '0000001 ..... ..... 111 ..... 0111011', F.R),
  // A
  loadReserved('lr.w', 'w'), storeConditional('sc.w', 'w'),
  amo('amoswap.w', '00001', 'w'), amo('amoadd.w', '00000', 'w'), amo('amoxor.w', '00100', 'w'),
  amo('amoand.w', '01100', 'w'), amo('amoor.w', '01000', 'w'), amo('amomin.w', '10000', 'w'),
  amo('amomax.w', '10100', 'w'), amo('amominu.w', '11000', 'w'), amo('amomaxu.w', '11100', 'w'),
  loadReserved('lr.d', 'd'), storeConditional('sc.d', 'd'),
  amo('amoswap.d', '00001', 'd'), amo('amoadd.d', '00000', 'd'), amo('amoxor.d', '00100', 'd'),
  amo('amoand.d', '01100', 'd'), amo('amoor.d', '01000', 'd'), amo('amomin.d', '10000', 'd'),
  amo('amomax.d', '10100', 'd'), amo('amominu.d', '11000', 'd'), amo('amomaxu.d', '11100', 'd'),
  // F
  row('flw', '............ ..... 010 ..... 0000111', F.FP_LOAD, FP_LOAD),
  row('fsw', '....... ..... ..... 010 ..... 0100111', F.FP_STORE, FP_STORE),
  ...fpRows('s', '00'),
  row('fmv.x.w', '1110000 00000 ..... 000 ..... 1010011', F.FP_TO_INT, FP),
  row('fcvt.s.w', '1101000 00000 ..... ... ..... 1010011', F.INT_TO_FP_RM, FP_RM),
  row('fcvt.s.wu', '1101000 00001 ..... ... ..... 1010011', F.INT_TO_FP_RM, FP_RM),
  row('fcvt.s.l', '1101000 00010 ..... ... ..... 1010011', F.INT_TO_FP_RM, FP_RM),
  row('fcvt.s.lu', '1101000 00011 ..... ... ..... 1010011', F.INT_TO_FP_RM, FP_RM),
  row('fmv.w.x', '1111000 00000 ..... 000 ..... 1010011', F.INT_TO_FP, FP),
  // D
  row('fld', '............ ..... 011 ..... 0000111', F.FP_LOAD, FP_LOAD),
  row('fsd', '....... ..... ..... 011 ..... 0100111', F.FP_STORE, FP_STORE),
  ...fpRows('d', '01'),
  row('fcvt.s.d', '0100000 00001 ..... ... ..... 1010011', F.FP_UNARY_RM, FP_RM),
  exactConversion('fcvt.d.s', '0100001 00000 ..... ... ..... 1010011', F.FP_UNARY_EXACT),
  exactConversion('fcvt.d.w', '1101001 00000 ..... ... ..... 1010011', F.INT_TO_FP_EXACT),
  exactConversion('fcvt.d.wu', '1101001 00001 ..... ... ..... 1010011', F.INT_TO_FP_EXACT),
  row('fcvt.d.l', '1101001 00010 ..... ... ..... 1010011', F.INT_TO_FP_RM, FP_RM),
  row('fcvt.d.lu', '1101001 00011 ..... ... ..... 1010011', F.INT_TO_FP_RM, FP_RM),
  row('fmv.x.d', '1110001 00000 ..... 000 ..... 1010011', F.FP_TO_INT, FP),
  row('fmv.d.x', '1111001 00000 ..... 000 ..... 1010011', F.INT_TO_FP, FP),
  // Zicsr
  row('csrrw', '............ ..... 001 ..... 1110011', F.CSR, CSR_ACCESS),
  row('csrrs', '............ ..... 010 ..... 1110011', F.CSR, CSR_ACCESS),
  row('csrrc', '............ ..... 011 ..... 1110011', F.CSR, CSR_ACCESS),
  row('csrrwi', '............ ..... 101 ..... 1110011', F.CSR_IMM, CSR_ACCESS),
  row('csrrsi', '............ ..... 110 ..... 1110011', F.CSR_IMM, CSR_ACCESS),
  row('csrrci', '............ ..... 111 ..... 1110011', F.CSR_IMM, CSR_ACCESS),
  // Zifencei: imm, rs1 and rd are ignored fields.
  row('fence.i', '............ ..... 001 ..... 0001111', F.NO_OPERANDS, SYSTEM_EXIT, {
    strict: { mask: 0xffffffff, match: 0x0000100f },
  }),
];
