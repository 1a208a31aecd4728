// Direct links between the functions of one JIT module (jit-functions.ts DirectLinks), through
// both producers: the wasm writer (baseline, and opt regions in the JIT) and binaryen (AOT).
import wabtInit from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, HELPERS, PageFlag, SHADOW_TABLE, STATE_BASE, StateSlot, shadowEntry, type StateSlotName } from '@ferry/abi';
import { parseFunc, type Func } from '@ferry/ir';
import { compileDirectModule } from './baseline.js';
import { compileJitModule } from './jit-module.js';
import type { DirectLinks, JitModule } from './jit-functions.js';

/** Three translations: 0x1000 continues at 0x2000 or 0x3000, 0x2000 at 0x1000 (in a loop
 *  touching a register, so regions promote it), 0x3000 at a computed pc. */
const FUNCS = (): Func[] => [
  parseFunc(`func @block_1000() {
block0:
  v0 = iconst.i32 10
  v1 = get_xreg v0
  v2 = iconst.i64 0
  v3 = eq.i64 v1, v2
  brif v3, block1, block2
block1:
  v4 = iconst.i64 8192
  goto_pc v4
block2:
  v5 = iconst.i64 12288
  goto_pc v5
}`),
  parseFunc(`func @block_2000() {
block0:
  jump block1
block1:
  v0 = iconst.i32 10
  v1 = get_xreg v0
  v2 = iconst.i64 1
  v3 = add.i64 v1, v2
  set_xreg v0, v3
  v4 = iconst.i64 100
  v5 = lt_u.i64 v3, v4
  brif v5, block1, block2
block2:
  v6 = iconst.i64 4096
  goto_pc v6
}`),
  parseFunc(`func @block_3000() {
block0:
  v0 = iconst.i32 1
  v1 = get_xreg v0
  goto_pc v1
}`),
];

/** 0x1000 may call 0x2000 and 0x2000 may call 0x1000; nothing else links (as if 0x3000 lay on a
 *  page of its own). */
const LINKS: DirectLinks = (from, pc) => (from === 0 && pc === 0x2000n ? 1 : from === 1 && pc === 0x1000n ? 0 : undefined);

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
  wabt = await wabtInit();
});

