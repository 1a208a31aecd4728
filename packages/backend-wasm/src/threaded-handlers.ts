// The pieces of the threaded T0 interpreter's handlers (dispatch-loop.ts assembles the module).
// Every handler has the signature (pc i64, budget i64, entry i32) -> i32 exit code: pc is the guest
// pc, budget what may still retire after this instruction, entry its decoded-instruction cache
// entry. A handler runs its row's lifted IR with operands loaded from the entry, then dispatches:
// spend one unit of budget (exit when none is left), look the new pc up in the cache (dispatch_miss
// fills it on a miss) and return_call_indirect its handler. When profile data names the row most
// often executed next, that row's code follows inline, guarded by the next entry's row byte.
// Invariant: handler parameters and locals P.* always describe the instruction being executed.
import binaryen from 'binaryen';
import {
  DECODE_CACHE, DECODE_CACHE_ENTRIES, DECODE_CACHE_ENTRY_SIZE, DECODE_CACHE_INDEX_MASK, ExitCode, HOT_COUNTERS,
  HOT_COUNTER_INDEX_MASK, JUMP_CACHE, JUMP_CACHE_INDEX_MASK, SHADOW_TABLE, STATE_BASE, StateSlot, type StateSlotName,
} from '@ferry/abi';
import type { Func } from '@ferry/ir';
import { emitFunctionBody, type BodyContext } from './emit.js';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_HANDLER } from './packing.js';
import { FILL_FUNCTION, type DecoderRow, type DecoderSlot } from './pattern-decoder.js';

export const HANDLER_TABLE = 'handlers';
export const EXIT_FUNCTION = 'exit_to_runtime';
export const MISS_FUNCTION = 'dispatch_miss';
const PREVIOUS_ROW_GLOBAL = 'previous_row';
/** How many expected successors a handler runs inline, one after the other. */
const INLINE_DEPTH = 2;

/** Profiling builds count executed (previous row, row) pairs here, as u32 [previous * 256 + row],
 *  in host memory the abi leaves unused between the decode cache and the shadow table. */
export const SUCCESSOR_COUNTS = DECODE_CACHE + DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE;
export const SUCCESSOR_COUNTS_ROWS = ILLEGAL_HANDLER + 1;
if (SUCCESSOR_COUNTS + SUCCESSOR_COUNTS_ROWS * SUCCESSOR_COUNTS_ROWS * 4 > SHADOW_TABLE) throw new Error('internal error: successor counts overlap the shadow table');

/** Parameters of every handler; its further locals follow. */
export const P = { pc: 0, budget: 1, entry: 2 } as const;
export const HANDLER_PARAMS = binaryen.createType([binaryen.i64, binaryen.i64, binaryen.i32]);
/** The lifted functions' entry parameters, in order (lift-riscv OPERAND_PARAMS). */
const OPERAND_SLOTS = ['pc', 'next', 'rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'] as const;

const slotAddr = (s: StateSlotName) => STATE_BASE + StateSlot[s];

export interface HandlerRow {
  row: DecoderRow;
  func: Func;
  /** Index of the row most often executed after this one (inlined after it), if any. */
  successor?: number;
}

/** Leave for the runtime from a handler (P.budget is what remains after this instruction). */
export function exitWith(m: binaryen.Module, code: number, pc: ExpressionRef): ExpressionRef {
  return m.return_call(EXIT_FUNCTION, [m.i32.const(code), pc, m.local.get(P.budget, binaryen.i64)], binaryen.i32);
}

/** Instructions retired so far in this run: the state block's count plus the budget spent. */
function retired(m: binaryen.Module, budget: ExpressionRef): ExpressionRef {
  const load = (s: StateSlotName) => m.i64.load(slotAddr(s), 8, m.i32.const(0));
  return m.i64.add(load('instret'), m.i64.sub(load('budget'), budget));
}

/** return_call_indirect a handler: a tail call, so the chain runs in constant stack. */
function callHandler(m: binaryen.Module, handler: ExpressionRef, operands: ExpressionRef[]): ExpressionRef {
  return m.return_call_indirect(HANDLER_TABLE, handler, operands, HANDLER_PARAMS, binaryen.i32);
}

/** Continue at the pc in P.pc with P.budget left: budget check, cache lookup, then either the
 *  inline code of the expected row (when the entry holds it) or the entry's handler. */
