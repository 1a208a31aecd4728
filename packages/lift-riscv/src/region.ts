// Discovery and lifting of straight-line blocks and multi-block regions for the JIT tiers.
// A block runs from its entry pc to the first instruction that ends a block (branch, jump, ecall,
// ebreak, fence.i, an undecodable word) or MAX_BLOCK_INSNS. A region is a set of blocks reached
// from one entry through static edges; branches between its blocks become IR jumps (loops stay
// inside one function), everything else leaves through goto_pc. Instruction accounting is IR:
// each block entry spends its length from StateSlot.budget (exiting with ExitCode.budget, before
// executing anything, when it runs out; inside a region only the entry and loop headers test it).
// In a region instret is derived, not counted: the function reads instret + budget once at its
// entry (their sum stays constant while blocks spend), and every exit and goto_pc stores instret =
// that sum - budget (a one-block function adds each block's length instead), minus what did not
// retire for an exit part-way through a block. So instret matches the interpreter at every exit
// (including the codeModified exit after a store that invalidated translated code, which is IR
// here too) and at every CSR read of it, and loops carry one counter.
import { ExitCode } from '@ferry/abi';
import { DominatorTree, newFunction, reversePostorder, successorLists, type Builder, type BlockId, type Func, type Inst, type Value } from '@ferry/ir';
import { decode, type Decoded } from '@ferry/isa-riscv';
import { compareBigInt } from '@ferry/util';
import { definingInst, exitIf } from './common.js';
import { resolveJumpTable, type CodeImage } from './jump-tables.js';
import { LIFTERS } from './lifters.js';
import type { LiftHints, Operands } from './operands.js';

export const MAX_BLOCK_INSNS = 64;

export interface GuestInsn {
  pc: bigint;
  size: 2 | 4;
  /** The instruction word as fetched (a compressed one in the low 16 bits, maybe more above). */
  word: number;
  /** undefined: the word does not decode (the instruction is illegal). */
  decoded: Decoded | undefined;
}

export interface GuestBlock {
  pc: bigint;
  insns: GuestInsn[];
  /** Address after the last instruction. */
  end: bigint;
  /** Where the block's final computed jump (`jr`) may go, when known statically (a switch's jump
   *  table, AOT discovery): static successors, and in a region the targets it holds are reached
   *  by compares instead of an exit. */
  indirectTargets?: readonly bigint[];
}

/** Reads the instruction word at pc (low 16 bits suffice for compressed ones); undefined when
 *  the address is not executable. */
export type FetchWord = (pc: bigint) => number | undefined;

export function discoverBlock(fetch: FetchWord, pc: bigint, maxInsns = MAX_BLOCK_INSNS): GuestBlock | undefined {
  const insns: GuestInsn[] = [];
  let at = pc;
  while (insns.length < maxInsns) {
    const word = fetch(at);
    if (word === undefined) break;
    const size = (word & 3) === 3 ? 4 : 2;
    const decoded = decode(word);
    insns.push({ pc: at, size, word, decoded });
    at += BigInt(size);
    if (!decoded || decoded.row.flags.endsBlock) break;
  }
  return insns.length ? { pc, insns, end: at } : undefined;
}

/** Static successors of a block: branch targets and fall-through (not indirect jumps). */
export function staticSuccessors(block: GuestBlock): bigint[] {
  const last = block.insns[block.insns.length - 1]!;
  const d = last.decoded;
  if (!d) return [];
  if (!d.row.flags.endsBlock) return [block.end];
  const target = last.pc + BigInt(d.imm);
  switch (d.base) {
    case 'beq': case 'bne': case 'blt': case 'bge': case 'bltu': case 'bgeu':
      return [target, block.end];
    case 'jal':
      return [target];
    case 'jalr':
      return d.rd === 0 && block.indirectTargets ? [...block.indirectTargets] : [];
    default:
      return [];
  }
}

/** The pc a call (jal with a link register) returns to, if the block ends in one. */
function returnPointOf(block: GuestBlock): bigint | undefined {
  const d = block.insns[block.insns.length - 1]!.decoded;
  return d?.base === 'jal' && d.rd !== 0 ? block.end : undefined;
}

