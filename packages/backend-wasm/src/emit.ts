// Lowers one IR function to a wasm expression (through builder.ts) inside a wasm function the caller owns.
// A value used once in its own block is nested in its use when sinking.ts allows; every other
// non-constant value lives in a wasm local shared with values of disjoint live range
// (local-allocation.ts); constants are rematerialized at each use. Forward-only CFGs (all lifted
// instructions) become nested blocks; cyclic ones (JIT regions) are structured with loops by
// structure.ts. Block parameters become locals set on the edges. goto_pc and exit are lowered by the
// caller's context, which is what lets the same IR serve the T0 interpreter and the JIT tiers.
// Invariant: written against builder.ts only, so it serves binaryen and the wasm writer alike.
import { STATE_BASE, StateSlot, xregOffset, fregOffset, type HelperName, type StateSlotName } from '@ferry/abi';
import { definitions, graphBlocksInCycles, OPS, successorLists, type Definitions, type Func, type Inst, type Target, type Type, type Value } from '@ferry/ir';
import { valueType, type ExpressionBuilder, type ExpressionRef, type ModuleBuilder, type TypeRef } from './builder.js';
import { planAccessGroups, type AccessGroup, type GroupPlan } from './access-groups.js';
import { moveCodeModifiedExits } from './code-modified-exits.js';
import { emitGroupGuard, emitGroupedLoad, emitGroupedStore, emitLoad, emitStore, type LoadKind, type PageCache } from './guest-memory.js';
import { allocateLocals, type LocalAssignment } from './local-allocation.js';
import { RegisterForwarding } from './register-forwarding.js';
import { andLeaves } from './short-circuit.js';
import { countUses, planSinking, type SinkPlan } from './sinking.js';
import { layoutCfg, structureCfg, type CfgLayout } from './structure.js';

export interface BodyContext {
  /** The expression for the function's i-th input (an entry-block parameter). */
  param(index: number): ExpressionRef;
  /** Continue guest execution at `target` (an i64 expression; `constant` is its value when the IR
   *  knows it). */
  gotoPc(target: ExpressionRef, constant?: bigint): ExpressionRef;
  /** Return to the runtime with an abi exit code; `pc` is the i64 address of the exiting instruction. */
  exit(code: number, pc: ExpressionRef): ExpressionRef;
  /** Override reads of a state slot (T0 derives instret from its budget); undefined = plain load. */
  readSlot?(slot: StateSlotName): ExpressionRef | undefined;
  /** Allocate a fresh local in the enclosing wasm function; returns its index. */
  addLocal(type: TypeRef): number;
  /** Keep guest registers accessed with constant numbers in wasm locals: loaded on entry, written
   *  back before every goto_pc and exit (JIT regions; the state block is then stale in between). */
  promoteRegisters?: boolean;
  /** One local per value and nothing nested: cheapest to emit (the baseline tier, whose compile
   *  time is mostly its JavaScript running cold, and whose small functions run no faster with it). */
  plainLocals?: boolean;
  /** Let accesses near each other off one base share one shadow-table lookup (access-groups.ts). */
  groupAccesses?: boolean;
  /** Read a guest register set or read earlier in the block (or in the chain of single-predecessor
   *  blocks leading to it) from the local of that value instead of the state block. Every write
   *  still stores, so the state block stays exact at exits. For code that runs no IR passes (the
   *  baseline tier): reg-forward does the same and more in the optimizing pipeline. */
  forwardRegisters?: boolean;
}

/** State slots a JIT region keeps in locals with the registers. Invariant: no runtime helper
 *  reads or writes them while translated code runs, except store_slow, which may set codeModified
 *  (reloaded after it), and serve_exit, which runs only after the write-back at an exit; a guest
 *  fault raised in a helper ends the run, so it sees instret as of the region's entry. */
const PROMOTED_SLOTS: ReadonlySet<StateSlotName> = new Set(['budget', 'instret', 'codeModified']);
/** cellOf's answer for a register access whose number is not a constant (no promotion then). */
const RUN_TIME_REGISTER = -1;