/** The module's functions as text, each validated by wabt. */
function functionsText(module: JitModule): string[] {
  const mod = wabt.readWasm(module.binary, { tail_call: true, sat_float_to_int: true, sign_extension: true });
  try {
    mod.validate();
    mod.generateNames();
    mod.applyNames();
    return mod.toText({}).split(/\n\s*\(func /).slice(1);
  } finally {
    mod.destroy();
  }
}

const directCalls = (text: string) => [...text.matchAll(/\breturn_call (\$?[\w.]+)/g)].map((m) => m[1]);
const tableCalls = (text: string) => [...text.matchAll(/\breturn_call_indirect\b/g)].length;

describe('direct links in JIT modules', () => {
  const producers: [string, (funcs: Func[], links?: DirectLinks) => JitModule][] = [
    ['wasm writer, baseline', (funcs, links) => compileDirectModule(funcs, { ...(links ? { links } : {}) })],
    ['wasm writer, promoted registers', (funcs, links) => compileDirectModule(funcs, { promoteRegisters: true, ...(links ? { links } : {}) })],
    ['binaryen, promoted registers', (funcs, links) => compileJitModule(funcs, { promoteRegisters: true, passes: [], ...(links ? { links } : {}) })],
  ];
  for (const [name, compile] of producers) {
    it(`${name}: a linked constant target is a return_call; the others go through the table`, () => {
      const linked = functionsText(compile(FUNCS(), LINKS));
      expect(linked).toHaveLength(3);
      const names = linked.map((text) => text.split(/\s/)[0]);
      expect(directCalls(linked[0]!)).toEqual([names[1]]);
      expect(tableCalls(linked[0]!)).toBe(1); // 0x3000
      expect(directCalls(linked[1]!)).toEqual([names[0]]);
      expect(tableCalls(linked[1]!)).toBe(0);
      expect(directCalls(linked[2]!)).toEqual([]);
      expect(tableCalls(linked[2]!)).toBe(1);

      const plain = functionsText(compile(FUNCS()));
      for (const text of plain) expect(directCalls(text)).toEqual([]);
    });
  }
});

describe('memory slow paths', () => {
  it('are hinted unlikely by the wasm writer: the flag test and the range test of each load and store', () => {
    const func = parseFunc(`func @block_4000() {
block0:
  v0 = iconst.i32 10
  v1 = get_xreg v0
  v2 = iconst.i64 16388
  v3 = load.64 v1, v2
  v4 = iconst.i64 16392
  store.32 v1, v3, v4
  v5 = iconst.i64 16396
  goto_pc v5
}`);
    const { binary } = compileDirectModule([func]);
    const name = new TextEncoder().encode('metadata.code.branch_hint');
    const at = indexOf(binary, name);
    expect(at).toBeGreaterThan(0);
    // After the name: one function, then its hint count (two br_if per access).
    expect(binary[at + name.length]).toBe(1);
    expect(binary[at + name.length + 2]).toBe(4);
    expect(WebAssembly.validate(binary as Uint8Array<ArrayBuffer>)).toBe(true);
  });
});

describe('the codeModified exit after a store', () => {
  // As lift-riscv emits it: store, then leave through an exit block when codeModified is set.
  const STORE_THEN_TEST = `func @block_5000() {
block0:
  v0 = iconst.i32 10
  v1 = get_xreg v0
  v2 = iconst.i64 20480
  store.64 v1, v1, v2
  v3 = get_slot codeModified
  v4 = iconst.i64 0
  v5 = ne.i64 v3, v4
  v6 = iconst.i64 20480
  brif v5, block1, block2
block1:
  v7 = get_slot instret
  v8 = iconst.i64 -1
  v9 = add.i64 v7, v8
  set_slot instret, v9
  exit codeModified, v6
block2:
  v10 = iconst.i64 20484
  goto_pc v10
}`;

  /** Runs the translation once: guest x10 = 0x30000, on a page that takes fast stores when
   *  `mapped`; codeModified preset; store_slow (the slow path) sets codeModified. */
  function run(promoteRegisters: boolean, mapped: boolean, codeModifiedBefore: bigint) {
    const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
    const view = new DataView(memory.buffer);
    const slot = (name: StateSlotName) => STATE_BASE + StateSlot[name];
    view.setBigUint64(STATE_BASE + 10 * 8, 0x30000n, true);
    view.setBigUint64(slot('budget'), 1000n, true);
    view.setBigUint64(slot('instret'), 100n, true);
    view.setBigUint64(slot('codeModified'), codeModifiedBefore, true);
    if (mapped) view.setUint32(SHADOW_TABLE + 0x30 * 4, shadowEntry(0x30, 0x80_0000, PageFlag.READ | PageFlag.WRITE), true);
    let slowStores = 0;
    const helpers = Object.fromEntries(Object.keys(HELPERS).map((h) => [h, () => 0n]));
    const imports = {
      ferry: {
        ...helpers, memory, table: new WebAssembly.Table({ initial: 1, element: 'anyfunc' }),
        store_slow: () => {
          slowStores++;
          view.setBigUint64(slot('codeModified'), 1n, true);
        },
      },
    };
    const { binary, exports } = compileDirectModule([parseFunc(STORE_THEN_TEST)], { promoteRegisters });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), imports);
    const code = (instance.exports[exports[0]!] as () => number)();
    return { code, slowStores, instret: view.getBigUint64(slot('instret'), true), exitPc: view.getBigUint64(slot('exitPc'), true) };
  }

  it.each([false, true])('leaves with the codeModified exit after a slow-path store that set it (promoted: %s)', (promoteRegisters) => {
    const r = run(promoteRegisters, false, 0n);
    expect(r.slowStores).toBe(1);
    expect(r.code).toBe(ExitCode.codeModified);
    expect(r.exitPc).toBe(0x5000n);
    expect(r.instret).toBe(99n); // the instruction after the store gives its count back
  });

  it.each([false, true])('is not tested after a fast-path store (promoted: %s)', (promoteRegisters) => {
    // codeModified preset to 1 (never so on entry in a real run): a fast store does not look at it.
    const r = run(promoteRegisters, true, 1n);
    expect(r.slowStores).toBe(0);
    expect(r.code).not.toBe(ExitCode.codeModified);
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
