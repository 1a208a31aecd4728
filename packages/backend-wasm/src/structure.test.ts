// Tests of structure.ts: IR functions with loops (nested, with merges inside, several exits, an
// irreducible cycle) lowered by emit.ts through each producer (the direct wasm writer, and binaryen
// unoptimized), then run on many inputs; the results must equal a JavaScript model of the same
// control flow. Every module must validate.
import { describe, expect, it } from 'vitest';
import { parseFunc, verify, type Func } from '@ferry/ir';
import type { ModuleBuilder } from './builder.js';
import { emitFunctionBody, type BodyContext } from './emit.js';
import { WasmModuleBuilder } from './module.js';
import { WasmWriter } from './wasm-writer/index.js';
import { layoutCfg, structureCfg } from './structure.js';
import { OUTER_VALUE_LOOP } from './testing/loop-ir.js';

type Producer = { name: string; make: () => ModuleBuilder & { emitBinary(): Uint8Array } };
const PRODUCERS: Producer[] = [
  { name: 'wasm writer', make: () => new WasmWriter() },
  { name: 'binaryen', make: () => new WasmModuleBuilder() },
];

/** Compiles func (i64 parameters; goto_pc returns its operand) and returns it as a JS function. */
function compile(func: Func, producer: Producer): (...args: bigint[]) => bigint {
  expect(verify(func)).toEqual([]);
  const mb = producer.make();
  const m = mb.m;
  const params = func.params.map(() => mb.types.i64);
  const vars: number[] = [];
  const ctx: BodyContext = {
    param: (i) => m.local.get(i, mb.types.i64),
    addLocal: (t) => params.length + vars.push(t) - 1,
    gotoPc: (target) => m.return(target),
    exit: (code) => m.return(m.i64.const(BigInt(code))),
  };
  const body = emitFunctionBody(mb, func, ctx);
  mb.addFunction('f', params, mb.types.i64, vars, m.block(null, [body, m.unreachable()]));
  mb.exportFunction('f', 'f');
  const binary = mb.emitBinary();
  expect(WebAssembly.validate(binary as Uint8Array<ArrayBuffer>)).toBe(true);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), { ferry: { memory } });
  return instance.exports.f as (...args: bigint[]) => bigint;
}