/** Per block: whether it lies on a cycle of the CFG (it can reach itself). */
function blocksInCycles(func: Func): boolean[] {
  return graphBlocksInCycles(successorLists(func));
}

export function emitFunctionBody(mb: ModuleBuilder, func: Func, ctx: BodyContext): ExpressionRef {
  return new BodyEmitter(mb, func, ctx).emit();
}

const INT_OPS: Record<string, string> = {
  add: 'add', sub: 'sub', mul: 'mul', and: 'and', or: 'or', xor: 'xor', shl: 'shl', shr_u: 'shr_u', shr_s: 'shr_s',
  rotl: 'rotl', rotr: 'rotr', div_s: 'div_s', div_u: 'div_u', rem_s: 'rem_s', rem_u: 'rem_u', eq: 'eq', ne: 'ne',
  lt_s: 'lt_s', lt_u: 'lt_u', le_s: 'le_s', le_u: 'le_u', gt_s: 'gt_s', gt_u: 'gt_u', ge_s: 'ge_s', ge_u: 'ge_u',
  clz: 'clz', ctz: 'ctz', popcnt: 'popcnt', eqz: 'eqz',
};
const FLOAT_OPS: Record<string, string> = { fadd: 'add', fsub: 'sub', fmul: 'mul', fdiv: 'div', fmin: 'min', fmax: 'max', fsqrt: 'sqrt',
  feq: 'eq', flt: 'lt', fle: 'le', fabs: 'abs', fneg: 'neg' };
const CONSTANT_OPS: ReadonlySet<string> = new Set(['iconst.i32', 'iconst.i64', 'fconst.f32', 'fconst.f64']);

/** An op name taken apart once: the lifter builds names by concatenation, so splitting and
 *  comparing them per instruction costs more than this lookup (the baseline tier lowers hundreds
 *  of instructions per millisecond of guest code it compiles). */
interface OpParts {
  family: string;
  type: string | undefined;
  /** The builder method of an integer or float arithmetic op: m[type][method]. */
  method: string | undefined;
  constant: boolean;
}
const OP_PARTS = new Map<string, OpParts>();

function partsOf(op: string): OpParts {
  let parts = OP_PARTS.get(op);
  if (parts === undefined) {
    const [family, type] = op.split('.') as [string, string | undefined];
    const table = type === 'i32' || type === 'i64' ? INT_OPS : type === 'f32' || type === 'f64' ? FLOAT_OPS : undefined;
    const method = table && Object.hasOwn(table, family) ? table[family] : undefined;
    parts = { family, type, method, constant: CONSTANT_OPS.has(op) };
    OP_PARTS.set(op, parts);
  }
  return parts;
}

class BodyEmitter {
  private readonly m: ExpressionBuilder;
  /** Locals of values the allocator gave no slot (e.g. an entry parameter written on a back edge). */
  private readonly locals = new Map<Value, number>();
  private readonly constants = new Map<Value, Inst>();
  private readonly entryParams = new Map<Value, number>();
  private readonly sinks: SinkPlan;
  private assignment?: LocalAssignment;
  /** The wasm local of each allocation slot, added on first use. */
  private readonly slotLocals: number[] = [];
  /** Temporaries of parallel edge copies, per type: written and read inside one copy only. */
  private readonly copyTemps = new Map<Type, number[]>();
  private scratch?: { address: number; entry: number; value: number };
  /** Locals of each page-cache slot named by a memory op's `page N` immediate. */
  private readonly pageCaches = new Map<number, PageCache>();

  /** Register values known along chains of blocks (BodyContext.forwardRegisters). */
  private readonly forwarding?: RegisterForwarding;

  /** Stores whose codeModified exit runs in their slow path, and the exit block it runs. */
  private readonly storeExits: ReadonlyMap<Inst, number>;
  /** Accesses sharing one shadow-table lookup, when the context asks for it. */
  private readonly groups?: GroupPlan;
  /** The host-address local of the k-th group of a chain of blocks (groups live within it). */
  private readonly groupHosts: number[] = [];

