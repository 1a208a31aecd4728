// Shared helpers the per-extension lift tables delegate to, so each instruction is a one-liner.
import type { Builder, Func, Inst, Value } from '@ferry/ir';
import { ExitCode } from '@ferry/abi';
import type { Operands } from './operands.js';

export const x = (b: Builder, reg: Value): Value => b.getX(reg);
export const setRd = (b: Builder, o: Operands, v: Value): void => b.setX(o.rd, v);

export const sext32 = (b: Builder, v: Value): Value => b.emit('sext32.i64', [v]);
export const zext32 = (b: Builder, v: Value): Value => b.bin('and', v, b.i64(0xffffffffn));
export const low32 = (b: Builder, v: Value): Value => b.emit('wrap.i64', [v]);
export const fromI32Signed = (b: Builder, v: Value): Value => b.emit('extend_s.i32', [v]);
export const fromI32Unsigned = (b: Builder, v: Value): Value => b.emit('extend_u.i32', [v]);
/** A 0/1 i32 condition as an i64 register value. */
export const bool64 = (b: Builder, cond: Value): Value => fromI32Unsigned(b, cond);

/** rs1 + imm: the effective address of loads, stores and jalr. */
export const effectiveAddress = (b: Builder, o: Operands): Value => b.bin('add', x(b, o.rs1), o.imm);

/** Leave the current block for the runtime when `cond` holds; continue in a fresh block otherwise. */
export function exitIf(b: Builder, cond: Value, code: number, pc: Value): void {
  const exitBlock = b.createBlock();
  const cont = b.createBlock();
  b.brif(cond, exitBlock, cont);
  b.switchTo(exitBlock);
  b.exit(code, pc);
  b.switchTo(cont);
}

export const illegalIf = (b: Builder, cond: Value, o: Operands): void => exitIf(b, cond, ExitCode.illegalInstruction, o.pc);

/** Conditional control transfer: to pc + imm when cond holds, else to the next instruction. */
export function branch(b: Builder, o: Operands, cond: Value): void {
  const target = b.bin('add', o.pc, o.imm);
  b.gotoPc(b.select(cond, target, o.next));
}

/** The instruction defining v: looked for in the block its ValueInfo names first (the builder
 *  records it), then everywhere, so a stale record costs time but never changes the answer. */
export function definingInst(func: Func, v: Value): Inst | undefined {
  const recorded = func.values[v]?.block;
  if (recorded !== undefined) for (const inst of func.blocks[recorded]?.insts ?? []) if (inst.result === v) return inst;
  for (const block of func.blocks) for (const inst of block.insts) if (inst.result === v) return inst;
  return undefined;
}

/** The constant an operand field was defined as (the JIT passes fields as iconsts; T0 does not):
 *  lift functions may specialize on it, never rely on it. */
export function constantField(func: Func, v: Value): bigint | undefined {
  const inst = definingInst(func, v);
  return inst?.op === 'iconst.i32' || inst?.op === 'iconst.i64' ? BigInt(inst.imm!) : undefined;
}
