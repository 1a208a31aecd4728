// reg-forward: treats guest registers with constant numbers and state slots as memory cells:
// forwards a cell's known value to later reads, and deletes writes that are overwritten before
// anything can observe them. Invariant: exits, goto_pc, stores (a slow-path store may exit) and
// loads (a slow-path load may fault, and the fault reports the registers as they are) observe
// every cell, and a store may also set the codeModified slot (its slow path does when it hits
// translated code), so no earlier read of that slot is forwarded past a store; helper calls read
// and write every slot but no register (helpers cannot see registers), except the FP helpers,
// which touch only fflags (so frm, read by every FP instruction with a dynamic rounding mode,
// is read once per path through a region). Cells are small integers, per-block cell
// states flat Int32Arrays and liveness bitsets of 32-bit words, so a region costs no strings.
import { definitions, helperState, predecessors, reversePostorder, successorLists, type BlockId, type Definitions, type Func, type Inst, type Value } from '@ferry/ir';
import { makeConstant, Replacements, rewriteOperands, substitute } from './func-edit.js';

/** Cell numbers: x0..x31 are 0..31, f0..f31 are 32..63; state slots and register numbers outside
 *  0..31 are numbered from 64 as met. The x family is x1..x31 (x0 is no storage). */
const X0 = 0;
const FIRST_X = 1;
const FIRST_F = 32;
const FIXED_CELLS = 64;
/** A register access whose number is not a constant (it touches its whole family). */
const ANY_REGISTER = -1;

/** What an op does to cells. */
const enum Kind { None, GetX, SetX, GetF, SetF, GetSlot, SetSlot, Call, FlagsCall, ReadsAll, Store }
const KIND_OF_OP: ReadonlyMap<string, Kind> = new Map([
  ['get_xreg', Kind.GetX], ['set_xreg', Kind.SetX], ['get_freg', Kind.GetF], ['set_freg', Kind.SetF],
  ['get_slot', Kind.GetSlot], ['set_slot', Kind.SetSlot], ['call_helper', Kind.Call],
  ['exit', Kind.ReadsAll], ['goto_pc', Kind.ReadsAll],
  ['store.8', Kind.Store], ['store.16', Kind.Store], ['store.32', Kind.Store], ['store.64', Kind.Store],
  ['load.u8', Kind.ReadsAll], ['load.s8', Kind.ReadsAll], ['load.u16', Kind.ReadsAll], ['load.s16', Kind.ReadsAll],
  ['load.u32', Kind.ReadsAll], ['load.s32', Kind.ReadsAll], ['load.64', Kind.ReadsAll],
]);
/** First letters of the ops above, by character code: ops starting otherwise skip the lookup. */
const MAY_ACCESS = new Uint8Array(128);
for (const op of KIND_OF_OP.keys()) MAY_ACCESS[op.charCodeAt(0)] = 1;
const kindOf = (inst: Inst): Kind => {
  const kind = MAY_ACCESS[inst.op.charCodeAt(0)] ? KIND_OF_OP.get(inst.op) ?? Kind.None : Kind.None;
  return kind === Kind.Call && helperState(inst.imm) === 'fflags' ? Kind.FlagsCall : kind;
};
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

  /** The cell of a state slot some instruction of the function accesses, or -1. */
  slotCell(slot: string): number {
    return this.named.get(`slot:${slot}`) ?? -1;
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
  const view = new AccessView(func);
  const forwarded = forwardReads(func, view);
  const removed = removeDeadWrites(func, view);
  return forwarded || removed;
}

/** The reachable blocks with each instruction's cell access worked out once: its kind and, for a
 *  get or set, its cell. Kept in step with the blocks as the passes below drop instructions. */
class AccessView {
  readonly order: BlockId[];
  readonly preds: BlockId[][];
  readonly succs: BlockId[][];
  readonly kinds: Kind[][] = [];
  readonly cellOf: number[][] = [];
  readonly cells: Cells;
  constructor(func: Func) {
    this.cells = new Cells(definitions(func));
    this.succs = successorLists(func);
    this.order = reversePostorder(func, this.succs);
    this.preds = predecessors(func, this.succs);
    for (const b of this.order) {
      const kinds: Kind[] = [];
      const cellOf: number[] = [];
      for (const inst of func.blocks[b]!.insts) {
        const kind = kindOf(inst);
        kinds.push(kind);
        cellOf.push(isGet(kind) || isSet(kind) ? this.cells.of(inst, kind) : ANY_REGISTER);
      }
      this.kinds[b] = kinds;
      this.cellOf[b] = cellOf;
    }
  }
}