  constructor(private readonly mb: ModuleBuilder, private readonly func: Func, private readonly ctx: BodyContext) {
    this.m = mb.m;
    func.params.forEach((v, i) => this.entryParams.set(v, i));
    for (const block of func.blocks) for (const inst of block.insts) if (partsOf(inst.op).constant) this.constants.set(inst.result, inst);
    this.storeExits = moveCodeModifiedExits(func, this.constants);
    this.sinks = ctx.plainLocals ? countUses(func) : planSinking(func, this.constants);
    if (ctx.groupAccesses && !ctx.plainLocals) this.groups = planAccessGroups(func, this.definitions, this.constants, this.sinks, new Set(this.storeExits.values()));
    if (ctx.forwardRegisters) this.forwarding = new RegisterForwarding(func);
  }

  /** Per value, its defining instruction (made on first use, after moveCodeModifiedExits). */
  private defs?: Definitions;
  private get definitions(): Definitions {
    return (this.defs ??= definitions(this.func));
  }

  private groupHost(group: AccessGroup): number {
    return (this.groupHosts[group.index] ??= this.ctx.addLocal(this.mb.types.i32));
  }

  /** The guard of a group: base + start checked once for the group's whole span. */
  private groupGuard(group: AccessGroup): ExpressionRef {
    const m = this.m;
    const from = this.use(group.from);
    const first = group.delta === 0n ? from : m.i64.add(from, m.i64.const(group.delta));
    return emitGroupGuard(this.mb, this.scratchLocals(), this.groupHost(group), first, group.span, group.check);
  }

  /** The slow path's tail of a store: its codeModified exit when it has one moved here, else the
   *  reload of a promoted codeModified. */
  private afterSlowStore(inst: Inst): ExpressionRef | undefined {
    const exitBlock = this.storeExits.get(inst);
    if (exitBlock === undefined) return this.reloadCodeModified();
    const m = this.m;
    const modified = m.i64.ne(m.i64.load(STATE_BASE + StateSlot.codeModified, 8, m.i32.const(0)), m.i64.const(0n));
    return m.if(modified, m.block(null, this.blockCode(exitBlock)));
  }

  /** Lays out the locals for code emitted in `layout`'s block order. */
  private allocate(layout: Pick<CfgLayout, 'order' | 'loops' | 'irreducible'>): void {
    if (this.ctx.plainLocals) return;
    this.assignment = allocateLocals(this.func, layout, this.sinks, (v) => !this.constants.has(v) && !this.entryParams.has(v), this.storeExits);
  }

  emit(): ExpressionRef {
    const prologue = this.ctx.promoteRegisters ? this.promote() : [];
    if (this.promoted?.written.size) this.prepareTails();
    const blocks = this.func.blocks;
    let body: ExpressionRef;
    const forwardOnly = blocks.every((b, i) => (b.insts[b.insts.length - 1]!.targets ?? []).every((t) => t.block > i));
    if (forwardOnly) {
      this.allocate({ order: blocks.map((_, i) => i), loops: [], irreducible: false });
      body = blocks.length === 1 ? this.m.block(null, this.blockCode(0)) : this.emitForward();
    } else {
      const layout = layoutCfg(this.func);
      this.allocate(layout);
      body = this.emitStructured(layout);
    }
    if (this.tails) body = this.withTails(body);
    return prologue.length ? this.m.block(null, [...prologue, body]) : body;
  }

  /** With promoted registers, every way out of the function (each exit code, goto_pc to each
   *  constant pc, and goto_pc to a computed pc) is emitted once, after the body: the write-back of
   *  the written registers is the same at every exit, and a region has hundreds of exits but a
   *  handful of exit codes. A leaving instruction sets the pc or target local (unless the target is
   *  constant) and branches to its tail. A constant target has a tail of its own so that its
   *  return_call_indirect is a call site with one target, which the host CPU predicts. */
  private tails?: { pc: number; exits: Map<number, string>; goto: string | undefined; gotoConst: Map<bigint, string> };

  private constantTarget(gotoPc: Inst): bigint | undefined {
    const k = this.constants.get(gotoPc.args[0]!);
    return k?.op === 'iconst.i64' ? BigInt(k.imm!) : undefined;
  }

