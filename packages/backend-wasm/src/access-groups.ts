// Groups of guest memory accesses that share one shadow-table lookup: accesses off one base value
// (`base + c`, c constant) within a chain of blocks that run one after another, whose bytes span
// at most GROUP_SPAN_LIMIT, such as a function's register saves off sp or the fields of a struct. emit.ts places the group's guard
// before the statement holding its first access; the guard checks once that the whole span lies
// in one page with the permissions every member needs, and keeps the span's host address in a
// local (0 when the check fails). A member then costs a test of that local and the access itself,
// at a constant offset from it; when the guard failed, each member takes its own checked access
// (guest-memory.ts). Alignment is no condition: wasm accesses may be misaligned, and the guard
// itself rules out page crossing (which is what a single access's alignment test stands for).
// Invariant: exact whatever the guard finds. Between the guard and a member only the chain's own
// instructions run, and nothing a block runs takes a permission away from a page (permissions
// change at exits: system calls, thread switches, installed code), so a page the guard saw
// allowed stays allowed; members the guard did not clear check themselves.
import { LOAD_CHECK, STORE_CHECK } from '@ferry/abi';
import { guestAccessOf, predecessors, type Definitions, type Func, type GuestAccess, type Inst, type Value } from '@ferry/ir';
import { compareBigInt } from '@ferry/util';
import type { SinkPlan } from './sinking.js';

/** A group takes members only this far apart: its guard fails for a base whose span would cross
 *  a page, which grows with the span (1024 bytes: a quarter of the bases, spread evenly). */
export const GROUP_SPAN_LIMIT = 1024;
/** Fewer members than this gain less than the guard costs (about as much as two lookups). */
export const GROUP_MIN_MEMBERS = 3;

export interface AccessGroup {
  /** The value the guard reads: one the first member reads anyway (its address, or the base its
   *  address adds to when that address is nested in it), so it is in a live local at the guard. */
  from: Value;
  /** The guard's address is from + delta: the lowest address of the group. */
  delta: bigint;
  /** Bytes from the guard's address to the end of the highest member. */
  span: number;
  /** The *_OK bits every member needs (abi LOAD_CHECK, STORE_CHECK or both). */
  check: number;
  /** Index of the group within its chain of blocks (which guard local it uses). */
  index: number;
}

export interface GroupPlan {
  /** Each grouped access: its group and its offset from the group's guard address. */
  members: Map<Inst, { group: AccessGroup; offset: number }>;
  /** Per block, per instruction index: the guards to emit before that instruction's statement. */
  guards: Map<number, Map<number, AccessGroup[]>>;
}

interface Candidate {
  inst: Inst;
  block: number;
  index: number;
  offset: bigint;
  access: GuestAccess;
}

/** Offset of the first byte after a candidate's access. */
const endOf = (c: Candidate): bigint => c.offset + BigInt(c.access.bytes);

/** Plans the groups of func, within chains of blocks that run one after another (a block that
 *  ends in a jump to a block with no other predecessor: the lifter ends a block after each store),
 *  skipping `skip`, blocks emitted inside another's slow path. `definitions`: each value's
 *  defining instruction. */
