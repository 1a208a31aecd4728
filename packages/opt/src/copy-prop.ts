// copy-prop: forwards block parameters that receive the same value on every incoming edge (the
// parameter itself aside, as loops pass it back unchanged), removing the parameter and its arguments.
// Invariant: a value passed on every edge dominates every predecessor, hence the block itself.
import { predecessors, type Func, type Target, type Value } from '@ferry/ir';
import { Replacements, substitute } from './func-edit.js';

export function copyProp(func: Func): boolean {
  const preds = predecessors(func);
  const replace = new Replacements(func);
  func.blocks.forEach((block, b) => {
    if (b === 0 || block.params.length === 0 || preds[b]!.length === 0) return; // entry parameters are inputs; unreachable blocks have no edges
    const edges: Target[] = [];
    for (const p of preds[b]!) for (const t of func.blocks[p]!.insts.at(-1)!.targets ?? []) if (t.block === b) edges.push(t);
    const drop: number[] = [];
    block.params.forEach((param, i) => {
      // block(p) reached with the same v on every edge --> p replaced by v
      let incoming: Value | undefined;
      for (const e of edges) {
        const v = e.args[i]!;
        if (v === param || v === incoming) continue;
        if (incoming !== undefined) return;
        incoming = v;
      }
      if (incoming === undefined) return;
      replace.set(param, incoming);
      drop.push(i);
    });
    if (drop.length === 0) return;
    block.params = block.params.filter((_, i) => !drop.includes(i));
    for (const e of edges) e.args = e.args.filter((_, i) => !drop.includes(i));
  });
  substitute(func, replace);
  return replace.size > 0;
}
