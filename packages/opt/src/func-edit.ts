// Small queries and edits over a Func shared by the passes (ir's `definitions` gives the defining
// instructions): constant values, use counts, value replacements and substitution, and removal of blocks with renumbering.
// Tables are flat arrays indexed by value id (no per-value objects or string keys), as passes run
// on every hot region at run time. Invariant: edits keep the Func well-formed for the verifier as
// long as each substitution maps a value to one that dominates all its uses (the passes guarantee
// that, the verifier checks it).
import { OPS, type BlockId, type Definitions, type Func, type Inst, type OpName, type Value } from '@ferry/ir';

/** The value of an integer constant instruction, as a bigint (i32 constants sign-extended). */
export function constantOf(defs: Definitions, v: Value): bigint | undefined {
  const inst = defs[v];
  if (inst === undefined) return undefined;
  if (inst.op === 'iconst.i64') return inst.imm as bigint;
  if (inst.op === 'iconst.i32') return BigInt(inst.imm as number);
  return undefined;
}

/** How often each value is used as an operand or branch argument, indexed by value id. */
export function useCounts(func: Func): Int32Array {
  const counts = new Int32Array(func.values.length);
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      for (const a of inst.args) counts[a]!++;
      if (inst.targets !== undefined) for (const t of inst.targets) for (const a of t.args) counts[a]!++;
    }
  }
  return counts;
}

/** A pass's value replacements (`from` --> `to`), indexed by value id. Only values that exist when
 *  the table is made can be replaced; any value may be a replacement. */
export class Replacements {
  private readonly to: Int32Array;
  size = 0;
  constructor(func: Func) {
    this.to = new Int32Array(func.values.length).fill(-1);
  }
  set(from: Value, to: Value): void {
    if (this.to[from] === -1) this.size++;
    this.to[from] = to;
  }
  /** True when v has a replacement. */
  has(v: Value): boolean {
    return (this.to[v] ?? -1) >= 0;
  }
  /** The direct replacement of v, or v itself. */
  readonly get = (v: Value): Value => {
    const r = this.to[v];
    return r === undefined || r < 0 ? v : r;
  };
  /** The end of v's replacement chain. */
  readonly resolve = (v: Value): Value => {
    let r = v;
    for (let next = this.get(r); next !== r; next = this.get(r)) r = next;
    return r;
  };
}

/** Rewrites an instruction's operands and branch arguments through resolve, in place. */
export function rewriteOperands(inst: Inst, resolve: (v: Value) => Value): void {
  const args = inst.args;
  for (let i = 0; i < args.length; i++) args[i] = resolve(args[i]!);
  if (inst.targets === undefined) return;
  for (const t of inst.targets) for (let i = 0; i < t.args.length; i++) t.args[i] = resolve(t.args[i]!);
}

/** Rewrites every operand and branch argument through the replacements (chains are followed). */
export function substitute(func: Func, replace: Replacements): void {
  if (replace.size === 0) return;
  const rewrite = (list: Value[]): void => {
    for (let i = 0; i < list.length; i++) if (replace.has(list[i]!)) list[i] = replace.resolve(list[i]!);
  };
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      rewrite(inst.args);
      if (inst.targets !== undefined) for (const t of inst.targets) rewrite(t.args);
    }
  }
}

/** Pure ops (no effect), looked up once per op name. */
const PURE_OPS: ReadonlySet<string> = new Set((Object.keys(OPS) as OpName[]).filter((op) => OPS[op].effect === 'pure'));
export const isPure = (inst: Inst): boolean => PURE_OPS.has(inst.op);

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