/** Successors for region discovery: the static ones plus a call's return point, which the
 *  callee's return reaches (liftRegion checks returns against the region's return points). */
function regionSuccessors(block: GuestBlock): bigint[] {
  const ret = returnPointOf(block);
  return ret === undefined ? staticSuccessors(block) : [...staticSuccessors(block), ret];
}

/** Breadth-first from the entry through static edges and calls' return points, up to maxBlocks
 *  blocks / maxInsns instructions, then made reducible (reducibleRegion). With `code`, a switch's
 *  jump table found there gives its jr's targets (GuestBlock.indirectTargets) as edges too. */
export function discoverRegion(fetch: FetchWord, entry: bigint, maxBlocks = 32, maxInsns = 400, code?: CodeImage): GuestBlock[] {
  return reducibleRegion(breadthFirstRegion(fetch, entry, maxBlocks, maxInsns, code));
}

/** Loops that may enclose `pc`, outermost first: the blocks before pc that some block of a
 *  region discovered from pc branches back to (a retreating edge by address), ascending. The
 *  adaptive tier enters an optimized region at the first of them whose own region holds pc,
 *  instead of at pc (where a budget exit landed, often an inner loop's header), so a loop nest
 *  runs in one function rather than leaving and re-entering it once per outer iteration. (A
 *  candidate can also be a loop of a callee placed before pc; its region does not hold pc.) */
export function loopHeadersBefore(blocks: readonly GuestBlock[], pc: bigint): bigint[] {
  const headers = new Set<bigint>();
  for (const block of blocks) {
    for (const target of staticSuccessors(block)) if (target < pc && target <= block.pc) headers.add(target);
  }
  return [...headers].sort(compareBigInt);
}

function breadthFirstRegion(fetch: FetchWord, entry: bigint, maxBlocks: number, maxInsns: number, code: CodeImage | undefined): GuestBlock[] {
  const blocks: GuestBlock[] = [];
  const byEnd = new Map<bigint, GuestBlock>();
  const seen = new Set<bigint>([entry]);
  const queue = [entry];
  let insns = 0;
  while (queue.length && blocks.length < maxBlocks) {
    let block = discoverBlock(fetch, queue.shift()!);
    if (!block) continue;
    if (!byEnd.has(block.end)) byEnd.set(block.end, block);
    const table = code && resolveJumpTable(code, block, byEnd.get(block.pc), undefined);
    if (table) block = { ...block, indirectTargets: table.targets };
    if (blocks.length && insns + block.insns.length > maxInsns) break;
    blocks.push(block);
    insns += block.insns.length;
    for (const s of regionSuccessors(block)) if (!seen.has(s)) (seen.add(s), queue.push(s));
  }
  return blocks;
}

/** The region without the blocks that make its control flow irreducible. A region entered in the
 *  middle of a loop nest can hold a cycle with two ways in (the outer loop, entered both at its
 *  header and from the inner loop's exit): structured wasm has no loop for it, and the backend
 *  would fall back to one dispatch loop around the whole region, where every edge goes through a
 *  br_table and V8 keeps little in registers. Dropping the target of a retreating edge that is no
 *  back edge, one at a time, breaks such cycles (transfers to it leave the region instead); blocks
 *  no longer reachable from the entry go too. The entry dominates everything, so it always stays. */
export function reducibleRegion(blocks: readonly GuestBlock[]): GuestBlock[] {
  let region = [...blocks];
  for (;;) {
    const index = new Map(region.map((b, i) => [b.pc, i]));
    const succs = region.map((b) => [...new Set(regionSuccessors(b).flatMap((s) => (index.has(s) ? [index.get(s)!] : [])))]);
    const dom = new DominatorTree(succs);
    const rank = new Map(dom.rpo.map((b, i) => [b, i]));
    const irreducible = dom.rpo.flatMap((b) => succs[b]!.filter((t) => rank.get(t)! <= rank.get(b)! && !dom.dominates(t, b)));
    const kept = region.filter((_, i) => dom.isReachable(i) && i !== irreducible[0]);
    if (kept.length === region.length) return region;
    region = kept;
  }
}

