// Small queries and edits over a Func shared by the passes: defining instructions, constant
// values, use counts, value substitution, and removal of blocks with renumbering.
// Invariant: edits keep the Func well-formed for the verifier as long as each substitution maps a
// value to one that dominates all its uses (the passes guarantee that, the verifier checks it).
import { OPS, type BlockId, type Func, type Inst, type Value } from '@ferry/ir';

/** The instruction defining each value (block parameters have none). */
export function definitions(func: Func): Map<Value, Inst> {
  const defs = new Map<Value, Inst>();
  for (const block of func.blocks) for (const inst of block.insts) if (inst.result >= 0) defs.set(inst.result, inst);
  return defs;
}

/** The value of an integer constant instruction, as a bigint (i32 constants sign-extended). */
export function constantOf(defs: Map<Value, Inst>, v: Value): bigint | undefined {
  const inst = defs.get(v);
  if (inst === undefined || (inst.op !== 'iconst.i32' && inst.op !== 'iconst.i64')) return undefined;
  return BigInt(inst.imm as number | bigint);
}

/** How often each value is used as an operand or branch argument. */
export function useCounts(func: Func): Map<Value, number> {
  const counts = new Map<Value, number>();
  const use = (v: Value): void => void counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      inst.args.forEach(use);
      for (const t of inst.targets ?? []) t.args.forEach(use);
    }
  }
  return counts;
}

/** Rewrites an instruction's operands and branch arguments through resolve, in place. */
export function rewriteOperands(inst: Inst, resolve: (v: Value) => Value): void {
  const args = inst.args;
  for (let i = 0; i < args.length; i++) args[i] = resolve(args[i]!);
  for (const t of inst.targets ?? []) for (let i = 0; i < t.args.length; i++) t.args[i] = resolve(t.args[i]!);
}

/** Rewrites every operand and branch argument through `replace` (chains are followed). */
export function substitute(func: Func, replace: Map<Value, Value>): void {
  if (replace.size === 0) return;
  const resolve = (v: Value): Value => {
    let r = v;
    for (let next = replace.get(r); next !== undefined && next !== r; next = replace.get(r)) r = next;
    return r;
  };
  for (const block of func.blocks) {
    for (const inst of block.insts) rewriteOperands(inst, resolve);
  }
}

export const isPure = (inst: Inst): boolean => OPS[inst.op].effect === 'pure';

/** A new integer constant instruction defining a fresh value in `block`. */
export function newConstant(func: Func, block: BlockId, type: 'i32' | 'i64', value: bigint): Inst {
  const result = func.newValue(type, block);
  return type === 'i32'
    ? { op: 'iconst.i32', args: [], imm: Number(BigInt.asIntN(32, value)), result }
    : { op: 'iconst.i64', args: [], imm: BigInt.asIntN(64, value), result };
}

/** Turns `inst` into a constant definition of the same result value, in place. */
export function makeConstant(inst: Inst, type: 'i32' | 'i64', value: bigint): void {
  inst.op = type === 'i32' ? 'iconst.i32' : 'iconst.i64';
  inst.args = [];
  inst.imm = type === 'i32' ? Number(BigInt.asIntN(32, value)) : BigInt.asIntN(64, value);
  delete inst.targets;
}

/** Drops the blocks for which keep() is false (never block0), renumbering the rest and every
 *  branch target and value record. The caller ensures no kept block branches to a dropped one. */
export function removeBlocks(func: Func, keep: (b: BlockId) => boolean): boolean {
  const renumber = new Map<BlockId, BlockId>();
  const kept = func.blocks.filter((_, b) => {
    if (b !== 0 && !keep(b)) return false;
    renumber.set(b, renumber.size);
    return true;
  });
  if (kept.length === func.blocks.length) return false;
  func.blocks.splice(0, func.blocks.length, ...kept);
  for (const block of func.blocks) {
    for (const inst of block.insts) for (const t of inst.targets ?? []) t.block = renumber.get(t.block)!;
  }
  func.blocks.forEach((block, b) => {
    for (const p of block.params) func.values[p]!.block = b;
    for (const inst of block.insts) if (inst.result >= 0) func.values[inst.result]!.block = b;
  });
  return true;
}