  private prepareTails(): void {
    const exits = new Map<number, string>();
    const gotoConst = new Map<bigint, string>();
    let goto: string | undefined;
    for (const block of this.func.blocks) {
      for (const inst of block.insts) {
        if (inst.op === 'exit' && !exits.has(Number(inst.imm))) exits.set(Number(inst.imm), this.mb.uniqueLabel('exit'));
        if (inst.op === 'goto_pc') {
          const k = this.constantTarget(inst);
          if (k === undefined) goto ??= this.mb.uniqueLabel('goto');
          else if (!gotoConst.has(k)) gotoConst.set(k, this.mb.uniqueLabel('goto'));
        }
      }
    }
    this.tails = { pc: this.ctx.addLocal(this.mb.types.i64), exits, goto, gotoConst };
  }

  /** body, wrapped in one labelled block per tail; each tail's code follows its block. */
  private withTails(body: ExpressionRef): ExpressionRef {
    const m = this.m;
    const { pc, exits, goto, gotoConst } = this.tails!;
    const pcValue = () => m.local.get(pc, this.mb.types.i64);
    const tails: { label: string; code: ExpressionRef }[] = [...exits].map(([code, label]) => ({ label, code: this.leave(this.ctx.exit(code, pcValue())) }));
    if (goto !== undefined) tails.push({ label: goto, code: this.leave(this.ctx.gotoPc(pcValue())) });
    for (const [k, label] of gotoConst) tails.push({ label, code: this.leave(this.ctx.gotoPc(m.i64.const(k), k)) });
    let nested = body;
    for (const t of tails) nested = m.block(null, [m.block(t.label, [nested]), t.code]);
    return nested;
  }

  /** State cells held in locals, by offset in the state block (x registers 0..31 at 8 * n, f
   *  registers 32..63 at 8 * n, and the PROMOTED_SLOTS), and which of them are written. */
  private promoted?: { local: Map<number, number>; written: Set<number> };

  /** The state cell an instruction reads or writes: its offset in the state block for a register
   *  with a constant number (x0 excluded) or a PROMOTED_SLOTS slot, RUN_TIME_REGISTER for a
   *  register numbered at run time, undefined otherwise. */
  private cellOf(inst: Inst): number | undefined {
    if (inst.op === 'get_slot' || inst.op === 'set_slot') {
      return PROMOTED_SLOTS.has(inst.imm as StateSlotName) ? StateSlot[inst.imm as StateSlotName] : undefined;
    }
    if (inst.op !== 'get_xreg' && inst.op !== 'set_xreg' && inst.op !== 'get_freg' && inst.op !== 'set_freg') return undefined;
    const c = this.constants.get(inst.args[0]!);
    if (!c) return RUN_TIME_REGISTER;
    const reg = Number(c.imm) + (inst.op.endsWith('freg') ? 32 : 0);
    return reg === 0 ? undefined : reg * 8;
  }

  /** The local holding the cell the instruction accesses, when that cell is promoted. */
  private promotedLocal(inst: Inst): number | undefined {
    if (!this.promoted) return undefined;
    const cell = this.cellOf(inst);
    return cell === undefined ? undefined : this.promoted.local.get(cell);
  }

  /** Sets up promotion when every register access uses a constant number; returns the loads of
   *  the promoted cells. Only cells accessed inside a loop of the function are promoted: they are
   *  loaded at entry and stored at every exit, which pays only when the loop runs them many times
   *  (reg-forward has already removed the redundant accesses of straight-line code, and a region
   *  entered and left after a few blocks would spend more on the loads and stores than it saves). */
  private promote(): ExpressionRef[] {
    const inLoop = blocksInCycles(this.func);
    const used = new Set<number>();
    const set = new Set<number>();
    for (let b = 0; b < this.func.blocks.length; b++) {
      for (const inst of this.func.blocks[b]!.insts) {
        const cell = this.cellOf(inst);
        if (cell === RUN_TIME_REGISTER) return [];
        if (cell === undefined) continue;
        if (inLoop[b]) used.add(cell);
        if (inst.op.startsWith('set')) set.add(cell);
      }
    }
    const written = new Set([...set].filter((cell) => used.has(cell)));
    const local = new Map<number, number>();
    const loads: ExpressionRef[] = [];
    for (const offset of [...used].sort((a, b) => a - b)) {
      const l = this.ctx.addLocal(this.mb.types.i64);
      local.set(offset, l);
      loads.push(this.m.local.set(l, this.m.i64.load(STATE_BASE + offset, 8, this.m.i32.const(0))));
    }
    this.promoted = { local, written };
    return loads;
  }

