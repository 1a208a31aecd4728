// The pieces of the threaded T0 interpreter's handlers (dispatch-loop.ts assembles the module).
// Every handler has the signature (pc i64, budget i64, entry i32) -> i32 exit code: pc is the guest
// pc, budget what may still retire after this instruction, entry its decoded-instruction cache
// entry. A handler runs its row's lifted IR with operands loaded from the entry, then dispatches:
// spend one unit of budget (exit when none is left), look the new pc up in the cache (dispatch_miss
// fills it on a miss) and return_call_indirect its handler. When profile data names the row most
// often executed next, that row's code follows inline, guarded by the next entry's row byte.
// Superoperators (fused rows, fused-rows.ts) run a whole lifted sequence in one handler. An ecall
// is first offered to the runtime in place (serve_exit): exit coalescing.
// Invariant: handler parameters and locals P.* always describe the instruction being executed.
import binaryen from 'binaryen';
import {
  DECODE_CACHE, DECODE_CACHE_INDEX_MASK, ExitCode, HOT_COUNTERS, HOT_COUNTER_INDEX_MASK, JUMP_CACHE, JUMP_CACHE_INDEX_MASK,
  STATE_BASE, StateSlot, type StateSlotName,
} from '@ferry/abi';
import type { Func } from '@ferry/ir';
import { emitFunctionBody, type BodyContext } from './emit.js';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_HANDLER } from './packing.js';
import { DISPATCH_COUNT_EXPORT, PC_COUNTS, PROFILE_EVICT_IMPORT, SUCCESSOR_COUNTS } from './counters.js';
import { FILL_FUNCTION, type DecoderRow, type DecoderSlot } from './pattern-decoder.js';

export const HANDLER_TABLE = 'handlers';
export const EXIT_FUNCTION = 'exit_to_runtime';
export const MISS_FUNCTION = 'dispatch_miss';
const RECORD_EXIT_FUNCTION = 'record_exit';
const PREVIOUS_ROW_GLOBAL = 'previous_row';
/** How many expected successors a handler runs inline, one after the other. */
const INLINE_DEPTH = 2;

export { SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS } from './counters.js';

/** What a counting or profiling build adds to every handler. */
export interface HandlerCounting {
  /** Count (previous row, row) pairs at SUCCESSOR_COUNTS. */
  successors: boolean;
  /** Count executions per cache entry at PC_COUNTS. */
  pcs: boolean;
  /** Count dispatches in the exported global DISPATCH_COUNT_EXPORT. */
  dispatches: boolean;
}

/** Parameters of every handler; its further locals follow. */
export const P = { pc: 0, budget: 1, entry: 2 } as const;
export const HANDLER_PARAMS = binaryen.createType([binaryen.i64, binaryen.i64, binaryen.i32]);
/** The lifted functions' entry parameters, in order (lift-riscv OPERAND_PARAMS). */
export const OPERAND_SLOTS = ['pc', 'next', 'rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'] as const;

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

/** exit_to_runtime(code, pc, budget): write the exit record and the precise state, return code.
 *  record_exit(code, pc, budget) does the writing alone (for exits offered in place). */
export function addExitFunction(m: binaryen.Module): void {
  const CODE = 0, PC = 1, BUDGET = 2;
  const params = binaryen.createType([binaryen.i32, binaryen.i64, binaryen.i64]);
  const store = (s: StateSlotName, v: ExpressionRef) => m.i64.store(slotAddr(s), 8, m.i32.const(0), v);
  const pc = () => m.local.get(PC, binaryen.i64);
  const record = m.block(null, [
    store('instret', retired(m, m.local.get(BUDGET, binaryen.i64))),
    store('budget', m.local.get(BUDGET, binaryen.i64)),
    store('exitPc', pc()),
    store('pc', pc()),
    store('exitCode', m.i64.extend_u(m.local.get(CODE, binaryen.i32))),
  ]);
  m.addFunction(RECORD_EXIT_FUNCTION, params, binaryen.none, [], record);
  const args = [m.local.get(CODE, binaryen.i32), pc(), m.local.get(BUDGET, binaryen.i64)];
  m.addFunction(EXIT_FUNCTION, params, binaryen.i32, [], m.block(null, [m.call(RECORD_EXIT_FUNCTION, args, binaryen.none), m.return(m.local.get(CODE, binaryen.i32))]));
}

