// Operand formats shared by table rows: which slots an instruction has, how each is unscrambled
// from the word, and its disassembly syntax. Each scrambled immediate is defined exactly once here
// (decodetree style); rows name a format instead of repeating slices.
import type { FieldSpec, OperandSlot } from './types.js';
import { signedField, slice, unsignedField } from './fields.js';

export interface Format {
  fields: Partial<Record<OperandSlot, FieldSpec | number>>;
  syntax: string;
  nonzero?: readonly OperandSlot[];
}

// ---- 32-bit field specs ----
const reg = (lo: number): FieldSpec => unsignedField(slice(lo + 4, lo, 0));
export const RD = reg(7);
export const RS1 = reg(15);
export const RS2 = reg(20);
export const RS3 = reg(27);
export const RM = unsignedField(slice(14, 12, 0));
export const IMM_I = signedField(slice(31, 20, 0));
export const IMM_S = signedField(slice(31, 25, 5), slice(11, 7, 0));
export const IMM_B = signedField(slice(31, 31, 12), slice(7, 7, 11), slice(30, 25, 5), slice(11, 8, 1));
export const IMM_U = signedField(slice(31, 12, 12));
export const IMM_J = signedField(slice(31, 31, 20), slice(19, 12, 12), slice(20, 20, 11), slice(30, 21, 1));
export const SHAMT6 = unsignedField(slice(25, 20, 0));
export const SHAMT5 = unsignedField(slice(24, 20, 0));
/** CSR number, and for fence the fm/pred/succ bits 31..20. */
export const UIMM12 = unsignedField(slice(31, 20, 0));
/** aq (bit 1) and rl (bit 0) of an AMO / LR / SC. */
export const AQRL = unsignedField(slice(26, 25, 0));

// ---- 32-bit formats ----
export const R: Format = { fields: { rd: RD, rs1: RS1, rs2: RS2 }, syntax: 'rd,rs1,rs2' };
export const I: Format = { fields: { rd: RD, rs1: RS1, imm: IMM_I }, syntax: 'rd,rs1,imm' };
export const LOAD: Format = { fields: { rd: RD, rs1: RS1, imm: IMM_I }, syntax: 'rd,imm(rs1)' };
export const STORE: Format = { fields: { rs1: RS1, rs2: RS2, imm: IMM_S }, syntax: 'rs2,imm(rs1)' };
export const BRANCH: Format = { fields: { rs1: RS1, rs2: RS2, imm: IMM_B }, syntax: 'rs1,rs2,target' };
export const U: Format = { fields: { rd: RD, imm: IMM_U }, syntax: 'rd,upper' };
export const JAL: Format = { fields: { rd: RD, imm: IMM_J }, syntax: 'rd,target' };
export const SHIFT64: Format = { fields: { rd: RD, rs1: RS1, imm: SHAMT6 }, syntax: 'rd,rs1,shamt' };
export const SHIFT32: Format = { fields: { rd: RD, rs1: RS1, imm: SHAMT5 }, syntax: 'rd,rs1,shamt' };
export const CSR: Format = { fields: { rd: RD, rs1: RS1, imm: UIMM12 }, syntax: 'rd,csr,rs1' };
export const CSR_IMM: Format = { fields: { rd: RD, rs1: RS1, imm: UIMM12 }, syntax: 'rd,csr,zimm' };
export const FENCE: Format = { fields: { imm: UIMM12 }, syntax: 'pred,succ' };
export const NO_OPERANDS: Format = { fields: {}, syntax: '' };
export const AMO: Format = { fields: { rd: RD, rs1: RS1, rs2: RS2, imm: AQRL }, syntax: 'rd,rs2,(rs1)' };
export const LOAD_RESERVED: Format = { fields: { rd: RD, rs1: RS1, imm: AQRL }, syntax: 'rd,(rs1)' };
export const FP_LOAD: Format = { fields: { rd: RD, rs1: RS1, imm: IMM_I }, syntax: 'fd,imm(rs1)' };
export const FP_STORE: Format = { fields: { rs1: RS1, rs2: RS2, imm: IMM_S }, syntax: 'fs2,imm(rs1)' };
export const FP_FUSED: Format = { fields: { rd: RD, rs1: RS1, rs2: RS2, rs3: RS3, rm: RM }, syntax: 'fd,fs1,fs2,fs3,rm' };
export const FP_BINARY_RM: Format = { fields: { rd: RD, rs1: RS1, rs2: RS2, rm: RM }, syntax: 'fd,fs1,fs2,rm' };
export const FP_BINARY: Format = { fields: { rd: RD, rs1: RS1, rs2: RS2 }, syntax: 'fd,fs1,fs2' };
export const FP_COMPARE: Format = { fields: { rd: RD, rs1: RS1, rs2: RS2 }, syntax: 'rd,fs1,fs2' };
export const FP_UNARY_RM: Format = { fields: { rd: RD, rs1: RS1, rm: RM }, syntax: 'fd,fs1,rm' };
/** Exact conversions (fcvt.d.s): objdump 2.40 prints no rounding mode and accepts only rm = 0. */
export const FP_UNARY_EXACT: Format = { fields: { rd: RD, rs1: RS1, rm: RM }, syntax: 'fd,fs1' };
export const FP_TO_INT_RM: Format = { fields: { rd: RD, rs1: RS1, rm: RM }, syntax: 'rd,fs1,rm' };
export const INT_TO_FP_RM: Format = { fields: { rd: RD, rs1: RS1, rm: RM }, syntax: 'fd,rs1,rm' };
/** Exact conversions (fcvt.d.w): as FP_UNARY_EXACT. */
export const INT_TO_FP_EXACT: Format = { fields: { rd: RD, rs1: RS1, rm: RM }, syntax: 'fd,rs1' };
export const FP_TO_INT: Format = { fields: { rd: RD, rs1: RS1 }, syntax: 'rd,fs1' };
export const INT_TO_FP: Format = { fields: { rd: RD, rs1: RS1 }, syntax: 'fd,rs1' };

