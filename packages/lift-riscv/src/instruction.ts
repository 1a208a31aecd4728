// Lifting one instruction into a function of its own: the shape the T0 interpreter generator uses
// (operands are the entry block's parameters) and tests use (operands are constants).
import { newFunction, type Builder, type Func } from '@ferry/ir';
import type { Mnemonic } from '@ferry/isa-riscv';
import { LIFTERS } from './lifters.js';
import type { Operands } from './operands.js';

/** Entry parameters, in order: pc, next, rd, rs1, rs2, rs3, imm, rm. */
export const OPERAND_PARAMS = ['i64', 'i64', 'i32', 'i32', 'i32', 'i32', 'i64', 'i32'] as const;

/** Lift `mnemonic` at the builder's current block; when the instruction falls through, end with goto_pc next. */
export function liftInstruction(b: Builder, mnemonic: Mnemonic, o: Operands): void {
  LIFTERS[mnemonic](b, o);
  if (!b.terminated) b.gotoPc(o.next);
}

/** A function computing one instruction with run-time operands (the entry block's parameters). */
export function liftGeneric(mnemonic: Mnemonic): Func {
  const { func, b } = newFunction(mnemonic, OPERAND_PARAMS);
  const [pc, next, rd, rs1, rs2, rs3, imm, rm] = func.params as [number, number, number, number, number, number, number, number];
  liftInstruction(b, mnemonic, { pc, next, rd, rs1, rs2, rs3, imm, rm });
  return func;
}
