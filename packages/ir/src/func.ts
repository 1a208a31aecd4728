// The IR container: values are ids into flat arrays, instructions live in blocks, and the
// entry block's parameters are the function's inputs. Invariant: each value is defined once
// (an instruction result or a block parameter); each block ends in exactly one terminator.
import { HELPERS, StateSlot, type HelperName, type StateSlotName } from '@ferry/abi';
import { OPS, type OpName } from './ops.js';
import type { BlockId, ResultType, Type, Value } from './types.js';

export interface Target {
  block: BlockId;
  args: Value[];
}

export interface Inst {
  op: OpName;
  args: Value[];
  /** Immediate: a constant (bigint for i64), a StateSlot name, a helper name or an exit code. */
  imm?: number | bigint | string;
  /** Branch targets: jump has one, brif two (taken, not taken). */
  targets?: Target[];
  /** The defined value, or -1 for ops without a result. */
  result: Value;
}

export interface Block {
  params: Value[];
  insts: Inst[];
}

export interface ValueInfo {
  type: Type;
  /** Block that defines it (as a parameter or instruction result). */
  block: BlockId;
}

/** Op names as the op table spells them, by name: emit stores these, so instructions share one
 *  string per op (names built from parts, such as `add.${type}`, are fresh strings that every
 *  later table lookup and comparison would have to hash or compare character by character). */
const CANONICAL_OP: ReadonlyMap<string, OpName> = new Map((Object.keys(OPS) as OpName[]).map((op) => [op, op]));

/** The ops that end a block (`terminated` asks after every instruction the lifter appends). */
const TERMINATORS: ReadonlySet<string> = new Set((Object.keys(OPS) as OpName[]).filter((op) => OPS[op].effect === 'terminator'));

export class Func {
  readonly values: ValueInfo[] = [];
  readonly blocks: Block[] = [];
  constructor(readonly name: string) {}

  newValue(type: Type, block: BlockId): Value {
    this.values.push({ type, block });
    return this.values.length - 1;
  }
  typeOf(v: Value): Type {
    const info = this.values[v];
    if (!info) throw new Error(`internal error: value v${v} does not exist in ${this.name}`);
    return info.type;
  }

  get entry(): Block {
    return this.blocks[0]!;
  }
  get params(): Value[] {
    return this.entry.params;
  }
}

/** The instruction defining each value, indexed by value id; undefined for block parameters and
 *  for ids past the end (values created after the table was made, unless the creator adds them). */
export type Definitions = (Inst | undefined)[];

export function definitions(func: Func): Definitions {
  const defs: Definitions = new Array<Inst | undefined>(func.values.length).fill(undefined);
  for (const block of func.blocks) for (const inst of block.insts) if (inst.result >= 0) defs[inst.result] = inst;
  return defs;
}

/** Result type of an instruction, resolving helper calls through the abi table. */
export function resultTypeOf(op: OpName, imm: Inst['imm']): ResultType {
  const r = OPS[op].result;
  if (r !== 'helper') return r;
  return HELPERS[imm as HelperName].result;
}

/** The state slots a call_helper's helper may touch (abi HelperSignature.state): `all` for a name
 *  that is no helper. */
export function helperState(imm: Inst['imm']): 'all' | 'fflags' {
  return Object.hasOwn(HELPERS, String(imm)) ? HELPERS[imm as HelperName].state : 'all';
}

/** Appends instructions to a current block. Shorthands pick the typed op from operand types. */
export class Builder {
  current: BlockId = -1;
  constructor(readonly func: Func) {}

  createBlock(paramTypes: readonly Type[] = []): BlockId {
    const id = this.func.blocks.length;
    this.func.blocks.push({ params: [], insts: [] });
    for (const t of paramTypes) this.func.blocks[id]!.params.push(this.func.newValue(t, id));
    return id;
  }
  switchTo(block: BlockId): void {
    this.current = block;
  }
  param(block: BlockId, index: number): Value {
    return this.func.blocks[block]!.params[index]!;
  }
  /** True once the current block has its terminator. */
  get terminated(): boolean {
    const insts = this.func.blocks[this.current]!.insts;
    const last = insts[insts.length - 1];
    return last !== undefined && TERMINATORS.has(last.op);
  }

