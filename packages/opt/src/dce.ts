// dce: removes blocks unreachable from block0, then instructions whose results are unused and
// that have no effect (pure ops and reads of guest state; loads stay, as they may fault).
// Invariant: every instruction with an observable effect, and every terminator, is kept.
import { reversePostorder, type Func, type Inst } from '@ferry/ir';
import { isPure, removeBlocks, useCounts } from './func-edit.js';

/** Results of these may be dropped when unused: reading a register or slot has no effect. */
const removableWhenUnused = (inst: Inst): boolean =>
  isPure(inst) || inst.op === 'get_xreg' || inst.op === 'get_freg' || inst.op === 'get_slot';

export function dce(func: Func): boolean {
  const reachable = new Set(reversePostorder(func));
  let changed = removeBlocks(func, (b) => reachable.has(b));
  const uses = useCounts(func);
  // Walk blocks in postorder and each block backwards, so a chain of dead instructions (uses after
  // definitions) goes in one sweep.
  for (const b of reversePostorder(func).reverse()) {
    const block = func.blocks[b]!;
    const kept: Inst[] = [];
    for (let i = block.insts.length - 1; i >= 0; i--) {
      const inst = block.insts[i]!;
      if (inst.result >= 0 && (uses.get(inst.result) ?? 0) === 0 && removableWhenUnused(inst)) {
        for (const a of inst.args) uses.set(a, uses.get(a)! - 1);
        changed = true;
        continue;
      }
      kept.push(inst);
    }
    block.insts = kept.reverse();
  }
  return changed;
}
