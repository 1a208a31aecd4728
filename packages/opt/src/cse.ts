// cse: common subexpression elimination of pure ops by value numbering scoped to the dominator
// tree: a pure op equal (op, immediate, operands) to one in a dominating position reuses its value.
// Invariant: only pure ops are merged, and only into a definition that dominates every use.
import { DominatorTree, walkDominatorTree, type BlockId, type Func, type Inst, type Value } from '@ferry/ir';
import { isPure, substitute } from './func-edit.js';

const COMMUTATIVE = new Set(['add', 'mul', 'and', 'or', 'xor', 'eq', 'ne']);

function keyOf(inst: Inst, resolve: (v: Value) => Value): string {
  const args = inst.args.map(resolve);
  if (COMMUTATIVE.has(inst.op.split('.')[0]!)) args.sort((a, b) => a - b);
  const imm = inst.imm === undefined ? '' : typeof inst.imm === 'bigint' ? `${inst.imm}n` : String(inst.imm);
  return `${inst.op} ${imm} ${args.join(',')}`;
}

export function cse(func: Func): boolean {
  const dom = new DominatorTree(func);

  const replace = new Map<Value, Value>();
  const resolve = (v: Value): Value => replace.get(v) ?? v;
  const available = new Map<string, Value>();
  // Preorder walk of the dominator tree; each block's new keys are forgotten when it is left.
  const visit = (b: BlockId): string[] => {
    const added: string[] = [];
    const kept: Inst[] = [];
    for (const inst of func.blocks[b]!.insts) {
      if (!isPure(inst) || inst.result < 0) {
        kept.push(inst);
        continue;
      }
      const key = keyOf(inst, resolve);
      const earlier = available.get(key);
      if (earlier !== undefined) {
        replace.set(inst.result, earlier); // v2 = op a, b ... v9 = op a, b --> v9 replaced by v2
        continue;
      }
      available.set(key, inst.result);
      added.push(key);
      kept.push(inst);
    }
    func.blocks[b]!.insts = kept;
    return added;
  };
  walkDominatorTree(func, dom, visit, (_b, added) => {
    for (const key of added) available.delete(key);
  });
  substitute(func, replace);
  return replace.size > 0;
}
