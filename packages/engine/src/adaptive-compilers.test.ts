// The adaptive tier loads its compilers only when code gets hot: a short program stays in T0
// without them (its first slice, the warm-up, counts nothing hot), a hot one gets them mid-run (runMachine's loop waits for them once) and compiles,
// and runMachineSync, which cannot wait, says so unless they were loaded up front.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, ferryRunOptions } from '../../../scripts/corpus-lib.mjs';
import { assemble } from '@ferry/isa-riscv';
import { buildElf, Machine } from '@ferry/runtime';
import { runCaptured } from './capture.js';
import { describeInstruction } from './describe-instruction.js';
import { loadJitSupport, runMachine, runMachineSync } from './run.js';

interface Entry { name: string; runs: Record<string, unknown> }

function load(name: string): { machine: Machine; cleanup: () => void } {
  const entry = (loadManifest() as Entry[]).find((e) => e.name === name)!;
  const prepared = prepareRun(entry, 'default');
  const sink = { write() {} };
  const machine = Machine.load({ ...ferryRunOptions(entry, prepared), stdout: sink, stderr: sink });
  return { machine, cleanup: () => (machine.close(), prepared.cleanup()) };
}

describe('adaptive tier compilers', () => {
  it('are not needed by hello, which stays in T0', async () => {
    const { machine, cleanup } = load('hello');
    try {
      const result = await runMachine(machine, { tier: 'adaptive' });
      expect(result.status).toBe(0);
      expect(result.stats.compile.baseline?.functions).toBe(0);
      expect(Object.entries(result.stats.perTier).filter(([, e]) => e.instructions !== '0').map(([tier]) => tier)).toEqual(['interp']);
    } finally {
      cleanup();
    }
  });

  it('wait for the warm-up of T0: a loop that ends within it stays in T0, a longer one is compiled', async () => {
    // T0 runs its first slice without the taken-branch hooks (no hot counts): the 8000-iteration
    // loop (24 k instructions) would cross the hot threshold, but ends inside the warm-up.
    const loop = async (iterations: number) => {
      const { bytes } = assemble(`
        _start: li a1, ${iterations}
        .loop:  addi a1, a1, -1
                addi a2, a2, 1
                bnez a1, .loop
                li a0, 0
                li a7, 93
                ecall`, 0x10000n);
      const image = buildElf({ entry: 0x10000, segments: [{ flags: 5, vaddr: 0x10000, data: bytes }] });
      const result = await runCaptured({ path: 'loop.elf', image, argv: ['loop.elf'], env: [], dirs: [], tier: 'adaptive' });
      expect(result.status).toBe(0);
      return result.stats.compile.baseline?.functions ?? 0;
    };
    expect(await loop(8000)).toBe(0);
    expect(await loop(100_000)).toBeGreaterThan(0);
  });

  it('are loaded when code gets hot, and then compile it', async () => {
    const { machine, cleanup } = load('bench_sort');
    try {
      const result = await runMachine(machine, { tier: 'adaptive' });
      expect(result.status).toBe(0);
      expect(result.stats.compile.baseline!.functions).toBeGreaterThan(0);
    } finally {
      cleanup();
    }
  });

  it('must be loaded up front for runMachineSync', async () => {
    const first = load('bench_sort');
    try {
      const lazy = await loadJitSupport('adaptive');
      expect(lazy?.compilers).toBeUndefined();
      expect(() => runMachineSync(first.machine, { tier: 'adaptive' }, { jit: lazy, describeInstruction })).toThrow(/runMachineSync in the adaptive tier without its compilers/);
    } finally {
      first.cleanup();
    }
    const second = load('bench_sort');
    try {
      const eager = await loadJitSupport('adaptive', { compilersNow: true });
      const result = runMachineSync(second.machine, { tier: 'adaptive' }, { jit: eager, describeInstruction });
      expect(result.status).toBe(0);
      expect(result.stats.compile.baseline!.functions).toBeGreaterThan(0);
    } finally {
      second.cleanup();
    }
  });
});
