// reg-forward: treats guest registers with constant numbers and state slots as memory cells:
// forwards a cell's known value to later reads, and deletes writes that are overwritten before
// anything can observe them. Invariant: exits, goto_pc and stores (a slow-path store may exit)
// observe every cell; helper calls read and write every slot but no register (helpers cannot
// see registers; a faulting load only reports them). Cells are small integers, per-block cell
// states flat Int32Arrays and liveness bitsets of 32-bit words, so a region costs no strings.
import { predecessors, reversePostorder, successors, type BlockId, type Func, type Inst, type Value } from '@ferry/ir';
import { definitions, makeConstant, Replacements, rewriteOperands, substitute, type Definitions } from './func-edit.js';

/** Cell numbers: x0..x31 are 0..31, f0..f31 are 32..63; state slots and register numbers outside
 *  0..31 are numbered from 64 as met. The x family is x1..x31 (x0 is no storage). */
const X0 = 0;
const FIRST_X = 1;
const FIRST_F = 32;
const FIXED_CELLS = 64;
/** A register access whose number is not a constant (it touches its whole family). */
const ANY_REGISTER = -1;

/** What an op does to cells. */
const enum Kind { None, GetX, SetX, GetF, SetF, GetSlot, SetSlot, Call, ReadsAll }
const KIND_OF_OP: ReadonlyMap<string, Kind> = new Map([
  ['get_xreg', Kind.GetX], ['set_xreg', Kind.SetX], ['get_freg', Kind.GetF], ['set_freg', Kind.SetF],
  ['get_slot', Kind.GetSlot], ['set_slot', Kind.SetSlot], ['call_helper', Kind.Call],
  ['exit', Kind.ReadsAll], ['goto_pc', Kind.ReadsAll],
  ['store.8', Kind.ReadsAll], ['store.16', Kind.ReadsAll], ['store.32', Kind.ReadsAll], ['store.64', Kind.ReadsAll],
]);
const kindOf = (inst: Inst): Kind => KIND_OF_OP.get(inst.op) ?? Kind.None;
const isGet = (k: Kind): boolean => k === Kind.GetX || k === Kind.GetF || k === Kind.GetSlot;
const isSet = (k: Kind): boolean => k === Kind.SetX || k === Kind.SetF || k === Kind.SetSlot;
const storedValue = (inst: Inst): Value => inst.args[inst.args.length - 1]!;

/** The numbering of one function's cells. */
class Cells {
  /** Slot and out-of-range register cells by name (`slot:pc`, `x40`). */
  private readonly named = new Map<string, number>();
  /** Slot cells, in numbering order. */
  readonly slots: number[] = [];
  count = FIXED_CELLS;
  constructor(private readonly defs: Definitions) {}

  /** The cell a get/set touches, or ANY_REGISTER for a register number that is not constant. */
  of(inst: Inst, kind: Kind): number {
    if (kind === Kind.GetSlot || kind === Kind.SetSlot) return this.number(`slot:${String(inst.imm)}`, true);
    const def = this.defs[inst.args[0]!];
    const x = kind === Kind.GetX || kind === Kind.SetX;
    if (def?.op !== 'iconst.i32' && def?.op !== 'iconst.i64') return ANY_REGISTER;
    const n = def.imm as number | bigint;
    if (n >= 0 && n < 32) return (x ? 0 : FIRST_F) + Number(n);
    return this.number(`${x ? 'x' : 'f'}${n}`, false);
  }

  private number(name: string, slot: boolean): number {
    const known = this.named.get(name);
    if (known !== undefined) return known;
    this.named.set(name, this.count);
    if (slot) this.slots.push(this.count);
    return this.count++;
  }
}

export function regForward(func: Func): boolean {
  const forwarded = forwardReads(func);
  const removed = removeDeadWrites(func);
  return forwarded || removed;
}

/** Forward pass in reverse postorder: a block starts from what all its predecessors agree on (an
 *  unvisited predecessor, i.e. a loop back edge, contributes nothing). */
function forwardReads(func: Func): boolean {
  const defs = definitions(func);
  const cells = new Cells(defs);
  numberAllCells(func, cells);
  const preds = predecessors(func);
  const outState: (Int32Array | undefined)[] = new Array<Int32Array | undefined>(func.blocks.length).fill(undefined);
  const replace = new Replacements(func);
  let changed = false;
  for (const b of reversePostorder(func)) {
    // known[c]: the value cell c holds, or -1.
    const known = meet(preds[b]!, outState, cells.count);
    const kept: Inst[] = [];
    for (const inst of func.blocks[b]!.insts) {
      rewriteOperands(inst, replace.get);
      const kind = kindOf(inst);
      if (kind === Kind.None || kind === Kind.ReadsAll) {
        kept.push(inst);
        continue;
      }
      if (kind === Kind.Call) {
        for (const c of cells.slots) known[c] = -1;
        kept.push(inst);
        continue;
      }
      const cell = cells.of(inst, kind);
      if (isGet(kind)) {
        if (cell === X0 && kind === Kind.GetX) {
          makeConstant(inst, 'i64', 0n); // get_xreg 0 --> iconst 0
          changed = true;
        } else if (cell !== ANY_REGISTER) {
          const value = known[cell]!;
          if (value >= 0) {
            replace.set(inst.result, value); // set/get c -> v ... get c --> v
            changed = true;
            continue;
          }
          known[cell] = inst.result;
        }
      } else if (cell === X0 && kind === Kind.SetX) {
        changed = true; // set_xreg 0, v --> (nothing)
        continue;
      } else if (cell === ANY_REGISTER) {
        const first = kind === Kind.SetX ? FIRST_X : FIRST_F;
        known.fill(-1, first, kind === Kind.SetX ? FIRST_F : FIXED_CELLS);
      } else {
        known[cell] = storedValue(inst);
      }
      kept.push(inst);
    }
    func.blocks[b]!.insts = kept;
    outState[b] = known;
  }
  substitute(func, replace);
  return changed;
}