const CASES: { name: string; ir: string; model: (...args: bigint[]) => bigint; inputs: bigint[][] }[] = [
  {
    // sum over i < n of (sum over j < i of (j odd ? 2j : j)): nested loops, a diamond inside.
    name: 'nested loops with a merge in the inner body',
    ir: `
func @nested(i64) {
block0(v0: i64):
  v1 = iconst.i64 0
  jump block1(v1, v1)
block1(v2: i64, v3: i64):
  v4 = lt_u.i64 v2, v0
  brif v4, block2(v1, v3), block6
block2(v5: i64, v6: i64):
  v7 = lt_u.i64 v5, v2
  brif v7, block3, block5
block3:
  v8 = iconst.i64 1
  v9 = and.i64 v5, v8
  v10 = ne.i64 v9, v1
  brif v10, block4(v5), block7(v5)
block4(v11: i64):
  v12 = add.i64 v11, v11
  jump block7(v12)
block7(v13: i64):
  v14 = add.i64 v6, v13
  v15 = iconst.i64 1
  v16 = add.i64 v5, v15
  jump block2(v16, v14)
block5:
  v17 = iconst.i64 1
  v18 = add.i64 v2, v17
  jump block1(v18, v6)
block6:
  goto_pc v3
}`,
    model: (n) => {
      let total = 0n;
      for (let i = 0n; i < n; i++) for (let j = 0n; j < i; j++) total += j & 1n ? 2n * j : j;
      return total;
    },
    inputs: [[0n], [1n], [2n], [5n], [17n], [40n]],
  },
  {
    // k = 7n is defined before the loop and read inside it, before temporaries that are defined
    // later in each iteration: its local must stay reserved across the back edge.
    name: 'a value from before a loop read inside it',
    ir: OUTER_VALUE_LOOP,
    model: (n) => {
      const mask = (1n << 64n) - 1n;
      const k = (n * 7n) & mask;
      let acc = 0n;
      let i = 0n;
      do {
        acc = ((((acc + k) & mask) ^ i) * 2n) & mask;
        i++;
      } while (i < n);
      return BigInt.asIntN(64, acc);
    },
    inputs: [[0n], [1n], [2n], [5n], [33n]],
  },
  {
    // A loop with two exits (a found value, or the end) and a merge after the loop.
    name: 'a loop with two exits to a common merge',
    ir: `
func @search(i64, i64) {
block0(v0: i64, v1: i64):
  v2 = iconst.i64 0
  jump block1(v2)
block1(v3: i64):
  v4 = mul.i64 v3, v3
  v5 = eq.i64 v4, v1
  brif v5, block4(v3), block2
block2:
  v6 = iconst.i64 1
  v7 = add.i64 v3, v6
  v8 = lt_u.i64 v7, v0
  brif v8, block1(v7), block3
block3:
  v9 = iconst.i64 -1
  jump block4(v9)
block4(v10: i64):
  v11 = iconst.i64 1000
  v12 = add.i64 v10, v11
  goto_pc v12
}`,
    model: (limit, square) => {
      let i = 0n;
      do {
        if (i * i === square) return i + 1000n;
        i++;
      } while (i < limit);
      return -1n + 1000n;
    },
    inputs: [[10n, 49n], [10n, 50n], [3n, 9n], [1n, 0n], [100n, 9801n], [5n, 1n << 40n]],
  },
  {
    // block1 and block2 are both entered from block0 and from each other: an irreducible cycle,
    // which takes the dispatch-loop fallback.
    name: 'an irreducible cycle',
    ir: `
func @irreducible(i64, i64) {
block0(v0: i64, v1: i64):
  v2 = iconst.i64 0
  v3 = ne.i64 v1, v2
  brif v3, block1(v0, v2), block2(v0, v2)
block1(v4: i64, v5: i64):
  v6 = iconst.i64 3
  v7 = add.i64 v5, v6
  v8 = iconst.i64 1
  v9 = sub.i64 v4, v8
  jump block2(v9, v7)
block2(v10: i64, v11: i64):
  v12 = iconst.i64 10
  v13 = mul.i64 v11, v12
  v14 = iconst.i64 7
  v15 = add.i64 v13, v14
  v16 = iconst.i64 0
  v17 = eq.i64 v10, v16
  brif v17, block3(v15), block1(v10, v15)
block3(v18: i64):
  goto_pc v18
}`,
    model: (n, startInOne) => {
      const mask = (1n << 64n) - 1n;
      let count = n;
      let acc = 0n;
      let inOne = startInOne !== 0n;
      for (;;) {
        if (inOne) {
          acc = (acc + 3n) & mask;
          count = (count - 1n) & mask;
        }
        acc = (acc * 10n + 7n) & mask;
        if (count === 0n) return BigInt.asIntN(64, acc);
        inOne = true;
      }
    },
    inputs: [[0n, 0n], [1n, 1n], [1n, 0n], [3n, 1n], [4n, 0n], [12n, 1n]], // entering block1 needs a count ≥ 1
  },
];

describe('structured control flow for cyclic CFGs', () => {
  for (const producer of PRODUCERS) {
    for (const c of CASES) {
      it(`${c.name} (${producer.name})`, () => {
        const f = compile(parseFunc(c.ir), producer);
        for (const args of c.inputs) expect(f(...args), `inputs ${args.join(', ')}`).toBe(c.model(...args));
      });
    }
  }
});

describe('layoutCfg', () => {
  // The local allocator trusts layoutCfg's order to be the order structureCfg emits code in;
  // structureCfg builds each block's statements where they go, so its call order is that order.
  for (const c of CASES) {
    it(`gives the order structureCfg emits blocks in (${c.name})`, () => {
      const func = parseFunc(c.ir);
      const layout = layoutCfg(func);
      const emitted: number[] = [];
      const mb = new WasmWriter();
      structureCfg(mb, func, {
        statements: (b) => (emitted.push(b), []),
        terminator: (b, transfer) => {
          const term = func.blocks[b]!.insts.at(-1)!;
          const targets = term.targets ?? [];
          if (targets.length === 0) return undefined;
          const edges = targets.map((t) => transfer(t.block));
          return edges.length === 1 ? edges[0]! : mb.m.if(mb.m.i32.const(1), edges[0]!, edges[1]!);
        },
        addLocal: () => 0,
      }, layout);
      if (!layout.irreducible) expect(emitted).toEqual(layout.order); // the dispatch loop: any order
      expect([...emitted].sort((a, b) => a - b)).toEqual([...layout.order].sort((a, b) => a - b));
    });
  }
});