/** An instruction's fields as constants, each made where the lifter first reads it, so the IR
 *  holds only the constants an instruction uses (an eager set of eight per instruction was over
 *  half of a lifted region, all of it dead code for the passes to drop). Lifters read each field
 *  first where it dominates its later reads (the lift filetests verify every row this way). */
class ConstantOperands implements Operands {
  private made: { [K in keyof Operands]?: Value } = {};
  constructor(
    private readonly b: Builder,
    private readonly insn: GuestInsn,
    readonly hints?: LiftHints,
  ) {}
  private field(key: keyof Operands, make: () => Value): Value {
    return (this.made[key] ??= make());
  }
  get pc(): Value {
    return this.field('pc', () => this.b.i64(this.insn.pc));
  }
  get next(): Value {
    return this.field('next', () => this.b.i64(this.insn.pc + BigInt(this.insn.size)));
  }
  get rd(): Value {
    return this.field('rd', () => this.b.i32(this.insn.decoded!.rd));
  }
  get rs1(): Value {
    return this.field('rs1', () => this.b.i32(this.insn.decoded!.rs1));
  }
  get rs2(): Value {
    return this.field('rs2', () => this.b.i32(this.insn.decoded!.rs2));
  }
  get rs3(): Value {
    return this.field('rs3', () => this.b.i32(this.insn.decoded!.rs3));
  }
  get imm(): Value {
    return this.field('imm', () => this.b.i64(this.insn.decoded!.imm));
  }
  get rm(): Value {
    return this.field('rm', () => this.b.i32(this.insn.decoded!.rm));
  }
}

/** The operands the JIT lifts a decoded instruction with: its fields as constants. */
export const constantOperands = (b: Builder, insn: GuestInsn, hints?: LiftHints): Operands => new ConstantOperands(b, insn, hints);

/** How a function keeps instret. Derived (regions): the sum instret + budget as of its entry, so
 *  loops carry only the budget. Counted (one-block functions, where a region's saving does not
 *  arise and the entry sum measured 8% slower in the baseline tier): each block adds its length.
 *  Either way, per exit that leaves part-way through a block, the instructions that did not
 *  retire (negative). */
interface InstretAccounting {
  entrySum: Value | undefined;
  shortfall: WeakMap<Inst, bigint>;
}

/** Derived accounting: reads instret + budget at the function's entry (the builder's current
 *  block, block 0). */
function derivedInstret(b: Builder): InstretAccounting {
  return { entrySum: b.bin('add', b.getSlot('instret'), b.getSlot('budget')), shortfall: new WeakMap() };
}

const countedInstret = (): InstretAccounting => ({ entrySum: undefined, shortfall: new WeakMap() });

const addToInstret = (b: Builder, delta: bigint) => b.setSlot('instret', b.bin('add', b.getSlot('instret'), b.i64(delta)));

/** Makes instret what has retired at this point, plus delta. Counted: instret already holds the
 *  whole block, so this adds delta (undo it with the opposite delta). */
function setInstret(b: Builder, counts: InstretAccounting, delta: bigint): void {
  if (counts.entrySum === undefined) {
    if (delta !== 0n) addToInstret(b, delta);
    return;
  }
  let retired = b.bin('sub', counts.entrySum, b.getSlot('budget'));
  if (delta !== 0n) retired = b.bin('add', retired, b.i64(delta));
  b.setSlot('instret', retired);
}

/** Sets instret before every exit and goto_pc left in the function (transfers resolved into
 *  jumps need none: so a loop carries only the budget). */
function setInstretAtExits(func: Func, b: Builder, counts: InstretAccounting): void {
  for (let id = 0; id < func.blocks.length; id++) {
    const insts = func.blocks[id]!.insts;
    const term = insts[insts.length - 1];
    if (!term || (term.op !== 'exit' && term.op !== 'goto_pc')) continue;
    const delta = counts.shortfall.get(term) ?? 0n;
    if (counts.entrySum === undefined && delta === 0n) continue;
    insts.pop();
    b.switchTo(id);
    setInstret(b, counts, delta);
    insts.push(term);
  }
}