/** Forward pass in reverse postorder: a block starts from what all its predecessors agree on (an
 *  unvisited predecessor, i.e. a loop back edge, contributes nothing). */
function forwardReads(func: Func, view: AccessView): boolean {
  const { cells, preds } = view;
  const count = cells.count;
  // Out state of each visited block: outState[b * count + c] is the value cell c holds, or -1.
  const outState = new Int32Array(func.blocks.length * count);
  const visited = new Uint8Array(func.blocks.length);
  const known = new Int32Array(count);
  const replace = new Replacements(func);
  const codeModified = cells.slotCell('codeModified');
  const fflags = cells.slotCell('fflags');
  let changed = false;
  for (const b of view.order) {
    meet(preds[b]!, outState, visited, known);
    const insts = func.blocks[b]!.insts;
    const kinds = view.kinds[b]!;
    const cellOf = view.cellOf[b]!;
    // Instructions kept so far, once one has been dropped.
    let kept: { insts: Inst[]; kinds: Kind[]; cellOf: number[] } | undefined;
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      if (replace.size > 0) rewriteOperands(inst, replace.get);
      const kind = kinds[i]!;
      const cell = cellOf[i]!;
      let drop = false;
      if (kind === Kind.Call) {
        for (const c of cells.slots) known[c] = -1;
      } else if (kind === Kind.FlagsCall) {
        if (fflags >= 0) known[fflags] = -1;
      } else if (kind === Kind.Store) {
        if (codeModified >= 0) known[codeModified] = -1;
      } else if (isGet(kind)) {
        if (cell === X0 && kind === Kind.GetX) {
          makeConstant(inst, 'i64', 0n); // get_xreg 0 --> iconst 0
          kinds[i] = Kind.None;
          changed = true;
        } else if (cell !== ANY_REGISTER) {
          const value = known[cell]!;
          if (value >= 0) {
            replace.set(inst.result, value); // set/get c -> v ... get c --> v
            changed = drop = true;
          } else {
            known[cell] = inst.result;
          }
        }
      } else if (isSet(kind)) {
        if (cell === X0 && kind === Kind.SetX) {
          changed = drop = true; // set_xreg 0, v --> (nothing)
        } else if (cell === ANY_REGISTER) {
          if (kind === Kind.SetX) known.fill(-1, FIRST_X, FIRST_F);
          else known.fill(-1, FIRST_F, FIXED_CELLS);
        } else {
          known[cell] = storedValue(inst);
        }
      }
      if (drop && kept === undefined) kept = { insts: insts.slice(0, i), kinds: kinds.slice(0, i), cellOf: cellOf.slice(0, i) };
      else if (!drop && kept !== undefined) {
        kept.insts.push(inst);
        kept.kinds.push(kinds[i]!);
        kept.cellOf.push(cell);
      }
    }
    if (kept !== undefined) {
      func.blocks[b]!.insts = kept.insts;
      view.kinds[b] = kept.kinds;
      view.cellOf[b] = kept.cellOf;
    }
    outState.set(known, b * count);
    visited[b] = 1;
  }
  substitute(func, replace);
  return changed;
}

/** Into `known`: cells with the same value in every predecessor's out state; nothing known when
 *  a predecessor has not been visited. */
function meet(preds: readonly BlockId[], outState: Int32Array, visited: Uint8Array, known: Int32Array): void {
  known.fill(-1);
  if (preds.length === 0) return;
  for (const p of preds) if (!visited[p]) return;
  const count = known.length;
  const first = preds[0]! * count;
  for (let c = 0; c < count; c++) known[c] = outState[first + c]!;
  for (let i = 1; i < preds.length; i++) {
    const other = preds[i]! * count;
    for (let c = 0; c < count; c++) if (known[c] !== outState[other + c]) known[c] = -1;
  }
}

/** Backward liveness of cells to a fixed point, then removal of writes to dead cells. Each block's
 *  effect is summarized once as liveIn = gen | (liveOut & ~kill); sets are bitsets of 32-bit words,
 *  block b's at [b * words, (b + 1) * words). */
