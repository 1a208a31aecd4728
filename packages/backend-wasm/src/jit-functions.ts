// Lowers a batch of translated guest code (IR functions with no inputs) into functions of a module
// under construction, through builder.ts, so binaryen (optimizing tier) and the wasm writer
// (baseline tier) produce the same code. Every function has type () -> i32 and returns an abi exit
// code. A transfer to another guest pc looks the target up in the jump cache (abi JUMP_CACHE) and
// continues there with return_call_indirect through the shared funcref table, so chained
// translations never return to the dispatcher; a miss records the pc and exits with
// ExitCode.untranslated. A transfer to a constant pc that the caller's DirectLinks resolves to
// another function of the same module is a plain return_call instead: no jump-cache load, no
// table or signature check, and a call V8 can resolve at compile time.
import {
  ExitCode, JUMP_CACHE, JUMP_CACHE_INDEX_MASK, STATE_BASE, StateSlot, type StateSlotName,
} from '@ferry/abi';
import type { Func } from '@ferry/ir';
import type { ExpressionRef, ModuleBuilder, TypeRef } from './builder.js';
import { emitFunctionBody, type BodyContext } from './emit.js';

export const TABLE_IMPORT = { module: 'ferry', name: 'table' } as const;
/** The table's internal name in generated modules. */
const TABLE = 'table';

export interface JitModule {
  binary: Uint8Array;
  /** Export name of each input function, in input order. */
  exports: string[];
  text?: string;
}

/** Which function of the module a transfer from function `from` to the constant `pc` may call
 *  directly (its index in the batch), or undefined to go through the jump cache. The caller
 *  answers only where that stays right for as long as the source lives: the target's translation
 *  is never dropped or replaced without the source's (the engine's links.ts). */
export type DirectLinks = (from: number, pc: bigint) => number | undefined;

export interface JitFunctionOptions {
  /** Keep guest registers in locals (the optimizing tier and AOT). */
  promoteRegisters?: boolean;
  /** Transfers that may be direct calls. */
  links?: DirectLinks;
  /** Count each transfer that continues in translated code in the state block (abi StateSlot
   *  transfersDirect, transfersChained): ferry run --stats. */
  countTransfers?: boolean;
}

/** Adds one exported () -> i32 function per IR function; returns the export names in input order. */
export function addJitFunctions(mb: ModuleBuilder, funcs: readonly Func[], options: JitFunctionOptions = {}): string[] {
  const { promoteRegisters = false, links, countTransfers = false } = options;
  const { m, types } = mb;
  mb.importTable(TABLE, TABLE_IMPORT.module, TABLE_IMPORT.name);
  const slot = (s: StateSlotName) => STATE_BASE + StateSlot[s];
  const store = (s: StateSlotName, v: ExpressionRef) => m.i64.store(slot(s), 8, m.i32.const(0), v);
  const counted = (s: 'transfersDirect' | 'transfersChained', transfer: ExpressionRef): ExpressionRef =>
    countTransfers ? m.block(null, [store(s, m.i64.add(m.i64.load(slot(s), 8, m.i32.const(0)), m.i64.const(1n))), transfer]) : transfer;
  const exports: string[] = [];

  funcs.forEach((func, index) => {
    const vars: TypeRef[] = [];
    const addLocal = (t: TypeRef) => vars.push(t) - 1;
    const exit = (code: number, pc: ExpressionRef): ExpressionRef =>
      m.block(null, [
        store('exitPc', pc),
        store('pc', m.i64.load(slot('exitPc'), 8, m.i32.const(0))),
        store('exitCode', m.i64.const(BigInt(code))),
        // An ecall (the last instruction of its block) is offered to the runtime in place first:
        // served, it continues at the pc the runtime set (exit coalescing).
        ...(code === ExitCode.ecall
          ? [m.if(m.i32.eqz(m.call(mb.helper('serve_exit'), [m.i32.const(code)], types.i32)), context.gotoPc(m.i64.load(slot('pc'), 8, m.i32.const(0))))]
          : []),
        m.return(m.i32.const(code)),
      ]);
    const target = addLocal(types.i64);
    const entry = addLocal(types.i32);
    const context: BodyContext = {
      param: () => {
        throw new Error(`internal error: translated function ${func.name} has inputs`);
      },
      addLocal,
      gotoPc: (to, constant) => {
        const linked = constant === undefined ? undefined : links?.(index, constant);
        if (linked !== undefined) return counted('transfersDirect', m.return_call(functionName(linked), [], types.i32));
        const t = () => m.local.get(target, types.i64);
        const e = () => m.local.get(entry, types.i32);
        return m.block(null, [
          m.local.set(target, to),
          m.local.set(entry, m.i32.add(m.i32.const(JUMP_CACHE), m.i32.shl(m.i32.and(m.i32.wrap(m.i64.shr_u(t(), m.i64.const(1n))), m.i32.const(JUMP_CACHE_INDEX_MASK)), m.i32.const(4)))),
          m.if(m.i64.eq(m.i64.load(0, 8, e()), t()), counted('transfersChained', m.return_call_indirect(TABLE, m.i32.load(8, 4, e()), [], types.none, types.i32))),
          store('pc', t()),
          store('exitCode', m.i64.const(BigInt(ExitCode.untranslated))),
          m.return(m.i32.const(ExitCode.untranslated)),
        ]);
      },
      exit,
      // The optimizing tier nests values, shares locals and groups nearby accesses; the baseline
      // keeps its emit cheap, and reads registers its block already has in locals from there.
      ...(promoteRegisters ? { promoteRegisters: true, groupAccesses: true } : { plainLocals: true, forwardRegisters: true }),
    };
    const body = emitFunctionBody(mb, func, context);
    const name = functionName(index);
    mb.addFunction(name, [], types.i32, vars, m.block(null, [body, m.unreachable()]));
    mb.exportFunction(name, name);
    exports.push(name);
  });
  return exports;
}

const functionName = (index: number): string => `f${index}`;
