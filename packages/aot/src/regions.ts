// Cuts discovered code into AOT regions, one per leader: the blocks reachable from the leader
// through branches, jumps and fall-through, not following calls (the callee is a leader of its
// own) and stopping at other leaders (reached through the jump cache instead). A region that
// hits the size limit makes the pcs it could not include leaders themselves ('split'), so
// every static exit of every region lands on a translation entry. A loop header reachable from
// two leaders without passing a third becomes a leader ('join'); other code reachable so (an
// epilogue after a call) is compiled into both. A loop header inside a region, where the region
// tests the instruction budget and may exit, gets a region of its own too ('resume'), so a run
// that leaves a long loop at a budget exit comes back into AOT code rather than the JIT's; these
// regions do not cut the others (they are planned last, and stop only at the other leaders).
// A switch's jump-table targets are leaders, yet also join the region of the jump through the
// table, where the lifter reaches them by compares (lift-riscv region.ts): an interpreter's
// dispatch loop then runs in one function instead of leaving through the jump cache per case.
// Invariant: regions are single-entry (blocks[0].pc is the leader) and listed in leader order,
// resume regions after the others.
import { DominatorTree, graphPredecessors, graphReversePostorder } from '@ferry/ir';
import { compareBigInt } from '@ferry/util';
import { discoverBlock, staticSuccessors, type GuestBlock } from '@ferry/lift-riscv';
import type { Discovery } from './discover.js';
import type { GuestImage } from './guest-image.js';
import { DEFAULT_REGION_LIMITS, type RegionLimits } from './options.js';

export interface AotRegion {
  entry: bigint;
  blocks: GuestBlock[];
  insns: number;
}

/** Static successors inside a function: a call's target is left out. */
function regionSuccessors(block: GuestBlock): bigint[] {
  const last = block.insns[block.insns.length - 1]!.decoded;
  if (last?.base === 'jal' && last.rd !== 0) return [];
  return staticSuccessors(block);
}

/** Join candidates: targets of backward branches and jumps (a target at or before its block),
 *  where a region may stop so that code two regions reach is compiled once, except a target
 *  inside a loop's body that is not the loop's header. A backward jump from code gcc moved out of
 *  line (bench_nbody: the slow-path call to __sqrt jumps back into its loop's body) is no loop's
 *  back edge; stopping there had cut the loop in two regions taking turns. Loops are natural
 *  loops (a back edge to a header that dominates it) of a flow graph that runs from a root to
 *  every function entry and every block no branch reaches, through switch tables, and from calls
 *  and system calls to the instruction after; its blocks are the regions' (cut where another
 *  block starts, falling through to it). */
function joinCandidates(discovery: Discovery, starts: Iterable<bigint>, blockAt: (pc: bigint) => GuestBlock | undefined): Set<bigint> {
  const blocks = [...starts].flatMap((pc) => blockAt(pc) ?? []);
  const node = new Map(blocks.map((b, i) => [b.pc, i + 1]));
  const edges = blocks.map(regionSuccessors);
  const flow: number[][] = [[]];
  const reached = new Uint8Array(blocks.length + 1);
  blocks.forEach((b, i) => {
    const out = edges[i]!.flatMap((pc) => node.get(pc) ?? []);
    const last = b.insns[b.insns.length - 1]!.decoded;
    const returns = last && (((last.base === 'jal' || last.base === 'jalr') && last.rd !== 0) || last.base === 'ecall');
    const next = returns ? node.get(b.end) : undefined;
    if (next !== undefined) out.push(next);
    for (const t of out) reached[t] = 1;
    flow.push(out);
  });
  blocks.forEach((b, i) => {
    if (!reached[i + 1] || discovery.functions.has(b.pc)) flow[0]!.push(i + 1);
  });
  const dom = new DominatorTree(flow);
  const preds = graphPredecessors(flow);
  const headers = new Set<number>();
  const inLoop = new Uint8Array(flow.length);
  const walked = new Int32Array(flow.length).fill(-1);
  let walk = 0;
  flow.forEach((out, source) => {
    for (const header of out) {
      if (!dom.dominates(header, source)) continue;
      headers.add(header);
      inLoop[header] = 1;
      // The loop's body: what reaches the back edge without passing the header.
      walk++;
      walked[header] = walked[source] = walk;
      const stack = header === source ? [] : [source];
      while (stack.length) {
        const n = stack.pop()!;
        inLoop[n] = 1;
        for (const p of preds[n]!) if (walked[p] !== walk) (walked[p] = walk), stack.push(p);
      }
    }
  });
  const targets = new Set<bigint>();
  blocks.forEach((b, i) => {
    for (const t of edges[i]!) {
      const k = node.get(t);
      if (t <= b.pc && (k === undefined || headers.has(k) || !inLoop[k])) targets.add(t);
    }
  });
  return targets;
}

