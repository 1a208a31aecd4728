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

// What an instruction, with everything nested in it, does besides computing its value is three
// numbers (not an object: this runs for every instruction the baseline compiles): the flags
// above, and the one state cell it reads and the one it writes (NO_CELL, ANY_CELL or a cell).
const mergeCell = (a: number, b: number): number => (a === NO_CELL ? b : b === NO_CELL || a === b ? a : ANY_CELL);
const sameCell = (a: number, b: number): boolean => a !== NO_CELL && b !== NO_CELL && (a === ANY_CELL || b === ANY_CELL || a === b);

/** Whether effects a and b may run in either order with the same outcome. */
export function commute(aFlags: number, aRead: number, aWrite: number, bFlags: number, bRead: number, bWrite: number): boolean {
  if (aFlags === 0 || bFlags === 0) return true;
  if ((aFlags | bFlags) & CALLS) return false;
  const aMemory = aFlags & MEMORY;
  const bMemory = bFlags & MEMORY;
  if (aMemory && bMemory) return false; // faults stay in order; stores alias loads
  // A fault reports every cell as it is; a store's slow path may set codeModified.
  if (aMemory) return !(bFlags & WRITES_CELL) && !(aFlags & WRITES_MEMORY && bFlags & READS_CELL);
  if (bMemory) return !(aFlags & WRITES_CELL) && !(bFlags & WRITES_MEMORY && aFlags & READS_CELL);
  return !(sameCell(aWrite, bRead) || sameCell(aRead, bWrite) || sameCell(aWrite, bWrite));
}

/** The result of planSinking. */
export interface SinkPlan {
  /** Per value: how many operands (edge arguments included) name it. */
  uses: number[];
  /** Per value: the index, in its block, of the instruction it is nested in; -1 when not nested. */
  consumer: number[];
  /** Per nested value, its defining instruction. */
  definition: (Inst | undefined)[];
}

/** How an op takes part in sinking, looked up once per op name. */
const enum Shape {
  Plain, // operands evaluated in order, always
  Select, // wasm select evaluates its condition (operand 0) last
  Load, // the pc (operand 1) only on the slow path
  Store, // the pc (operand 2) only on the slow path
  Exit, // some exit contexts ignore the pc
  SetRegister, // a write to x0 evaluates nothing
  GetRegister,
  Slot,
}
interface OpTraits {
  shape: Shape;
  flags: number;
  /** A constant (rematerialized at each use: never pending). */
  constant: boolean;
}
const TRAITS = new Map<string, OpTraits>();
function traitsOf(op: string): OpTraits {
  let t = TRAITS.get(op);
  if (t === undefined) {
    if (op.startsWith('select.')) t = { shape: Shape.Select, flags: 0, constant: false };
    else if (op.startsWith('load.')) t = { shape: Shape.Load, flags: READS_MEMORY, constant: false };
    else if (op.startsWith('store.')) t = { shape: Shape.Store, flags: WRITES_MEMORY, constant: false };
    else if (op === 'exit') t = { shape: Shape.Exit, flags: CALLS, constant: false };
    else if (op === 'call_helper' || op === 'goto_pc') t = { shape: Shape.Plain, flags: CALLS, constant: false };
    else if (op === 'set_xreg' || op === 'set_freg') t = { shape: Shape.SetRegister, flags: WRITES_CELL, constant: false };
    else if (op === 'get_xreg' || op === 'get_freg') t = { shape: Shape.GetRegister, flags: READS_CELL, constant: false };
    else if (op === 'get_slot') t = { shape: Shape.Slot, flags: READS_CELL, constant: false };
    else if (op === 'set_slot') t = { shape: Shape.Slot, flags: WRITES_CELL, constant: false };
    else t = { shape: Shape.Plain, flags: 0, constant: op.startsWith('iconst.') || op.startsWith('fconst.') };
    TRAITS.set(op, t);
  }
  return t;
}

/** A slot's cell number. instret and budget are one cell: T0 derives instret from its budget. */
const slotCell = (slot: StateSlotName): number => 64 + StateSlot[slot === 'instret' ? 'budget' : slot];

/** A plan that nests nothing: only the use counts. */
export function countUses(func: Func): SinkPlan {
  const uses: number[] = [];
  const consumer: number[] = [];
  for (let v = 0; v < func.values.length; v++) {
    uses.push(0);
    consumer.push(-1);
  }
  for (const block of func.blocks) {
    for (const inst of block.insts) {
      for (const a of inst.args) uses[a]!++;
      for (const t of inst.targets ?? []) for (const a of t.args) uses[a]!++;
    }
  }
  return { uses, consumer, definition: [] };
}

/** Per-value work arrays of planSinking, reused across calls (it calls nothing that re-enters it):
 *  allocating typed arrays per function cost more than the analysis itself. */
let work = new Int32Array(0);

