// Runs a guest program to completion in one tier: loads it into a Machine and serves exits
// (system calls, fence.i, budget, untranslated targets, code modification) until the program
// exits or dies. interp runs the prebuilt T0 module; baseline and opt translate guest code on
// first execution (blocks, or whole regions with registers in locals) and chain translations
// through the jump cache. Guest faults, illegal instructions and ebreak end the program the way
// Linux would (status 128 + signal) with one clear line naming the guest address. T0 offers ecalls
// to the runtime in place (exit coalescing: a cluster of them costs one transition) unless the
// run turns coalescing off; it runs with superoperators unless the run asks for the plain build.
// The adaptive tier starts without its compilers and loads them at its first hot code, and the
// disassembler that describes an illegal instruction loads when one is met (each an await in
// runMachine's loop); runMachineSync is handed both up front.
import { ExitCode, exitCodeName, stateAddress } from '@ferry/abi';
import { enableWasmHints } from './wasm-flags.js';
import { loadInterpreterModule } from '@ferry/interp/artifact';
import { GuestFault, Machine, type MachineOptions } from '@ferry/runtime';
import { FerryError, hex } from '@ferry/util';
import { nowMs } from './clock.js';
import { DecodeCache } from './decode-cache.js';
import { describeAddress } from './describe.js';
import type { AdaptiveExecutor } from './jit/adaptive.js';
import type { CodeCache } from './jit/code-cache.js';
import type { JitSupport } from './jit/index.js';
import type { PreloadedCode } from './jit/preload.js';
import type { Translator } from './jit/translator.js';
import { RunStats } from './stats.js';
import type { Tier } from './tiers.js';

export type { Tier };
export type { PreloadedCode } from './jit/preload.js';
export { PRELOADED_SLOT_BASE } from './jit/preload.js';

export interface RunOptions extends MachineOptions {
  tier?: Tier;
  /** Stop after this many guest instructions (exit status MAX_INSNS_STATUS). */
  maxInsns?: bigint;
  /** Translations made before the run (an AOT module), installed before the first instruction;
   *  needs a tier with a code cache (adaptive, baseline, opt). A promise (the module still
   *  compiling in V8's background) is awaited once the guest is loaded; undefined: none. */
  preloaded?: PreloadedCode | Promise<PreloadedCode | undefined>;
  /** Collects the pc at the start of every slice: T0's hot targets, untranslated targets and
   *  resume points (with a JIT tier, the translation entries the run needed: a profile). */
  entryPcs?: Set<bigint>;
  /** T0 with superoperators (default true; false: the plain interpreter build, for comparison). */
  superops?: boolean;
  /** Serve ecalls in place where generated code offers them (default true; false: every ecall
   *  is a transition to the engine's loop and back, for comparison). */
  coalesce?: boolean;
  /** JIT code counts its transfers to other translations (RunStats.transfers; costs a counter
   *  update per transfer; AOT modules, compiled beforehand, do not count). */
  countTransfers?: boolean;
}

type LoopOptions = Pick<RunOptions, 'maxInsns' | 'tier' | 'entryPcs' | 'superops' | 'coalesce' | 'countTransfers'> & { preloaded?: PreloadedCode };

export interface RunResult {
  /** The exit status Ferry itself exits with: the guest's, or 128 + signal. */
  status: number;
  /** A one-line explanation when the program did not exit by itself. */
  message?: string;
  stats: RunStats;
}

export const SIGNAL = { SIGILL: 4, SIGTRAP: 5, SIGSEGV: 11 } as const;
/** Status when --max-insns stops the program (as timeout(1) does). */
export const MAX_INSNS_STATUS = 124;
/** Instructions per call into the interpreter or translated code: V8 has no on-stack replacement
 *  for wasm, so returning now and then lets it switch hot code from Liftoff to TurboFan. With
 *  2^30 a bench_nbody region of the opt tier ran all its 0.6 s in Liftoff (perf); with 2^22 it
 *  runs in TurboFan code after ~0.05 s (opt code 312 -> 240 ms at 200000 steps). The adaptive
 *  executor slices by itself (its JIT_SLICE), so its steps get the large chunk. */
const INTERP_CHUNK = 1n << 20n;
const JIT_CHUNK = 1n << 22n;
const ADAPTIVE_CHUNK = 1n << 30n;

export async function runProgram(options: RunOptions): Promise<RunResult> {
  const machine = Machine.load(options);
  try {
    const { preloaded: pending, ...rest } = options;
    const preloaded = await pending;
    return await runMachine(machine, preloaded ? { ...rest, preloaded } : rest);
  } finally {
    machine.close();
  }
}

export interface JitSupportOptions {
  /** Translations will be preloaded (which needs the code cache even in the interp tier). */
  preloaded?: boolean;
  /** Load the compilers now even for the adaptive tier (which otherwise loads them on its first
   *  hot code): runMachineSync cannot wait for them. */
  compilersNow?: boolean;
}

