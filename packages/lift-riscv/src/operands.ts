// What a lift function receives: the instruction's fields as IR values. The JIT passes constants
// (register accesses then fold to fixed state offsets and locals); the T0 interpreter generator
// passes the fields its decoder produced at run time. Lift functions must not assume either.
import type { Builder, Value } from '@ferry/ir';
import type { Mnemonic } from '@ferry/isa-riscv';

export interface Operands {
  /** i64: address of this instruction. */
  pc: Value;
  /** i64: address of the next instruction (pc + 2 or pc + 4). */
  next: Value;
  /** i32 register numbers (csrr*i: rs1 holds the 5-bit immediate). */
  rd: Value;
  rs1: Value;
  rs2: Value;
  rs3: Value;
  /** i64, sign-extended immediate (CSR number, shift amount, fence bits: see isa-riscv types.ts). */
  imm: Value;
  /** i32 rounding-mode field. */
  rm: Value;
  /** What the JIT knew of the guest when it lifted (absent for T0: assume nothing). */
  hints?: LiftHints;
}

/** Facts about the guest at translation time that change only how fast the code is, never what it
 *  computes. */
export interface LiftHints {
  /** fflags held NX: FP arithmetic will most likely find it still set (programs rarely clear it),
   *  so past its sticky-NX fast path an op calls its exact helper directly instead of inlining
   *  the error-term path (a fifth of the IR and compile time of FP-heavy code). */
  stickyNx?: boolean;
}

/** Lifts one instruction at the builder's current block. It either terminates the block
 *  (goto_pc / exit) or leaves it open, in which case execution falls through to `next`. */
export type LiftFn = (b: Builder, o: Operands) => void;
export type LiftTable<M extends Mnemonic> = Record<M, LiftFn>;
