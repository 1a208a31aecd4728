// Running a few instructions in isolation: the code is placed in a tiny static executable (code
// at SNIPPET_CODE, one read-write data page at SNIPPET_DATA), registers are preset, and the run
// ends at an ebreak the snippet must reach. Tests of single instructions and the differential
// tests across tiers use this; the final state is returned as plain values.
import { Machine, buildElf } from '@ferry/runtime';
import type { JitSupport } from './jit/index.js';
import { describeInstruction } from './describe-instruction.js';
import { loadJitSupport, runMachineSync, SIGNAL } from './run.js';
import type { Tier } from './tiers.js';

export const SNIPPET_CODE = 0x10000;
export const SNIPPET_DATA = 0x20000;
export const SNIPPET_DATA_SIZE = 0x1000;

export interface SnippetInput {
  code: Uint8Array;
  /** Initial integer registers by number (x0 ignored). */
  x?: Record<number, bigint>;
  /** Initial FP registers by number, raw bits. */
  f?: Record<number, bigint>;
  frm?: number;
  fflags?: number;
  /** Initial contents of the data page. */
  data?: Uint8Array;
  maxInsns?: bigint;
  /** Map the code read-write-execute, so the snippet may rewrite itself (default read-execute). */
  writableCode?: boolean;
  /** T0 superoperators and exit coalescing (RunOptions; both default on). */
  superops?: boolean;
  coalesce?: boolean;
}

export interface SnippetResult {
  x: bigint[];
  f: bigint[];
  fflags: number;
  frm: number;
  pc: bigint;
  data: Uint8Array;
  instructions: bigint;
  /** Set when the snippet did not end at its ebreak (fault, illegal instruction, ...). */
  message?: string;
  status: number;
  /** Exits the runtime served in place (exit coalescing). */
  exitsServedInPlace: number;
}

/** Runs a snippet in the T0 interpreter (synchronous). */
export function runSnippet(input: SnippetInput): SnippetResult {
  return runSnippetWith(input, 'interp');
}

/** Runs a snippet in any tier. */
export async function runSnippetInTier(input: SnippetInput, tier: Tier): Promise<SnippetResult> {
  return runSnippetWith(input, tier, await loadJitSupport(tier, { compilersNow: true }));
}

function runSnippetWith(input: SnippetInput, tier: Tier, jit?: JitSupport): SnippetResult {
  const image = buildElf({
    entry: SNIPPET_CODE,
    segments: [
      { flags: input.writableCode ? 7 : 5, vaddr: SNIPPET_CODE, data: input.code },
      { flags: 6, vaddr: SNIPPET_DATA, data: input.data ?? new Uint8Array(0), memsz: SNIPPET_DATA_SIZE },
    ],
  });
  // Fixed "random" bytes (AT_RANDOM on the stack, getrandom): two runs of a snippet see the same memory.
  const random = (into: Uint8Array) => void into.fill(0x5a);
  const machine = Machine.load({ path: 'snippet', image, argv: ['snippet'], env: [], dirs: [], stdout: { write() {} }, stderr: { write() {} }, random });
  const state = machine.state;
  for (const [r, v] of Object.entries(input.x ?? {})) state.setX(Number(r), v);
  for (const [r, v] of Object.entries(input.f ?? {})) state.setF(Number(r), v);
  state.frm = input.frm ?? 0;
  state.fflags = input.fflags ?? 0;
  const result = runMachineSync(machine, {
    tier,
    maxInsns: input.maxInsns ?? 1_000_000n,
    ...(input.superops === undefined ? {} : { superops: input.superops }),
    ...(input.coalesce === undefined ? {} : { coalesce: input.coalesce }),
  }, jit ? { jit, describeInstruction } : { describeInstruction });
  const endedAtBreak = result.status === 128 + SIGNAL.SIGTRAP;
  return {
    x: Array.from({ length: 32 }, (_, r) => state.x(r)),
    f: Array.from({ length: 32 }, (_, r) => state.f(r)),
    fflags: state.fflags,
    frm: state.frm,
    pc: endedAtBreak ? state.exitPc : state.pc,
    data: machine.memory.readBytes(SNIPPET_DATA, SNIPPET_DATA_SIZE),
    instructions: state.instret,
    status: result.status,
    exitsServedInPlace: result.stats.exitsServedInPlace,
    ...(endedAtBreak || result.message === undefined ? {} : { message: result.message }),
  };
}