export type DescribeInstruction = typeof import('./describe-instruction.js').describeInstruction;
/** Loaded on first need (an illegal instruction): it builds the isa-riscv tables. */
let loadedDescribeInstruction: DescribeInstruction | undefined;
const loadDescribeInstruction = async (): Promise<void> => {
  loadedDescribeInstruction ??= (await import('./describe-instruction.js')).describeInstruction;
};

/** What a synchronous run cannot wait to load: the tier's JIT modules with their compilers
 *  (loadJitSupport(tier, { compilersNow: true })) and the instruction describer (describe-instruction.ts). */
export interface SyncRunSupport {
  jit?: JitSupport;
  describeInstruction: DescribeInstruction;
}

/** The JIT modules a tier needs (none for interp): the compilers up front for baseline and opt
 *  (adaptive loads them when code gets hot, unless asked now), and binaryen for the opt tier when
 *  it is to run binaryen's optimizer on the main thread (FERRY_OPT_CODEGEN=binaryen; otherwise
 *  every tier writes wasm directly, and adaptive compiles optimized code in its worker). */
export async function loadJitSupport(tier: Tier, options: JitSupportOptions = {}): Promise<JitSupport | undefined> {
  if (tier === 'interp' && !options.preloaded) return undefined;
  const jit = await import('./jit/index.js');
  if ((tier === 'adaptive' || tier === 'aot') && !options.compilersNow) return jit;
  const compilers = await jit.loadCompilers();
  return tier === 'opt' && compilers.OPT_CODEGEN() === 'binaryen' ? { ...jit, compilers, backend: await compilers.loadBackend() } : { ...jit, compilers };
}

/** Runs a loaded machine, loading what its tier needs first (and what the adaptive tier needs
 *  when it needs it). */
export async function runMachine(machine: Machine, options: LoopOptions): Promise<RunResult> {
  const jit = await loadJitSupport(options.tier ?? 'interp', { preloaded: options.preloaded !== undefined });
  const loop = runLoop(machine, options, jit);
  for (let next = loop.next(); ; next = loop.next(await next.value)) {
    if (next.done) return next.value;
  }
}

/** The run loop, synchronously, with everything it may need handed in. */
export function runMachineSync(machine: Machine, options: LoopOptions, support: SyncRunSupport): RunResult {
  const next = runLoop(machine, options, support.jit, support.describeInstruction).next();
  if (!next.done) throw new Error(`internal error: runMachineSync in the ${options.tier ?? 'interp'} tier without its compilers loaded`);
  return next.value;
}

/** The run loop itself. It yields a load to wait for when it needs a module it does not have yet
 *  (the adaptive tier's compilers, the instruction describer), and goes on once it is done. */
