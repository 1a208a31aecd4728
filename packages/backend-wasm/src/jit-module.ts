// Compiles a batch of translated guest code (IR functions with no inputs) into one wasm module.
// Every function has type () -> i32 and returns an abi exit code. A transfer to another guest pc
// looks the target up in the jump cache (abi JUMP_CACHE) and continues there with
// return_call_indirect through the shared funcref table, so chained translations never return to
// the dispatcher; a miss records the pc and exits with ExitCode.untranslated.
import binaryen from 'binaryen';
import {
  ExitCode, JUMP_CACHE, JUMP_CACHE_INDEX_MASK, STATE_BASE, StateSlot, type StateSlotName,
} from '@ferry/abi';
import type { Func } from '@ferry/ir';
import { emitFunctionBody, type BodyContext } from './emit.js';
import { WasmModuleBuilder, type ExpressionRef } from './module.js';

export const TABLE_IMPORT = { module: 'ferry', name: 'table' } as const;

export interface JitOptions {
  /** Keep guest registers in locals (the optimizing tier). */
  promoteRegisters?: boolean;
  /** binaryen passes to run ([] = none); undefined = binaryen's -O2. */
  passes?: string[];
}

export interface JitModule {
  binary: Uint8Array;
  /** Export name of each input function, in input order. */
  exports: string[];
  text?: string;
}

export function compileJitModule(funcs: readonly Func[], options: JitOptions = {}, withText = false): JitModule {
  const mb = new WasmModuleBuilder();
  const m = mb.m;
  m.addTableImport('table', TABLE_IMPORT.module, TABLE_IMPORT.name);
  const none = binaryen.none;
  const slot = (s: StateSlotName) => STATE_BASE + StateSlot[s];
  const store = (s: StateSlotName, v: ExpressionRef) => m.i64.store(slot(s), 8, m.i32.const(0), v);
  const exports: string[] = [];

  funcs.forEach((func, index) => {
    const vars: binaryen.Type[] = [];
    const addLocal = (t: binaryen.Type) => vars.push(t) - 1;
    const exit = (code: number, pc: ExpressionRef): ExpressionRef =>
      m.block(null, [
        store('exitPc', pc),
        store('pc', m.i64.load(slot('exitPc'), 8, m.i32.const(0))),
        store('exitCode', m.i64.const(BigInt(code))),
        m.return(m.i32.const(code)),
      ]);
    const target = addLocal(binaryen.i64);
    const entry = addLocal(binaryen.i32);
    const context: BodyContext = {
      param: () => {
        throw new Error(`internal error: translated function ${func.name} has inputs`);
      },
      addLocal,
      gotoPc: (to) => {
        const t = () => m.local.get(target, binaryen.i64);
        const e = () => m.local.get(entry, binaryen.i32);
        return m.block(null, [
          m.local.set(target, to),
          m.local.set(entry, m.i32.add(m.i32.const(JUMP_CACHE), m.i32.shl(m.i32.and(m.i32.wrap(m.i64.shr_u(t(), m.i64.const(1n))), m.i32.const(JUMP_CACHE_INDEX_MASK)), m.i32.const(4)))),
          m.if(m.i64.eq(m.i64.load(0, 8, e()), t()), m.return_call_indirect('table', m.i32.load(8, 4, e()), [], none, binaryen.i32)),
          store('pc', t()),
          store('exitCode', m.i64.const(BigInt(ExitCode.untranslated))),
          m.return(m.i32.const(ExitCode.untranslated)),
        ]);
      },
      exit,
      afterSlowStore: (pc) =>
        m.if(m.i64.ne(m.i64.load(slot('codeModified'), 8, m.i32.const(0)), m.i64.const(0n)), exit(ExitCode.codeModified, pc)),
      ...(options.promoteRegisters ? { promoteRegisters: true } : {}),
    };
    const body = emitFunctionBody(mb, func, context);
    const name = `f${index}`;
    m.addFunction(name, none, binaryen.i32, vars, m.block(null, [body, m.unreachable()]));
    m.addFunctionExport(name, name);
    exports.push(name);
  });
  if (!mb.validate()) throw new Error(`internal error: JIT module for ${funcs.map((f) => f.name).join(', ')} does not validate`);
  if (options.passes === undefined) mb.optimize(2, 0);
  else if (options.passes.length) mb.runPasses(options.passes);
  const result: JitModule = { binary: mb.emitBinary(), exports };
  if (withText) result.text = mb.emitText();
  mb.dispose();
  return result;
}
