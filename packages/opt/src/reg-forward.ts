// reg-forward: treats guest registers with constant numbers and state slots as memory cells:
// forwards a cell's known value to later reads, and deletes writes that are overwritten before
// anything can observe them. Invariant: exits, goto_pc and stores (a slow-path store may exit)
// observe every cell; helper calls read and write every slot but no register (helpers cannot
// see registers; a faulting load only reports them).
import { predecessors, reversePostorder, successors, type BlockId, type Func, type Inst, type Value } from '@ferry/ir';
import { constantOf, definitions, makeConstant, rewriteOperands, substitute } from './func-edit.js';

type Cell = string;
const ALL_X: Cell[] = Array.from({ length: 31 }, (_, i) => `x${i + 1}`);
const ALL_F: Cell[] = Array.from({ length: 32 }, (_, i) => `f${i}`);
const isSlot = (c: Cell): boolean => c.startsWith('slot:');
/** The slots a function names: the only ones its own reads can observe. */
const slotsOf = (func: Func): Cell[] =>
  [...new Set(func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'get_slot' || i.op === 'set_slot').map((i) => `slot:${String(i.imm)}`)))];

/** What an instruction does to cells. `cell` is undefined for a register access with a number
 *  that is not constant (it then touches every register of its kind). */
type Access =
  | { kind: 'get' | 'set'; cell: Cell | undefined; family: Cell[] }
  | { kind: 'readsAll' } // exit, goto_pc, stores
  | { kind: 'call' } // helper: reads and writes every slot
  | { kind: 'none' };

function accessOf(inst: Inst, defs: Map<Value, Inst>): Access {
  const register = (prefix: 'x' | 'f'): Cell | undefined => {
    const n = constantOf(defs, inst.args[0]!);
    return n === undefined ? undefined : `${prefix}${n}`;
  };
  switch (inst.op) {
    case 'get_xreg': return { kind: 'get', cell: register('x'), family: ALL_X };
    case 'set_xreg': return { kind: 'set', cell: register('x'), family: ALL_X };
    case 'get_freg': return { kind: 'get', cell: register('f'), family: ALL_F };
    case 'set_freg': return { kind: 'set', cell: register('f'), family: ALL_F };
    case 'get_slot': return { kind: 'get', cell: `slot:${String(inst.imm)}`, family: [] };
    case 'set_slot': return { kind: 'set', cell: `slot:${String(inst.imm)}`, family: [] };
    case 'call_helper': return { kind: 'call' };
    case 'exit': case 'goto_pc': return { kind: 'readsAll' };
    default: return inst.op.startsWith('store.') ? { kind: 'readsAll' } : { kind: 'none' };
  }
}
const storedValue = (inst: Inst): Value => inst.args[inst.args.length - 1]!;

export function regForward(func: Func): boolean {
  const forwarded = forwardReads(func);
  const removed = removeDeadWrites(func);
  return forwarded || removed;
}

/** Forward pass in reverse postorder: a block starts from what all its predecessors agree on (an
 *  unvisited predecessor, i.e. a loop back edge, contributes nothing). */
function forwardReads(func: Func): boolean {
  const defs = definitions(func);
  const preds = predecessors(func);
  const outState = new Map<BlockId, Map<Cell, Value>>();
  const replace = new Map<Value, Value>();
  const resolve = (v: Value): Value => replace.get(v) ?? v;
  let changed = false;
  for (const b of reversePostorder(func)) {
    const known = meet(preds[b]!.map((p) => outState.get(p)));
    const kept: Inst[] = [];
    for (const inst of func.blocks[b]!.insts) {
      rewriteOperands(inst, resolve);
      const access = accessOf(inst, defs);
      if (access.kind === 'get' && access.cell === 'x0') {
        makeConstant(inst, 'i64', 0n); // get_xreg 0 --> iconst 0
        changed = true;
      } else if (access.kind === 'set' && access.cell === 'x0') {
        changed = true; // set_xreg 0, v --> (nothing)
        continue;
      } else if (access.kind === 'get' && access.cell !== undefined) {
        const value = known.get(access.cell);
        if (value !== undefined) {
          replace.set(inst.result, value); // set/get c -> v ... get c --> v
          changed = true;
          continue;
        }
        known.set(access.cell, inst.result);
      } else if (access.kind === 'set') {
        if (access.cell === undefined) for (const c of access.family) known.delete(c);
        else known.set(access.cell, storedValue(inst));
      } else if (access.kind === 'call') {
        for (const c of known.keys()) if (isSlot(c)) known.delete(c);
      }
      kept.push(inst);
    }
    func.blocks[b]!.insts = kept;
    outState.set(b, known);
  }
  substitute(func, replace);
  return changed;
}

/** Cells with the same value in every state; empty when a state is missing. */
function meet(states: (Map<Cell, Value> | undefined)[]): Map<Cell, Value> {
  if (states.length === 0 || states.some((s) => s === undefined)) return new Map();
  const [first, ...rest] = states as Map<Cell, Value>[];
  const out = new Map<Cell, Value>();
  for (const [cell, v] of first!) if (rest.every((s) => s.get(cell) === v)) out.set(cell, v);
  return out;
}

/** Backward liveness of cells to a fixed point, then removal of writes to dead cells. */
function removeDeadWrites(func: Func): boolean {
  const defs = definitions(func);
  const slots = slotsOf(func);
  const allCells = [...ALL_X, ...ALL_F, ...slots];
  const order = reversePostorder(func).reverse();
  const liveIn = new Map<BlockId, Set<Cell>>();
  /** Walks a block backwards from its live-out set; with `remove`, drops dead writes. */
  const transfer = (b: BlockId, remove: boolean): { live: Set<Cell>; removed: boolean } => {
    const live = new Set<Cell>();
    for (const s of successors(func, b)) for (const c of liveIn.get(s) ?? []) live.add(c);
    const insts = func.blocks[b]!.insts;
    let removed = false;
    for (let i = insts.length - 1; i >= 0; i--) {
      const inst = insts[i]!;
      const access = accessOf(inst, defs);
      if (access.kind === 'readsAll') for (const c of allCells) live.add(c);
      else if (access.kind === 'call') for (const c of slots) live.add(c);
      else if (access.kind === 'get') for (const c of access.cell === undefined ? access.family : [access.cell]) live.add(c);
      else if (access.kind === 'set' && access.cell !== undefined) {
        if (!live.has(access.cell) && remove) {
          insts.splice(i, 1); // set c, v1 ... set c, v2 (c unread in between) --> set c, v2
          removed = true;
        }
        live.delete(access.cell);
      }
    }
    return { live, removed };
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const b of order) {
      const { live } = transfer(b, false);
      const before = liveIn.get(b);
      if (before === undefined || before.size !== live.size) {
        liveIn.set(b, live);
        changed = true;
      }
    }
  }
  let removed = false;
  for (const b of order) removed = transfer(b, true).removed || removed;
  return removed;
}