function removeDeadWrites(func: Func, view: AccessView): boolean {
  const { cells, succs } = view;
  const words = (cells.count + 31) >>> 5;
  const setBit = (set: Uint32Array, at: number, c: number): void => void (set[at + (c >>> 5)]! |= 1 << (c & 31));
  const xFamily = new Uint32Array(words);
  const fFamily = new Uint32Array(words);
  for (let c = FIRST_X; c < FIRST_F; c++) setBit(xFamily, 0, c);
  for (let c = FIRST_F; c < FIXED_CELLS; c++) setBit(fFamily, 0, c);
  const slotSet = new Uint32Array(words);
  for (const c of cells.slots) setBit(slotSet, 0, c);
  const allCells = new Uint32Array(words);
  for (let w = 0; w < words; w++) allCells[w] = xFamily[w]! | fFamily[w]! | slotSet[w]!;
  const fflagsSet = new Uint32Array(words);
  const fflags = cells.slotCell('fflags');
  if (fflags >= 0) setBit(fflagsSet, 0, fflags);
  /** The cells a gen-kind access reads, other than a single cell (an FP helper accrues into fflags:
   *  it reads it, so an earlier write of fflags stays). */
  const readSet = (kind: Kind): Uint32Array | undefined =>
    kind === Kind.ReadsAll || kind === Kind.Store ? allCells : kind === Kind.Call ? slotSet : kind === Kind.FlagsCall ? fflagsSet
      : kind === Kind.GetX ? xFamily : kind === Kind.GetF ? fFamily : undefined;

  const order = view.order.slice().reverse();
  const n = func.blocks.length;
  const gen = new Uint32Array(n * words);
  const kill = new Uint32Array(n * words);
  for (const b of order) {
    const kinds = view.kinds[b]!;
    const cellOf = view.cellOf[b]!;
    const at = b * words;
    for (let i = kinds.length - 1; i >= 0; i--) {
      const kind = kinds[i]!;
      const cell = cellOf[i]!;
      if (isSet(kind)) {
        if (cell === ANY_REGISTER) continue;
        kill[at + (cell >>> 5)]! |= 1 << (cell & 31);
        gen[at + (cell >>> 5)]! &= ~(1 << (cell & 31));
      } else if (kind !== Kind.None) {
        if (cell !== ANY_REGISTER && isGet(kind)) setBit(gen, at, cell);
        else for (let w = 0; w < words; w++) gen[at + w]! |= readSet(kind)![w]!;
      }
    }
  }

  const liveIn = new Uint32Array(n * words);
  const liveOut = new Uint32Array(words);
  const collectLiveOut = (b: BlockId): void => {
    liveOut.fill(0);
    for (const s of succs[b]!) for (let w = 0; w < words; w++) liveOut[w]! |= liveIn[s * words + w]!;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of order) {
      collectLiveOut(b);
      const at = b * words;
      for (let w = 0; w < words; w++) {
        const live = (gen[at + w]! | (liveOut[w]! & ~kill[at + w]!)) >>> 0;
        if (live !== liveIn[at + w]) {
          liveIn[at + w] = live;
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
    const kinds = view.kinds[b]!;
    const cellOf = view.cellOf[b]!;
    let dead: Set<Inst> | undefined;
    for (let i = insts.length - 1; i >= 0; i--) {
      const kind = kinds[i]!;
      const cell = cellOf[i]!;
      if (isSet(kind)) {
        if (cell === ANY_REGISTER) continue;
        // set c, v1 ... set c, v2 (c unread in between) --> set c, v2
        if ((live[cell >>> 5]! & (1 << (cell & 31))) === 0) (dead ??= new Set()).add(insts[i]!);
        live[cell >>> 5]! &= ~(1 << (cell & 31));
      } else if (kind !== Kind.None) {
        if (cell !== ANY_REGISTER && isGet(kind)) setBit(live, 0, cell);
        else for (let w = 0; w < words; w++) live[w]! |= readSet(kind)![w]!;
      }
    }
    if (dead !== undefined) {
      func.blocks[b]!.insts = insts.filter((inst) => !dead.has(inst));
      removed = true;
    }
  }
  return removed;
}
