// copy-prop: forwards block parameters that receive the same value on every incoming edge (the
// parameter itself aside, as loops pass it back unchanged), removing the parameter and its arguments.
// Invariant: a value passed on every edge dominates every predecessor, hence the block itself.
import { predecessors, type Func, type Value } from '@ferry/ir';
import { substitute } from './func-edit.js';

export function copyProp(func: Func): boolean {
  const preds = predecessors(func);
  const replace = new Map<Value, Value>();
  func.blocks.forEach((block, b) => {
    if (b === 0 || preds[b]!.length === 0) return; // entry parameters are inputs; unreachable blocks have no edges
    const edges = preds[b]!.flatMap((p) => (func.blocks[p]!.insts.at(-1)!.targets ?? []).filter((t) => t.block === b));
    const drop: number[] = [];
    block.params.forEach((param, i) => {
      // block(p) reached with the same v on every edge --> p replaced by v
      const incoming = new Set(edges.map((e) => e.args[i]!).filter((v) => v !== param));
      if (incoming.size !== 1) return;
      replace.set(param, [...incoming][0]!);
      drop.push(i);
    });
    if (drop.length === 0) return;
    block.params = block.params.filter((_, i) => !drop.includes(i));
    for (const e of edges) e.args = e.args.filter((_, i) => !drop.includes(i));
  });
  substitute(func, replace);
  return replace.size > 0;
}