/** An ecall: write the exit record, offer the exit to the runtime in place (serve_exit); when it
 *  was served, continue at the pc the runtime set, else leave with the code it returned. */
function offerExit(mb: WasmModuleBuilder, addLocal: (t: binaryen.Type) => number, code: number, pc: ExpressionRef): ExpressionRef {
  const m = mb.m;
  const answer = addLocal(binaryen.i32);
  const load = (s: StateSlotName) => m.i64.load(slotAddr(s), 8, m.i32.const(0));
  return m.block(null, [
    m.call(RECORD_EXIT_FUNCTION, [m.i32.const(code), pc, m.local.get(P.budget, binaryen.i64)], binaryen.none),
    m.local.set(answer, m.call(mb.helper('serve_exit'), [m.i32.const(code)], binaryen.i32)),
    m.if(m.i32.eqz(m.local.get(answer, binaryen.i32)), m.block(null, [
      m.local.set(P.pc, load('pc')),
      m.local.set(P.budget, load('budget')),
      dispatchNext(m),
    ])),
    m.return(m.local.get(answer, binaryen.i32)),
  ]);
}

/** dispatch_miss(pc, budget, entry): fill the entry through the decoder, then run its handler.
 *  Kept out of the handlers so they make no ordinary calls on their hot path. A profiling build
 *  first hands the old entry's execution count to the runtime. */
export function addMissFunction(m: binaryen.Module, counting: HandlerCounting): void {
  const get = (i: number) => m.local.get(i, i === P.entry ? binaryen.i32 : binaryen.i64);
  const flush: ExpressionRef[] = [];
  if (counting.pcs) {
    m.addFunctionImport(PROFILE_EVICT_IMPORT, 'ferry', PROFILE_EVICT_IMPORT, binaryen.createType([binaryen.i64, binaryen.i32]), binaryen.none);
    const counter = () => pcCounter(m, get(P.entry));
    const count = () => m.i32.load(0, 4, counter());
    flush.push(m.if(
      m.i32.and(m.i64.ne(m.i64.load(ENTRY.tag, 8, get(P.entry)), m.i64.const(-1n)), m.i32.ne(count(), m.i32.const(0))),
      m.block(null, [m.call(PROFILE_EVICT_IMPORT, [m.i64.load(ENTRY.tag, 8, get(P.entry)), count()], binaryen.none), m.i32.store(0, 4, counter(), m.i32.const(0))]),
    ));
  }
  const body = m.block(null, [
    ...flush,
    m.call(FILL_FUNCTION, [get(P.pc), get(P.entry)], binaryen.none),
    callHandler(m, m.i32.load8_u(ENTRY.handler, 1, get(P.entry)), [get(P.pc), m.i64.sub(get(P.budget), m.i64.const(1n)), get(P.entry)]),
  ]);
  m.addFunction(MISS_FUNCTION, HANDLER_PARAMS, binaryen.i32, [], body);
}

/** The u32 execution counter of a cache entry (profiling builds). */
function pcCounter(m: binaryen.Module, entry: ExpressionRef): ExpressionRef {
  return m.i32.add(m.i32.shr_u(m.i32.sub(entry, m.i32.const(DECODE_CACHE)), m.i32.const(2)), m.i32.const(PC_COUNTS));
}

export function addCounting(m: binaryen.Module, counting: HandlerCounting): void {
  if (counting.successors) m.addGlobal(PREVIOUS_ROW_GLOBAL, binaryen.i32, true, m.i32.const(ILLEGAL_HANDLER));
  if (counting.dispatches) {
    m.addGlobal(DISPATCH_COUNT_EXPORT, binaryen.i64, true, m.i64.const(0n));
    m.addGlobalExport(DISPATCH_COUNT_EXPORT, DISPATCH_COUNT_EXPORT);
  }
}