/** Lifts one guest block at the builder's current block (which must be open). */
function liftBlockBody(b: Builder, block: GuestBlock, counts: InstretAccounting, hints?: LiftHints): void {
  const n = block.insns.length;
  // Budget: exit before executing anything when fewer than n instructions remain.
  const remaining = b.bin('sub', b.getSlot('budget'), b.i64(n));
  const out = b.createBlock();
  const go = b.createBlock();
  b.brif(b.cmp('lt_s', remaining, b.i64(0)), out, go);
  b.switchTo(out);
  b.exit(ExitCode.budget, b.i64(block.pc));
  b.switchTo(go);
  b.setSlot('budget', remaining);
  if (counts.entrySum === undefined) addToInstret(b, BigInt(n));

  const bodyStart = go; // the blocks from here on hold the instructions (and their exits)
  for (const [k, insn] of block.insns.entries()) {
    if (!insn.decoded) {
      b.exit(ExitCode.illegalInstruction, b.i64(insn.pc));
      const insts = b.func.blocks[b.current]!.insts;
      counts.shortfall.set(insts[insts.length - 1]!, BigInt(k + 1 - n));
      return;
    }
    // A CSR read of instret must see only the instructions before this one (plus itself, as T0 counts).
    const readsCounters = insn.decoded.base.startsWith('csrr');
    if (readsCounters) setInstret(b, counts, BigInt(k + 1 - n));
    LIFTERS[insn.decoded.base](b, constantOperands(b, insn, hints));
    if (readsCounters && counts.entrySum === undefined && !b.terminated) setInstret(b, counts, BigInt(n - k - 1));
    // A store that invalidated translated code (the engine sets codeModified in its slow path)
    // must not let this possibly stale block run on: leave right after it.
    if (insn.decoded.row.flags.store && !b.terminated) {
      exitIf(b, b.cmp('ne', b.getSlot('codeModified'), b.i64(0)), ExitCode.codeModified, b.i64(insn.pc));
    }
    if (b.terminated) break;
  }
  if (!b.terminated) b.gotoPc(b.i64(block.end));
  // Exits part-way through retire only the instructions up to the exiting one.
  const index = new Map(block.insns.map((insn, k) => [insn.pc, k]));
  for (let id = bodyStart; id < b.func.blocks.length; id++) {
    const insts = b.func.blocks[id]!.insts;
    const term = insts[insts.length - 1];
    if (!term || term.op !== 'exit') continue;
    const pc = constantValue(b.func, term.args[0]!);
    const k = pc === undefined ? undefined : index.get(pc);
    if (k === undefined || k === n - 1) continue;
    counts.shortfall.set(term, BigInt(k + 1 - n));
  }
}

/** The constant an i64 value was defined as: an iconst, or an add of two (a branch target is
 *  lifted as pc + imm, both constants in a region). */
export function constantValue(func: Func, v: number): bigint | undefined {
  const inst = definingInst(func, v);
  if (inst?.op === 'iconst.i64') return BigInt(inst.imm!);
  if (inst?.op !== 'add.i64') return undefined;
  const a = constantValue(func, inst.args[0]!);
  const c = a === undefined ? undefined : constantValue(func, inst.args[1]!);
  return a === undefined || c === undefined ? undefined : BigInt.asIntN(64, a + c);
}

/** One block as one function (the baseline tier). */
export function liftBlock(block: GuestBlock, hints?: LiftHints): Func {
  const { func, b } = newFunction(`block_${block.pc.toString(16)}`);
  const counts = countedInstret();
  liftBlockBody(b, block, counts, hints);
  splitConstantSelects(func, b);
  setInstretAtExits(func, b, counts);
  return func;
}

/** A conditional branch ends its block in goto_pc(select(cond, taken, next)); this makes it a
 *  brif to two blocks that each goto_pc one constant. In wasm each then has its own
 *  return_call_indirect, whose target the host CPU predicts per site: one shared site with two
 *  targets mispredicts (measured: adaptive bench_json, bench_sort -10%, bench_lz -8%). */