  /** Stores of promoted cells that were written, before leaving the function. */
  private writeBack(): ExpressionRef[] {
    if (!this.promoted) return [];
    const m = this.m;
    return [...this.promoted.written].sort((a, b) => a - b).map((offset) =>
      m.i64.store(STATE_BASE + offset, 8, m.i32.const(0), m.local.get(this.promoted!.local.get(offset)!, this.mb.types.i64)),
    );
  }

  /** After a slow-path store: the engine may have set codeModified (the store hit translated code). */
  private reloadCodeModified(): ExpressionRef | undefined {
    const offset = StateSlot.codeModified;
    const l = this.promoted?.local.get(offset);
    return l === undefined ? undefined : this.m.local.set(l, this.m.i64.load(STATE_BASE + offset, 8, this.m.i32.const(0)));
  }

  private leave(expr: ExpressionRef): ExpressionRef {
    const stores = this.writeBack();
    return stores.length ? this.m.block(null, [...stores, expr]) : expr;
  }

  /** Acyclic CFG with blocks in topological order: block i's code follows the end of a wasm block
   *  labelled for it, so a branch to block i is `br` to that label. */
  private emitForward(): ExpressionRef {
    const m = this.m;
    const labels = this.func.blocks.map(() => this.mb.uniqueLabel('b'));
    const branch = (t: Target): ExpressionRef => {
      const copies = this.edgeCopies(t);
      const br = m.br(labels[t.block]!);
      return copies ? m.block(null, [copies, br]) : br;
    };
    let nested: ExpressionRef = 0;
    const moved = new Set(this.storeExits.values());
    this.func.blocks.forEach((block, i) => {
      // An exit block moved into a store's slow path has no predecessor left: nothing to emit here.
      if (moved.has(i)) {
        nested = m.block(null, [m.block(labels[i]!, [nested])]);
        return;
      }
      const code = this.blockCode(i);
      const term = block.insts[block.insts.length - 1]!;
      if (term.op === 'jump') code.push(branch(term.targets![0]!));
      if (term.op === 'brif') code.push(this.conditional(term.args[0]!, () => branch(term.targets![0]!), () => branch(term.targets![1]!)));
      nested = i === 0 ? m.block(null, code) : m.block(null, [m.block(labels[i]!, [nested]), ...code]);
    });
    return nested;
  }

  /** A cyclic CFG (a JIT region with loops), structured by structure.ts. */
  private emitStructured(layout: CfgLayout): ExpressionRef {
    const m = this.m;
    return structureCfg(this.mb, this.func, {
      statements: (b) => this.blockCode(b),
      terminator: (b, transfer) => {
        const block = this.func.blocks[b]!;
        const term = block.insts[block.insts.length - 1]!;
        const edge = (t: Target): ExpressionRef => {
          const copies = this.edgeCopies(t);
          const go = transfer(t.block);
          return copies ? m.block(null, [copies, go]) : go;
        };
        if (term.op === 'jump') return edge(term.targets![0]!);
        if (term.op === 'brif') return this.conditional(term.args[0]!, () => edge(term.targets![0]!), () => edge(term.targets![1]!));
        return undefined;
      },
      addLocal: () => this.ctx.addLocal(this.mb.types.i32),
    }, layout);
  }

