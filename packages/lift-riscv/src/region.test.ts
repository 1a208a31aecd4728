// Region discovery: the blocks a region holds, and that its control flow is always reducible.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '@ferry/abi';
import { DominatorTree, successorLists } from '@ferry/ir';
import { assemble, wordFetcher } from '@ferry/isa-riscv';
import { discoverBlock, discoverRegion, liftBlock, liftRegion, loopHeadersBefore, staticSuccessors, type GuestBlock } from './region.js';

const BASE = 0x10000n;

const fetcher = (bytes: Uint8Array) => wordFetcher(bytes, BASE);

/** Two nested counted loops, entered at the outer header. */
const LOOP_NEST = `
  outer: li a1, 4
  inner: addi a1, a1, -1
         bnez a1, inner
         addi a0, a0, -1
         bnez a0, outer
         ecall`;

function regionOf(source: string): { blocks: GuestBlock[]; labels: Map<string, bigint> } {
  const { bytes, labels } = assemble(source, BASE);
  return { blocks: discoverRegion(fetcher(bytes), BASE), labels };
}

/** True when every retreating edge of the blocks' CFG (entered at the first) goes to a block dominating its source. */
function reducible(blocks: GuestBlock[]): boolean {
  const index = new Map(blocks.map((b, i) => [b.pc, i]));
  const succs = blocks.map((b) => staticSuccessors(b).flatMap((s) => (index.has(s) ? [index.get(s)!] : [])));
  const dom = new DominatorTree(succs);
  const rank = new Map(dom.rpo.map((b, i) => [b, i]));
  return dom.rpo.every((b) => succs[b]!.every((t) => rank.get(t)! > rank.get(b)! || dom.dominates(t, b)));
}

/** True when every retreating edge of a lifted function's CFG goes to a block dominating its source. */
function liftedReducible(func: ReturnType<typeof liftRegion>): boolean {
  const dom = new DominatorTree(func);
  const rank = new Map(dom.rpo.map((b, i) => [b, i]));
  const succs = successorLists(func);
  return dom.rpo.every((b) => succs[b]!.every((t) => rank.get(t)! > rank.get(b)! || dom.dominates(t, b)));
}

describe('loopHeadersBefore', () => {
  it('finds the outer loop of a nest from a region entered at the inner header', () => {
    const { bytes, labels } = assemble(LOOP_NEST, BASE);
    const inner = labels.get('inner')!;
    const blocks = discoverRegion(fetcher(bytes), inner);
    expect(loopHeadersBefore(blocks, inner)).toEqual([labels.get('outer')]);
    // The outer header's own region holds the inner loop: the adaptive tier enters there.
    expect(discoverRegion(fetcher(bytes), labels.get('outer')!).map((b) => b.pc)).toContain(inner);
  });

  it('also names a loop of a callee placed before pc, whose region does not hold pc', () => {
    const { bytes, labels } = assemble(`
      callee: addi a1, a1, -1
              bnez a1, callee
              ret
      main:   jal callee
              addi a0, a0, -1
              bnez a0, main
              ecall`, BASE);
    const main = labels.get('main')!;
    const blocks = discoverRegion(fetcher(bytes), main);
    expect(loopHeadersBefore(blocks, main)).toEqual([labels.get('callee')]);
    expect(discoverRegion(fetcher(bytes), labels.get('callee')!).map((b) => b.pc)).not.toContain(main);
  });

  it('finds nothing for a loop entered at its own header', () => {
    const { blocks } = regionOf(LOOP_NEST);
    expect(loopHeadersBefore(blocks, BASE)).toEqual([]);
  });
});

describe('discoverRegion', () => {
  it('keeps a loop nest entered at its outer header whole', () => {
    const { blocks, labels } = regionOf(LOOP_NEST);
    const pcs = blocks.map((b) => b.pc);
    expect(pcs).toContain(labels.get('inner'));
    expect(pcs).toContain(labels.get('outer'));
    expect(reducible(blocks)).toBe(true);
  });

  it('drops a block of a cycle entered in two places, leaving a reducible region', () => {
    // A <-> B is one cycle entered both at A (falling through from the entry) and at B (the branch).
    const source = `
      entry: beqz a0, b
      a:     addi a1, a1, 1
             j b
      b:     addi a2, a2, -1
             bnez a2, a
             ecall`;
    const { blocks, labels } = regionOf(source);
    const pcs = blocks.map((b) => b.pc);
    expect(pcs[0]).toBe(BASE);
    expect(reducible(blocks)).toBe(true);
    // Exactly one of the cycle's two blocks left the region; the other stayed.
    expect([pcs.includes(labels.get('a')!), pcs.includes(labels.get('b')!)].filter(Boolean)).toHaveLength(1);
  });

  it('breaks the outer cycle of a loop nest entered at its inner loop (the shape of bench_matmul)', () => {
    // Entered at `inner`: latch -> head -> skip -> latch is a cycle without the entry, entered both
    // at latch and at skip from the inner loop's exit.
    const source = `
      inner: addi a1, a1, -1
             bnez a1, inner
             beqz a3, skip
      latch: addi a0, a0, -1
             beqz a0, done
      head:  bnez a4, inner
      skip:  addi a5, a5, 1
             j latch
      done:  ecall`;
    const { blocks, labels } = regionOf(source);
    expect(blocks[0]!.pc).toBe(BASE);
    expect(reducible(blocks)).toBe(true);
    // The inner loop and the way out of the nest stay.
    expect(blocks.map((b) => b.pc)).toContain(labels.get('done'));
  });
});