export function dispatchNext(m: binaryen.Module, inline?: { row: number; code: () => ExpressionRef }): ExpressionRef {
  const pc = () => m.local.get(P.pc, binaryen.i64);
  const budget = () => m.local.get(P.budget, binaryen.i64);
  const entry = () => m.local.get(P.entry, binaryen.i32);
  const slotIndex = m.i32.and(m.i32.wrap(m.i64.shr_u(pc(), m.i64.const(1n))), m.i32.const(DECODE_CACHE_INDEX_MASK));
  const handler = () => m.i32.load8_u(ENTRY.handler, 1, entry());
  const spend = () => m.i64.sub(budget(), m.i64.const(1n));
  const code = [
    m.if(m.i64.eqz(budget()), exitWith(m, ExitCode.budget, pc())),
    m.local.set(P.entry, m.i32.add(m.i32.shl(slotIndex, m.i32.const(4)), m.i32.const(DECODE_CACHE))),
    m.if(m.i64.ne(m.i64.load(ENTRY.tag, 8, entry()), pc()), m.return_call(MISS_FUNCTION, [pc(), budget(), entry()], binaryen.i32)),
  ];
  if (inline) code.push(m.if(m.i32.eq(handler(), m.i32.const(inline.row)), m.block(null, [m.local.set(P.budget, spend()), inline.code()])));
  code.push(callHandler(m, handler(), [pc(), spend(), entry()]));
  return m.block(null, code);
}

/** After a taken branch to P.pc (adaptive tier only, when StateSlot.hotThreshold is nonzero):
 *  leave for a translation of the target if the jump cache has one, otherwise count the target
 *  and leave reporting it hot when its count reaches the threshold. */
function takenBranchHooks(m: binaryen.Module, target: number, next: ExpressionRef): ExpressionRef {
  const pc = () => m.local.get(target, binaryen.i64);
  const index = () => m.i32.and(m.i32.wrap(m.i64.shr_u(pc(), m.i64.const(1n))), m.i32.const(JUMP_CACHE_INDEX_MASK & HOT_COUNTER_INDEX_MASK));
  const threshold = m.i32.wrap(m.i64.load(slotAddr('hotThreshold'), 8, m.i32.const(0)));
  const jumpEntry = m.i32.add(m.i32.shl(index(), m.i32.const(4)), m.i32.const(JUMP_CACHE));
  const counter = () => m.i32.add(m.i32.shl(index(), m.i32.const(1)), m.i32.const(HOT_COUNTERS));
  const count = m.i32.add(m.i32.load16_u(0, 2, counter()), m.i32.const(1));
  // exitWith reports P.budget, which already excludes this (retired) branch.
  return m.if(
    m.i32.and(m.i32.ne(threshold, m.i32.const(0)), m.i64.ne(pc(), next)),
    m.block(null, [
      m.if(m.i64.eq(m.i64.load(0, 8, jumpEntry), pc()), exitWith(m, ExitCode.translated, pc())),
      m.if(
        m.i32.ge_u(count, m.i32.wrap(m.i64.load(slotAddr('hotThreshold'), 8, m.i32.const(0)))),
        m.block(null, [m.i32.store16(0, 2, counter(), m.i32.const(0)), exitWith(m, ExitCode.hot, pc())]),
        m.i32.store16(0, 2, counter(), m.i32.add(m.i32.load16_u(0, 2, counter()), m.i32.const(1))),
      ),
    ]),
  );
}

