// `ferry run --check`: a lockstep checker running the T0 interpreter beside a JIT tier. Two
// machines load the same ELF with identical inputs; the JIT machine runs one translation at a time
// (no chaining, a bounded budget), then the interpreter runs exactly as many instructions, and
// their registers, pc, fcsr and retired count are compared at that boundary (memory at every
// system call, every MEMORY_CHECK_INTERVAL boundaries and at the end). At the first difference a
// third, interpreter-only machine replays the suspect interval instruction by instruction to name
// the first instruction whose result differs. Invariant: each machine performs its own system
// calls; only the JIT machine's output reaches the real stdout/stderr.
import { ExitCode, exitCodeName } from '@ferry/abi';
import { hostInput, type MachineOptions } from '@ferry/runtime';
import { hex } from '@ferry/util';
import { isatty } from 'node:tty';
import { randomInt } from 'node:crypto';
import { adoptMemory, adoptRegisters, compareMemory, compareRegisters, type Difference } from './check/compare.js';
import { findCulprit, locationName, type Culprit } from './check/localize.js';
import { CheckInputs, InterpSide, JitSide, loadCheckMachine, type StepOutcome } from './check/sides.js';
import { describeAddress } from './describe.js';
import { loadBackend, type IrHook } from './jit/translator.js';
import { MAX_INSNS_STATUS } from './run.js';

export interface CheckOptions extends MachineOptions {
  tier: 'baseline' | 'opt';
  /** Stop after this many guest instructions (status MAX_INSNS_STATUS). */
  maxInsns?: bigint;
  /** Instruction budget of one JIT call (bounds how far an opt region's loops run). */
  sliceInsns?: bigint;
  /** Seed of the random bytes both machines see (default: a fresh one, printed in reports). */
  seed?: number;
  /** Compare memory every this many boundaries (besides system calls and the end). */
  memoryCheckInterval?: number;
  /** Test-only: rewrites translations' IR (to inject a miscompilation). */
  irHook?: IrHook;
}

export interface Divergence {
  /** Retired instructions at the boundary where the difference showed. */
  instret: bigint;
  /** Entry pc of the translation whose run ended at that boundary. */
  translationPc: bigint;
  differences: Difference[];
  culprit?: Culprit;
  /** Multi-line human-readable report. */
  report: string;
}

export interface CheckResult {
  /** The JIT machine's exit status (or 128 + signal); 1 when the check found a divergence. */
  status: number;
  message?: string;
  /** Boundaries at which state was compared. */
  boundaries: number;
  /** System calls whose results differed between the machines (the interpreter adopted the JIT's). */
  adoptedSyscalls: number;
  instructions: bigint;
  divergence?: Divergence;
}

const DEFAULT_SLICE = 10_000n;
const MEMORY_CHECK_INTERVAL = 256;
/** Status when the check found a divergence. */
export const CHECK_FAILED_STATUS = 1;