/** Counter updates at the start of rows[row]'s code (one dispatch of it). */
function countingPrologue(m: binaryen.Module, counting: HandlerCounting, row: number): ExpressionRef[] {
  const code: ExpressionRef[] = [];
  if (counting.successors) code.push(countPair(m, row));
  if (counting.pcs) {
    const counter = () => pcCounter(m, m.local.get(P.entry, binaryen.i32));
    code.push(m.i32.store(0, 4, counter(), m.i32.add(m.i32.load(0, 4, counter()), m.i32.const(1))));
  }
  if (counting.dispatches) {
    code.push(m.global.set(DISPATCH_COUNT_EXPORT, m.i64.add(m.global.get(DISPATCH_COUNT_EXPORT, binaryen.i64), m.i64.const(1n))));
  }
  return code;
}

/** One lifted function as the body of a handler (or of inline code inside one). */
export interface LiftedCode {
  func: Func;
  /** The expression for input i of func. */
  param: (index: number) => ExpressionRef;
  /** It ends with a transfer of control (taken-branch hooks apply). */
  branch: boolean;
  /** i64 address after its last instruction (where a not-taken branch goes). */
  next: () => ExpressionRef;
  /** Code of the row expected next, inlined behind a row-byte guard. */
  inline?: { row: number; code: () => ExpressionRef };
}

/** Locals of one handler under construction, and the entry operands it loads up front. */
export class HandlerLocals {
  readonly vars: binaryen.Type[] = [];
  constructor(private readonly m: binaryen.Module) {}
  readonly addLocal = (t: binaryen.Type): number => 3 + this.vars.push(t) - 1;

  /** A local holding `value`, loaded from the entry before anything runs (a store may invalidate
   *  the entry); the caller puts the returned loads first. */
  operandLoader(): { operand: (key: string, type: binaryen.Type, load: () => ExpressionRef) => ExpressionRef; loads: () => ExpressionRef[] } {
    const m = this.m;
    const locals = new Map<string, { local: number; type: binaryen.Type; value: ExpressionRef }>();
    return {
      operand: (key, type, load) => {
        let l = locals.get(key);
        if (!l) locals.set(key, (l = { local: this.addLocal(type), type, value: load() }));
        return m.local.get(l.local, type);
      },
      loads: () => [...locals.values()].map((l) => m.local.set(l.local, l.value)),
    };
  }
}

/** Lowers a lifted function inside a handler: goto_pc dispatches (through the inline successor),
 *  ecall exits are offered in place, other exits leave, instret derives from the budget. */
export function liftedCode(mb: WasmModuleBuilder, locals: HandlerLocals, code: LiftedCode): ExpressionRef {
  const m = mb.m;
  const addLocal = locals.addLocal;
  const context: BodyContext = {
    param: code.param,
    gotoPc: (target) => {
      if (!code.branch) return m.block(null, [m.local.set(P.pc, target), dispatchNext(m, code.inline)]);
      const to = addLocal(binaryen.i64);
      return m.block(null, [
        m.local.set(to, target),
        takenBranchHooks(m, to, code.next()),
        m.local.set(P.pc, m.local.get(to, binaryen.i64)),
        dispatchNext(m, code.inline),
      ]);
    },
    exit: (exitCode, pc) => (exitCode === ExitCode.ecall ? offerExit(mb, addLocal, exitCode, pc) : exitWith(m, exitCode, pc)),
    readSlot: (s) => (s === 'instret' ? retired(m, m.local.get(P.budget, binaryen.i64)) : undefined),
    addLocal,
  };
  return emitFunctionBody(mb, code.func, context);
}