  /** A two-way branch on `cond`. When cond is an `and` of booleans nested in the branch
   *  (short-circuit.ts), each leaf branches to the false side on its own: V8 then compares and jumps per
   *  leaf instead of materializing each comparison's 0 or 1 and and-ing them (the lifter's FP fast
   *  paths test four or five conditions this way per instruction).
   *    (block (block $no (br_if $no (eqz leaf1)) … onTrue) onFalse)  */
  private conditional(cond: Value, onTrue: () => ExpressionRef, onFalse: () => ExpressionRef): ExpressionRef {
    const m = this.m;
    const leaves = this.sinks.definition[cond] ? andLeaves(cond, this.definitions, this.constants, this.sinks) : undefined;
    if (!leaves) return m.if(this.use(cond), onTrue(), onFalse());
    const no = this.mb.uniqueLabel('no');
    return m.block(null, [m.block(no, [...leaves.map((l) => m.br(no, m.i32.eqz(this.use(l)))), onTrue()]), onFalse()]);
  }

  /** Statements of one block; jump/brif are lowered by the caller. */
  private blockCode(index: number): ExpressionRef[] {
    if (!this.forwarding) return this.blockStatements(index);
    const outer = this.forwarding.enter(index);
    const code = this.blockStatements(index);
    this.forwarding.leave(index, outer);
    return code;
  }

  private blockStatements(index: number): ExpressionRef[] {
    const code: ExpressionRef[] = [];
    const guards = this.groups?.guards.get(index);
    this.func.blocks[index]!.insts.forEach((inst, i) => {
      const r = inst.result;
      if (this.constants.has(r) || inst.op === 'jump' || inst.op === 'brif') return;
      if (r >= 0 && this.sinks.consumer[r]! >= 0) return; // emitted inside its use
      for (const group of guards?.get(i) ?? []) code.push(this.groupGuard(group));
      const expr = this.instruction(inst);
      if (r < 0) code.push(expr);
      else code.push(this.sinks.uses[r]! > 0 ? this.m.local.set(this.localOf(r), expr) : this.m.drop(expr));
    });
    return code;
  }

  /** The copies of an edge's arguments into its target's parameters (0 when there are none). */
  private edgeCopies(target: { block: number; args: Value[] }): ExpressionRef {
    const params = this.func.blocks[target.block]!.params;
    // Parameters never read need no copy; a parameter passed itself stays as it is.
    const live = params.flatMap((p, i) => (this.sinks.uses[p]! > 0 && target.args[i] !== p ? [i] : []));
    if (live.length === 0) return 0;
    // In sequence unless an argument is a parameter an earlier copy overwrites: then a parallel
    // copy, every argument read into a temporary first.
    const overwritten = new Set<Value>();
    let parallel = false;
    for (const i of live) {
      if (overwritten.has(target.args[i]!)) parallel = true;
      overwritten.add(params[i]!);
    }
    if (!parallel) return this.m.block(null, live.map((i) => this.m.local.set(this.localOf(params[i]!), this.use(target.args[i]!))));
    const used = new Map<Type, number>();
    const temps = live.map((i) => {
      const type = this.func.typeOf(params[i]!);
      const k = used.get(type) ?? 0;
      used.set(type, k + 1);
      const pool = this.copyTemps.get(type) ?? this.copyTemps.set(type, []).get(type)!;
      if (k === pool.length) pool.push(this.ctx.addLocal(this.type(type)));
      return pool[k]!;
    });
    const reads = live.map((i, k) => this.m.local.set(temps[k]!, this.use(target.args[i]!)));
    const writes = live.map((i, k) => this.m.local.set(this.localOf(params[i]!), this.m.local.get(temps[k]!, this.type(this.func.typeOf(params[i]!)))));
    return this.m.block(null, [...reads, ...writes]);
  }

  private type(t: Parameters<typeof valueType>[1]): TypeRef {
    return valueType(this.mb.types, t);
  }

  private localOf(v: Value): number {
    const slot = this.assignment?.slotOf[v] ?? -1;
    if (slot >= 0) return (this.slotLocals[slot] ??= this.ctx.addLocal(this.type(this.assignment!.slotTypes[slot]!)));
    let l = this.locals.get(v);
    if (l === undefined) {
      l = this.ctx.addLocal(this.type(this.func.typeOf(v)));
      this.locals.set(v, l);
    }
    return l;
  }

  private use(v: Value): ExpressionRef {
    const c = this.constants.get(v);
    if (c) return this.constant(c);
    const p = this.entryParams.get(v);
    if (p !== undefined) return this.ctx.param(p);
    const nested = this.sinks.definition[v];
    if (nested) return this.instruction(nested);
    return this.m.local.get(this.localOf(v), this.type(this.func.typeOf(v)));
  }