/** exit_to_runtime(code, pc, budget): write the exit record and the precise state, return code. */
export function addExitFunction(m: binaryen.Module): void {
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

/** dispatch_miss(pc, budget, entry): fill the entry through the decoder, then run its handler.
 *  Kept out of the handlers so they make no ordinary calls on their hot path. */
export function addMissFunction(m: binaryen.Module): void {
  const get = (i: number) => m.local.get(i, i === P.entry ? binaryen.i32 : binaryen.i64);
  const body = m.block(null, [
    m.call(FILL_FUNCTION, [get(P.pc), get(P.entry)], binaryen.none),
    callHandler(m, m.i32.load8_u(ENTRY.handler, 1, get(P.entry)), [get(P.pc), m.i64.sub(get(P.budget), m.i64.const(1n)), get(P.entry)]),
  ]);
  m.addFunction(MISS_FUNCTION, HANDLER_PARAMS, binaryen.i32, [], body);
}

export function addSuccessorCounting(m: binaryen.Module): void {
  m.addGlobal(PREVIOUS_ROW_GLOBAL, binaryen.i32, true, m.i32.const(ILLEGAL_HANDLER));
}

/** Adds the handler function `name` for rows[index] (and, inline, its successor's code). */
export function addHandler(mb: WasmModuleBuilder, name: string, rows: readonly HandlerRow[], index: number, countSuccessors: boolean): void {
  const m = mb.m;
  const vars: binaryen.Type[] = [];
  const addLocal = (t: binaryen.Type) => 3 + vars.push(t) - 1;

  /** The code of rows[r], entered with P.* describing it; it never falls off its end. */
  const rowCode = (r: number, inlineDepth: number): ExpressionRef => {
    const { row, func, successor } = rows[r]!;
    const loaded: { local: number; value: ExpressionRef }[] = [];
    const fromEntry = (type: binaryen.Type, value: ExpressionRef): number => loaded.push({ local: addLocal(type), value }) - 1;
    const operandLocals = new Map<number, { index: number; type: binaryen.Type }>();
    const entry = () => m.local.get(P.entry, binaryen.i32);
    const operand = (index: number, type: binaryen.Type, load: () => ExpressionRef): ExpressionRef => {
      let l = operandLocals.get(index);
      if (!l) operandLocals.set(index, (l = { index: fromEntry(type, load()), type }));
      return m.local.get(loaded[l.index]!.local, type);
    };
    const param = (index: number): ExpressionRef => {
      const slot = OPERAND_SLOTS[index]!;
      if (slot === 'pc') return m.local.get(P.pc, binaryen.i64);
      if (slot === 'next') return m.i64.add(m.local.get(P.pc, binaryen.i64), m.i64.const(BigInt(row.size)));
      if (slot === 'imm') {
        const spec = row.fields.imm;
        if (typeof spec !== 'object') return m.i64.const(BigInt(spec ?? 0));
        return operand(index, binaryen.i64, () => m.i64.extend_s(m.i32.load(ENTRY.imm, 4, entry())));
      }
      const spec = row.fields[slot as DecoderSlot];
      if (typeof spec !== 'object') return m.i32.const(spec ?? 0);
      return operand(index, binaryen.i32, () => m.i32.load8_u(ENTRY[slot], 1, entry()));
    };
    const inline = inlineDepth > 0 && successor !== undefined ? { row: successor, code: () => rowCode(successor, inlineDepth - 1) } : undefined;
    const context: BodyContext = {
      param,
      gotoPc: (target) => {
        if (!row.branch) return m.block(null, [m.local.set(P.pc, target), dispatchNext(m, inline)]);
        const to = addLocal(binaryen.i64);
        const next = m.i64.add(m.local.get(P.pc, binaryen.i64), m.i64.const(BigInt(row.size)));
        return m.block(null, [
          m.local.set(to, target),
          takenBranchHooks(m, to, next),
          m.local.set(P.pc, m.local.get(to, binaryen.i64)),
          dispatchNext(m, inline),
        ]);
      },
      exit: (code, pc) => exitWith(m, code, pc),
      readSlot: (s) => (s === 'instret' ? retired(m, m.local.get(P.budget, binaryen.i64)) : undefined),
      addLocal,
    };
    const body = emitFunctionBody(mb, func, context);
    // Operands are read from the entry before anything runs: a store may invalidate the entry.
    const prologue = loaded.map((l) => m.local.set(l.local, l.value));
    if (countSuccessors) prologue.unshift(countPair(m, r));
    return m.block(null, [...prologue, body, m.unreachable()]);
  };
  m.addFunction(name, HANDLER_PARAMS, binaryen.i32, vars, rowCode(index, countSuccessors ? 0 : INLINE_DEPTH));
}

/** counts[previous * 256 + row] += 1; previous = row */
function countPair(m: binaryen.Module, row: number): ExpressionRef {
  const address = () => m.i32.add(m.i32.shl(m.global.get(PREVIOUS_ROW_GLOBAL, binaryen.i32), m.i32.const(10)), m.i32.const(SUCCESSOR_COUNTS + row * 4));
  return m.block(null, [
    m.i32.store(0, 4, address(), m.i32.add(m.i32.load(0, 4, address()), m.i32.const(1))),
    m.global.set(PREVIOUS_ROW_GLOBAL, m.i32.const(row)),
  ]);
}