export function planAccessGroups(
  func: Func, definitions: Definitions, constants: ReadonlyMap<Value, Inst>, sinks: SinkPlan, skip: ReadonlySet<number>,
): GroupPlan {
  const plan: GroupPlan = { members: new Map(), guards: new Map() };
  const split = (address: Value): { base: Value; offset: bigint } => {
    const def = definitions[address];
    const c = def?.op === 'add.i64' ? constants.get(def.args[1]!) : undefined;
    return c?.op === 'iconst.i64' ? { base: def!.args[0]!, offset: BigInt.asIntN(64, BigInt(c.imm!)) } : { base: address, offset: 0n };
  };
  const inLocal = (v: Value) => !constants.has(v) && (sinks.consumer[v] ?? -1) < 0;

  for (const chain of chainsOf(func, skip)) {
    const byBase = new Map<Value, Candidate[]>();
    for (const b of chain) {
      func.blocks[b]!.insts.forEach((inst, index) => {
        const access = guestAccessOf(inst.op);
        if (!access || inst.imm !== undefined) return; // a page-cache slot keeps its own scheme
        const { base, offset } = split(inst.args[0]!);
        if (constants.has(base)) return;
        const list = byBase.get(base) ?? byBase.set(base, []).get(base)!;
        list.push({ inst, block: b, index, offset, access });
      });
    }
    let count = 0;
    for (const [base, candidates] of byBase) {
      if (candidates.length < GROUP_MIN_MEMBERS) continue;
      const members = densestWindow(candidates);
      if (members.length < GROUP_MIN_MEMBERS) continue;
      let start = members[0]!.offset;
      let end = start;
      for (const c of members) {
        if (c.offset < start) start = c.offset;
        if (endOf(c) > end) end = endOf(c);
      }
      const first = members[0]!;
      const address = first.inst.args[0]!;
      const from = inLocal(address) ? { from: address, delta: start - first.offset } : address !== base && inLocal(base) ? { from: base, delta: start } : undefined;
      if (!from) continue;
      const check = members.reduce((bits, c) => bits | (c.access.store ? STORE_CHECK : LOAD_CHECK), 0);
      const group: AccessGroup = { ...from, span: Number(end - start), check, index: count++ };
      for (const c of members) plan.members.set(c.inst, { group, offset: Number(c.offset - start) });
      const at = rootStatement(func.blocks[first.block]!.insts, first.index, sinks);
      const byIndex = plan.guards.get(first.block) ?? plan.guards.set(first.block, new Map()).get(first.block)!;
      (byIndex.get(at) ?? byIndex.set(at, []).get(at)!).push(group);
    }
  }
  return plan;
}

/** The function's blocks as chains: each block after the first in a chain is the sole successor
 *  of the one before (by a jump) and has no other predecessor, so a chain runs start to end. */
function chainsOf(func: Func, skip: ReadonlySet<number>): number[][] {
  const preds = predecessors(func);
  const next = (b: number): number | undefined => {
    const term = func.blocks[b]!.insts.at(-1)!;
    const t = term.op === 'jump' ? term.targets![0]!.block : undefined;
    return t !== undefined && preds[t]!.length === 1 && !skip.has(t) ? t : undefined;
  };
  const continues = new Set<number>();
  func.blocks.forEach((_, b) => {
    const n = skip.has(b) ? undefined : next(b);
    if (n !== undefined) continues.add(n);
  });
  const chains: number[][] = [];
  const seen = new Set<number>();
  const follow = (b: number) => {
    const chain: number[] = [];
    for (let at: number | undefined = b; at !== undefined && !seen.has(at); at = next(at)) {
      seen.add(at);
      chain.push(at);
    }
    chains.push(chain);
  };
  func.blocks.forEach((_, b) => !skip.has(b) && !continues.has(b) && follow(b));
  // Chains that are cycles have no start: begin anywhere.
  func.blocks.forEach((_, b) => !skip.has(b) && !seen.has(b) && follow(b));
  return chains;
}

/** The candidates whose offsets fit in the largest window of GROUP_SPAN_LIMIT bytes (the first
 *  such window when several tie), in block order. */
function densestWindow(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => compareBigInt(a.offset, b.offset));
  let best = { from: 0, to: 0 };
  let to = 0;
  for (let from = 0; from < sorted.length; from++) {
    if (to < from) to = from;
    while (to + 1 < sorted.length && endOf(sorted[to + 1]!) - sorted[from]!.offset <= GROUP_SPAN_LIMIT) to++;
    if (endOf(sorted[to]!) - sorted[from]!.offset > GROUP_SPAN_LIMIT) continue;
    if (to - from > best.to - best.from) best = { from, to };
  }
  const chosen = new Set(sorted.slice(best.from, best.to + 1));
  return candidates.filter((c) => chosen.has(c));
}

/** The index of the top-level statement that holds instruction `index` (itself, or the
 *  instruction it is nested in, transitively). */
function rootStatement(insts: readonly Inst[], index: number, sinks: SinkPlan): number {
  let at = index;
  for (;;) {
    const r = insts[at]!.result;
    const consumer = r >= 0 ? sinks.consumer[r]! : -1;
    if (consumer < 0) return at;
    at = consumer;
  }
}