export function planRegions(image: GuestImage, discovery: Discovery, limits: RegionLimits = DEFAULT_REGION_LIMITS): AotRegion[] {
  const { leaders } = discovery;
  // Blocks end where another block starts, so no instruction is lifted twice within a region.
  const starts = new Set<bigint>([...discovery.blocks.keys(), ...leaders.keys()]);
  const truncated = new Map<bigint, GuestBlock | undefined>();
  const blockAt = (pc: bigint): GuestBlock | undefined => {
    if (truncated.has(pc)) return truncated.get(pc);
    let block = discovery.blocks.get(pc) ?? discoverBlock(image.fetch, pc);
    const cut = block ? block.insns.findIndex((insn, k) => k > 0 && starts.has(insn.pc)) : -1;
    if (block && cut > 0) block = { pc, insns: block.insns.slice(0, cut), end: block.insns[cut]!.pc };
    const table = block && discovery.tableTargets.get(block.insns[block.insns.length - 1]!.pc);
    if (block && table) block = { ...block, indirectTargets: table };
    truncated.set(pc, block);
    return block;
  };
  const reach = (entry: bigint, visit?: (pc: bigint) => void): { blocks: GuestBlock[]; frontier: bigint[]; insns: number } => {
    const blocks: GuestBlock[] = [];
    const seen = new Set<bigint>([entry]);
    const queue = [entry];
    const frontier: bigint[] = [];
    let insns = 0;
    while (queue.length) {
      const pc = queue.shift()!;
      const block = blockAt(pc);
      if (!block) continue;
      if (blocks.length && (blocks.length >= limits.maxBlocks || insns + block.insns.length > limits.maxInsns)) {
        frontier.push(pc);
        continue;
      }
      blocks.push(block);
      visit?.(pc);
      insns += block.insns.length;
      for (const s of regionSuccessors(block)) {
        // A switch's cases join its region even though each is a leader ('jump-table') too.
        const joins = !leaders.has(s) || (leaders.get(s) === 'jump-table' && block.indirectTargets?.includes(s));
        if (seen.has(s) || !joins || !image.isExecutable(s)) continue;
        seen.add(s);
        queue.push(s);
      }
    }
    return { blocks, frontier, insns };
  };
  // Join candidates (loop headers, mostly) that two leaders reach without passing a third become
  // leaders, so a loop is compiled once and whole, inside the region of its header; repeat, since
  // a new leader changes what the others reach. Other shared code is compiled into each region
  // reaching it: making every join point a leader cut loops into one-block regions chained
  // through the jump cache (bench_lz's inner match loop ran as two regions taking turns).
  const candidates = joinCandidates(discovery, starts, blockAt);
  for (let round = 0; round < 4; round++) {
    const reachedBy = new Map<bigint, number>();
    for (const entry of leaders.keys()) reach(entry, (pc) => pc !== entry && reachedBy.set(pc, (reachedBy.get(pc) ?? 0) + 1));
    let added = 0;
    for (const [pc, n] of reachedBy) {
      if (n < 2 || leaders.has(pc) || !candidates.has(pc) || reach(pc).insns <= limits.duplicateBelow) continue;
      leaders.set(pc, 'join');
      added++;
    }
    if (!added) break;
  }
  const order = [...leaders.keys()].sort(compareBigInt);
  const regions: AotRegion[] = [];
  for (let i = 0; i < order.length; i++) {
    const entry = order[i]!;
    const { blocks, frontier, insns } = reach(entry);
    if (!blocks.length) continue;
    regions.push({ entry, blocks, insns });
    for (const pc of frontier) {
      if (leaders.has(pc)) continue;
      leaders.set(pc, 'split');
      order.push(pc);
    }
  }
  // Resume entries: the loop headers of each region, where the lifter keeps budget tests.
  const resume = new Set<bigint>();
  for (const region of regions) for (const pc of loopHeadersOf(region)) if (!leaders.has(pc)) resume.add(pc);
  const resumeRegions: AotRegion[] = [];
  for (const pc of [...resume].sort(compareBigInt)) {
    const { blocks, insns } = reach(pc);
    if (blocks.length) resumeRegions.push({ entry: pc, blocks, insns });
  }
  for (const pc of resume) leaders.set(pc, 'resume');
  return [...regions, ...resumeRegions];
}

/** The region's blocks other than its entry that a retreating edge reaches (an edge to a block no
 *  later in reverse postorder from the entry): the rule by which the lifter keeps budget tests. */
export function loopHeadersOf(region: AotRegion): bigint[] {
  const index = new Map(region.blocks.map((b, i) => [b.pc, i]));
  const succs = region.blocks.map((b) => regionSuccessors(b).flatMap((s) => (index.has(s) ? [index.get(s)!] : [])));
  const rank = new Int32Array(succs.length).fill(-1);
  graphReversePostorder(succs).forEach((b, i) => (rank[b] = i));
  const headers = new Set<bigint>();
  succs.forEach((targets, b) => {
    for (const t of targets) if (rank[b]! >= 0 && rank[t]! <= rank[b]! && t !== 0) headers.add(region.blocks[t]!.pc);
  });
  return [...headers];
}
