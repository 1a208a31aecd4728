// The lockstep checker (`ferry run --check`): corpus programs agree in the baseline tier, a small
// looping program agrees in the opt tier, and miscompilations injected through the translator's
// test-only IR hook are reported with the instruction that computed the wrong result.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Func } from '@ferry/ir';
import { assemble } from '@ferry/isa-riscv';
import { buildElf } from '@ferry/runtime';
import { runChecked, type CheckOptions } from './check.js';

const corpus = (name: string) => fileURLToPath(new URL(`../../../corpus/bin/${name}`, import.meta.url));
const quiet = { write() {} };

const CODE = 0x10000;
const DATA = 0x20000;
/** A loop summing 1..20 through memory, then exit(0). */
const LOOP = `
  lui s0, 0x20
  addi t0, zero, 20
  addi a0, zero, 0
loop:
  xor a1, a0, t0
  add a0, a0, t0
  sd a1, 8(s0)
  ld a2, 8(s0)
  addi t0, t0, -1
  bne t0, zero, loop
  addi a0, zero, 0
  addi a7, zero, 93
  ecall
`;

function program(source: string): Pick<CheckOptions, 'path' | 'image' | 'argv' | 'env' | 'dirs'> {
  const { bytes } = assemble(source, BigInt(CODE));
  const image = buildElf({ entry: CODE, segments: [{ flags: 5, vaddr: CODE, data: bytes }, { flags: 6, vaddr: DATA, data: new Uint8Array(0), memsz: 0x1000 }] });
  return { path: 'loop-program', image, argv: ['loop-program'], env: [], dirs: [] };
}

/** Test hook: every `from` op in guest semantics becomes `to`. */
const miscompile = (from: string, to: string) => (func: Func) => {
  for (const block of func.blocks) for (const inst of block.insts) if (inst.op === from) inst.op = to as typeof inst.op;
};

describe('runChecked', () => {
  it.each(['hello', 'atomics', 'fp_flags'])('finds no difference on %s in the baseline tier', async (name) => {
    const r = await runChecked({ path: corpus(name), argv: [name], env: [], dirs: [], tier: 'baseline', stdout: quiet, stderr: quiet });
    expect(r.divergence?.report).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.boundaries).toBeGreaterThan(100);
  });

  // Regression: a store that invalidated translated code left through a backend-made exit that
  // did not give back the rest of its block, so instret ran ahead of the interpreter's.
  // And in the opt tier, where the exit moves into the store's slow path (backend-wasm emit.ts):
  // the local allocator did not see that code, so its values shared locals with live ones and
  // instret (and memcpy's registers) came out wrong.
  it.each(['baseline', 'opt'] as const)('codeModified exits keep instret exact (self_modify in the %s tier)', async (tier) => {
    const r = await runChecked({ path: corpus('self_modify'), argv: ['self_modify'], env: [], dirs: [], tier, stdout: quiet, stderr: quiet });
    expect(r.divergence?.report).toBeUndefined();
    expect(r.status).toBe(0);
  });

  it('stops at an interval timer, whose signals the two machines could not share', async () => {
    const run = runChecked({ path: corpus('timers'), argv: ['timers'], env: [], dirs: [], tier: 'baseline', stdout: quiet, stderr: quiet });
    await expect(run).rejects.toThrow(/setitimer at 0x[0-9a-f]+: the lockstep checker cannot follow an interval timer/);
  });

  it('finds no difference on a loop in the opt tier (small slices split the loop)', async () => {
    const r = await runChecked({ ...program(LOOP), tier: 'opt', sliceInsns: 13n, memoryCheckInterval: 1, stdout: quiet });
    expect(r.divergence?.report).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.instructions).toBe(3n + 20n * 6n + 3n);
    expect(r.boundaries).toBeGreaterThan(5);
  });

  it.each(['baseline', 'opt'] as const)('names the xor a miscompiled %s translation got wrong', async (tier) => {
    const r = await runChecked({ ...program(LOOP), tier, stdout: quiet, irHook: miscompile('xor.i64', 'or.i64') });
    expect(r.status).toBe(1);
    const d = r.divergence!;
    expect(d.culprit?.pc).toBe(BigInt(CODE + 12));
    expect(d.culprit?.text).toMatch(/xor\s+a1,a0,t0/);
    expect(d.report).toMatch(/first differing instruction \(#\d+\): 0x1000c: xor\s+a1,a0,t0/);
    expect(d.differences.map((x) => x.where)).toContainEqual({ kind: 'x', index: 11 });
  });

  it('names the store whose value a miscompiled translation left in memory', async () => {
    // Stores of 64 bits written as 32: the upper half of the stored value is lost.
    const r = await runChecked({
      ...program(`lui s0, 0x20\nlui a1, 0x12345\nslli a1, a1, 20\nsd a1, 0(s0)\naddi a7, zero, 93\naddi a0, zero, 0\necall`),
      tier: 'baseline', stdout: quiet,
      irHook: miscompile('store.64', 'store.32'),
    });
    expect(r.divergence?.report, 'a divergence').toBeDefined();
    expect(r.divergence!.culprit?.text).toMatch(/sd\s+a1,0\(s0\)/);
    expect(r.divergence!.differences[0]!.where.kind).toBe('memory');
  });
});
