// A decode-and-dispatch interpreter as one wasm function, run(): i32. Each loop iteration spends
// one unit of StateSlot.budget, looks the pc up in the decoded-instruction cache (filling it through
// the pattern decoder on a miss), unpacks the operands into locals and jumps through a br_table to
// the case of its opcode. Cases are IR functions over the operands (pc, next, rd, rs1, rs2, rs3,
// imm, rm) lowered by emitFunctionBody: goto_pc continues the loop, exit returns the exit code
// after writing the exit record, pc, remaining budget and retired-instruction count.
import binaryen from 'binaryen';
import { DECODE_CACHE, DECODE_CACHE_INDEX_MASK, ExitCode, STATE_BASE, StateSlot, type StateSlotName } from '@ferry/abi';
import type { Func } from '@ferry/ir';
import { emitFunctionBody } from './emit.js';
import type { ExpressionRef, WasmModuleBuilder } from './module.js';
import { ENTRY, ILLEGAL_OPCODE, META_SHIFT } from './packing.js';
import { FILL_FUNCTION, addDecoder, type DecoderRow } from './pattern-decoder.js';

export interface InterpreterCase {
  opcode: number;
  /** Lifted with run-time operands: entry parameters (pc, next, rd, rs1, rs2, rs3, imm, rm). */
  func: Func;
}

export const RUN_EXPORT = 'run';

// Locals of run()
const L = { pc: 0, budget: 1, budget0: 2, instret0: 3, entry: 4, meta: 5, imm: 6, next: 7, rd: 8, rs1: 9, rs2: 10, rs3: 11, rm: 12 } as const;
const LOCAL_TYPES = [binaryen.i64, binaryen.i64, binaryen.i64, binaryen.i64, binaryen.i32, binaryen.i32, binaryen.i64, binaryen.i64, binaryen.i32, binaryen.i32, binaryen.i32, binaryen.i32, binaryen.i32];
const OPERAND_LOCALS = [L.pc, L.next, L.rd, L.rs1, L.rs2, L.rs3, L.imm, L.rm];
const DISPATCH = 'dispatch';

export function addInterpreter(mb: WasmModuleBuilder, decoderRows: readonly DecoderRow[], cases: readonly InterpreterCase[]): void {
  const m = mb.m;
  addDecoder(mb, decoderRows);
  const vars = LOCAL_TYPES.slice();
  const get = (l: number) => m.local.get(l, LOCAL_TYPES[l]!);
  const slotAddr = (s: StateSlotName) => STATE_BASE + StateSlot[s];
  const loadSlot = (s: StateSlotName) => m.i64.load(slotAddr(s), 8, m.i32.const(0));
  const storeSlot = (s: StateSlotName, v: ExpressionRef) => m.i64.store(slotAddr(s), 8, m.i32.const(0), v);
  const retired = () => m.i64.add(get(L.instret0), m.i64.sub(get(L.budget0), get(L.budget)));

  const exit = (code: number, pc: ExpressionRef): ExpressionRef =>
    m.block(null, [
      storeSlot('exitPc', pc),
      storeSlot('pc', loadSlot('exitPc')),
      storeSlot('exitCode', m.i64.const(BigInt(code))),
      storeSlot('budget', get(L.budget)),
      storeSlot('instret', retired()),
      m.return(m.i32.const(code)),
    ]);
  const context = {
    param: (i: number) => get(OPERAND_LOCALS[i]!),
    gotoPc: (target: ExpressionRef) => m.block(null, [m.local.set(L.pc, target), m.br(DISPATCH)]),
    exit,
    readSlot: (s: StateSlotName) => (s === 'instret' ? retired() : undefined),
    addLocal: (t: binaryen.Type) => vars.push(t) - 1,
  };

  // Nested blocks: case k's code follows the end of block `case_k`.
  const byOpcode = new Map(cases.map((c) => [c.opcode, c]));
  const maxOpcode = Math.max(...cases.map((c) => c.opcode));
  const labels: string[] = [];
  for (let op = 0; op <= maxOpcode; op++) labels.push(byOpcode.has(op) ? `case_${op}` : 'illegal');
  let inner: ExpressionRef = m.switch(labels, 'illegal', m.i32.and(get(L.meta), m.i32.const(0xff)));
  for (const c of cases) {
    inner = m.block(`case_${c.opcode}`, [inner]);
    inner = m.block(null, [inner, emitFunctionBody(mb, c.func, context), m.unreachable()]);
  }
  const dispatch = m.block(null, [m.block('illegal', [inner]), exit(ExitCode.illegalInstruction, get(L.pc))]);

  const meta = (slot: keyof typeof META_SHIFT) => m.i32.and(m.i32.shr_u(get(L.meta), m.i32.const(META_SHIFT[slot])), m.i32.const(slot === 'rm' ? 7 : 31));
  const loop = m.loop(
    DISPATCH,
    m.block(null, [
      m.if(m.i64.eqz(get(L.budget)), exit(ExitCode.budget, get(L.pc))),
      m.local.set(L.budget, m.i64.sub(get(L.budget), m.i64.const(1n))),
      m.local.set(
        L.entry,
        m.i32.add(m.i32.const(DECODE_CACHE), m.i32.shl(m.i32.and(m.i32.wrap(m.i64.shr_u(get(L.pc), m.i64.const(1n))), m.i32.const(DECODE_CACHE_INDEX_MASK)), m.i32.const(4))),
      ),
      m.if(m.i64.ne(m.i64.load(ENTRY.tag, 8, get(L.entry)), get(L.pc)), m.call(FILL_FUNCTION, [get(L.pc), get(L.entry)], binaryen.none)),
      m.local.set(L.meta, m.i32.load(ENTRY.meta, 4, get(L.entry))),
      m.local.set(L.imm, m.i64.extend_s(m.i32.load(ENTRY.imm, 4, get(L.entry)))),
      m.local.set(L.next, m.i64.add(get(L.pc), m.select(m.i32.lt_s(get(L.meta), m.i32.const(0)), m.i64.const(2n), m.i64.const(4n)))),
      m.local.set(L.rd, meta('rd')),
      m.local.set(L.rs1, meta('rs1')),
      m.local.set(L.rs2, meta('rs2')),
      m.local.set(L.rs3, meta('rs3')),
      m.local.set(L.rm, meta('rm')),
      dispatch,
    ]),
  );
  const body = m.block(null, [
    m.local.set(L.pc, loadSlot('pc')),
    m.local.set(L.budget, loadSlot('budget')),
    m.local.set(L.budget0, get(L.budget)),
    m.local.set(L.instret0, loadSlot('instret')),
    loop,
    m.unreachable(),
  ]);
  if (maxOpcode >= ILLEGAL_OPCODE) throw new Error('internal error: opcode index collides with ILLEGAL_OPCODE');
  m.addFunction(RUN_EXPORT, binaryen.none, binaryen.i32, vars, body);
  m.addFunctionExport(RUN_EXPORT, RUN_EXPORT);
}
