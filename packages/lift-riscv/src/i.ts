// RV64I: integer computation, loads and stores, control transfer, fence, ecall, ebreak.
// Semantics per the RISC-V unprivileged spec: W forms compute on the low 32 bits and sign-extend;
// shift amounts use the low 6 (or 5 for W forms) bits; jalr clears bit 0 of its target.
import { ExitCode } from '@ferry/abi';
import type { Builder, Value } from '@ferry/ir';
import type { MnemonicOf } from '@ferry/isa-riscv';
import { bool64, branch, effectiveAddress, fromI32Signed, low32, setRd, sext32, x } from './common.js';
import type { LiftTable, Operands } from './operands.js';

type LoadKind = 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | '64';
const load = (kind: LoadKind) => (b: Builder, o: Operands) => setRd(b, o, b.load(kind, effectiveAddress(b, o), o.pc));
const store = (width: 8 | 16 | 32 | 64) => (b: Builder, o: Operands) =>
  b.store(width, effectiveAddress(b, o), x(b, o.rs2), o.pc);

type Binary = Parameters<Builder['bin']>[0];
type Compare = Parameters<Builder['cmp']>[0];
/** rd = rs1 op rs2 */
const reg = (op: Binary) => (b: Builder, o: Operands) => setRd(b, o, b.bin(op, x(b, o.rs1), x(b, o.rs2)));
/** rd = rs1 op imm */
const imm = (op: Binary) => (b: Builder, o: Operands) => setRd(b, o, b.bin(op, x(b, o.rs1), o.imm));
/** rd = (rs1 cmp second) ? 1 : 0 */
const setLess = (cmp: Compare, second: (b: Builder, o: Operands) => Value) => (b: Builder, o: Operands) =>
  setRd(b, o, bool64(b, b.cmp(cmp, x(b, o.rs1), second(b, o))));
const cond = (cmp: Compare) => (b: Builder, o: Operands) => branch(b, o, b.cmp(cmp, x(b, o.rs1), x(b, o.rs2)));

/** W forms: rd = sext32(low32(rs1) op low32(second)), computed in i32 (shift counts mask to 5 bits). */
const word = (op: Binary, second: (b: Builder, o: Operands) => Value) => (b: Builder, o: Operands) =>
  setRd(b, o, fromI32Signed(b, b.bin(op, low32(b, x(b, o.rs1)), low32(b, second(b, o)))));
const rs2 = (b: Builder, o: Operands) => x(b, o.rs2);
const immediate = (_b: Builder, o: Operands) => o.imm;

export const LIFT_I = {
  lui: (b, o) => setRd(b, o, o.imm),
  auipc: (b, o) => setRd(b, o, b.bin('add', o.pc, o.imm)),
  jal: (b, o) => {
    const target = b.bin('add', o.pc, o.imm);
    setRd(b, o, o.next);
    b.gotoPc(target);
  },
  jalr: (b, o) => {
    const target = b.bin('and', effectiveAddress(b, o), b.i64(-2n)); // read rs1 before rd is written
    setRd(b, o, o.next);
    b.gotoPc(target);
  },
  beq: cond('eq'),
  bne: cond('ne'),
  blt: cond('lt_s'),
  bge: cond('ge_s'),
  bltu: cond('lt_u'),
  bgeu: cond('ge_u'),
  lb: load('s8'),
  lh: load('s16'),
  lw: load('s32'),
  ld: load('64'),
  lbu: load('u8'),
  lhu: load('u16'),
  lwu: load('u32'),
  sb: store(8),
  sh: store(16),
  sw: store(32),
  sd: store(64),
  addi: imm('add'),
  slti: setLess('lt_s', immediate),
  sltiu: setLess('lt_u', immediate),
  xori: imm('xor'),
  ori: imm('or'),
  andi: imm('and'),
  slli: imm('shl'),
  srli: imm('shr_u'),
  srai: imm('shr_s'),
  add: reg('add'),
  sub: reg('sub'),
  sll: reg('shl'),
  slt: setLess('lt_s', rs2),
  sltu: setLess('lt_u', rs2),
  xor: reg('xor'),
  srl: reg('shr_u'),
  sra: reg('shr_s'),
  or: reg('or'),
  and: reg('and'),
  // A single hart sees its own memory in order; fence orders nothing more for Ferry.
  fence: () => {},
  ecall: (b, o) => b.exit(ExitCode.ecall, o.pc),
  ebreak: (b, o) => b.exit(ExitCode.ebreak, o.pc),
  addiw: (b, o) => setRd(b, o, sext32(b, b.bin('add', x(b, o.rs1), o.imm))),
  slliw: word('shl', immediate),
  srliw: word('shr_u', immediate),
  sraiw: word('shr_s', immediate),
  addw: (b, o) => setRd(b, o, sext32(b, b.bin('add', x(b, o.rs1), x(b, o.rs2)))),
  subw: (b, o) => setRd(b, o, sext32(b, b.bin('sub', x(b, o.rs1), x(b, o.rs2)))),
  sllw: word('shl', rs2),
  srlw: word('shr_u', rs2),
  sraw: word('shr_s', rs2),
} satisfies LiftTable<MnemonicOf<'I'>>;
