// Seeded random differential test across tiers: generated RV64GC programs (integer, memory of every
// width, atomics and LR/SC, FP with NaNs and every rounding mode; straight-line, loops and forward
// branches) run in interp, baseline and opt to identical final state: x, f, fflags, frm, pc, the
// data page, the instruction count and the way the run ended. The opt tier compiles slowly, so it
// gets fewer, longer programs. The programs also hold random instances of the T0 superoperator
// patterns and clusters of system calls (random-program.ts). The reference interpreter runs with
// superoperators and exit coalescing; the plain interpreter without either is checked against it
// too, so fused sequences and clusters served in place are compared with running them one
// instruction and one exit at a time. A failure prints the seed and the command that replays it.
import { describe, expect, it } from 'vitest';
import { hex } from '@ferry/util';
import { runSnippetInTier, type SnippetResult } from './snippet.js';
import { randomProgram, type RandomProgram } from './testing/random-program.js';
import type { Tier } from './tiers.js';

const BASE_SEED = process.env.FERRY_SEED !== undefined ? Number(process.env.FERRY_SEED) : Math.floor(Math.random() * 1e9);
const replay = (seed: number) => `FERRY_SEED=${seed} npx vitest run packages/engine/src/differential.test.ts`;

function differences(a: SnippetResult, b: SnippetResult): string[] {
  const out: string[] = [];
  for (let r = 0; r < 32; r++) if (a.x[r] !== b.x[r]) out.push(`x${r}: ${hex(a.x[r]!)} vs ${hex(b.x[r]!)}`);
  for (let r = 0; r < 32; r++) if (a.f[r] !== b.f[r]) out.push(`f${r}: ${hex(a.f[r]!)} vs ${hex(b.f[r]!)}`);
  if (a.fflags !== b.fflags) out.push(`fflags: ${a.fflags} vs ${b.fflags}`);
  if (a.frm !== b.frm) out.push(`frm: ${a.frm} vs ${b.frm}`);
  if (a.pc !== b.pc) out.push(`pc: ${hex(a.pc)} vs ${hex(b.pc)}`);
  if (a.instructions !== b.instructions) out.push(`instructions: ${a.instructions} vs ${b.instructions}`);
  if (a.status !== b.status || a.message !== b.message) out.push(`ended: ${a.status} ${a.message ?? ''} vs ${b.status} ${b.message ?? ''}`);
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] !== b.data[i]) {
      out.push(`data[${i}]: ${a.data[i]} vs ${b.data[i]}`);
      break;
    }
  }
  return out;
}

async function checkProgram(program: RandomProgram, tiers: readonly Tier[]): Promise<void> {
  const reference = await runSnippetInTier(program, 'interp');
  for (const tier of ['interp without superoperators or coalescing' as const, ...tiers]) {
    const result = tier === 'interp without superoperators or coalescing'
      ? await runSnippetInTier({ ...program, superops: false, coalesce: false }, 'interp')
      : await runSnippetInTier(program, tier);
    const diff = differences(reference, result);
    if (diff.length) {
      throw new Error(`interp and ${tier} disagree on seed ${program.seed} (replay: ${replay(program.seed)}):\n  ${diff.slice(0, 12).join('\n  ')}\nprogram:\n${program.source}`);
    }
  }
  // The program must do real work: it ran to its ebreak, not into a fault.
  expect(reference.message, `seed ${program.seed}: ${reference.message} (replay: ${replay(program.seed)})`).toBeUndefined();
}

describe(`random programs agree across tiers (base seed ${BASE_SEED}; replay: ${replay(BASE_SEED)})`, () => {
  it('interp and baseline: many medium programs', async () => {
    for (let i = 0; i < 60; i++) await checkProgram(randomProgram(BASE_SEED + i, { instructions: 120 }), ['baseline']);
  });
  it('interp, baseline and opt: fewer, longer programs', async () => {
    for (let i = 0; i < 6; i++) await checkProgram(randomProgram(BASE_SEED + 1000 + i, { instructions: 300 }), ['baseline', 'opt']);
  });
});