/** Numbers every cell the function names, so per-block states can be sized once. */
function numberAllCells(func: Func, cells: Cells): void {
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      const kind = kindOf(inst);
      if (isGet(kind) || isSet(kind)) cells.of(inst, kind);
    }
  }
}

/** Cells with the same value in every predecessor's out state; nothing known when one is missing. */
function meet(preds: readonly BlockId[], outState: readonly (Int32Array | undefined)[], count: number): Int32Array {
  const out = new Int32Array(count).fill(-1);
  if (preds.length === 0) return out;
  for (const p of preds) if (outState[p] === undefined) return out;
  out.set(outState[preds[0]!]!);
  for (let i = 1; i < preds.length; i++) {
    const other = outState[preds[i]!]!;
    for (let c = 0; c < count; c++) if (out[c] !== other[c]) out[c] = -1;
  }
  return out;
}

/** Backward liveness of cells to a fixed point, then removal of writes to dead cells. Each block's
 *  effect is summarized once as liveIn = gen | (liveOut & ~kill). */
function removeDeadWrites(func: Func): boolean {
  const cells = new Cells(definitions(func));
  numberAllCells(func, cells);
  const words = (cells.count + 31) >>> 5;
  const bit = (set: Uint32Array, c: number): void => void (set[c >>> 5]! |= 1 << (c & 31));
  const has = (set: Uint32Array, c: number): boolean => (set[c >>> 5]! & (1 << (c & 31))) !== 0;
  const xFamily = new Uint32Array(words);
  const fFamily = new Uint32Array(words);
  for (let c = FIRST_X; c < FIRST_F; c++) bit(xFamily, c);
  for (let c = FIRST_F; c < FIXED_CELLS; c++) bit(fFamily, c);
  const slotSet = new Uint32Array(words);
  for (const c of cells.slots) bit(slotSet, c);
  const allCells = new Uint32Array(words);
  for (let w = 0; w < words; w++) allCells[w] = xFamily[w]! | fFamily[w]! | slotSet[w]!;

  /** The cells an instruction reads (gen), or undefined; `single` receives a single cell. */
  const single = new Uint32Array(words);
  const readsOf = (inst: Inst, kind: Kind): Uint32Array | undefined => {
    if (kind === Kind.ReadsAll) return allCells;
    if (kind === Kind.Call) return slotSet;
    if (!isGet(kind)) return undefined;
    const cell = cells.of(inst, kind);
    if (cell === ANY_REGISTER) return kind === Kind.GetX ? xFamily : fFamily;
    single.fill(0);
    bit(single, cell);
    return single;
  };

  const order = reversePostorder(func).reverse();
  const n = func.blocks.length;
  const gen: Uint32Array[] = [];
  const kill: Uint32Array[] = [];
  const succs: BlockId[][] = [];
  for (let b = 0; b < n; b++) {
    gen.push(new Uint32Array(words));
    kill.push(new Uint32Array(words));
    succs.push([]);
  }
  for (const b of order) {
    succs[b] = successors(func, b);
    const g = gen[b]!;
    const k = kill[b]!;
    const insts = func.blocks[b]!.insts;
    for (let i = insts.length - 1; i >= 0; i--) {
      const inst = insts[i]!;
      const kind = kindOf(inst);
      const reads = readsOf(inst, kind);
      if (reads !== undefined) {
        for (let w = 0; w < words; w++) g[w]! |= reads[w]!;
      } else if (isSet(kind)) {
        const cell = cells.of(inst, kind);
        if (cell === ANY_REGISTER) continue;
        k[cell >>> 5]! |= 1 << (cell & 31);
        g[cell >>> 5]! &= ~(1 << (cell & 31));
      }
    }
  }

  const liveIn: Uint32Array[] = gen.map(() => new Uint32Array(words));
  const liveOut = new Uint32Array(words);
  const collectLiveOut = (b: BlockId): void => {
    liveOut.fill(0);
    for (const s of succs[b]!) for (let w = 0; w < words; w++) liveOut[w]! |= liveIn[s]![w]!;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of order) {
      collectLiveOut(b);
      const into = liveIn[b]!;
      for (let w = 0; w < words; w++) {
        const live = (gen[b]![w]! | (liveOut[w]! & ~kill[b]![w]!)) >>> 0;
        if (live !== into[w]) {
          into[w] = live;
          changed = true;
        }
      }
    }
  }

  let removed = false;
  for (const b of order) {
    collectLiveOut(b);
    const live = liveOut;
    const insts = func.blocks[b]!.insts;
    const dead = new Set<Inst>();
    for (let i = insts.length - 1; i >= 0; i--) {
      const inst = insts[i]!;
      const kind = kindOf(inst);
      const reads = readsOf(inst, kind);
      if (reads !== undefined) {
        for (let w = 0; w < words; w++) live[w]! |= reads[w]!;
      } else if (isSet(kind)) {
        const cell = cells.of(inst, kind);
        if (cell === ANY_REGISTER) continue;
        if (!has(live, cell)) dead.add(inst); // set c, v1 ... set c, v2 (c unread in between) --> set c, v2
        live[cell >>> 5]! &= ~(1 << (cell & 31));
      }
    }
    if (dead.size > 0) {
      func.blocks[b]!.insts = insts.filter((inst) => !dead.has(inst));
      removed = true;
    }
  }
  return removed;
}
