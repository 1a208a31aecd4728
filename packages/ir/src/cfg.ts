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

/** Distinct successor blocks of a block, in target order. Only a block's terminator carries
 *  targets (the verifier reports targets on any other instruction), so only it is read. */
export function successors(func: Func, block: BlockId): BlockId[] {
  const out: BlockId[] = [];
  const insts = func.blocks[block]?.insts;
  const targets = insts?.[insts.length - 1]?.targets;
  if (targets === undefined) return out;
  const n = func.blocks.length;
  for (const t of targets) if (t.block >= 0 && t.block < n && !out.includes(t.block)) out.push(t.block);
  return out;
}

/** Successors of every block (as `successors`), indexed by block id: the one walk over the
 *  terminators that the other queries can share. */
export function successorLists(func: Func): BlockId[][] {
  const succs: BlockId[][] = [];
  for (let b = 0; b < func.blocks.length; b++) succs.push(successors(func, b));
  return succs;
}

/** A control-flow graph as successor lists indexed by block id, entered at block 0: all that the
 *  orders and dominators need, so graphs other than a Func's (a region's guest blocks) use them too. */
export type SuccessorLists = readonly (readonly BlockId[])[];

/** Predecessors of every block (each listed once), indexed by block id; `succs` (from
 *  successorLists) saves walking the terminators again. */
export function predecessors(func: Func, succs: SuccessorLists = successorLists(func)): BlockId[][] {
  return graphPredecessors(succs);
}

/** predecessors over successor lists. */
export function graphPredecessors(succs: SuccessorLists): BlockId[][] {
  const preds: BlockId[][] = [];
  for (let b = 0; b < succs.length; b++) preds.push([]);
  for (let b = 0; b < succs.length; b++) for (const s of succs[b]!) preds[s]!.push(b);
  return preds;
}

/** Blocks reachable from block0, in reverse postorder (block0 first); `succs` as for predecessors. */
export function reversePostorder(func: Func, succs: SuccessorLists = successorLists(func)): BlockId[] {
  return graphReversePostorder(succs);
}

/** reversePostorder over successor lists. */
export function graphReversePostorder(succs: SuccessorLists): BlockId[] {
  const n = succs.length;
  if (n === 0) return [];
  const visited = new Uint8Array(n);
  const post: BlockId[] = [];
  // Iterative DFS: each stack level holds a block, its successors and the index of the next one to visit.
  const blockAt = new Int32Array(n);
  const nextAt = new Int32Array(n);
  const succsAt: (readonly BlockId[])[] = new Array<readonly BlockId[]>(n);
  const successorsOf = (b: BlockId): readonly BlockId[] => succs[b]!;
  let depth = 0;
  blockAt[0] = 0;
  succsAt[0] = successorsOf(0);
  visited[0] = 1;
  while (depth >= 0) {
    const pending = succsAt[depth]!;
    const i = nextAt[depth]!;
    if (i < pending.length) {
      nextAt[depth] = i + 1;
      const s = pending[i]!;
      if (!visited[s]) {
        visited[s] = 1;
        depth++;
        blockAt[depth] = s;
        nextAt[depth] = 0;
        succsAt[depth] = successorsOf(s);
      }
    } else {
      post.push(blockAt[depth]!);
      depth--;
    }
  }
  return post.reverse();
}

/** Per block: it lies on a cycle (its strongly connected component has more than one block, or it
 *  branches to itself). Tarjan's algorithm, iterative, linear in blocks and edges. */
export function graphBlocksInCycles(succs: SuccessorLists): boolean[] {
  const n = succs.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const inCycle: boolean[] = new Array<boolean>(n).fill(false);
  const sccStack: BlockId[] = [];
  const callBlock = new Int32Array(n);
  const callNext = new Int32Array(n);
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callBlock[0] = root;
    callNext[0] = 0;
    index[root] = low[root] = counter++;
    sccStack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const b = callBlock[depth]!;
      const out = succs[b]!;
      const i = callNext[depth]!;
      if (i < out.length) {
        callNext[depth] = i + 1;
        const s = out[i]!;
        if (s === b) inCycle[b] = true;
        if (index[s] === -1) {
          index[s] = low[s] = counter++;
          sccStack.push(s);
          onStack[s] = 1;
          depth++;
          callBlock[depth] = s;
          callNext[depth] = 0;
        } else if (onStack[s]) {
          low[b] = Math.min(low[b]!, index[s]!);
        }
        continue;
      }
      if (low[b] === index[b]) {
        // b roots a component: pop it; more than one block means each lies on a cycle.
        const top = sccStack.length;
        let start = top - 1;
        while (sccStack[start] !== b) start--;
        for (let k = start; k < top; k++) {
          const w = sccStack[k]!;
          onStack[w] = 0;
          if (top - start > 1) inCycle[w] = true;
        }
        sccStack.length = start;
      }
      depth--;
      if (depth >= 0) {
        const parent = callBlock[depth]!;
        low[parent] = Math.min(low[parent]!, low[b]!);
      }
    }
  }
  return inCycle;
}

export class DominatorTree {
  /** Immediate dominator per block; -1 for block0 and for unreachable blocks. */
  readonly idom: BlockId[];
  readonly rpo: BlockId[];
  /** The blocks each block immediately dominates, in reverse postorder. */
  readonly children: BlockId[][];
  // Preorder interval of each block in the dominator tree: a dominates b iff b's interval nests in a's.
  private readonly enter: number[];
  private readonly leave: number[];

  /** Over a Func's blocks, or over any graph given as successor lists. */
  constructor(graph: Func | SuccessorLists) {
    const succs = Array.isArray(graph) ? (graph as SuccessorLists) : successorLists(graph as Func);
    const n = succs.length;
    this.rpo = graphReversePostorder(succs);
    const order = new Int32Array(n).fill(-1);
    for (let i = 0; i < this.rpo.length; i++) order[this.rpo[i]!] = i;
    const preds = graphPredecessors(succs);
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
      for (let k = 1; k < this.rpo.length; k++) {
        const b = this.rpo[k]!;
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

    const children: BlockId[][] = Array.from({ length: n }, () => []);
    for (const b of this.rpo) if (idom[b]! >= 0) children[idom[b]!]!.push(b);
    this.children = children;
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
export function walkDominatorTree<T>(dom: DominatorTree, enter: (b: BlockId) => T, leave: (b: BlockId, added: T) => void): void {
  const children = dom.children;
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
