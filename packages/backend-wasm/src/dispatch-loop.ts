// A threaded T0 interpreter module: one small wasm function per decoder row (its handler, built by
// threaded-handlers.ts), chained by tail calls through a table indexed by the row byte of each
// decoded-instruction cache entry (the pattern decoder fills entries on a miss). run(): i32 enters
// the chain at the state block's pc with its budget; every exit tail-calls exit_to_runtime, which
// writes the exit record, pc, remaining budget and retired-instruction count and returns the exit
// code. Fused rows (superoperators, fused-rows.ts) take the handler slots after the decoder rows.
// Invariant: the state block is precise at every exit.
import binaryen from 'binaryen';
import { ExitCode, STATE_BASE, StateSlot } from '@ferry/abi';
import type { Func } from '@ferry/ir';
import type { WasmModuleBuilder } from './module.js';
import { ILLEGAL_HANDLER } from './packing.js';
import { checkFusedRow, fusedCode, type FusedHandlerInput, type FusedRow } from './fused-rows.js';
import { addDecoder, type DecoderRow } from './pattern-decoder.js';
import {
  HANDLER_PARAMS, HANDLER_TABLE, P, addCounting, addExitFunction, addHandler, addMissFunction, dispatchNext,
  exitWith, rowCode, type HandlerCode, type HandlerCounting, type HandlerRow,
} from './threaded-handlers.js';

export {
  DISPATCH_COUNT_EXPORT, PC_COUNTS, PROFILE_EVICT_IMPORT, SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS,
} from './counters.js';

export interface InterpreterCase {
  opcode: number;
  /** Lifted with run-time operands: entry parameters (pc, next, rd, rs1, rs2, rs3, imm, rm). */
  func: Func;
}

export interface InterpreterOptions {
  /** Profile data: handler index (decoder row, or fused row after them) -> index of the handler
   *  most often executed right after it. Its code is inlined after the first's, taken when the
   *  next cache entry holds it. */
  successors?: ReadonlyMap<number, number>;
  /** A profiling build: count executed (previous row, row) pairs at SUCCESSOR_COUNTS. */
  countSuccessors?: boolean;
  /** A profiling build: count executions per decode-cache entry at PC_COUNTS. */
  countPcs?: boolean;
  /** A counting build: count dispatches in the exported global DISPATCH_COUNT_EXPORT. */
  countDispatches?: boolean;
  /** Superoperators: sequences the decoder fuses into one entry, tried in this order. */
  fused?: readonly FusedRow[];
}

export const RUN_EXPORT = 'run';
const ILLEGAL_FUNCTION = 'illegal_instruction';

export function addInterpreter(
  mb: WasmModuleBuilder,
  decoderRows: readonly DecoderRow[],
  cases: readonly InterpreterCase[],
  options: InterpreterOptions = {},
): void {
  const m = mb.m;
  const fused = options.fused ?? [];
  const counting: HandlerCounting = {
    successors: options.countSuccessors ?? false,
    pcs: options.countPcs ?? false,
    dispatches: options.countDispatches ?? false,
  };
  if (decoderRows.length + fused.length >= ILLEGAL_HANDLER) throw new Error(`internal error: ${decoderRows.length} decoder rows and ${fused.length} fused rows do not fit the entry's handler byte`);
  for (const f of fused) checkFusedRow(decoderRows, f);
  addDecoder(mb, decoderRows, fused);
  addExitFunction(m);
  addMissFunction(m, counting);
  addCounting(m, counting);
  const byOpcode = new Map(cases.map((c) => [c.opcode, c]));
  const rows: HandlerRow[] = decoderRows.map((row, index) => {
    const c = byOpcode.get(row.opcode);
    if (!c) throw new Error(`internal error: decoder row ${row.name ?? index} names opcode ${row.opcode}, which has no interpreter case`);
    const successor = options.successors?.get(index);
    return successor === undefined ? { row, func: c.func } : { row, func: c.func, successor };
  });
  const fusedInputs = fused.map((f, i): FusedHandlerInput => {
    const index = rows.length + i;
    const successor = options.successors?.get(index);
    return { fused: f, rows, counting, index, codeOf, ...(successor === undefined ? {} : { successor }) };
  });
  function codeOf(index: number): HandlerCode {
    if (index < rows.length) return (locals, depth) => rowCode(mb, locals, rows, index, counting, depth, codeOf);
    return (locals, depth) => fusedCode(mb, fusedInputs[index - rows.length]!, locals, depth);
  }
  const handlerNames = [
    ...rows.map((r, index) => `handler_${index}_${r.row.name ?? r.func.name}`),
    ...fused.map((f, i) => `fused_${rows.length + i}_${f.name}`),
  ];
  handlerNames.forEach((name, index) => addHandler(mb, name, codeOf(index), counting));
  m.addFunction(ILLEGAL_FUNCTION, HANDLER_PARAMS, binaryen.i32, [], exitWith(m, ExitCode.illegalInstruction, m.local.get(P.pc, binaryen.i64)));
  const table = Array.from({ length: ILLEGAL_HANDLER + 1 }, (_, i) => handlerNames[i] ?? ILLEGAL_FUNCTION);
  m.addTable(HANDLER_TABLE, table.length, table.length);
  m.addActiveElementSegment(HANDLER_TABLE, 'handler_slots', table, m.i32.const(0));

  // run(): enter the chain at the state block's pc with its budget.
  const runBody = m.block(null, [
    m.local.set(P.pc, m.i64.load(STATE_BASE + StateSlot.pc, 8, m.i32.const(0))),
    m.local.set(P.budget, m.i64.load(STATE_BASE + StateSlot.budget, 8, m.i32.const(0))),
    dispatchNext(m),
  ]);
  m.addFunction(RUN_EXPORT, binaryen.none, binaryen.i32, [binaryen.i64, binaryen.i64, binaryen.i32], runBody);
  m.addFunctionExport(RUN_EXPORT, RUN_EXPORT);
}