  private constant(inst: Inst): ExpressionRef {
    switch (inst.op) {
      case 'iconst.i32':
        return this.m.i32.const(Number(inst.imm));
      case 'iconst.i64':
        return this.m.i64.const(BigInt.asIntN(64, BigInt(inst.imm!)));
      case 'fconst.f32':
        return this.m.f32.reinterpret(this.m.i32.const(Number(inst.imm)));
      default:
        return this.m.f64.reinterpret(this.m.i64.const(BigInt.asIntN(64, BigInt(inst.imm!))));
    }
  }

  /** A register access: constant register numbers fold to a fixed address. */
  private register(base: number, reg: Value): { ptr: ExpressionRef; offset: number; constant?: number } {
    const c = this.constants.get(reg);
    if (c) return { ptr: this.m.i32.const(0), offset: STATE_BASE + base + Number(c.imm) * 8, constant: Number(c.imm) };
    return { ptr: this.m.i32.shl(this.use(reg), this.m.i32.const(3)), offset: STATE_BASE + base };
  }

  /** forwardRegisters: a read of register `cell` from the value it is known to hold, else
   *  undefined (the read's own result then stands for the register, when something uses it). */
  private forwardedRead(inst: Inst, cell: number | undefined): ExpressionRef | undefined {
    const v = this.forwarding?.read(cell, inst.result, this.sinks.uses[inst.result]! > 0);
    return v === undefined ? undefined : this.use(v);
  }

  private scratchLocals() {
    return (this.scratch ??= {
      address: this.ctx.addLocal(this.mb.types.i64),
      entry: this.ctx.addLocal(this.mb.types.i32),
      value: this.ctx.addLocal(this.mb.types.i64),
    });
  }

  private pageCache(inst: Inst): PageCache | undefined {
    if (inst.imm === undefined) return undefined;
    const slot = Number(inst.imm);
    let cache = this.pageCaches.get(slot);
    if (!cache) this.pageCaches.set(slot, (cache = { address: this.ctx.addLocal(this.mb.types.i64), entry: this.ctx.addLocal(this.mb.types.i32) }));
    return cache;
  }

