// Tests of the direct wasm writer: LEB128 and size fields; every instruction of the builder API,
// encoded by the writer, disassembles (wabt) to the same instructions as binaryen's encoding of
// the same builder calls; control flow (labels, br depths, br_table, loops, unreachable arms,
// tail calls) runs as written. Every module validates with WebAssembly.validate and wabt.
import { setFlagsFromString } from 'node:v8';
import wabtInit from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeULEB128 } from '@ferry/util';
import type { ExpressionRef, ModuleBuilder, TypeRef } from '../builder.js';
import { WasmModuleBuilder } from '../module.js';
import { FLOAT_BINARY, FLOAT_CONVERT, FLOAT_UNARY, INT_BINARY, INT_LOAD, INT_STORE, INT_TRUNC, INT_UNARY } from './opcodes.js';
import { ByteWriter } from './bytes.js';
import { HINT_EAGER_OPTIMIZED, WasmWriter } from './module-writer.js';

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
  wabt = await wabtInit();
});

/** Validates with V8 and wabt; returns wabt's text. */
function validated(binary: Uint8Array): string {
  expect(WebAssembly.validate(binary as Uint8Array<ArrayBuffer>)).toBe(true);
  const mod = wabt.readWasm(binary, { readDebugNames: false, tail_call: true, sat_float_to_int: true, sign_extension: true });
  try {
    mod.validate();
    return mod.toText({ foldExprs: false, inlineExport: false });
  } finally {
    mod.destroy();
  }
}