describe('lift hints', () => {
  it('stickyNx: FP arithmetic keeps its sticky path and calls the helper without the error-term path', () => {
    const { bytes } = assemble('fmul.d ft0, ft1, ft2; fsqrt.d ft3, ft0; ebreak', BASE);
    const block = discoverBlock(fetcher(bytes), BASE)!;
    const count = (hinted: boolean, op: string) =>
      liftBlock(block, hinted ? { stickyNx: true } : undefined).blocks.reduce((n, b) => n + b.insts.filter((i) => i.op === op).length, 0);
    // The sticky path's own fmul and fsqrt stay; the error-term paths (Dekker's split: more fmuls) go.
    expect(count(true, 'fmul.f64')).toBe(1);
    expect(count(false, 'fmul.f64')).toBeGreaterThan(1);
    expect(count(true, 'call_helper')).toBe(count(false, 'call_helper'));
  });
});

describe('conditional branches leaving a function', () => {
  /** The constant pcs the function's goto_pc instructions name, and how many goto_pc have a computed target. */
  function gotoTargets(func: ReturnType<typeof liftBlock>): { constant: bigint[]; computed: number } {
    const consts = new Map<number, bigint>();
    for (const b of func.blocks) for (const i of b.insts) if (i.op === 'iconst.i64') consts.set(i.result, BigInt(i.imm!));
    const gotos = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'goto_pc'));
    const constant = gotos.flatMap((g) => (consts.has(g.args[0]!) ? [consts.get(g.args[0]!)!] : []));
    return { constant: constant.sort((a, b) => (a < b ? -1 : 1)), computed: gotos.length - constant.length };
  }

  it('a block ending in a branch leaves through one goto_pc per constant target', () => {
    const { bytes, labels } = assemble('addi a0, a0, -1; bnez a0, far; nop; nop; far: ecall', BASE);
    const func = liftBlock(discoverBlock(fetcher(bytes), BASE)!);
    expect(gotoTargets(func)).toEqual({ constant: [BASE + 8n, labels.get('far')!], computed: 0 });
    expect(func.blocks.some((b) => b.insts.at(-1)?.op === 'brif')).toBe(true);
  });

  it('a region keeps in-region targets as jumps and leaves to each outside target on its own', () => {
    const { bytes, labels } = assemble('loop: addi a0, a0, -1; bnez a0, loop; beqz a1, out; jump: jr a2; out: ecall', BASE);
    // Two blocks: the loop, and the beqz whose both successors stay outside.
    const { constant, computed } = gotoTargets(liftRegion(discoverRegion(fetcher(bytes), BASE, 2)));
    expect(constant).toEqual([labels.get('jump')!, labels.get('out')!]);
    expect(computed).toBe(0);
  });
});

describe('calls inside a region', () => {
  it('holds the return point, and a return that lands there jumps instead of leaving', () => {
    const { bytes, labels } = assemble(`
      loop: jal ra, leaf
      back: addi a0, a0, -1
            bnez a0, loop
            ecall
      leaf: addi a1, a1, 1
            ret`, BASE);
    const blocks = discoverRegion(fetcher(bytes), BASE);
    expect(blocks.map((b) => b.pc)).toContain(labels.get('back'));
    const func = liftRegion(blocks);
    const consts = new Map<number, bigint>();
    for (const b of func.blocks) for (const i of b.insts) if (i.op === 'iconst.i64') consts.set(i.result, BigInt(i.imm!));
    // The ret's computed goto_pc is guarded by a compare with the return point `back`.
    const compares = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'eq.i64' && i.args.some((a) => consts.get(a) === labels.get('back'))));
    expect(compares).toHaveLength(1);
    const gotos = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'goto_pc'));
    expect(gotos.filter((g) => !consts.has(g.args[0]!))).toHaveLength(1); // the fallback: any other return address
  });

  it('guards only the callee\'s return, not the function\'s own ret, so the CFG stays reducible', () => {
    const { bytes, labels } = assemble(`
      entry: beqz a0, out
             jal ra, leaf
      back:  addi a1, a1, 1
      out:   ret
      leaf:  addi a2, a2, 1
             ret`, BASE);
    const func = liftRegion(discoverRegion(fetcher(bytes), BASE));
    const consts = new Map<number, bigint>();
    for (const b of func.blocks) for (const i of b.insts) if (i.op === 'iconst.i64') consts.set(i.result, BigInt(i.imm!));
    const compares = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'eq.i64' && i.args.some((a) => consts.get(a) === labels.get('back'))));
    expect(compares).toHaveLength(1);
    expect(liftedReducible(func)).toBe(true);
  });
});