export async function runChecked(options: CheckOptions): Promise<CheckResult> {
  const backend = await loadBackend();
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const inputs = new CheckInputs(seed, options.stdin ?? hostInput(0, isatty(0)));
  const jitMachine = loadCheckMachine(options, inputs, true);
  const refMachine = loadCheckMachine(options, inputs, false);
  const jit = new JitSide(jitMachine, options.tier, backend, options.irHook);
  const ref = new InterpSide(refMachine);
  const slice = options.sliceInsns ?? DEFAULT_SLICE;
  let boundaries = 0;
  let adoptedSyscalls = 0;
  // Instret at the last boundary where registers matched, and where memory did too.
  let registersAgreedAt = 0n;
  let memoryAgreedAt = 0n;

  const diverged = (translationPc: bigint, differences: Difference[], why?: string): CheckResult => {
    const instret = jit.state.instret;
    const from = differences.some((d) => d.where.kind === 'memory') ? memoryAgreedAt : registersAgreedAt;
    const replay = new InterpSide(loadCheckMachine(options, inputs, false));
    let culprit: Culprit | undefined;
    try {
      culprit = findCulprit(replay, from, instret > ref.state.instret ? instret : ref.state.instret, differences);
    } finally {
      replay.machine.close();
    }
    const report = formatReport(options, seed, jit, translationPc, instret, differences, culprit, why);
    return { status: CHECK_FAILED_STATUS, boundaries, adoptedSyscalls, instructions: instret, divergence: { instret, translationPc, differences, ...(culprit ? { culprit } : {}), report } };
  };

  try {
    for (;;) {
      const limit = options.maxInsns;
      const remaining = limit === undefined ? slice : limit - jit.state.instret;
      if (remaining <= 0n) return { status: MAX_INSNS_STATUS, message: `stopped after ${jit.state.instret} guest instructions (--max-insns)`, boundaries, adoptedSyscalls, instructions: jit.state.instret };
      const entry = jit.state.pc;
      const jitOutcome = jit.run(remaining < slice ? remaining : slice);
      // Exits that are not the program's own are served first (a code-modified exit leaves pc at
      // the store; serving moves it past, where the interpreter is).
      if (!isProgramExit(jitOutcome) && !('fault' in jitOutcome)) jit.serve(jitOutcome);
      const target = jit.state.instret;
      // The interpreter catches up to the same count, serving only exits that are not the program's
      // own (budget, code modified); stopping early anywhere else shows up as an instret difference.
      let refOutcome: StepOutcome = { code: ExitCode.budget };
      while (ref.state.instret < target) {
        refOutcome = ref.run(target - ref.state.instret);
        if (ref.state.instret >= target || 'fault' in refOutcome || isProgramExit(refOutcome)) break;
        ref.serve(refOutcome);
      }
      boundaries++;
      if ('fault' in jitOutcome || 'fault' in refOutcome) {
        const a = 'fault' in jitOutcome ? jitOutcome.fault.message : 'no fault';
        const b = 'fault' in refOutcome ? refOutcome.fault.message : 'no fault';
        if (a !== b) return diverged(entry, compareRegisters(refMachine, jitMachine), `faults differ: interpreter ${b}; ${options.tier} ${a}`);
        const ended = jit.serve(jitOutcome)!;
        return { ...ended, boundaries, adoptedSyscalls, instructions: target };
      }
      const registerDiffs = compareRegisters(refMachine, jitMachine);
      const exitsDiffer = isProgramExit(jitOutcome) !== isProgramExit(refOutcome) || (isProgramExit(jitOutcome) && jitOutcome.code !== (refOutcome as { code: number }).code);
      if (registerDiffs.length || exitsDiffer) {
        const memoryDiffs = compareMemory(refMachine, jitMachine);
        const why = exitsDiffer ? `exits differ: interpreter ${exitName(refOutcome)}, ${options.tier} ${exitName(jitOutcome)}` : undefined;
        return diverged(entry, [...registerDiffs, ...memoryDiffs], why);
      }
      registersAgreedAt = target;
      const checkMemory = isProgramExit(jitOutcome) || boundaries % (options.memoryCheckInterval ?? MEMORY_CHECK_INTERVAL) === 0;
      if (checkMemory) {
        const memoryDiffs = compareMemory(refMachine, jitMachine);
        if (memoryDiffs.length) return diverged(entry, memoryDiffs);
        memoryAgreedAt = target;
      }
      const ended = isProgramExit(jitOutcome) ? jit.serve(jitOutcome) : undefined;
      const refEndedToo = isProgramExit(refOutcome) ? ref.serve(refOutcome) : undefined;
      if (ended) {
        if (!refEndedToo || refEndedToo.status !== ended.status) {
          return diverged(entry, compareRegisters(refMachine, jitMachine), `the ${options.tier} side ended (status ${ended.status}) but the interpreter ${refEndedToo ? `ended with status ${refEndedToo.status}` : 'did not'}`);
        }
        const memoryDiffs = compareMemory(refMachine, jitMachine);
        if (memoryDiffs.length) return diverged(entry, memoryDiffs);
        return { ...ended, boundaries, adoptedSyscalls, instructions: jit.state.instret };
      }
      if (refEndedToo) return diverged(entry, compareRegisters(refMachine, jitMachine), `the interpreter ended (status ${refEndedToo.status}) but the ${options.tier} side did not`);
      if ('code' in jitOutcome && jitOutcome.code === ExitCode.ecall) {
        // A system call may answer the two machines differently (times, stream kinds): the
        // interpreter adopts the JIT machine's results, so later differences are the tiers' own.
        if (adoptRegisters(jitMachine, refMachine) + adoptMemory(jitMachine, refMachine)) adoptedSyscalls++;
        const after = compareRegisters(refMachine, jitMachine);
        if (after.length) return diverged(entry, after, 'the system call left different states');
      } else if ('code' in jitOutcome && jitOutcome.code === ExitCode.budget) {
        // The end of a slice switches guest threads as `ferry run` does, on both machines alike
        // (their thread tables follow the same system calls), so a spinning thread lets others run.
        jitMachine.kernel.threads.preempt();
        refMachine.kernel.threads.preempt();
      }
    }
  } finally {
    jitMachine.close();
    refMachine.close();
  }
}

/** Exits that are the program's own doing (as opposed to budget / untranslated / code changes). */
const PROGRAM_EXITS: ReadonlySet<number> = new Set([ExitCode.ecall, ExitCode.ebreak, ExitCode.illegalInstruction, ExitCode.fenceI]);
function isProgramExit(outcome: StepOutcome): outcome is { code: number } {
  return 'code' in outcome && PROGRAM_EXITS.has(outcome.code);
}

const exitName = (outcome: StepOutcome): string => ('fault' in outcome ? 'a fault' : exitCodeName(outcome.code));

function formatReport(
  options: CheckOptions, seed: number, jit: JitSide, translationPc: bigint, instret: bigint,
  differences: readonly Difference[], culprit: Culprit | undefined, why: string | undefined,
): string {
  const machine = jit.machine;
  const lines = [`${options.path}: the ${options.tier} tier diverges from the interpreter by instruction ${instret}`];
  lines.push(`  translation entered at ${describeAddress(machine, translationPc)}`);
  if (why) lines.push(`  ${why}`);
  if (culprit) {
    lines.push(`  first differing instruction (#${culprit.instret}): ${culprit.text}`);
    lines.push(`    it last wrote: ${culprit.wrote.map(locationName).join(', ')}`);
  } else if (differences.length) {
    lines.push('  no instruction in the interval writes the differing locations: the translation changed them itself');
  }
  for (const d of differences) {
    lines.push(`  ${locationName(d.where).padEnd(14)} interpreter ${hex(d.reference)}  ${options.tier} ${hex(d.checked)}`);
  }
  lines.push(`  replay with the same random bytes: ferry run --check --tier ${options.tier} --check-seed ${seed} ${options.path}`);
  return lines.join('\n');
}