/** The instruction lines of function `index` in wabt's text. */
function functionBody(text: string, index: number): string[] {
  const funcs = text.split(/\n  \(func /).slice(1);
  return funcs[index]!.split('\n').slice(1).map((l) => l.trim()).filter((l) => l && l !== ')' && !l.startsWith('(local'));
}

type Build = (mb: ModuleBuilder) => { params: TypeRef[]; result: TypeRef; vars?: TypeRef[]; body: ExpressionRef };

/** One function built through `build` by each producer: the writer's binary and binaryen's, unoptimized. */
function bothProducers(build: Build): { writer: Uint8Array; binaryen: Uint8Array } {
  const writer = new WasmWriter();
  const w = build(writer);
  writer.addFunction('f', w.params, w.result, w.vars ?? [], w.body);
  writer.exportFunction('f', 'f');
  const mb = new WasmModuleBuilder();
  try {
    const b = build(mb);
    mb.addFunction('f', b.params, b.result, b.vars ?? [], b.body);
    mb.exportFunction('f', 'f');
    expect(mb.validate()).toBe(true);
    return { writer: writer.emitBinary(), binaryen: mb.emitBinary() };
  } finally {
    mb.dispose();
  }
}

function expectSameInstructions(build: Build): void {
  const { writer, binaryen: reference } = bothProducers(build);
  expect(functionBody(validated(writer), 0)).toEqual(functionBody(validated(reference), 0));
}

type Ops = Record<string, (...args: number[]) => ExpressionRef>;
const opsOf = (mb: ModuleBuilder, t: 'i32' | 'i64' | 'f32' | 'f64') => mb.m[t] as unknown as Ops;

describe('ByteWriter', () => {
  it('writes LEB128 that decodes to the value, including memoized and multi-byte values', () => {
    for (const v of [0, 1, 63, 64, 127, 128, 255, 16384, 0x7fffffff, 0xffffffff]) {
      const w = new ByteWriter();
      w.u32(v);
      w.u32(v);
      const bytes = w.finish();
      const first = decodeULEB128(bytes, 0);
      expect(first.value).toBe(BigInt(v));
      expect(decodeULEB128(bytes, first.next)).toEqual({ value: BigInt(v), next: bytes.length });
    }
  });
  it('writes signed immediates as i32.const that evaluate to the value', () => {
    for (const v of [0, -1, 63, -64, 64, -65, 0x7fffffff, -0x80000000]) {
      const { writer } = bothProducers((mb) => ({ params: [], result: mb.types.i32, body: mb.m.i32.const(v) }));
      const f = new WebAssembly.Instance(new WebAssembly.Module(writer as Uint8Array<ArrayBuffer>), { ferry: { memory: new WebAssembly.Memory({ initial: 1, maximum: 1 }) } }).exports.f as () => number;
      expect(f()).toBe(v);
    }
  });
  it('patches a reserved size field with the number of bytes written after it', () => {
    const w = new ByteWriter();
    const at = w.reserveSize();
    for (let i = 0; i < 300; i++) w.byte(i & 0xff);
    w.patchSize(at);
    expect(decodeULEB128(w.finish(), 0)).toEqual({ value: 300n, next: 5 });
  });
});

describe('instruction encoding matches binaryen', () => {
  const local = (mb: ModuleBuilder, i: number, t: TypeRef) => mb.m.local.get(i, t);
  for (const t of ['i32', 'i64'] as const) {
    it(`${t} arithmetic, comparisons and unary operators`, () => {
      for (const name of Object.keys(INT_BINARY[t])) {
        expectSameInstructions((mb) => ({ params: [mb.types[t], mb.types[t]], result: mb.types[INT_BINARY_RESULT(name, t)], body: opsOf(mb, t)[name]!(local(mb, 0, mb.types[t]), local(mb, 1, mb.types[t])) }));
      }
      for (const name of Object.keys(INT_UNARY[t])) {
        const operand = name === 'reinterpret' ? (t === 'i32' ? 'f32' : 'f64') : t;
        expectSameInstructions((mb) => ({ params: [mb.types[operand]], result: mb.types[name === 'eqz' ? 'i32' : t], body: opsOf(mb, t)[name]!(local(mb, 0, mb.types[operand])) }));
      }
    });
    it(`${t} loads and stores with offsets and alignment`, () => {
      for (const name of Object.keys(INT_LOAD[t])) {
        for (const [offset, align] of [[0, 0], [8, 1], [4096 + 24, naturalBytes(name, t)]] as const) {
          expectSameInstructions((mb) => ({ params: [mb.types.i32], result: mb.types[t], body: opsOf(mb, t)[name]!(offset, align, local(mb, 0, mb.types.i32)) }));
        }
      }
      for (const name of Object.keys(INT_STORE[t])) {
        for (const align of [0, 1, naturalBytes(name, t)]) {
          expectSameInstructions((mb) => ({ params: [mb.types.i32, mb.types[t]], result: mb.types.none, body: opsOf(mb, t)[name]!(300, align, local(mb, 0, mb.types.i32), local(mb, 1, mb.types[t])) }));
        }
      }
    });
    it(`${t} conversions`, () => {
      for (const kind of Object.keys(INT_TRUNC[t]) as (keyof (typeof INT_TRUNC)['i32'])[]) {
        for (const from of ['f32', 'f64'] as const) {
          expectSameInstructions((mb) => ({ params: [mb.types[from]], result: mb.types[t], body: mb.m[t][kind][from](local(mb, 0, mb.types[from])) }));
        }
      }
    });
  }
  it('i32.wrap and the i64-only widths and extensions', () => {
    expectSameInstructions((mb) => ({ params: [mb.types.i64], result: mb.types.i32, body: mb.m.i32.wrap(local(mb, 0, mb.types.i64)) }));
    for (const name of ['extend_s', 'extend_u'] as const) {
      expectSameInstructions((mb) => ({ params: [mb.types.i32], result: mb.types.i64, body: mb.m.i64[name](local(mb, 0, mb.types.i32)) }));
    }
    expectSameInstructions((mb) => ({ params: [mb.types.i64], result: mb.types.i64, body: mb.m.i64.extend32_s(local(mb, 0, mb.types.i64)) }));
    for (const name of ['load32_s', 'load32_u'] as const) {
      expectSameInstructions((mb) => ({ params: [mb.types.i32], result: mb.types.i64, body: mb.m.i64[name](16, 0, local(mb, 0, mb.types.i32)) }));
    }
    expectSameInstructions((mb) => ({ params: [mb.types.i32, mb.types.i64], result: mb.types.none, body: mb.m.i64.store32(16, 4, local(mb, 0, mb.types.i32), local(mb, 1, mb.types.i64)) }));
  });
  for (const t of ['f32', 'f64'] as const) {
    it(`${t} arithmetic, comparisons, unary operators, memory and conversions`, () => {
      for (const name of Object.keys(FLOAT_BINARY[t])) {
        const result = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(name) ? 'i32' : t;
        expectSameInstructions((mb) => ({ params: [mb.types[t], mb.types[t]], result: mb.types[result], body: opsOf(mb, t)[name]!(local(mb, 0, mb.types[t]), local(mb, 1, mb.types[t])) }));
      }
      for (const name of Object.keys(FLOAT_UNARY[t])) {
        const operand = name === 'reinterpret' ? (t === 'f32' ? 'i32' : 'i64') : t;
        expectSameInstructions((mb) => ({ params: [mb.types[operand]], result: mb.types[t], body: opsOf(mb, t)[name]!(local(mb, 0, mb.types[operand])) }));
      }
      for (const kind of Object.keys(FLOAT_CONVERT[t]) as ('convert_s' | 'convert_u')[]) {
        for (const from of ['i32', 'i64'] as const) {
          expectSameInstructions((mb) => ({ params: [mb.types[from]], result: mb.types[t], body: mb.m[t][kind][from](local(mb, 0, mb.types[from])) }));
        }
      }
      expectSameInstructions((mb) => ({ params: [mb.types.i32], result: mb.types[t], body: mb.m[t].load(8, 0, local(mb, 0, mb.types.i32)) }));
      expectSameInstructions((mb) => ({ params: [mb.types.i32, mb.types[t]], result: mb.types.none, body: mb.m[t].store(8, 0, local(mb, 0, mb.types.i32), local(mb, 1, mb.types[t])) }));
      expectSameInstructions((mb) => ({ params: [], result: mb.types[t], body: mb.m[t].const(-1.5) }));
    });
  }
  it('f32.demote and f64.promote', () => {
    expectSameInstructions((mb) => ({ params: [mb.types.f64], result: mb.types.f32, body: mb.m.f32.demote(local(mb, 0, mb.types.f64)) }));
    expectSameInstructions((mb) => ({ params: [mb.types.f32], result: mb.types.f64, body: mb.m.f64.promote(local(mb, 0, mb.types.f32)) }));
  });
  it('constants, locals, select, drop, nop, call and helper imports', () => {
    for (const v of [0n, -1n, 0x7fffffffn, 0x80000000n, -0x8000000000000000n, 0x123456789abcdefn]) {
      expectSameInstructions((mb) => ({ params: [], result: mb.types.i64, body: mb.m.i64.const(v) }));
    }
    expectSameInstructions((mb) => ({
      params: [mb.types.i64],
      result: mb.types.i64,
      vars: [mb.types.i64, mb.types.i32, mb.types.i32],
      body: mb.m.block(null, [
        mb.m.local.set(1, mb.m.local.tee(1, local(mb, 0, mb.types.i64), mb.types.i64)),
        mb.m.nop(),
        mb.m.drop(mb.m.call(mb.helper('fetch_slow'), [local(mb, 1, mb.types.i64)], mb.types.i32)),
        mb.m.select(mb.m.i32.const(1), local(mb, 0, mb.types.i64), mb.m.call(mb.mulh('su'), [local(mb, 0, mb.types.i64), local(mb, 1, mb.types.i64)], mb.types.i64)),
      ], mb.types.i64),
    }));
  });
});

/** The access width in bytes of an integer load or store. */
const naturalBytes = (name: string, t: 'i32' | 'i64'): number => (name.includes('8') ? 1 : name.includes('16') ? 2 : name.includes('32') ? 4 : t === 'i32' ? 4 : 8);

// Result type of an integer binary operator: comparisons give i32.
const INT_BINARY_RESULT = (name: string, t: 'i32' | 'i64'): 'i32' | 'i64' => (['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].includes(name) ? 'i32' : t);

/** Instantiates a writer module with a fresh memory and a table; returns its exports. */
function instantiate(writer: WasmWriter, table = new WebAssembly.Table({ element: 'anyfunc', initial: 4 })) {
  const binary = writer.emitBinary();
  validated(binary);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
  return new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), { ferry: { memory, table } }).exports as Record<string, (...a: number[]) => number>;
}

describe('control flow', () => {
  it('resolves br depths through nested labelled blocks and ifs', () => {
    const w = new WasmWriter();
    const { m, types } = w;
    const arg = () => m.local.get(0, types.i32);
    // f(x): x == 0 -> 10, x == 1 -> 20, otherwise 30; the branches leave through two block levels.
    const body = m.block(null, [
      m.block('outer', [
        m.block('inner', [
          m.if(m.i32.eqz(arg()), m.br('inner'), m.if(m.i32.eq(arg(), m.i32.const(1)), m.br('outer'))),
          m.return(m.i32.const(30)),
        ]),
        m.return(m.i32.const(10)),
      ]),
      m.i32.const(20),
    ], types.i32);
    w.addFunction('f', [types.i32], types.i32, [], body);
    w.exportFunction('f', 'f');
    const { f } = instantiate(w);
    expect([f!(0), f!(1), f!(2)]).toEqual([10, 20, 30]);
  });

  it('runs a loop with br_if back to its start and a br_table dispatch', () => {
    const w = new WasmWriter();
    const { m, types } = w;
    const n = () => m.local.get(0, types.i32);
    const sum = () => m.local.get(1, types.i32);
    // sum 1..n, then br_table on n & 3 adds 0/100/200/300.
    const loop = m.loop('again', m.block(null, [
      m.local.set(1, m.i32.add(sum(), n())),
      m.local.set(0, m.i32.sub(n(), m.i32.const(1))),
      m.br('again', m.i32.ne(n(), m.i32.const(0))),
    ]));
    const table = m.block('done', [
      m.block('add200', [
        m.block('add100', [
          m.block('add0', [m.switch(['add0', 'add100', 'add200'], 'add300', m.i32.and(m.local.get(2, types.i32), m.i32.const(3)))]),
          m.br('done'),
        ]),
        m.local.set(1, m.i32.add(sum(), m.i32.const(100))),
        m.br('done'),
      ]),
      m.local.set(1, m.i32.add(sum(), m.i32.const(200))),
    ]);
    const body = m.block(null, [
      m.local.set(2, n()),
      m.block('add300', [loop, table, m.return(sum())]),
      m.i32.add(sum(), m.i32.const(300)),
    ], types.i32);
    w.addFunction('f', [types.i32], types.i32, [types.i32, types.i32], body);
    w.exportFunction('f', 'f');
    const { f } = instantiate(w);
    expect([f!(4), f!(5), f!(6), f!(7)]).toEqual([10, 115, 221, 328]);
  });

  it('types an if whose arms cannot complete as unreachable and keeps the stack valid', () => {
    const w = new WasmWriter();
    const { m, types } = w;
    const body = m.block(null, [
      m.if(m.local.get(0, types.i32), m.return(m.i32.const(1)), m.return(m.i32.const(2))),
    ]);
    expect(m.typeOf(body)).toBe(0);
    w.addFunction('f', [types.i32], types.i32, [], body);
    w.exportFunction('f', 'f');
    const { f } = instantiate(w);
    expect([f!(1), f!(0)]).toEqual([1, 2]);
  });

  it('tail-calls through the imported table with return_call_indirect', () => {
    const w = new WasmWriter();
    const { m, types } = w;
    w.importTable('table', 'ferry', 'table');
    w.addFunction('callee', [], types.i32, [], m.i32.const(42));
    w.addFunction('caller', [], types.i32, [], m.block(null, [m.return_call_indirect('table', m.i32.const(0), [], types.none, types.i32), m.unreachable()]));
    w.exportFunction('callee', 'callee');
    w.exportFunction('caller', 'caller');
    const table = new WebAssembly.Table({ element: 'anyfunc', initial: 1 });
    const exports = instantiate(w, table);
    table.set(0, exports.callee!);
    expect(exports.caller!()).toBe(42);
  });

  it('refuses a br to a label that does not enclose it', () => {
    const w = new WasmWriter();
    const { m, types } = w;
    w.addFunction('f', [], types.none, [], m.block(null, [m.block('a', []), m.br('a')]));
    expect(() => w.emitBinary()).toThrow(/br to label a/);
  });

  it('declares imports as binaryen does: the same memory and table limits and helper signatures', () => {
    const build: Build = (mb) => {
      mb.importTable('table', 'ferry', 'table');
      return { params: [], result: mb.types.i64, body: mb.m.call(mb.helper('load_slow'), [mb.m.i64.const(0n), mb.m.i32.const(8), mb.m.i64.const(0n)], mb.types.i64) };
    };
    const { writer, binaryen: reference } = bothProducers(build);
    const imports = (text: string) => text.split('\n').filter((l) => l.includes('(import')).map((l) => l.replace(/\(;\d+;\)\s*/g, '').replace(/\(type \d+\)/, '').trim()).sort();
    expect(imports(validated(writer))).toEqual(imports(validated(reference)));
  });
});


const uleb = (bytes: Uint8Array, at: number) => {
  const r = decodeULEB128(bytes, at);
  return { value: Number(r.value), next: r.next };
};

/** The sections of a module: id, name (custom sections), contents' bounds and where a custom
 *  section's payload starts (after its name). */
function sections(binary: Uint8Array): { id: number; name?: string; start: number; payload: number; end: number }[] {
  const out: { id: number; name?: string; start: number; payload: number; end: number }[] = [];
  for (let at = 8; at < binary.length; ) {
    const id = binary[at++]!;
    const size = uleb(binary, at);
    const start = size.next;
    const end = start + size.value;
    let name: string | undefined;
    let payload = start;
    if (id === 0) {
      const length = uleb(binary, start);
      name = new TextDecoder().decode(binary.subarray(length.next, length.next + length.value));
      payload = length.next + length.value;
    }
    out.push({ id, ...(name === undefined ? {} : { name }), start, payload, end });
    at = end;
  }
  return out;
}

describe('branch hints', () => {

  it('records each unlikely if by its body offset in a section before the code, and the module runs', () => {
    const w = new WasmWriter();
    const { m, types } = w;
    w.addFunction('plain', [], types.i32, [], m.i32.const(7));
    // f(x) = x ? 1 : 2, with the then-arm hinted unlikely; one unhinted if after it.
    const body = m.block(null, [
      m.if(m.i32.eqz(m.local.get(0, types.i32)), m.nop()),
      w.m.unlikely(m.if(m.local.get(0, types.i32), m.i32.const(1), m.i32.const(2))),
    ], types.i32);
    w.addFunction('f', [types.i32], types.i32, [], body);
    w.exportFunction('f', 'f');
    const binary = w.emitBinary();
    validated(binary);
    const all = sections(binary);
    const hintIndex = all.findIndex((s) => s.name === 'metadata.code.branch_hint');
    const codeIndex = all.findIndex((s) => s.id === 10);
    expect(hintIndex).toBeGreaterThan(-1);
    expect(hintIndex).toBeLessThan(codeIndex);

    // The section: one function (index 1: 'plain' is 0) with one hint, payload size 1, value 0.
    const hint = all[hintIndex]!;
    let at = hint.payload;
    const read = () => {
      const r = uleb(binary, at);
      at = r.next;
      return r.value;
    };
    expect(read()).toBe(1);
    expect(read()).toBe(1);
    expect(read()).toBe(1);
    const offset = read();
    expect(read()).toBe(1);
    expect(binary[at]).toBe(0);

    // The offset, from the start of f's body (its local declarations), lands on an `if` opcode
    // whose condition (local.get 0) comes right before it, after the first if's `end`.
    const code = all[codeIndex]!;
    let c = uleb(binary, code.start).next; // function count
    const skipBody = () => {
      const size = uleb(binary, c);
      c = size.next + size.value;
      return size.next;
    };
    skipBody();
    const fBody = skipBody();
    expect(binary[fBody + offset]).toBe(0x04);
    expect([...binary.subarray(fBody + offset - 3, fBody + offset)]).toEqual([0x0b, 0x20, 0x00]);

    const exports = instantiate(w);
    expect(exports.f!(0)).toBe(2);
    expect(exports.f!(5)).toBe(1);
  });

  it('writes no section when nothing is hinted', () => {
    const w = new WasmWriter();
    w.addFunction('f', [], w.types.i32, [], w.m.if(w.m.i32.const(1), w.m.i32.const(1), w.m.i32.const(2)));
    expect(sections(w.emitBinary()).some((s) => s.name !== undefined)).toBe(false);
  });
});

describe('compilation hints', () => {
  it('writes one hint byte per defined function in a section before the code, and the module runs', () => {
    const w = new WasmWriter();
    w.addFunction('a', [], w.types.i32, [], w.m.i32.const(1));
    w.addFunction('b', [], w.types.i32, [], w.m.i32.const(2));
    w.exportFunction('b', 'b');
    w.compilationHint = HINT_EAGER_OPTIMIZED;
    const binary = w.emitBinary();
    const all = sections(binary);
    const hints = all.findIndex((sec) => sec.name === 'compilationHints');
    expect(hints).toBeGreaterThan(-1);
    // The count (2 functions), then one byte each: eager, TurboFan, TurboFan.
    const hint = all[hints]!;
    expect([...binary.subarray(hint.payload, hint.end)]).toEqual([2, 0x2a, 0x2a]);
    // The code section (id 10) follows the hint section.
    expect(all[hints + 1]!.id).toBe(10);
    // V8 reads the section only behind its flag (the engine sets it); a malformed one would then
    // fail to compile.
    setFlagsFromString('--experimental-wasm-compilation-hints');
    expect(instantiate(w).b!()).toBe(2);
  });
});
