// Decides which IR values emit.ts nests inside their single use instead of passing through a wasm
// local (what binaryen's simplify-locals does): a value used once, later in its own block, whose
// computation commutes with everything that then runs before it instead of after it.
// Invariant: the order of effects (state and memory accesses, faults, calls) is unchanged: a value
// that reads state or memory never moves past a conflicting write, call or fault, and nothing with
// effects moves into an operand the consumer may not evaluate (a slow path, a dropped pc).
import { StateSlot, type StateSlotName } from '@ferry/abi';
import type { Func, Inst, Value } from '@ferry/ir';

const READS_CELL = 1; // get_xreg / get_freg / get_slot
const WRITES_CELL = 2; // set_xreg / set_freg / set_slot
const READS_MEMORY = 4; // guest load: may fault (a fault observes every cell); uses the scratch locals
const WRITES_MEMORY = 8; // guest store: may fault, and its slow path may set codeModified
const CALLS = 16; // a runtime helper or a way out: anything
const MEMORY = READS_MEMORY | WRITES_MEMORY;

/** Cell numbers: no cell, or more than one (or one unknown until run time). */
const NO_CELL = -1;
const ANY_CELL = -2;

/** What an instruction, with everything nested in it, does besides computing its value. */
interface Effects {
  flags: number;
  /** The one state cell it reads (NO_CELL, ANY_CELL or a cell number); likewise the one it writes. */
  read: number;
  write: number;
}

/** A slot's cell number. instret and budget are one cell: T0 derives instret from its budget. */
const slotCell = (slot: StateSlotName): number => 64 + StateSlot[slot === 'instret' ? 'budget' : slot];

const PURE: Effects = { flags: 0, read: NO_CELL, write: NO_CELL };

const mergeCell = (a: number, b: number): number => (a === NO_CELL ? b : b === NO_CELL || a === b ? a : ANY_CELL);
const sameCell = (a: number, b: number): boolean => a !== NO_CELL && b !== NO_CELL && (a === ANY_CELL || b === ANY_CELL || a === b);

function merge(a: Effects, b: Effects): Effects {
  if (b.flags === 0) return a;
  if (a.flags === 0) return b;
  return { flags: a.flags | b.flags, read: mergeCell(a.read, b.read), write: mergeCell(a.write, b.write) };
}

/** Whether a and b may run in either order with the same outcome. */
export function commute(a: Effects, b: Effects): boolean {
  if (a.flags === 0 || b.flags === 0) return true;
  if ((a.flags | b.flags) & CALLS) return false;
  const aMemory = a.flags & MEMORY;
  const bMemory = b.flags & MEMORY;
  if (aMemory && bMemory) return false; // faults stay in order; stores alias loads
  if (aMemory || bMemory) {
    const [memory, cells] = aMemory ? [a, b] : [b, a];
    if (cells.flags & WRITES_CELL) return false; // a fault reports every cell as it is
    return !(memory.flags & WRITES_MEMORY && cells.flags & READS_CELL); // codeModified
  }
  return !(sameCell(a.write, b.read) || sameCell(a.read, b.write) || sameCell(a.write, b.write));
}

/** The result of planSinking. */
export interface SinkPlan {
  /** Per value: how many operands (edge arguments included) name it. */
  uses: Int32Array;
  /** Per value: the index, in its block, of the instruction it is nested in; -1 when not nested. */
  consumer: Int32Array;
}

/** Operand evaluation order of an instruction as emit.ts lowers it: [operand index, evaluated
 *  only sometimes (or not at all)]. */
function evaluationOrder(inst: Inst, isZeroRegister: boolean): readonly (readonly [number, boolean])[] {
  const op = inst.op;
  if (op.startsWith('select.')) return [[1, false], [2, false], [0, false]]; // wasm select: condition last
  if (op.startsWith('load.')) return [[0, false], [1, true]]; // the pc only on the slow path
  if (op.startsWith('store.')) return [[0, false], [1, false], [2, true]];
  if (op === 'exit') return [[0, true]]; // some exit contexts ignore the pc
  if ((op === 'set_xreg' || op === 'set_freg') && isZeroRegister) return [[1, true]]; // x0 ignores writes
  return inst.args.map((_, i) => [i, false] as const);
}

