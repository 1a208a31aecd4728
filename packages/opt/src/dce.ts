// dce: removes blocks unreachable from block0, then instructions whose results are unused and
// that have no effect (pure ops and reads of guest state; loads stay, as they may fault).
// Invariant: every instruction with an observable effect, and every terminator, is kept.
import { reversePostorder, type Func, type Inst } from '@ferry/ir';
import { isPure, removeBlocks, useCounts } from './func-edit.js';

/** Results of these may be dropped when unused: reading a register or slot has no effect. */
const removableWhenUnused = (inst: Inst): boolean =>
  isPure(inst) || inst.op === 'get_xreg' || inst.op === 'get_freg' || inst.op === 'get_slot';

export function dce(func: Func): boolean {
  const reachableOrder = reversePostorder(func);
  const reachable = new Uint8Array(func.blocks.length);
  for (const b of reachableOrder) reachable[b] = 1;
  const removedBlocks = removeBlocks(func, (b) => reachable[b] === 1);
  let changed = removedBlocks;
  const uses = useCounts(func);
  // Walk blocks in postorder and each block backwards, so a chain of dead instructions (uses after
  // definitions) goes in one sweep.
  const order = removedBlocks ? reversePostorder(func) : reachableOrder;
  for (let k = order.length - 1; k >= 0; k--) {
    const block = func.blocks[order[k]!]!;
    const insts = block.insts;
    let kept: Inst[] | undefined;
    for (let i = insts.length - 1; i >= 0; i--) {
      const inst = insts[i]!;
      if (inst.result >= 0 && uses[inst.result] === 0 && removableWhenUnused(inst)) {
        for (const a of inst.args) uses[a]!--;
        kept ??= insts.slice(i + 1).reverse();
        changed = true;
        continue;
      }
      kept?.push(inst);
    }
    if (kept !== undefined) block.insts = kept.reverse();
  }
  return changed;
}