// ---- compressed field specs: x8..x15 / f8..f15 register fields ----
const compactReg = (lo: number): FieldSpec => ({ slices: [slice(lo + 2, lo, 0)], signed: false, add: 8 });
export const C_RD_PRIME = compactReg(2);
export const C_RS2_PRIME = compactReg(2);
export const C_RS1_PRIME = compactReg(7);
export const C_RD = reg(7);
export const C_RS2 = reg(2);
/** imm[5] at bit 12, imm[4:0] at bits 6:2 (c.addi, c.li, c.andi, shift amounts). */
export const C_IMM6 = signedField(slice(12, 12, 5), slice(6, 2, 0));
export const C_SHAMT = unsignedField(slice(12, 12, 5), slice(6, 2, 0));
export const C_ADDI4SPN_IMM = unsignedField(slice(12, 11, 4), slice(10, 7, 6), slice(6, 6, 2), slice(5, 5, 3));
export const C_ADDI16SP_IMM = signedField(slice(12, 12, 9), slice(6, 6, 4), slice(5, 5, 6), slice(4, 3, 7), slice(2, 2, 5));
export const C_LUI_IMM = signedField(slice(12, 12, 17), slice(6, 2, 12));
/** c.lw / c.sw offset. */
export const C_WORD_OFFSET = unsignedField(slice(12, 10, 3), slice(6, 6, 2), slice(5, 5, 6));
/** c.ld / c.sd / c.fld / c.fsd offset. */
export const C_DOUBLE_OFFSET = unsignedField(slice(12, 10, 3), slice(6, 5, 6));
export const C_JUMP_OFFSET = signedField(
  slice(12, 12, 11), slice(11, 11, 4), slice(10, 9, 8), slice(8, 8, 10),
  slice(7, 7, 6), slice(6, 6, 7), slice(5, 3, 1), slice(2, 2, 5),
);
export const C_BRANCH_OFFSET = signedField(slice(12, 12, 8), slice(11, 10, 3), slice(6, 5, 6), slice(4, 3, 1), slice(2, 2, 5));
export const C_LWSP_OFFSET = unsignedField(slice(12, 12, 5), slice(6, 4, 2), slice(3, 2, 6));
export const C_LDSP_OFFSET = unsignedField(slice(12, 12, 5), slice(6, 5, 3), slice(4, 2, 6));
export const C_SWSP_OFFSET = unsignedField(slice(12, 9, 2), slice(8, 7, 6));
export const C_SDSP_OFFSET = unsignedField(slice(12, 10, 3), slice(9, 7, 6));
