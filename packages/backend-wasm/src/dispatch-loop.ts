// A threaded T0 interpreter: one small wasm function per decoder row (its handler), chained by tail
// calls. A handler gets (pc, budget, entry): the guest pc, the instructions it may still retire after
// this one, and the decoded-instruction cache entry of pc. It loads its operands from the entry
// (fields the row fixes are constants), runs the row's lifted IR (emitFunctionBody), and on goto_pc
// spends one unit of budget, looks the new pc up in the cache (filling it through the pattern
// decoder on a miss) and return_call_indirects the next handler through the handler table. Exits
// tail-call one shared function that writes the exit record, pc, budget and retired-instruction
// count. run(): i32 starts the chain from the state block. Invariant: state is precise at every exit.
import binaryen from 'binaryen';
import { DECODE_CACHE, DECODE_CACHE_INDEX_MASK, ExitCode, STATE_BASE, StateSlot, type StateSlotName } from '@ferry/abi';
import type { Func } from '@ferry/ir';
import { emitFunctionBody } from './emit.js';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_HANDLER } from './packing.js';
import { FILL_FUNCTION, addDecoder, type DecoderRow, type DecoderSlot } from './pattern-decoder.js';

export interface InterpreterCase {
  opcode: number;
  /** Lifted with run-time operands: entry parameters (pc, next, rd, rs1, rs2, rs3, imm, rm). */
  func: Func;
}

export const RUN_EXPORT = 'run';
const HANDLER_TABLE = 'handlers';
const EXIT_FUNCTION = 'exit_to_runtime';
const ILLEGAL_FUNCTION = 'illegal_instruction';
const MISS_FUNCTION = 'dispatch_miss';

// Parameters of every handler; further locals follow.
const P = { pc: 0, budget: 1, entry: 2 } as const;
const HANDLER_PARAMS = binaryen.createType([binaryen.i64, binaryen.i64, binaryen.i32]);
/** The lifted functions' entry parameters, in order (lift-riscv OPERAND_PARAMS). */
const OPERAND_SLOTS = ['pc', 'next', 'rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'] as const;

const slotAddr = (s: StateSlotName) => STATE_BASE + StateSlot[s];

export function addInterpreter(mb: WasmModuleBuilder, decoderRows: readonly DecoderRow[], cases: readonly InterpreterCase[]): void {
  const m = mb.m;
  addDecoder(mb, decoderRows);
  addExitFunction(m);
  addMissFunction(m);
  const byOpcode = new Map(cases.map((c) => [c.opcode, c]));
  const handlerNames = decoderRows.map((row, index) => {
    const c = byOpcode.get(row.opcode);
    if (!c) throw new Error(`internal error: decoder row ${row.name ?? index} names opcode ${row.opcode}, which has no interpreter case`);
    const name = `handler_${index}_${row.name ?? c.func.name}`;
    addHandler(mb, name, row, c.func);
    return name;
  });
  m.addFunction(ILLEGAL_FUNCTION, HANDLER_PARAMS, binaryen.i32, [], exitWith(m, ExitCode.illegalInstruction, m.local.get(P.pc, binaryen.i64)));
  const table = Array.from({ length: ILLEGAL_HANDLER + 1 }, (_, i) => handlerNames[i] ?? ILLEGAL_FUNCTION);
  m.addTable(HANDLER_TABLE, table.length, table.length);
  m.addActiveElementSegment(HANDLER_TABLE, 'handler_slots', table, m.i32.const(0));

  // run(): enter the chain at the state block's pc with its budget.
  const runBody = m.block(null, [
    m.local.set(P.pc, m.i64.load(slotAddr('pc'), 8, m.i32.const(0))),
    m.local.set(P.budget, m.i64.load(slotAddr('budget'), 8, m.i32.const(0))),
    dispatchNext(m),
  ]);
  m.addFunction(RUN_EXPORT, binaryen.none, binaryen.i32, [binaryen.i64, binaryen.i64, binaryen.i32], runBody);
  m.addFunctionExport(RUN_EXPORT, RUN_EXPORT);
}

/** Continue at the pc in local P.pc with P.budget left: budget check, cache lookup, next handler. */
function dispatchNext(m: binaryen.Module): ExpressionRef {
  const pc = () => m.local.get(P.pc, binaryen.i64);
  const budget = () => m.local.get(P.budget, binaryen.i64);
  const entry = () => m.local.get(P.entry, binaryen.i32);
  const slotIndex = m.i32.and(m.i32.wrap(m.i64.shr_u(pc(), m.i64.const(1n))), m.i32.const(DECODE_CACHE_INDEX_MASK));
  const operands = [pc(), m.i64.sub(budget(), m.i64.const(1n)), entry()];
  const handler = m.i32.load8_u(ENTRY.handler, 1, entry());
  return m.block(null, [
    m.if(m.i64.eqz(budget()), exitWith(m, ExitCode.budget, pc())),
    m.local.set(P.entry, m.i32.add(m.i32.shl(slotIndex, m.i32.const(4)), m.i32.const(DECODE_CACHE))),
    m.if(m.i64.ne(m.i64.load(ENTRY.tag, 8, entry()), pc()), m.return_call(MISS_FUNCTION, [pc(), budget(), entry()], binaryen.i32)),
    callHandler(m, handler, operands),
  ]);
}