/** Per block, the single-use values to nest; `constants` are rematerialized at each use anyway. */
export function planSinking(func: Func, constants: ReadonlyMap<Value, Inst>): SinkPlan {
  const count = func.values.length;
  const uses = new Int32Array(count);
  const useBlock = new Int32Array(count).fill(-1);
  const consumer = new Int32Array(count).fill(-1);
  func.blocks.forEach((block, b) => {
    for (const inst of block.insts) {
      for (const a of inst.args) {
        uses[a]!++;
        useBlock[a] = b;
      }
      for (const t of inst.targets ?? []) {
        for (const a of t.args) {
          uses[a]!++;
          useBlock[a] = -2; // an edge copy: never nested
        }
      }
    }
  });

  const registerNumber = (v: Value): number | undefined => {
    const c = constants.get(v);
    return c === undefined ? undefined : Number(c.imm);
  };
  const cellEffects = (inst: Inst): Effects => {
    switch (inst.op) {
      case 'get_xreg':
      case 'get_freg': {
        const n = registerNumber(inst.args[0]!);
        return { flags: READS_CELL, read: n === undefined ? ANY_CELL : n + (inst.op === 'get_freg' ? 32 : 0), write: NO_CELL };
      }
      case 'set_xreg':
      case 'set_freg': {
        const n = registerNumber(inst.args[0]!);
        return { flags: WRITES_CELL, read: NO_CELL, write: n === undefined ? ANY_CELL : n + (inst.op === 'set_freg' ? 32 : 0) };
      }
      case 'get_slot':
        return { flags: READS_CELL, read: slotCell(inst.imm as StateSlotName), write: NO_CELL };
      case 'set_slot':
        return { flags: WRITES_CELL, read: NO_CELL, write: slotCell(inst.imm as StateSlotName) };
      default:
        return PURE;
    }
  };
  const ownEffects = (inst: Inst): Effects => {
    const op = inst.op;
    if (op.startsWith('load.')) return { flags: READS_MEMORY, read: NO_CELL, write: NO_CELL };
    if (op.startsWith('store.')) return { flags: WRITES_MEMORY, read: NO_CELL, write: NO_CELL };
    if (op === 'call_helper' || op === 'exit' || op === 'goto_pc') return { flags: CALLS, read: ANY_CELL, write: ANY_CELL };
    return cellEffects(inst);
  };

  interface Pending {
    value: Value;
    index: number;
    effects: Effects;
  }
  const pending: Pending[] = [];
  const pendingOf = new Map<Value, Pending>();
  func.blocks.forEach((block, b) => {
    pending.length = 0;
    pendingOf.clear();
    block.insts.forEach((inst, index) => {
      if (constants.has(inst.result)) return;
      let effects = ownEffects(inst);
      const isMemoryOp = (effects.flags & MEMORY) !== 0;
      const nested: Pending[] = [];
      const isZeroRegister = inst.op === 'set_xreg' && registerNumber(inst.args[0]!) === 0;
      for (const [operand, sometimes] of evaluationOrder(inst, isZeroRegister)) {
        const p = pendingOf.get(inst.args[operand]!);
        if (p === undefined) continue;
        if (sometimes && p.effects.flags !== 0) continue;
        // A nested guest load reuses the scratch locals, which a memory op's later operands must not.
        if (isMemoryOp && operand > 0 && p.effects.flags & READS_MEMORY) continue;
        // Operands nested earlier in this instruction now run before p: any defined after it must commute.
        if (nested.some((n) => n.index > p.index && !commute(n.effects, p.effects))) continue;
        nested.push(p);
        consumer[p.value] = index;
        effects = merge(effects, p.effects);
        pendingOf.delete(p.value);
      }
      if (nested.length) {
        let kept = 0;
        for (const p of pending) if (pendingOf.has(p.value)) pending[kept++] = p;
        pending.length = kept;
      }
      // Values still waiting would move past this instruction: drop those it conflicts with.
      if (effects.flags !== 0) {
        let kept = 0;
        for (const p of pending) {
          if (commute(p.effects, effects)) pending[kept++] = p;
          else pendingOf.delete(p.value);
        }
        pending.length = kept;
      }
      const r = inst.result;
      if (r >= 0 && uses[r] === 1 && useBlock[r] === b) {
        const p = { value: r, index, effects };
        pending.push(p);
        pendingOf.set(r, p);
      }
    });
  });
  return { uses, consumer };
}
