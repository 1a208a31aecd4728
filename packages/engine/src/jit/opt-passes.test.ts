// The IR passes (@ferry/opt) on real input: the `opt` pipeline over regions lifted from corpus
// binaries keeps the verifier clean after every pass and shrinks the code; and a differential
// check: snippets run in the optimizing tier with the passes on and off (FERRY_NO_OPT_PASSES=1)
// end in identical guest state. (Whole corpus programs in the opt tier take minutes each here, as
// every region goes through binaryen -O; the semantics tests run the opt tier with the passes on.)
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assemble } from '@ferry/isa-riscv';
import { discoverRegion, liftRegion } from '@ferry/lift-riscv';
import { runPipeline } from '@ferry/opt';
import { Machine } from '@ferry/runtime';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { repoRoot } from '../../../../scripts/corpus-lib.mjs';
import { runSnippetInTier, SNIPPET_DATA, type SnippetInput, type SnippetResult } from '../snippet.js';

const NO_PASSES = 'FERRY_NO_OPT_PASSES';
afterEach(() => void delete process.env[NO_PASSES]);

const instructionCount = (func: { blocks: { insts: unknown[] }[] }): number => func.blocks.reduce((n, b) => n + b.insts.length, 0);

describe('opt pipeline on lifted corpus regions', () => {
  for (const name of ['bench_sha256', 'bench_sort', 'int_division', 'fp_arith']) {
    it(`${name}: verifier clean after every pass, code shrinks`, () => {
      const path = join(repoRoot, 'corpus', 'bin', name);
      const machine = Machine.load({ path, argv: [path], env: [], dirs: [] });
      const fetch = (pc: bigint) => machine.memory.tryFetch(pc);
      // Functions spread over the whole text, including the benchmark kernels.
      const funcs = machine.elf.symbols().filter((s) => s.type === 'func' && s.size > 0).sort((a, b) => a.value - b.value);
      const picked = funcs.filter((_, i) => i % Math.ceil(funcs.length / 25) === 0);
      let before = 0;
      let after = 0;
      for (const sym of picked) {
        const blocks = discoverRegion(fetch, BigInt(sym.value));
        if (!blocks.length) continue;
        const func = liftRegion(blocks);
        before += instructionCount(func);
        runPipeline(func, 'opt', { verify: true });
        after += instructionCount(func);
      }
      expect(before).toBeGreaterThan(0);
      expect(after).toBeLessThan(before * 0.7);
    });
  }
});

/** Runs a snippet in the optimizing tier with the passes on and off; both must agree. */
async function bothWays(input: SnippetInput): Promise<SnippetResult> {
  const on = await runSnippetInTier(input, 'opt');
  process.env[NO_PASSES] = '1';
  const off = await runSnippetInTier(input, 'opt');
  delete process.env[NO_PASSES];
  expect(on).toEqual(off);
  return on;
}

const data = new Uint8Array(0x1000).map((_, i) => (i * 37 + 11) & 0xff);
const x = { 10: BigInt(SNIPPET_DATA), 11: 0x1234_5678_9abc_def0n, 12: -5n, 13: 7n };

describe('opt tier with and without IR passes', () => {
  it('register and slot traffic in straight-line code and loops', () =>
    bothWays({
      x,
      data,
      code: assemble(`
        li t0, 40
      loop:
        addi a1, a1, 3
        xor a2, a2, a1
        slli t1, a2, 7
        srai t1, t1, 3
        add a3, a3, t1
        mulh t2, a1, a2
        add a4, a4, t2
        addi t0, t0, -1
        bnez t0, loop
        addi zero, a1, 1
        add a5, zero, a3
        ebreak
      `).bytes,
    }));
  it('loads and stores near each other and across page boundaries', () =>
    bothWays({
      x,
      data,
      code: assemble(`
        ld t0, 0(a0)
        lw t1, 8(a0)
        sd t1, 16(a0)
        addi a0, a0, 2047
        addi a0, a0, 1
        lbu t2, 2047(a0)
        add t0, t0, t2
        sw t0, -2024(a0)
        ld t3, -2032(a0)
        ld t4, 2040(a0)
        lh t5, -2047(a0)
        sh t5, 2045(a0)
        ebreak
      `).bytes,
    }));
  it('32-bit rotates as two shifts and an or, and addw chains (the narrow pass), in a loop', async () => {
    const r = await bothWays({
      x,
      data,
      code: assemble(`
        li t0, 37
      loop:
        srliw t1, a1, 6
        slliw t2, a1, 26
        or t1, t1, t2
        sllw t3, a2, t0
        li t4, 32
        sub t4, t4, t0
        srlw t4, a2, t4
        or t3, t3, t4
        xor a3, a3, t1
        addw a4, a4, t1
        addw a4, a4, t3
        addw a4, a4, a1
        slliw t5, a4, 13
        srliw t6, a4, 19
        or a5, t5, t6
        srliw t6, a4, 18
        or a6, t5, t6
        addi a1, a1, 0x123
        xor a2, a2, a4
        addi t0, t0, -1
        bnez t0, loop
        ebreak
      `).bytes,
    });
    expect(r.message).toBeUndefined();
  });
  it('division by constants, including zero and MIN / -1', () =>
    bothWays({
      x,
      code: assemble(`
        li t0, 0
        div a1, a1, t0
        rem a2, a2, t0
        li t1, -1
        slli t2, t1, 63
        div a3, t2, t1
        rem a4, t2, t1
        li t3, 3
        divu a5, a1, t3
        ebreak
      `).bytes,
    }));
  it('a loop of stores and loads on one page (the page cache carries across iterations)', () =>
    bothWays({
      x,
      data,
      code: assemble(`
        li t0, 100
        mv t1, a0
      loop:
        ld t2, 0(t1)
        add t2, t2, t0
        sd t2, 8(t1)
        lw t3, 12(t1)
        sb t3, 3(t1)
        addi t1, t1, 24
        addi t0, t0, -1
        bnez t0, loop
        ld a1, 0(a0)
        ld a2, 2000(a0)
        ebreak
      `).bytes,
    }));
  it('a fault part-way leaves the same state', async () => {
    const result = await bothWays({
      x,
      data,
      code: assemble(`
        addi a1, a1, 1
        sd a1, 0(a0)
        addi a0, a0, 2047
        addi a1, a1, 1
        ld a2, 2044(a0)
        addi a1, a1, 1
        ebreak
      `).bytes,
    });
    expect(result.message).toMatch(/read of 0x21000 \(unmapped\)/);
  });
});