function* runLoop(machine: Machine, options: LoopOptions, jit?: JitSupport, describeInstruction?: DescribeInstruction): Generator<Promise<void>, RunResult, void> {
  const tier = options.tier ?? 'interp';
  if (tier !== 'interp') enableWasmHints();
  const stats = new RunStats(tier);
  const started = nowMs();
  const state = machine.state;
  const decodeCache = new DecodeCache(machine.wasmMemory);
  decodeCache.clear();
  let codeCache: CodeCache | undefined;
  let translator: Translator | undefined;
  const setCodeModified = (v: bigint) => machine.memory.dataView.setBigInt64(stateAddress('codeModified'), v, true);
  machine.onCodeWrite = (page: number) => {
    decodeCache.clearPage(page);
    const dropped = codeCache?.invalidatePage(page) ?? 0;
    adaptive?.pageInvalidated(page);
    if (dropped) setCodeModified(1n);
    machine.memory.clearCode(page);
    stats.invalidations++;
  };

  let step: () => number;
  let adaptive: AdaptiveExecutor | undefined;
  const chunk = tier === 'interp' ? INTERP_CHUNK : tier === 'adaptive' || tier === 'aot' ? ADAPTIVE_CHUNK : JIT_CHUNK;
  machine.serveExitsInPlace = options.coalesce ?? true;
  const variant = options.superops === false ? 'plain' : 'superops';
  const interpreter = () => new WebAssembly.Instance(loadInterpreterModule(variant), { ferry: machine.helpers() }).exports.run as () => number;
  // Time inside the interpreter or translated code, for the single-tier runs (the adaptive
  // executor keeps its own per tier): the steady-state speed `ferry bench` reports.
  const inside = { insns: 0n, ms: 0 };
  const timedSlice = (run: () => number): number => {
    const before = state.instret;
    const t0 = nowMs();
    const code = run();
    inside.ms += nowMs() - t0;
    inside.insns += state.instret - before;
    return code;
  };
  if (tier === 'interp') {
    const run = interpreter();
    step = () => timedSlice(run);
  } else if (!jit) {
    throw new Error(`internal error: the ${tier} tier needs loadJitSupport's modules`);
  } else if (tier === 'adaptive' || tier === 'aot') {
    // aot: the adaptive tier over preloaded AOT code (the CLI compiles or finds the module).
    codeCache = new jit.CodeCache(machine.wasmMemory);
    const a = (adaptive = new jit.AdaptiveExecutor(machine, codeCache, interpreter(), jit.compilers, options.countTransfers));
    step = () => a.step();
  } else if (!jit.compilers) {
    throw new Error(`internal error: the ${tier} tier needs its compilers loaded`);
  } else {
    const cache = (codeCache = new jit.CodeCache(machine.wasmMemory));
    const t = (translator = new jit.compilers.Translator(machine, cache, jit.backend, undefined, options.countTransfers));
    step = () => {
      const pc = state.pc;
      const translation = cache.lookup(pc) ?? (tier === 'opt' ? t.optimized(pc) : t.baseline(pc));
      if (!translation) machine.memory.fetchSlow(pc); // raises the fetch fault
      setCodeModified(0n);
      return timedSlice(() => cache.call(translation!));
    };
  }
  if (options.preloaded) {
    if (!codeCache || !jit) throw new FerryError(`${options.preloaded.source}: translated code needs a JIT tier (adaptive, baseline or opt), not ${tier}`);
    const ms = jit.installPreloaded(machine, codeCache, options.preloaded);
    stats.preloaded = { tier: options.preloaded.tier, translations: options.preloaded.pcs.length, ms };
  }

  const finish = (status: number, message?: string): RunResult => {
    stats.instructions = state.instret;
    stats.wallMs = nowMs() - started;
    stats.syscalls = machine.syscallCounts;
    stats.exitsServedInPlace = machine.exitsServedInPlace;
    if (translator) stats.compile = translator.counters;
    if (adaptive) {
      stats.compile = adaptive.counters;
      stats.controller = adaptive.controller.describe();
      stats.perTier = Object.fromEntries(Object.entries(adaptive.executed).map(([t, e]) => [t, { instructions: e.insns.toString(), ms: e.ms }]));
      adaptive.close();
    } else {
      stats.perTier = { [tier]: { instructions: inside.insns.toString(), ms: inside.ms } };
    }
    if (codeCache) stats.translations = codeCache.size;
    if (options.countTransfers && codeCache) stats.transfers = { direct: state.transfersDirect, chained: state.transfersChained };
    return message === undefined ? { status, stats } : { status, message, stats };
  };
  const where = (pc: bigint) => describeAddress(machine, pc);
  const limit = options.maxInsns;

  for (;;) {
    const remaining = limit === undefined ? chunk : limit - state.instret;
    if (remaining <= 0n) return finish(MAX_INSNS_STATUS, `stopped after ${state.instret} guest instructions (--max-insns)`);
    state.budget = remaining < chunk ? remaining : chunk;
    options.entryPcs?.add(state.pc);
    let code: number;
    try {
      code = step();
    } catch (e) {
      if (e instanceof GuestFault) {
        stats.countExit('fault');
        return finish(128 + SIGNAL.SIGSEGV, `${e.access} of ${hex(e.address)} (${e.reason})${e.pc === undefined ? '' : ` at ${where(e.pc)}`}: segmentation fault`);
      }
      throw e;
    }
    stats.countExit(exitCodeName(code));
    if (adaptive?.wantsCompilers) {
      const a = adaptive;
      yield jit!.loadCompilers().then((compilers) => a.attachCompilers(compilers));
    }
    switch (code) {
      case ExitCode.ecall: {
        // An ecall served in place that ended the program leaves with exitStatus already set.
        if (machine.exitStatus !== undefined) return finish(machine.exitStatus);
        const outcome = machine.syscall();
        if (outcome.exited) return finish(outcome.status);
        // The runtime has set state.pc (after the ecall, or into a signal handler, or back from one).
        break;
      }
      case ExitCode.budget: {
        // The end of a slice: a due interval timer's signal, and another guest thread's turn.
        const outcome = machine.endOfSlice();
        if (outcome.exited) return finish(outcome.status);
        break;
      }
      case ExitCode.untranslated:
      case ExitCode.translated:
      case ExitCode.hot:
        break;
      case ExitCode.codeModified: {
        // The store at exitPc completed and invalidated translated code: resume after it.
        const word = machine.memory.fetchSlow(state.exitPc);
        state.pc = state.exitPc + ((word & 3) === 3 ? 4n : 2n);
        break;
      }
      case ExitCode.fenceI:
        decodeCache.clear();
        codeCache?.clear();
        state.pc = state.exitPc + 4n;
        break;
      case ExitCode.illegalInstruction: {
        if (!describeInstruction && !loadedDescribeInstruction) yield loadDescribeInstruction();
        const instruction = (describeInstruction ?? loadedDescribeInstruction!)(machine, state.exitPc);
        return finish(128 + SIGNAL.SIGILL, `illegal instruction ${instruction} at ${where(state.exitPc)}`);
      }
      case ExitCode.ebreak:
        return finish(128 + SIGNAL.SIGTRAP, `breakpoint (ebreak) at ${where(state.exitPc)}`);
      default:
        throw new Error(`internal error: ${tier} tier exited with ${exitCodeName(code)} at ${hex(state.exitPc)}`);
    }
  }
}

