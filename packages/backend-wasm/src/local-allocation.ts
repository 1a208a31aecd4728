// Assigns the IR values emit.ts keeps in wasm locals to as few locals as is safe (linear scan by
// type). A value's live range is the span of positions, in the order the code is emitted, from
// its first to its last access (a block parameter is written on every edge into its block),
// widened to a whole loop when it is accessed both inside and outside that loop. A block that
// emit.ts emits inside an instruction (a store's codeModified exit, moved into its slow path) is
// accessed at that instruction, right after it.
// Invariant: two values share a local only when their ranges are disjoint and their types are
// equal. Every value is written before any read on every path (SSA definitions dominate uses;
// parameters are written on every in-edge), so no shared local is read relying on wasm's zero.
import type { BlockId, Func, Inst, Type, Value } from '@ferry/ir';
import type { SinkPlan } from './sinking.js';
import type { CfgLayout } from './structure.js';

export interface LocalAssignment {
  /** Per value: its slot (an index into slotTypes); -1 or undefined when it needs none. */
  slotOf: number[];
  slotTypes: Type[];
}

/** A live range in emitted positions: instruction k of the layout reads its operands at 2k and
 *  writes its result at 2k + 1; a terminator's edge copies read and write at 2k. */
export interface LiveRange {
  value: Value;
  type: Type;
  start: number;
  end: number;
}

/**
 * `needsLocal(v)`: whether v, when accessed, lives in a local (not a constant or an input).
 * Values nested by the sink plan and results never used get no slot.
 */
export function allocateLocals(
  func: Func, layout: Pick<CfgLayout, 'order' | 'loops' | 'irreducible'>, plan: SinkPlan, needsLocal: (v: Value) => boolean,
  /** Blocks emitted inside an instruction rather than in the layout (no predecessors of their own). */
  inlined?: ReadonlyMap<Inst, BlockId>,
): LocalAssignment {
  const ranges = liveRanges(func, layout, plan, needsLocal, inlined);
  return assignSlots(ranges, layout.irreducible);
}

/** First and last access positions per value, reused across calls (liveRanges re-enters nothing). */
let work = new Int32Array(0);

export function liveRanges(
  func: Func, layout: Pick<CfgLayout, 'order' | 'loops'>, plan: SinkPlan, needsLocal: (v: Value) => boolean,
  inlined?: ReadonlyMap<Inst, BlockId>,
): LiveRange[] {
  const count = func.values.length;
  if (work.length < 2 * count) work = new Int32Array(2 * count + 1024);
  const first = work.subarray(0, count).fill(-1);
  const last = work.subarray(count, 2 * count);
  const touched: Value[] = [];
  const touch = (v: Value, at: number) => {
    // Nested instructions run at their statement, so positions do not come in order.
    if (first[v] === -1) {
      first[v] = at;
      last[v] = at;
      touched.push(v);
    } else if (at < first[v]!) first[v] = at;
    else if (at > last[v]!) last[v] = at;
  };
  const blockStart: number[] = [];
  let position = 0;
  const root: number[] = [];
  for (const b of layout.order) {
    const insts = func.blocks[b]!.insts;
    blockStart.push(position);
    // A nested instruction runs where the statement it ends up in runs.
    root.length = insts.length;
    for (let i = insts.length - 1; i >= 0; i--) {
      const r = insts[i]!.result;
      const c = r >= 0 ? plan.consumer[r]! : -1;
      root[i] = c >= 0 ? root[c]! : i;
    }
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      const at = 2 * (position + root[i]!);
      for (const a of inst.args) touch(a, at);
      if (inst.result >= 0 && root[i] === i && plan.uses[inst.result]! > 0) touch(inst.result, at + 1);
      for (const t of inst.targets ?? []) {
        for (const a of t.args) touch(a, at);
        for (const p of func.blocks[t.block]!.params) if (plan.uses[p]! > 0) touch(p, at);
      }
      // Code emitted inside this instruction runs after it: everything it reads or writes is live
      // there together (nested values are skipped below, as elsewhere).
      const inner = inlined?.get(inst);
      if (inner !== undefined) {
        for (const x of func.blocks[inner]!.insts) {
          for (const a of x.args) touch(a, at + 1);
          if (x.result >= 0 && plan.uses[x.result]! > 0) touch(x.result, at + 1);
        }
      }
    }
    position += insts.length;
  }
  blockStart.push(position);
  // Loops innermost first: widening over an inner loop can only make an outer one partial.
  const loops = layout.loops
    .map(({ first: f, last: l }) => ({ start: 2 * blockStart[f]!, end: 2 * blockStart[l + 1]! - 1 }))
    .sort((a, b) => a.end - a.start - (b.end - b.start));
  const ranges: LiveRange[] = [];
  for (const v of touched) {
    if (plan.consumer[v]! >= 0 || !needsLocal(v)) continue;
    let start = first[v]!;
    let end = last[v]!;
    for (const loop of loops) {
      const inside = start >= loop.start && end <= loop.end;
      const disjoint = end < loop.start || start > loop.end;
      if (!inside && !disjoint) {
        start = Math.min(start, loop.start);
        end = Math.max(end, loop.end);
      }
    }
    ranges.push({ value: v, type: func.typeOf(v), start, end });
  }
  return ranges;
}

/** Linear scan: ranges by start, each into the first free slot of its type. `separate` gives
 *  every range its own slot (a CFG whose positions say nothing about liveness). */
export function assignSlots(ranges: LiveRange[], separate = false): LocalAssignment {
  const slotTypes: Type[] = [];
  const freeAfter: number[] = [];
  let maxValue = -1;
  for (const r of ranges) maxValue = Math.max(maxValue, r.value);
  const slotOf = new Array<number>(maxValue + 1).fill(-1);
  const sorted = separate ? ranges : ranges.sort((a, b) => a.start - b.start || a.value - b.value);
  for (const r of sorted) {
    let slot = -1;
    if (!separate) {
      for (let s = 0; s < slotTypes.length; s++) {
        if (slotTypes[s] === r.type && freeAfter[s]! < r.start) {
          slot = s;
          break;
        }
      }
    }
    if (slot < 0) {
      slot = slotTypes.push(r.type) - 1;
      freeAfter.push(0);
    }
    freeAfter[slot] = r.end;
    slotOf[r.value] = slot;
  }
  return { slotOf, slotTypes };
}