/** Per block, the single-use values to nest; `constants` are rematerialized at each use anyway. */
export function planSinking(func: Func, constants: ReadonlyMap<Value, Inst>): SinkPlan {
  const count = func.values.length;
  // Filled by push: packed arrays (Array(n).fill is a slow path in V8).
  const uses: number[] = [];
  const consumer: number[] = [];
  const definition: (Inst | undefined)[] = [];
  for (let v = 0; v < count; v++) {
    uses.push(0);
    consumer.push(-1);
    definition.push(undefined);
  }
  if (work.length < 6 * count) work = new Int32Array(6 * count + 1024);
  const useBlock = work.subarray(0, count).fill(-1);
  const isPending = work.subarray(count, 2 * count).fill(0);
  const pendingIndex = work.subarray(2 * count, 3 * count);
  const pendingFlags = work.subarray(3 * count, 4 * count);
  const pendingRead = work.subarray(4 * count, 5 * count);
  /** The one cell written, or the register number of a constant (read by cellOf). */
  const pendingWrite = work.subarray(5 * count, 6 * count);
  const blocks = func.blocks;
  for (let b = 0; b < blocks.length; b++) {
    const insts = blocks[b]!.insts;
    for (let i = 0; i < insts.length; i++) {
      const inst = insts[i]!;
      if (traitsOf(inst.op).constant) pendingWrite[inst.result] = Number(inst.imm);
      const args = inst.args;
      for (let k = 0; k < args.length; k++) {
        const a = args[k]!;
        uses[a]!++;
        useBlock[a] = b;
      }
      if (inst.targets === undefined) continue;
      for (const t of inst.targets) {
        for (const a of t.args) {
          uses[a]!++;
          useBlock[a] = -2; // an edge copy: never nested
        }
      }
    }
  }

  const cellOf = (inst: Inst, shape: Shape): number => {
    if (shape === Shape.Slot) return slotCell(inst.imm as StateSlotName);
    const register = inst.args[0]!;
    if (!constants.has(register)) return ANY_CELL;
    return pendingWrite[register]! + (inst.op === 'get_freg' || inst.op === 'set_freg' ? 32 : 0);
  };

  // Values waiting for their use, in definition order, with the effects of their computation.
  const pending: Value[] = [];
  let pendingCount = 0;
  const nested: Value[] = [];
  let nestedCount = 0;
  for (let b = 0; b < blocks.length; b++) {
    for (let k = 0; k < pendingCount; k++) isPending[pending[k]!] = 0;
    pendingCount = 0;
    const insts = blocks[b]!.insts;
    for (let index = 0; index < insts.length; index++) {
      const inst = insts[index]!;
      const r = inst.result;
      const { shape, flags: ownFlags, constant } = traitsOf(inst.op);
      if (constant) continue;
      let flags = ownFlags;
      let read = NO_CELL;
      let write = NO_CELL;
      if (flags & CALLS) read = write = ANY_CELL;
      else if (flags & READS_CELL) read = cellOf(inst, shape);
      else if (flags & WRITES_CELL) write = cellOf(inst, shape);
      const args = inst.args;
      const zeroRegister = shape === Shape.SetRegister && write === 0;
      nestedCount = 0;
      for (let k = 0; k < args.length; k++) {
        const operand = shape === Shape.Select ? (k + 1) % 3 : k; // select: 1, 2, then 0
        const v = args[operand]!;
        if (!isPending[v]) continue;
        const vFlags = pendingFlags[v]!;
        const sometimes = (shape === Shape.Load && operand === 1) || (shape === Shape.Store && operand === 2) || shape === Shape.Exit || zeroRegister;
        if (sometimes && vFlags !== 0) continue;
        // A nested guest load reuses the scratch locals, which a memory op's later operands must not.
        if (ownFlags & MEMORY && operand > 0 && vFlags & READS_MEMORY) continue;
        // Operands nested earlier in this instruction now run before v: any defined after it must commute.
        let ordered = true;
        for (let j = 0; j < nestedCount; j++) {
          const n = nested[j]!;
          if (pendingIndex[n]! > pendingIndex[v]! && !commute(pendingFlags[n]!, pendingRead[n]!, pendingWrite[n]!, vFlags, pendingRead[v]!, pendingWrite[v]!)) ordered = false;
        }
        if (!ordered) continue;
        nested[nestedCount++] = v;
        consumer[v] = index;
        definition[v] = insts[pendingIndex[v]!];
        isPending[v] = 0;
        if (vFlags !== 0) {
          flags |= vFlags;
          read = mergeCell(read, pendingRead[v]!);
          write = mergeCell(write, pendingWrite[v]!);
        }
      }
      // Values still waiting would move past this instruction: keep those it commutes with.
      if (nestedCount || flags !== 0) {
        let kept = 0;
        for (let k = 0; k < pendingCount; k++) {
          const p = pending[k]!;
          if (isPending[p] && (flags === 0 || commute(pendingFlags[p]!, pendingRead[p]!, pendingWrite[p]!, flags, read, write))) pending[kept++] = p;
          else isPending[p] = 0;
        }
        pendingCount = kept;
      }
      if (r >= 0 && uses[r] === 1 && useBlock[r] === b) {
        pending[pendingCount++] = r;
        isPending[r] = 1;
        pendingIndex[r] = index;
        pendingFlags[r] = flags;
        pendingRead[r] = read;
        pendingWrite[r] = write;
      }
    }
  }
  return { uses, consumer, definition };
}
