// Structured wasm control flow for a cyclic CFG, through builder.ts only, so the wasm writer (no
// binaryen) can emit JIT regions with loops. A reducible CFG is laid out from its dominator tree
// (the method of Ramsey's "Beyond Relooper", 2022): a block entered by a back edge becomes a
// `loop`; a block with two or more forward in-edges becomes the code after a labelled `block`
// that its predecessors leave with `br`; any other block is placed inside the branch to it. An
// irreducible CFG falls back to a dispatch loop: a label local and a `br_table`.
// Invariant: every block's code is emitted exactly once, and every transfer of control is a `br`
// to a label in scope or the target's code itself, so the structured code runs the same edges;
// layoutCfg's order is the order in which structureCfg emits the blocks' code.
import { DominatorTree, type BlockId, type Func } from '@ferry/ir';
import type { ExpressionRef, ModuleBuilder } from './builder.js';

/** What the structurer needs of the body emitter. */
export interface CfgCode {
  /** The block's statements, terminator excluded. */
  statements(block: BlockId): ExpressionRef[];
  /** The block's terminator (jump or brif) with each edge lowered by `transfer`, or undefined when
   *  the block ends in an instruction that leaves the function (exit, goto_pc). */
  terminator(block: BlockId, transfer: (target: BlockId) => ExpressionRef): ExpressionRef | undefined;
  /** A fresh i32 local (the dispatch fallback's label). */
  addLocal(): number;
}

/** Targets of a block's terminator, one entry per edge (a brif to one block twice counts twice). */
function edgesOf(func: Func, block: BlockId): BlockId[] {
  const insts = func.blocks[block]!.insts;
  return (insts[insts.length - 1]!.targets ?? []).map((t) => t.block);
}

/** How structureCfg lays a CFG out, computed once and shared with the local allocator (emit.ts). */
export interface CfgLayout {
  /** Reachable blocks in the order their code appears in the structured output. */
  order: BlockId[];
  /** Each loop as [first, last] indices into `order`: a loop's blocks are contiguous there. */
  loops: { first: number; last: number }[];
  /** A retreating edge that is no back edge: the dispatch-loop fallback, whose blocks form one loop
   *  entered anywhere, so positions in `order` say nothing about liveness. */
  irreducible: boolean;
  dom: DominatorTree;
  /** Per block, its index in dom.rpo (-1 when unreachable). */
  rpoIndex: number[];
  forwardIn: number[];
  loopHeader: boolean[];
}

export function layoutCfg(func: Func): CfgLayout {
  const dom = new DominatorTree(func);
  const rpoIndex = new Array<number>(func.blocks.length).fill(-1);
  dom.rpo.forEach((b, i) => (rpoIndex[b] = i));
  const forwardIn = new Array<number>(func.blocks.length).fill(0);
  const loopHeader = new Array<boolean>(func.blocks.length).fill(false);
  const layout: CfgLayout = { order: [], loops: [], irreducible: false, dom, rpoIndex, forwardIn, loopHeader };
  for (const b of dom.rpo) {
    for (const t of edgesOf(func, b)) {
      if (rpoIndex[t]! > rpoIndex[b]!) forwardIn[t]!++;
      else if (dom.dominates(t, b)) loopHeader[t] = true;
      else layout.irreducible = true; // a retreating edge that is no back edge
    }
  }
  if (layout.irreducible) {
    layout.order = [...dom.rpo];
    return layout;
  }
  // The order tree() below emits code in: a block, the children placed inside its terminator's
  // branches (edge order), then its merge children, earliest first.
  const visit = (x: BlockId): void => {
    const first = layout.order.push(x) - 1;
    for (const t of edgesOf(func, x)) if (rpoIndex[t]! > rpoIndex[x]! && forwardIn[t]! < 2) visit(t);
    const merges = dom.children[x]!.filter((c) => forwardIn[c]! >= 2).sort((a, b) => rpoIndex[a]! - rpoIndex[b]!);
    for (const c of merges) visit(c);
    if (loopHeader[x]) layout.loops.push({ first, last: layout.order.length - 1 });
  };
  visit(0);
  return layout;
}

export function structureCfg(mb: ModuleBuilder, func: Func, code: CfgCode, layout: CfgLayout = layoutCfg(func)): ExpressionRef {
  const { dom, rpoIndex: order, forwardIn, loopHeader } = layout;
  if (layout.irreducible) return dispatchLoop(mb, func, code, dom.rpo);
  const m = mb.m;
  /** Labels in scope: a loop's label continues at its header; a block's label at its follower. */
  const loopLabel = new Map<BlockId, string>();
  const followLabel = new Map<BlockId, string>();

  const transfer = (from: BlockId, to: BlockId): ExpressionRef => {
    if (order[to]! <= order[from]!) return m.br(loopLabel.get(to)!);
    if (forwardIn[to]! >= 2) return m.br(followLabel.get(to)!);
    return tree(to); // dominated by `from` and entered only from it: placed right here
  };

  /** The code of block x and of the blocks it immediately dominates. */
  const tree = (x: BlockId): ExpressionRef => {
    // Merge children latest-first: the latest is the outermost block, so its code comes last.
    const merges = dom.children[x]!.filter((c) => forwardIn[c]! >= 2).sort((a, b) => order[b]! - order[a]!);
    const within = (i: number): ExpressionRef => {
      if (i === merges.length) {
        const body = code.statements(x);
        const term = code.terminator(x, (to) => transfer(x, to));
        if (term !== undefined) body.push(term);
        return m.block(null, body);
      }
      const label = mb.uniqueLabel('merge');
      followLabel.set(merges[i]!, label);
      return m.block(null, [m.block(label, [within(i + 1)]), tree(merges[i]!)]);
    };
    if (!loopHeader[x]) return within(0);
    const label = mb.uniqueLabel('loop');
    loopLabel.set(x, label);
    return m.loop(label, within(0));
  };
  return tree(0);
}

/** Any CFG: `label = 0; loop { block ... block { br_table (label) } code0 ... }`, where every
 *  transfer sets the label and branches back to the loop. */
function dispatchLoop(mb: ModuleBuilder, func: Func, code: CfgCode, reachable: readonly BlockId[]): ExpressionRef {
  const m = mb.m;
  const i32 = mb.types.i32;
  const label = code.addLocal();
  const index = new Map(reachable.map((b, i) => [b, i]));
  const loop = mb.uniqueLabel('dispatch');
  const caseLabels = reachable.map(() => mb.uniqueLabel('case'));
  const goto = (to: BlockId) => m.block(null, [m.local.set(label, m.i32.const(index.get(to)!)), m.br(loop)]);
  let nested = m.block(caseLabels[0]!, [m.switch(caseLabels, caseLabels[0]!, m.local.get(label, i32))]);
  reachable.forEach((b, i) => {
    const body = code.statements(b);
    const term = code.terminator(b, goto);
    if (term !== undefined) body.push(term);
    nested = i + 1 < reachable.length ? m.block(caseLabels[i + 1]!, [nested, ...body]) : m.block(null, [nested, ...body]);
  });
  return m.block(null, [m.local.set(label, m.i32.const(0)), m.loop(loop, nested)]);
}
