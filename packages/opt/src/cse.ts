// cse: common subexpression elimination of pure ops by value numbering scoped to the dominator
// tree: a pure op equal (op, immediate, operands) to one in a dominating position reuses its value.
// Invariant: only pure ops are merged, and only into a definition that dominates every use.
// Expressions are found through a numeric hash of (op, immediate, operands) and compared in full.
import { DominatorTree, OPS, walkDominatorTree, type BlockId, type Func, type Inst, type OpName, type Value } from '@ferry/ir';
import { isPure, Replacements, substitute } from './func-edit.js';

const COMMUTATIVE_FAMILIES = new Set(['add', 'mul', 'and', 'or', 'xor', 'eq', 'ne']);
const OP_NUMBER: ReadonlyMap<string, number> = new Map((Object.keys(OPS) as OpName[]).map((op, i) => [op, i]));
const COMMUTATIVE_OPS: ReadonlySet<string> = new Set(
  (Object.keys(OPS) as OpName[]).filter((op) => COMMUTATIVE_FAMILIES.has(op.split('.')[0]!)),
);

/** A pure expression available in the current dominator scope. */
interface Expression {
  op: string;
  imm: Inst['imm'];
  /** Operands after replacement, sorted for commutative ops. */
  args: Value[];
  value: Value;
}

const mix = (h: number, x: number): number => Math.imul(h ^ x, 0x9e3779b1) >>> 0;

function hashOf(op: string, imm: Inst['imm'], args: readonly Value[]): number {
  let h = mix(0x811c9dc5, OP_NUMBER.get(op)!);
  if (typeof imm === 'number') h = mix(h, imm | 0);
  else if (typeof imm === 'bigint') h = mix(mix(h, Number(BigInt.asIntN(32, imm))), Number(BigInt.asIntN(32, imm >> 32n)));
  else if (imm !== undefined) h = mix(h, imm.length);
  for (const a of args) h = mix(h, a);
  return h;
}

const sameExpression = (e: Expression, op: string, imm: Inst['imm'], args: readonly Value[]): boolean =>
  e.op === op && e.imm === imm && e.args.length === args.length && e.args.every((a, i) => a === args[i]);

export function cse(func: Func): boolean {
  const dom = new DominatorTree(func);

  const replace = new Replacements(func);
  // Expressions by hash; each bucket is a stack in dominator-tree preorder.
  const available = new Map<number, Expression[]>();
  // Preorder walk of the dominator tree; each block's new expressions are forgotten when it is left.
  const visit = (b: BlockId): number[] => {
    const added: number[] = [];
    const kept: Inst[] = [];
    for (const inst of func.blocks[b]!.insts) {
      if (inst.result < 0 || !isPure(inst)) {
        kept.push(inst);
        continue;
      }
      const args = inst.args.map(replace.get);
      if (args.length > 1 && COMMUTATIVE_OPS.has(inst.op)) args.sort((x, y) => x - y);
      const hash = hashOf(inst.op, inst.imm, args);
      let bucket = available.get(hash);
      const earlier = bucket?.find((e) => sameExpression(e, inst.op, inst.imm, args));
      if (earlier !== undefined) {
        replace.set(inst.result, earlier.value); // v2 = op a, b ... v9 = op a, b --> v9 replaced by v2
        continue;
      }
      if (bucket === undefined) available.set(hash, (bucket = []));
      bucket.push({ op: inst.op, imm: inst.imm, args, value: inst.result });
      added.push(hash);
      kept.push(inst);
    }
    func.blocks[b]!.insts = kept;
    return added;
  };
  walkDominatorTree(func, dom, visit, (_b, added) => {
    for (let i = added.length - 1; i >= 0; i--) available.get(added[i]!)!.pop();
  });
  substitute(func, replace);
  return replace.size > 0;
}