  emit(name: OpName, args: Value[] = [], imm?: Inst['imm'], targets?: Target[]): Value {
    const op = CANONICAL_OP.get(name) ?? name;
    if (this.current < 0) throw new Error('internal error: builder has no current block');
    if (this.terminated) throw new Error(`internal error: ${op} appended after a terminator in ${this.func.name}`);
    const type = resultTypeOf(op, imm);
    const result = type === 'none' ? -1 : this.func.newValue(type, this.current);
    const inst: Inst = { op, args, result };
    if (imm !== undefined) inst.imm = imm;
    if (targets) inst.targets = targets;
    this.func.blocks[this.current]!.insts.push(inst);
    return result;
  }

  // Constants
  i32(value: number): Value {
    return this.emit('iconst.i32', [], value | 0);
  }
  i64(value: bigint | number): Value {
    return this.emit('iconst.i64', [], BigInt.asIntN(64, BigInt(value)));
  }

  // Typed families, the type taken from the first operand.
  bin(name: (typeof import('./ops.js').INT_BINARY)[number], a: Value, b: Value): Value {
    return this.emit(`${name}.${this.intType(a)}` as OpName, [a, b]);
  }
  cmp(name: (typeof import('./ops.js').INT_COMPARE)[number], a: Value, b: Value): Value {
    return this.emit(`${name}.${this.intType(a)}` as OpName, [a, b]);
  }
  unary(name: 'clz' | 'ctz' | 'popcnt' | 'eqz', a: Value): Value {
    return this.emit(`${name}.${this.intType(a)}` as OpName, [a]);
  }
  select(cond: Value, a: Value, b: Value): Value {
    return this.emit(`select.${this.intType(a)}` as OpName, [cond, a, b]);
  }

  // Guest state
  getX(reg: Value): Value {
    return this.emit('get_xreg', [reg]);
  }
  setX(reg: Value, value: Value): void {
    this.emit('set_xreg', [reg, value]);
  }
  getF(reg: Value): Value {
    return this.emit('get_freg', [reg]);
  }
  setF(reg: Value, value: Value): void {
    this.emit('set_freg', [reg, value]);
  }
  getSlot(slot: StateSlotName): Value {
    assertSlot(slot);
    return this.emit('get_slot', [], slot);
  }
  setSlot(slot: StateSlotName, value: Value): void {
    assertSlot(slot);
    this.emit('set_slot', [value], slot);
  }

  // Guest memory
  load(kind: 'u8' | 's8' | 'u16' | 's16' | 'u32' | 's32' | '64', address: Value, pc: Value): Value {
    return this.emit(`load.${kind}`, [address, pc]);
  }
  store(width: 8 | 16 | 32 | 64, address: Value, value: Value, pc: Value): void {
    this.emit(`store.${width}`, [address, value, pc]);
  }
  helper(name: HelperName, ...args: Value[]): Value {
    return this.emit('call_helper', args, name);
  }

  // Terminators
  jump(block: BlockId, args: Value[] = []): void {
    this.emit('jump', [], undefined, [{ block, args }]);
  }
  brif(cond: Value, taken: BlockId, notTaken: BlockId, takenArgs: Value[] = [], notTakenArgs: Value[] = []): void {
    this.emit('brif', [cond], undefined, [
      { block: taken, args: takenArgs },
      { block: notTaken, args: notTakenArgs },
    ]);
  }
  gotoPc(target: Value): void {
    this.emit('goto_pc', [target]);
  }
  exit(code: number, pc: Value): void {
    this.emit('exit', [pc], code);
  }

  private intType(v: Value): 'i32' | 'i64' {
    const t = this.func.typeOf(v);
    if (t !== 'i32' && t !== 'i64') throw new Error(`internal error: integer op on ${t} value v${v}`);
    return t;
  }
}

function assertSlot(slot: string): void {
  if (!(slot in StateSlot)) throw new Error(`internal error: unknown state slot ${slot}`);
}

/** Create a function whose entry block has parameters of the given types; the builder is positioned there. */
export function newFunction(name: string, paramTypes: readonly Type[] = []): { func: Func; b: Builder } {
  const func = new Func(name);
  const b = new Builder(func);
  b.switchTo(b.createBlock(paramTypes));
  return { func, b };
}
