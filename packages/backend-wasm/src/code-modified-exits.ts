// The lifter follows every store with `brif codeModified != 0` to an exit block (lift-riscv
// region.ts). Only the store's slow path can set codeModified (the engine does, when the store hit
// translated code), so emit.ts moves the test and its exit into that slow path and the block jumps
// on: the fast path has no branch, and the exit block, left without predecessors, is emitted only
// there.
// Invariant: matched conservatively: the block ends store, the test, brif; the exit block has no
// other predecessor and uses no non-constant value defined after the store.
import { ExitCode } from '@ferry/abi';
import { predecessors, type Func, type Inst, type Value } from '@ferry/ir';

/** Rewrites func's blocks in place (the backend consumes the function): each matched block's
 *  test and brif become a jump onward. Returns each matched store and the exit block its slow
 *  path runs. `constants`: the function's constant-defining instructions, by value. */
export function moveCodeModifiedExits(func: Func, constants: ReadonlyMap<Value, Inst>): Map<Inst, number> {
  const moved = new Map<Inst, number>();
  // Predecessors of the original CFG, made at the first candidate (before any rewrite).
  let preds: number[][] | undefined;
  func.blocks.forEach((block) => {
    const insts = block.insts;
    const term = insts[insts.length - 1];
    if (term?.op !== 'brif') return;
    const [toExit, onward] = term.targets!;
    const exitBlock = func.blocks[toExit!.block]!;
    const exit = exitBlock.insts[exitBlock.insts.length - 1]!;
    if (exit.op !== 'exit' || Number(exit.imm) !== ExitCode.codeModified || toExit!.args.length) return;
    if ((preds ??= predecessors(func))[toExit!.block]!.length !== 1) return;
    const cond = insts.find((i) => i.result === term.args[0]);
    const read = cond?.op === 'ne.i64' ? insts.find((i) => i.result === cond.args[0]) : undefined;
    const zero = cond ? constants.get(cond.args[1]!) : undefined;
    if (read?.op !== 'get_slot' || read.imm !== 'codeModified' || zero === undefined || BigInt(zero.imm!) !== 0n) return;
    let store = -1;
    for (let i = insts.length - 2; i >= 0 && store < 0; i--) if (insts[i]!.op.startsWith('store.')) store = i;
    if (store < 0) return;
    for (let i = store + 1; i < insts.length - 1; i++) if (insts[i] !== cond && insts[i] !== read && !constants.has(insts[i]!.result)) return;
    // Constants are emitted where they are used, so only other values must exist at the store:
    // the exit block may not use the test or the slot read (all that follows the store).
    const late = (v: Value) => v === cond!.result || v === read.result;
    if (exitBlock.insts.some((i) => i.args.some(late))) return;
    moved.set(insts[store]!, toExit!.block);
    block.insts = [...insts.slice(0, -1).filter((i) => i !== cond && i !== read), { op: 'jump', args: [], targets: [onward!], result: -1 }];
  });
  return moved;
}