/** The input of a plain row's lifted case: OPERAND_SLOTS[index], from the entry or fixed. */
export function rowParam(m: binaryen.Module, row: DecoderRow, index: number, operand: (key: string, type: binaryen.Type, load: () => ExpressionRef) => ExpressionRef): ExpressionRef {
  const slot = OPERAND_SLOTS[index]!;
  const entry = () => m.local.get(P.entry, binaryen.i32);
  if (slot === 'pc') return m.local.get(P.pc, binaryen.i64);
  if (slot === 'next') return m.i64.add(m.local.get(P.pc, binaryen.i64), m.i64.const(BigInt(row.size)));
  if (slot === 'imm') {
    const spec = row.fields.imm;
    if (typeof spec !== 'object') return m.i64.const(BigInt(spec ?? 0));
    return operand('imm', binaryen.i64, () => m.i64.extend_s(m.i32.load(ENTRY.imm, 4, entry())));
  }
  const spec = row.fields[slot as DecoderSlot];
  if (typeof spec !== 'object') return m.i32.const(spec ?? 0);
  return operand(slot, binaryen.i32, () => m.i32.load8_u(ENTRY[slot], 1, entry()));
}

/** The code of handler `index` (a decoder row or a fused row) inside a handler built with
 *  `locals`, entered with P.* describing it; it never falls off its end. Its expected successor
 *  follows inline, inlineDepth deep. */
export type HandlerCode = (locals: HandlerLocals, inlineDepth: number) => ExpressionRef;

/** The code of rows[r] (see HandlerCode); `codeOf` gives any handler's code, for its successor. */
export function rowCode(
  mb: WasmModuleBuilder, locals: HandlerLocals, rows: readonly HandlerRow[], r: number, counting: HandlerCounting, inlineDepth: number,
  codeOf: (index: number) => HandlerCode,
): ExpressionRef {
  const m = mb.m;
  const { row, func, successor } = rows[r]!;
  const loader = locals.operandLoader();
  const inline = inlineDepth > 0 && successor !== undefined ? { row: successor, code: () => codeOf(successor)(locals, inlineDepth - 1) } : undefined;
  const body = liftedCode(mb, locals, {
    func,
    param: (i) => rowParam(m, row, i, loader.operand),
    branch: row.branch ?? false,
    next: () => m.i64.add(m.local.get(P.pc, binaryen.i64), m.i64.const(BigInt(row.size))),
    ...(inline ? { inline } : {}),
  });
  return m.block(null, [...countingPrologue(m, counting, r), ...loader.loads(), body, m.unreachable()]);
}

/** How deep a handler inlines expected successors: not at all in profiling builds (their counts
 *  must see every row's own handler). */
export const inlineDepthFor = (counting: HandlerCounting): number => (counting.successors || counting.pcs ? 0 : INLINE_DEPTH);

/** Adds handler function `name` whose body is `code` at full inline depth. */
export function addHandler(mb: WasmModuleBuilder, name: string, code: HandlerCode, counting: HandlerCounting): void {
  const locals = new HandlerLocals(mb.m);
  const body = code(locals, inlineDepthFor(counting));
  mb.m.addFunction(name, HANDLER_PARAMS, binaryen.i32, locals.vars, body);
}

/** Counter updates at the start of a handler's code (one dispatch of handler `index`). */
export function dispatchPrologue(m: binaryen.Module, counting: HandlerCounting, index: number): ExpressionRef[] {
  return countingPrologue(m, counting, index);
}

/** counts[previous * 256 + row] += 1; previous = row */
function countPair(m: binaryen.Module, row: number): ExpressionRef {
  const address = () => m.i32.add(m.i32.shl(m.global.get(PREVIOUS_ROW_GLOBAL, binaryen.i32), m.i32.const(10)), m.i32.const(SUCCESSOR_COUNTS + row * 4));
  return m.block(null, [
    m.i32.store(0, 4, address(), m.i32.add(m.i32.load(0, 4, address()), m.i32.const(1))),
    m.global.set(PREVIOUS_ROW_GLOBAL, m.i32.const(row)),
  ]);
}