function splitConstantSelects(func: Func, b: Builder): void {
  const count = func.blocks.length;
  for (let id = 0; id < count; id++) {
    const insts = func.blocks[id]!.insts;
    const term = insts[insts.length - 1];
    if (term?.op !== 'goto_pc') continue;
    const sel = definingInst(func, term.args[0]!);
    if (sel?.op !== 'select.i64') continue;
    const [cond, taken, next] = sel.args as [number, number, number];
    const arms = [constantValue(func, taken), constantValue(func, next)];
    if (arms[0] === undefined || arms[1] === undefined) continue;
    const targets = arms.map((pc) => {
      const stub = b.createBlock();
      b.switchTo(stub);
      b.gotoPc(b.i64(pc!));
      return { block: stub, args: [] };
    });
    insts[insts.length - 1] = { op: 'brif', args: [cond], targets, result: -1 };
  }
}

/** The pcs, held by the region, where a computed jump may go, sorted: the targets of a switch's
 *  jump table, or the return point of a call (region.ts liftRegion). */
interface Dispatch {
  id: BlockId;
  pcs: bigint[];
}

/** Each dispatch's block, which ends in a computed goto_pc, finds the target by a tree of compares
 *  (compareTree) and jumps to it inside the region; a target not among its pcs still leaves
 *  through goto_pc. All are undone together when they would make the CFG irreducible (the backend
 *  would then run the whole region as a dispatch loop): the jumps leave as before. */
function dispatchInRegion(func: Func, b: Builder, dispatches: readonly Dispatch[], entryOf: ReadonlyMap<bigint, BlockId>): void {
  if (!dispatches.length) return;
  const count = func.blocks.length;
  const undo = dispatches.map(({ id, pcs }) => {
    const insts = func.blocks[id]!.insts;
    const term = insts.pop()!;
    const length = insts.length;
    b.switchTo(id);
    compareTree(b, term.args[0]!, pcs, entryOf);
    return { insts, length, term };
  });
  if (reducible(func)) return;
  for (const { insts, length, term } of undo) {
    insts.length = length;
    insts.push(term);
  }
  func.blocks.length = count;
}

/** True when the block ends in a goto_pc whose target is computed (not a constant). */
function endsInComputedGoto(func: Func, id: BlockId): boolean {
  const term = func.blocks[id]!.insts.at(-1)!;
  return term.op === 'goto_pc' && constantValue(func, term.args[0]!) === undefined;
}

/** At the builder's open block: jumps to entryOf(pc) when target equals one of pcs (sorted),
 *  else goto_pc target. */
function compareTree(b: Builder, target: Value, pcs: readonly bigint[], entryOf: ReadonlyMap<bigint, BlockId>): void {
  if (pcs.length <= 3) {
    for (const pc of pcs) {
      const miss = b.createBlock();
      b.brif(b.cmp('eq', target, b.i64(pc)), entryOf.get(pc)!, miss);
      b.switchTo(miss);
    }
    b.gotoPc(target);
    return;
  }
  const half = pcs.length >> 1;
  const low = b.createBlock();
  const high = b.createBlock();
  b.brif(b.cmp('lt_u', target, b.i64(pcs[half]!)), low, high);
  b.switchTo(low);
  compareTree(b, target, pcs.slice(0, half), entryOf);
  b.switchTo(high);
  compareTree(b, target, pcs.slice(half), entryOf);
}

/** True when every retreating edge of the function's CFG goes to a block dominating its source. */
function reducible(func: Func): boolean {
  const dom = new DominatorTree(func);
  const rank = new Map(dom.rpo.map((b, i) => [b, i]));
  const succs = successorLists(func);
  return dom.rpo.every((b) => succs[b]!.every((t) => rank.get(t)! > rank.get(b)! || dom.dominates(t, b)));
}

/** A region as one function: its first block is the entry; transfers to a constant pc that
 *  starts one of its blocks become jumps, so loops stay inside the function. */