  private instruction(inst: Inst): ExpressionRef {
    const m = this.m;
    const a = (i: number) => this.use(inst.args[i]!);
    const op = inst.op;
    const { family, type, method } = partsOf(op);
    if (method !== undefined) {
      const ops = (m as unknown as Record<string, Record<string, (...x: ExpressionRef[]) => ExpressionRef>>)[type!]!;
      return inst.args.length === 1 ? ops[method]!(a(0)) : ops[method]!(a(0), a(1));
    }
    if (family === 'select') return m.select(a(0), a(1), a(2));
    const member = this.groups?.members.get(inst);
    if (member) {
      const host = this.groupHost(member.group);
      if (family === 'load') return emitGroupedLoad(this.mb, this.scratchLocals(), type as LoadKind, host, member.offset, a(0), a(1));
      return emitGroupedStore(this.mb, this.scratchLocals(), Number(type) as 8 | 16 | 32 | 64, host, member.offset, a(0), a(1), a(2), () => this.afterSlowStore(inst));
    }
    if (family === 'load') return emitLoad(this.mb, this.scratchLocals(), type as LoadKind, a(0), a(1), this.pageCache(inst));
    if (family === 'store') {
      const cache = this.pageCache(inst);
      return emitStore(this.mb, this.scratchLocals(), Number(type) as 8 | 16 | 32 | 64, a(0), a(1), a(2), cache, () => this.afterSlowStore(inst));
    }
    const promoted = this.promotedLocal(inst);
    if (promoted !== undefined) {
      // A get or set of a cell held in a local; a set's value is its last operand.
      return op.startsWith('get') ? m.local.get(promoted, this.mb.types.i64) : m.local.set(promoted, a(inst.args.length - 1));
    }
    switch (op) {
      case 'mulh_s.i64':
        return m.call(this.mb.mulh('s'), [a(0), a(1)], this.mb.types.i64);
      case 'mulh_u.i64':
        return m.call(this.mb.mulh('u'), [a(0), a(1)], this.mb.types.i64);
      case 'mulh_su.i64':
        return m.call(this.mb.mulh('su'), [a(0), a(1)], this.mb.types.i64);
      case 'extend_s.i32':
        return m.i64.extend_s(a(0));
      case 'extend_u.i32':
        return m.i64.extend_u(a(0));
      case 'wrap.i64':
        return m.i32.wrap(a(0));
      case 'sext8.i64':
        return m.i64.extend8_s(a(0));
      case 'sext16.i64':
        return m.i64.extend16_s(a(0));
      case 'sext32.i64':
        return m.i64.extend32_s(a(0));
      case 'bits_to_f64':
        return m.f64.reinterpret(a(0));
      case 'f64_to_bits':
        return m.i64.reinterpret(a(0));
      case 'bits_to_f32':
        return m.f32.reinterpret(a(0));
      case 'f32_to_bits':
        return m.i32.reinterpret(a(0));
      case 'promote.f32':
        return m.f64.promote(a(0));
      case 'demote.f64':
        return m.f32.demote(a(0));
      case 'convert_s.i64':
        return m.f64.convert_s.i64(a(0));
      case 'trunc_sat_s.f64':
        return m.i64.trunc_s_sat.f64(a(0));
      case 'get_xreg': {
        const r = this.register(0, inst.args[0]!);
        if (r.constant === 0) return m.i64.const(0n);
        return this.forwardedRead(inst, r.constant) ?? m.i64.load(r.offset, 8, r.ptr);
      }
      case 'set_xreg': {
        const r = this.register(0, inst.args[0]!);
        if (r.constant === 0) return m.nop();
        const store = m.i64.store(r.offset, 8, r.ptr, a(1));
        this.forwarding?.write(r.constant, inst.args[1]!);
        if (r.constant !== undefined) return store;
        // A run-time register number may be 0: store, then restore x0.
        return m.block(null, [store, m.i64.store(STATE_BASE + xregOffset(0), 8, m.i32.const(0), m.i64.const(0n))]);
      }
      case 'get_freg': {
        const r = this.register(fregOffset(0), inst.args[0]!);
        return this.forwardedRead(inst, r.constant === undefined ? undefined : 32 + r.constant) ?? m.i64.load(r.offset, 8, r.ptr);
      }
      case 'set_freg': {
        const r = this.register(fregOffset(0), inst.args[0]!);
        this.forwarding?.write(r.constant === undefined ? undefined : 32 + r.constant, inst.args[1]!);
        return m.i64.store(r.offset, 8, r.ptr, a(1));
      }
      case 'get_slot': {
        const slot = inst.imm as StateSlotName;
        return this.ctx.readSlot?.(slot) ?? m.i64.load(STATE_BASE + StateSlot[slot], 8, m.i32.const(0));
      }
      case 'set_slot':
        return m.i64.store(STATE_BASE + StateSlot[inst.imm as StateSlotName], 8, m.i32.const(0), a(0));
      case 'call_helper': {
        const name = inst.imm as HelperName;
        return m.call(this.mb.helper(name), inst.args.map((_, i) => a(i)), this.type(inst.result >= 0 ? this.func.typeOf(inst.result) : 'none'));
      }
      case 'goto_pc':
        if (this.tails) {
          const k = this.constantTarget(inst);
          if (k !== undefined) return m.br(this.tails.gotoConst.get(k)!);
          return m.block(null, [m.local.set(this.tails.pc, a(0)), m.br(this.tails.goto!)]);
        }
        return this.leave(this.ctx.gotoPc(a(0), this.constantTarget(inst)));
      case 'exit':
        if (this.tails) return m.block(null, [m.local.set(this.tails.pc, a(0)), m.br(this.tails.exits.get(Number(inst.imm))!)]);
        return this.leave(this.ctx.exit(Number(inst.imm), a(0)));
      default:
        throw new Error(`internal error: backend cannot lower ${op} (${OPS[op].doc})`);
    }
  }
}