describe('switches inside a region', () => {
  /** The lifted region of blocks at the labels, the first given `targets` as its jr's table. */
  function liftWithTable(source: string, labels: string[], targets: string[]) {
    const assembled = assemble(source, BASE);
    const at = (l: string) => assembled.labels.get(l)!;
    const blocks = labels.map((l) => discoverBlock(fetcher(assembled.bytes), at(l))!);
    blocks[0] = { ...blocks[0]!, indirectTargets: targets.map(at) };
    const func = liftRegion(blocks);
    const consts = new Map<number, bigint>();
    for (const b of func.blocks) for (const i of b.insts) if (i.op === 'iconst.i64') consts.set(i.result, BigInt(i.imm!));
    const tested = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'eq.i64').map((i) => consts.get(i.args[1]!)));
    const computed = func.blocks.flatMap((b) => b.insts.filter((i) => i.op === 'goto_pc' && !consts.has(i.args[0]!))).length;
    return { func, at, tested, computed };
  }

  it('reach table targets held by the region through compares; others still leave', () => {
    const { at, tested, computed } = liftWithTable(`
      jump: jr a2
      one:  addi a0, a0, 1
            ecall
      two:  addi a0, a0, 2
            ecall
      outside: ecall`, ['jump', 'one', 'two'], ['one', 'two', 'outside']);
    expect(tested.sort()).toEqual([at('one'), at('two')]);
    expect(computed).toBe(1); // where every compare missed ('outside', which the region does not hold)
  });

  it('are left leaving through goto_pc when the compares would make the CFG irreducible', () => {
    // The jr enters the loop of b and c at both blocks.
    const { func, tested, computed } = liftWithTable(`
      jump: jr a2
      b:    addi a0, a0, -1
            j c
      c:    addi a1, a1, 1
            bnez a0, b
      out:  ecall`, ['jump', 'b', 'c', 'out'], ['b', 'c']);
    expect(tested).toEqual([]);
    expect(computed).toBe(1);
    expect(liftedReducible(func)).toBe(true);
  });
});

describe('switch tables in region discovery', () => {
  // A loop whose switch table base (t2) is set up before the loop; the region is entered at the
  // loop, as the JIT enters hot code.
  const source = (tableOffset: bigint, cases: readonly bigint[]) => `
    start: auipc t2, 0
           addi t2, t2, ${tableOffset}
           li s1, 8
    loop:  andi t0, s1, 3
           li t1, 3
           bltu t1, t0, done
    jump:  slli t0, t0, 3
           add t0, t0, t2
           ld t0, 0(t0)
           jr t0
    c0:    addi a0, a0, 1
           j next
    c1:    addi a0, a0, 2
           j next
    c2:    addi a0, a0, 3
           j next
    c3:    addi a0, a0, 4
    next:  addi s1, s1, -1
           bnez s1, loop
    done:  ecall
    table: .dword ${cases.join(', ')}`;
  const first = assemble(source(0n, [0n, 0n, 0n, 0n]), BASE).labels;
  const at = (l: string) => first.get(l)!;
  const { bytes } = assemble(source(at('table') - at('start'), ['c0', 'c1', 'c2', 'c3'].map(at)), BASE);
  const code = (registers?: Map<number, bigint>) => ({
    readData(address: bigint, size: 4 | 8) {
      const i = Number(address - BASE);
      if (i < 0 || i + size > bytes.length) return undefined;
      let v = 0n;
      for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[i + k]!);
      return v;
    },
    isExecutable: (pc: bigint) => pc >= BASE && pc < BASE + BigInt(bytes.length),
    ...(registers ? { registers } : {}),
  });

  it('resolve a table whose base register was set before the region, from the registers given', () => {
    const cases = ['c0', 'c1', 'c2', 'c3'].map(at);
    const guessed = discoverRegion(fetcher(bytes), at('loop'), undefined, undefined, code(new Map([[7, at('table')]])));
    expect(guessed.find((b) => b.pc === at('jump'))?.indirectTargets).toEqual(cases);
    expect(guessed.map((b) => b.pc)).toEqual(expect.arrayContaining(cases));
    // Without them the base is unknown, and the jr stays an exit.
    const unknown = discoverRegion(fetcher(bytes), at('loop'), undefined, undefined, code());
    expect(unknown.some((b) => b.indirectTargets)).toBe(false);
  });

});

