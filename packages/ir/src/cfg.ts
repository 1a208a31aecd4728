// Control-flow graph queries over a Func: successors, predecessors, reverse postorder and the
// dominator tree (Cooper, Harvey and Kennedy's iterative algorithm over reverse postorder).
// Invariant: only blocks reachable from block0 take part in dominance; targets naming blocks
// that do not exist are ignored here (the verifier reports them).
import type { Func } from './func.js';
import type { OpName } from './ops.js';
import type { BlockId } from './types.js';

/** How many branch targets a terminator carries: jump one, brif two (taken, not taken); every other op none. */
export const TARGET_COUNT: { readonly [op in OpName]?: number } = { jump: 1, brif: 2 };
export const targetCount = (op: OpName): number => TARGET_COUNT[op] ?? 0;

/** Distinct successor blocks of a block, in target order. */
export function successors(func: Func, block: BlockId): BlockId[] {
  const out: BlockId[] = [];
  for (const inst of func.blocks[block]?.insts ?? []) {
    for (const t of inst.targets ?? []) {
      if (t.block >= 0 && t.block < func.blocks.length && !out.includes(t.block)) out.push(t.block);
    }
  }
  return out;
}

/** Predecessors of every block (each listed once), indexed by block id. */
export function predecessors(func: Func): BlockId[][] {
  const preds: BlockId[][] = func.blocks.map(() => []);
  func.blocks.forEach((_, b) => {
    for (const s of successors(func, b)) preds[s]!.push(b);
  });
  return preds;
}

/** Blocks reachable from block0, in reverse postorder (block0 first). */
export function reversePostorder(func: Func): BlockId[] {
  if (func.blocks.length === 0) return [];
  const visited = new Uint8Array(func.blocks.length);
  const post: BlockId[] = [];
  // Iterative DFS: each stack entry is a block and the index of the next successor to visit.
  const stack: [BlockId, BlockId[], number][] = [[0, successors(func, 0), 0]];
  visited[0] = 1;
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [b, succs, i] = top;
    if (i < succs.length) {
      top[2] = i + 1;
      const s = succs[i]!;
      if (!visited[s]) {
        visited[s] = 1;
        stack.push([s, successors(func, s), 0]);
      }
    } else {
      post.push(b);
      stack.pop();
    }
  }
  return post.reverse();
}

export class DominatorTree {
  /** Immediate dominator per block; -1 for block0 and for unreachable blocks. */
  readonly idom: BlockId[];
  readonly rpo: BlockId[];
  // Preorder interval of each block in the dominator tree: a dominates b iff b's interval nests in a's.
  private readonly enter: number[];
  private readonly leave: number[];

  constructor(func: Func) {
    const n = func.blocks.length;
    this.rpo = reversePostorder(func);
    const order = new Array<number>(n).fill(-1);
    this.rpo.forEach((b, i) => (order[b] = i));
    const preds = predecessors(func);
    const idom = new Array<BlockId>(n).fill(-1);
    if (n > 0) idom[0] = 0;
    const intersect = (a: BlockId, b: BlockId): BlockId => {
      while (a !== b) {
        while (order[a]! > order[b]!) a = idom[a]!;
        while (order[b]! > order[a]!) b = idom[b]!;
      }
      return a;
    };
    for (let changed = true; changed; ) {
      changed = false;
      for (const b of this.rpo.slice(1)) {
        let next = -1;
        for (const p of preds[b]!) {
          if (idom[p] === -1) continue; // unreachable or not yet processed
          next = next === -1 ? p : intersect(p, next);
        }
        if (next !== idom[b]) {
          idom[b] = next;
          changed = true;
        }
      }
    }
    if (n > 0) idom[0] = -1;
    this.idom = idom;

    const children: BlockId[][] = func.blocks.map(() => []);
    for (const b of this.rpo) if (idom[b]! >= 0) children[idom[b]!]!.push(b);
    this.enter = new Array<number>(n).fill(-1);
    this.leave = new Array<number>(n).fill(-1);
    let clock = 0;
    const stack: [BlockId, number][] = n > 0 ? [[0, 0]] : [];
    if (n > 0) this.enter[0] = clock++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const kids = children[top[0]]!;
      if (top[1] < kids.length) {
        const c = kids[top[1]++]!;
        this.enter[c] = clock++;
        stack.push([c, 0]);
      } else {
        this.leave[top[0]] = clock++;
        stack.pop();
      }
    }
  }

  isReachable(block: BlockId): boolean {
    return (this.enter[block] ?? -1) >= 0;
  }

  /** True if every path from block0 to b passes through a (a block dominates itself). False if either is unreachable. */
  dominates(a: BlockId, b: BlockId): boolean {
    if (!this.isReachable(a) || !this.isReachable(b)) return false;
    return this.enter[a]! <= this.enter[b]! && this.leave[b]! <= this.leave[a]!;
  }
}

/** Preorder walk of the dominator tree with scopes: `enter(b)` runs when b is reached and returns
 *  what it added; `leave(b, added)` runs after all blocks b dominates (for scoped tables: what a
 *  block makes available is visible exactly in the blocks it dominates). Iterative, so deep trees
 *  do not overflow the stack. */
export function walkDominatorTree<T>(func: Func, dom: DominatorTree, enter: (b: BlockId) => T, leave: (b: BlockId, added: T) => void): void {
  const children: BlockId[][] = func.blocks.map(() => []);
  for (const b of dom.rpo) if (dom.idom[b]! >= 0) children[dom.idom[b]!]!.push(b);
  const stack: { block: BlockId; next: number; added: T }[] = [{ block: 0, next: 0, added: enter(0) }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const kids = children[top.block]!;
    if (top.next < kids.length) {
      const child = kids[top.next++]!;
      stack.push({ block: child, next: 0, added: enter(child) });
    } else {
      leave(top.block, top.added);
      stack.pop();
    }
  }
}