/** return_call_indirect the handler: a tail call, so the chain runs in constant stack. */
function callHandler(m: binaryen.Module, handler: ExpressionRef, operands: ExpressionRef[]): ExpressionRef {
  return m.return_call_indirect(HANDLER_TABLE, handler, operands, HANDLER_PARAMS, binaryen.i32);
}

/** dispatch_miss(pc, budget, entry): fill the entry through the decoder, then run its handler.
 *  Kept out of the handlers so they make no ordinary calls on their hot path. */
function addMissFunction(m: binaryen.Module): void {
  const get = (i: number) => m.local.get(i, i === P.entry ? binaryen.i32 : binaryen.i64);
  const body = m.block(null, [
    m.call(FILL_FUNCTION, [get(P.pc), get(P.entry)], binaryen.none),
    callHandler(m, m.i32.load8_u(ENTRY.handler, 1, get(P.entry)), [get(P.pc), m.i64.sub(get(P.budget), m.i64.const(1n)), get(P.entry)]),
  ]);
  m.addFunction(MISS_FUNCTION, HANDLER_PARAMS, binaryen.i32, [], body);
}

/** Leave for the runtime from a handler (its P.budget is what remains after this instruction). */
function exitWith(m: binaryen.Module, code: number, pc: ExpressionRef): ExpressionRef {
  return m.return_call(EXIT_FUNCTION, [m.i32.const(code), pc, m.local.get(P.budget, binaryen.i64)], binaryen.i32);
}

/** Instructions retired so far in this run: the state block's count plus the budget spent. */
function retired(m: binaryen.Module, budget: ExpressionRef): ExpressionRef {
  const load = (s: StateSlotName) => m.i64.load(slotAddr(s), 8, m.i32.const(0));
  return m.i64.add(load('instret'), m.i64.sub(load('budget'), budget));
}

/** exit_to_runtime(code, pc, budget): write the exit record and the precise state, return code. */
function addExitFunction(m: binaryen.Module): void {
  const CODE = 0, PC = 1, BUDGET = 2;
  const store = (s: StateSlotName, v: ExpressionRef) => m.i64.store(slotAddr(s), 8, m.i32.const(0), v);
  const pc = () => m.local.get(PC, binaryen.i64);
  const body = m.block(null, [
    store('instret', retired(m, m.local.get(BUDGET, binaryen.i64))),
    store('budget', m.local.get(BUDGET, binaryen.i64)),
    store('exitPc', pc()),
    store('pc', pc()),
    store('exitCode', m.i64.extend_u(m.local.get(CODE, binaryen.i32))),
    m.return(m.local.get(CODE, binaryen.i32)),
  ]);
  m.addFunction(EXIT_FUNCTION, binaryen.createType([binaryen.i32, binaryen.i64, binaryen.i64]), binaryen.i32, [], body);
}

/** One handler: the case's IR with the row's fixed fields as constants, the others from the entry. */
function addHandler(mb: WasmModuleBuilder, name: string, row: DecoderRow, func: Func): void {
  const m = mb.m;
  const vars: binaryen.Type[] = [];
  const addLocal = (t: binaryen.Type) => 3 + vars.push(t) - 1;
  const entry = () => m.local.get(P.entry, binaryen.i32);
  const loaded = new Map<number, { local: number; value: ExpressionRef }>();
  const fromEntry = (index: number, type: binaryen.Type, value: () => ExpressionRef): ExpressionRef => {
    let l = loaded.get(index);
    if (!l) loaded.set(index, (l = { local: addLocal(type), value: value() }));
    return m.local.get(l.local, type);
  };
  const register = (slot: DecoderSlot, index: number): ExpressionRef => {
    const spec = row.fields[slot];
    if (typeof spec !== 'object') return m.i32.const(spec ?? 0);
    return fromEntry(index, binaryen.i32, () => m.i32.load8_u(ENTRY[slot], 1, entry()));
  };
  const param = (index: number): ExpressionRef => {
    const slot = OPERAND_SLOTS[index]!;
    switch (slot) {
      case 'pc':
        return m.local.get(P.pc, binaryen.i64);
      case 'next':
        return m.i64.add(m.local.get(P.pc, binaryen.i64), m.i64.const(BigInt(row.size)));
      case 'imm': {
        const spec = row.fields.imm;
        if (typeof spec !== 'object') return m.i64.const(BigInt(spec ?? 0));
        return fromEntry(index, binaryen.i64, () => m.i64.extend_s(m.i32.load(ENTRY.imm, 4, entry())));
      }
      default:
        return register(slot, index);
    }
  };
  const context = {
    param,
    gotoPc: (target: ExpressionRef) => m.block(null, [m.local.set(P.pc, target), dispatchNext(m)]),
    exit: (code: number, pc: ExpressionRef) => exitWith(m, code, pc),
    readSlot: (s: StateSlotName) => (s === 'instret' ? retired(m, m.local.get(P.budget, binaryen.i64)) : undefined),
    addLocal,
  };
  const body = emitFunctionBody(mb, func, context);
  // Operands are read from the entry before anything runs: a store may invalidate the entry.
  const prologue = [...loaded.values()].map((l) => m.local.set(l.local, l.value));
  m.addFunction(name, HANDLER_PARAMS, binaryen.i32, vars, m.block(null, [...prologue, body, m.unreachable()]));
}
