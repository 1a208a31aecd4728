// cse: common subexpression elimination of pure ops by value numbering scoped to the dominator
// tree: a pure op equal (op, immediate, operands) to one in a dominating position reuses its value.
// Invariant: only pure ops are merged, and only into a definition that dominates every use.
// Available expressions live in a hash table of chains threaded through flat arrays indexed by
// value id; each chain is a stack in dominator-tree preorder, so leaving a block pops its entries.
import { DominatorTree, OPS, walkDominatorTree, type BlockId, type Func, type Inst, type OpName, type Value } from '@ferry/ir';
import { Replacements, substitute } from './func-edit.js';

const COMMUTATIVE_FAMILIES = new Set(['add', 'mul', 'and', 'or', 'xor', 'eq', 'ne']);
/** A number for each pure op (its hash seed); other ops have none, so one lookup also says whether
 *  an instruction can be merged. */
const PURE_OP_NUMBER: ReadonlyMap<string, number> = new Map(
  (Object.keys(OPS) as OpName[]).flatMap((op, i) => (OPS[op].effect === 'pure' ? [[op, i + 1] as const] : [])),
);
const COMMUTATIVE_OPS: ReadonlySet<string> = new Set(
  (Object.keys(OPS) as OpName[]).filter((op) => COMMUTATIVE_FAMILIES.has(op.split('.')[0]!)),
);
/** Pure ops take at most this many operands (select). */
const MAX_ARGS = 3;
const NONE = -1;

const mix = (h: number, x: number): number => Math.imul(h ^ x, 0x9e3779b1);

function immHash(imm: Inst['imm']): number {
  if (typeof imm === 'number') return imm | 0;
  if (typeof imm === 'bigint') {
    const approx = Number(imm); // no BigInt arithmetic: equal constants hash alike, which is all a hash needs
    return (approx | 0) ^ ((approx / 4294967296) | 0);
  }
  return imm === undefined ? 0 : imm.length;
}

export function cse(func: Func): boolean {
  const dom = new DominatorTree(func);
  const replace = new Replacements(func);
  const valueCount = func.values.length;
  let pureCount = 0;
  for (const block of func.blocks) pureCount += block.insts.length;
  let size = 16;
  while (size < 2 * pureCount) size *= 2;
  const mask = size - 1;
  // head[h]: the most recent available value with hash h; below[v]: the one under v in its chain.
  const head = new Int32Array(size).fill(NONE);
  const below = new Int32Array(valueCount);
  const hashOf = new Int32Array(valueCount);
  // An available value's defining instruction and its operands after replacement (sorted for
  // commutative ops); operands of an available value never change afterwards, as replacements
  // only ever name values defined later than their replacement.
  const instOf: (Inst | undefined)[] = new Array<Inst | undefined>(valueCount).fill(undefined);
  const operands = new Int32Array(valueCount * MAX_ARGS);
  const args = new Int32Array(MAX_ARGS);
  const added: Value[] = [];

  const find = (inst: Inst, hash: number, arity: number): Value => {
    for (let v = head[hash & mask]!; v !== NONE; v = below[v]!) {
      const other = instOf[v]!;
      if (hashOf[v] !== hash || other.op !== inst.op || other.imm !== inst.imm || other.args.length !== arity) continue;
      let same = true;
      for (let i = 0; i < arity && same; i++) same = operands[v * MAX_ARGS + i] === args[i];
      if (same) return v;
    }
    return NONE;
  };

  // Preorder walk of the dominator tree; each block's new expressions are forgotten when it is left.
  const visit = (b: BlockId): number => {
    const mark = added.length;
    const insts = func.blocks[b]!.insts;
    // The instructions kept so far, once one has been merged away.
    let kept: Inst[] | undefined;
    for (let k = 0; k < insts.length; k++) {
      const inst = insts[k]!;
      const arity = inst.args.length;
      const opNumber = PURE_OP_NUMBER.get(inst.op);
      if (inst.result < 0 || opNumber === undefined || arity > MAX_ARGS) {
        kept?.push(inst);
        continue;
      }
      for (let i = 0; i < arity; i++) args[i] = replace.get(inst.args[i]!);
      if (arity === 2 && args[0]! > args[1]! && COMMUTATIVE_OPS.has(inst.op)) {
        const first = args[0]!; // commutative: operands in ascending order
        args[0] = args[1]!;
        args[1] = first;
      }
      let hash = mix(mix(0x811c9dc5, opNumber), immHash(inst.imm));
      for (let i = 0; i < arity; i++) hash = mix(hash, args[i]!);
      const earlier = find(inst, hash, arity);
      if (earlier !== NONE) {
        replace.set(inst.result, earlier); // v2 = op a, b ... v9 = op a, b --> v9 replaced by v2
        kept ??= insts.slice(0, k);
        continue;
      }
      const v = inst.result;
      instOf[v] = inst;
      hashOf[v] = hash;
      for (let i = 0; i < arity; i++) operands[v * MAX_ARGS + i] = args[i]!;
      below[v] = head[hash & mask]!;
      head[hash & mask] = v;
      added.push(v);
      kept?.push(inst);
    }
    if (kept !== undefined) func.blocks[b]!.insts = kept;
    return mark;
  };
  walkDominatorTree(dom, visit, (_b, mark) => {
    while (added.length > mark) {
      const v = added.pop()!;
      head[hashOf[v]! & mask] = below[v]!;
    }
  });
  substitute(func, replace);
  return replace.size > 0;
}