describe('budget tests in a region', () => {
  /** The guest pcs whose blocks still test the budget: an `exit budget` branch whose condition is not constant. */
  function testedPcs(source: string): { tested: bigint[]; labels: Map<string, bigint> } {
    const { blocks, labels } = regionOf(source);
    const func = liftRegion(blocks);
    const tested: bigint[] = [];
    const testing = new Set<number>();
    for (const block of func.blocks) {
      const term = block.insts[block.insts.length - 1];
      if (term?.op !== 'brif') continue;
      const out = func.blocks[term.targets![0]!.block]!.insts;
      const exit = out[out.length - 1]!;
      if (exit.op !== 'exit' || exit.imm !== ExitCode.budget) continue;
      const cond = block.insts.find((i) => i.result === term.args[0]);
      if (cond?.op === 'iconst.i32') continue;
      const pcInst = out.find((i) => i.result === exit.args[0]);
      tested.push(BigInt(pcInst!.imm as bigint));
      testing.add(func.blocks.indexOf(block));
    }
    // Every cycle passes a test: without the testing blocks the CFG has none.
    const succs = successorLists(func).map((s, b) => (testing.has(b) ? [] : s));
    const state = new Uint8Array(succs.length);
    const cyclic = (b: number): boolean => {
      state[b] = 1;
      const found = succs[b]!.some((t) => state[t] === 1 || (state[t] === 0 && cyclic(t)));
      state[b] = 2;
      return found;
    };
    expect(succs.some((_, b) => state[b] === 0 && cyclic(b))).toBe(false);
    return { tested: tested.sort((a, b) => (a < b ? -1 : 1)), labels };
  }

  it('happen at the entry and one block of the loop only', () => {
    const { tested, labels } = testedPcs(`
      entry: li a1, 0
      head:  andi a2, a0, 1
             beqz a2, even
             addi a1, a1, 3
             j join
      even:  addi a1, a1, 1
      join:  addi a0, a0, -1
             bnez a0, head
             ecall`);
    // Five guest blocks (the entry, head, the odd arm, even, join); the walk meets the loop first
    // at some block, which carries the loop's test (every cycle has a retreating edge).
    expect(tested).toHaveLength(2);
    expect(tested[0]).toBe(labels.get('entry'));
    expect(tested[1]).toBeGreaterThan(labels.get('entry')!);
    expect(tested[1]).toBeLessThan(labels.get('join')! + 8n);
  });

  it('keep one test on every cycle of a loop nest', () => {
    const { tested, labels } = testedPcs(LOOP_NEST);
    expect(tested).toEqual([labels.get('outer'), labels.get('inner')]);
  });
});

describe('instret in a region', () => {
  it('is set only where the function leaves, from the sum read at its entry: loops carry the budget alone', () => {
    const func = liftRegion(regionOf(LOOP_NEST).blocks);
    const succs = successorLists(func);
    for (const [id, block] of func.blocks.entries()) {
      const writes = block.insts.filter((i) => i.op === 'set_slot' && i.imm === 'instret').length;
      const term = block.insts[block.insts.length - 1]!;
      const leaves = term.op === 'exit' || term.op === 'goto_pc';
      expect({ id, writes }).toEqual({ id, writes: leaves ? 1 : 0 });
      if (!leaves) expect(succs[id]!.length).toBeGreaterThan(0);
    }
    // instret is read once, in block 0 (with the budget).
    const reads = func.blocks.flatMap((block, id) => block.insts.filter((i) => i.op === 'get_slot' && i.imm === 'instret').map(() => id));
    expect(reads).toEqual([0]);
  });

  it('is counted per block in a one-block function (the baseline tier)', () => {
    const { bytes } = assemble('addi a0, a0, 1\naddi a0, a0, 2\necall', BASE);
    const func = liftBlock(discoverBlock(fetcher(bytes), BASE)!);
    const writes = func.blocks.flatMap((block) => block.insts.filter((i) => i.op === 'set_slot' && i.imm === 'instret'));
    expect(writes).toHaveLength(1);
  });
});