export function liftRegion(blocks: readonly GuestBlock[], hints?: LiftHints): Func {
  const { func, b } = newFunction(`region_${blocks[0]!.pc.toString(16)}`);
  // Block 0 only jumps to the entry guest block, so every guest block (the entry included) can be
  // the target of a loop edge.
  const entryOf = new Map<bigint, BlockId>();
  const starts: BlockId[] = [];
  for (const block of blocks) {
    const id = b.createBlock();
    starts.push(id);
    entryOf.set(block.pc, id);
  }
  const counts = derivedInstret(b);
  b.jump(starts[0]!);
  // Lift each guest block into its IR block; its entry is jumped to from block 0 when needed.
  const tableJumps: { id: BlockId; targets: readonly bigint[] }[] = [];
  blocks.forEach((block, i) => {
    b.switchTo(starts[i]!);
    liftBlockBody(b, block, counts, hints);
    if (block.indirectTargets?.length) tableJumps.push({ id: b.current, targets: block.indirectTargets });
  });
  splitConstantSelects(func, b);
  // Resolve goto_pc to constants inside the region into jumps, and let a computed goto_pc (a
  // return) that lands on a return point of a call in the region jump there too.
  for (let id = 0; id < func.blocks.length; id++) {
    const insts = func.blocks[id]!.insts;
    const term = insts[insts.length - 1]!;
    if (term.op !== 'goto_pc') continue;
    const k = constantValue(func, term.args[0]!);
    if (k !== undefined && entryOf.has(k)) insts[insts.length - 1] = { op: 'jump', args: [], targets: [{ block: entryOf.get(k)!, args: [] }], result: -1 };
  }
  // A switch's jump reaches the cases the region holds by compares (the whole dispatch loop of an
  // interpreter then stays in one function, its registers in locals).
  dispatchInRegion(func, b, tableJumps.flatMap(({ id, targets }) => {
    const pcs = [...new Set(targets)].filter((pc) => entryOf.has(pc)).sort(compareBigInt);
    return pcs.length && endsInComputedGoto(func, id) ? [{ id, pcs }] : [];
  }), entryOf);
  // A computed transfer (a return) is compared with the return point of the innermost call that
  // dominates it, its callee's caller: guarding others (the function's own ret) would add edges
  // that make the CFG irreducible.
  const calls = blocks.flatMap((block) => {
    const ret = returnPointOf(block);
    return ret !== undefined && entryOf.has(ret) ? [{ call: entryOf.get(block.pc)!, ret }] : [];
  });
  const dom = calls.length ? new DominatorTree(func) : undefined;
  const returns: Dispatch[] = [];
  for (let id = 0; dom && id < func.blocks.length; id++) {
    if (!endsInComputedGoto(func, id)) continue;
    // The innermost call dominating the transfer (dominating calls form a chain): its callee returns here.
    const enclosing = calls.filter((c) => dom.dominates(c.call, id));
    const innermost = enclosing.find((c) => enclosing.every((o) => dom.dominates(o.call, c.call)));
    if (innermost) returns.push({ id, pcs: [innermost.ret] });
  }
  // The return edges can make the CFG irreducible (discovery saw a call-to-return-point edge
  // instead): then the returns stay unguarded (they exit, as before).
  dispatchInRegion(func, b, returns, entryOf);
  setInstretAtExits(func, b, counts);
  testBudgetAtLoopHeadersOnly(func, starts);
  return func;
}

/** Every guest block spends its length from the budget, but inside a region only the entry and
 *  loop headers (targets of retreating edges: an edge to a block no later in reverse postorder,
 *  which every cycle has) test it: the budget then runs at most one loop iteration past zero
 *  before an exit, and a region still cannot run on unboundedly. The other blocks' tests become a
 *  constant false branch (const-fold and dce remove it). Budget exits still retire nothing, so
 *  instret stays exact. */
function testBudgetAtLoopHeadersOnly(func: Func, starts: readonly BlockId[]): void {
  const succs = successorLists(func);
  const rank = new Map(reversePostorder(func, succs).map((b, i) => [b, i]));
  const headers = new Set<BlockId>();
  for (const [b, i] of rank) for (const s of succs[b]!) if (rank.get(s)! <= i) headers.add(s);
  starts.forEach((id, i) => {
    if (i === 0 || headers.has(id)) return;
    const insts = func.blocks[id]!.insts;
    const term = insts[insts.length - 1]!;
    if (term.op !== 'brif') throw new Error(`internal error: guest block ${id} of ${func.name} does not start with its budget test`);
    const never = func.newValue('i32', id);
    insts.splice(insts.length - 1, 0, { op: 'iconst.i32', args: [], imm: 0, result: never });
    term.args[0] = never;
  });
}
