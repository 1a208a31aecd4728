// The two machines of a lockstep check, each behind one interface: run up to a budget, serve the
// exit it stopped at. The JIT side runs one translation per call (its code cache does not chain,
// so every transfer returns here); the T0 side runs the prebuilt interpreter. Both perform their own
// system calls, fed identical inputs by CheckInputs (same random bytes, the same stdin bytes).
// Invariant: serve() leaves the machine ready to run again, or reports how the program ended.
import { ExitCode, exitCodeName, stateAddress } from '@ferry/abi';
import { loadInterpreterModule } from '@ferry/interp';
import { GuestFault, Machine, type InputSource, type MachineOptions } from '@ferry/runtime';
import { hex } from '@ferry/util';
import { DecodeCache } from '../decode-cache.js';
import { describeAddress } from '../describe.js';
import { describeInstruction } from '../describe-instruction.js';
import { CodeCache } from '../jit/code-cache.js';
import { Translator, type IrHook, type loadBackend } from '../jit/translator.js';
import { SIGNAL } from '../run.js';

export type Backend = Awaited<ReturnType<typeof loadBackend>>;

/** What one call into a side did: an exit code, or a guest fault raised by a helper. */
export type StepOutcome = { code: number } | { fault: GuestFault };

export interface Ended {
  status: number;
  message?: string;
}

/** Inputs replayed identically to every machine of one check: a seeded random stream and the
 *  stdin bytes the first machine (the JIT side) read from the real source. */
export class CheckInputs {
  private readonly stdinLog: number[] = [];
  constructor(readonly seed: number, private readonly stdin?: InputSource) {}

  /** A fresh random stream; every machine gets the same sequence. */
  random(): (into: Uint8Array) => void {
    let s = this.seed >>> 0 || 1;
    return (into) => {
      for (let i = 0; i < into.length; i++) {
        s ^= s << 13;
        s >>>= 0;
        s ^= s >>> 17;
        s ^= s << 5;
        s >>>= 0;
        into[i] = s & 0xff;
      }
    };
  }

  /** The recording source (for the first machine) and replaying ones (for the others). */
  recordingStdin(): InputSource {
    return {
      read: (into) => {
        const n = this.stdin ? this.stdin.read(into) : 0;
        for (let i = 0; i < n; i++) this.stdinLog.push(into[i]!);
        return n;
      },
    };
  }
  replayingStdin(): InputSource {
    let at = 0;
    return {
      read: (into) => {
        const n = Math.min(into.length, this.stdinLog.length - at);
        for (let i = 0; i < n; i++) into[i] = this.stdinLog[at + i]!;
        at += n;
        return n;
      },
    };
  }
}

export abstract class Side {
  constructor(readonly machine: Machine, readonly name: string) {}

  protected abstract call(): number;
  /** Drop every decoded or translated instruction (fence.i). */
  protected abstract clearCode(): void;

  get state() {
    return this.machine.state;
  }

  run(budget: bigint): StepOutcome {
    this.state.budget = budget;
    try {
      return { code: this.call() };
    } catch (e) {
      if (e instanceof GuestFault) return { fault: e };
      throw e;
    }
  }

  /** Serves an exit the way `ferry run` does; returns how the program ended, if it did. */
  serve(outcome: StepOutcome): Ended | undefined {
    const machine = this.machine;
    const where = (pc: bigint) => describeAddress(machine, pc);
    if ('fault' in outcome) {
      const e = outcome.fault;
      return { status: 128 + SIGNAL.SIGSEGV, message: `${e.access} of ${hex(e.address)} (${e.reason})${e.pc === undefined ? '' : ` at ${where(e.pc)}`}: segmentation fault` };
    }
    const state = this.state;
    switch (outcome.code) {
      case ExitCode.ecall: {
        const result = machine.syscall();
        return result.exited ? { status: result.status } : undefined;
      }
      case ExitCode.budget:
      case ExitCode.untranslated:
        return undefined;
      case ExitCode.codeModified: {
        const word = machine.memory.fetchSlow(state.exitPc);
        state.pc = state.exitPc + ((word & 3) === 3 ? 4n : 2n);
        return undefined;
      }
      case ExitCode.fenceI:
        this.clearCode();
        state.pc = state.exitPc + 4n;
        return undefined;
      case ExitCode.illegalInstruction:
        return { status: 128 + SIGNAL.SIGILL, message: `illegal instruction ${describeInstruction(machine, state.exitPc)} at ${where(state.exitPc)}` };
      case ExitCode.ebreak:
        return { status: 128 + SIGNAL.SIGTRAP, message: `breakpoint (ebreak) at ${where(state.exitPc)}` };
      default:
        throw new Error(`internal error: the ${this.name} side exited with ${exitCodeName(outcome.code)} at ${hex(state.exitPc)}`);
    }
  }
}

export class InterpSide extends Side {
  private readonly decodeCache: DecodeCache;
  private readonly runInterpreter: () => number;

  constructor(machine: Machine) {
    super(machine, 'interp');
    const cache = (this.decodeCache = new DecodeCache(machine.wasmMemory));
    cache.clear();
    machine.onCodeWrite = (page) => {
      cache.clearPage(page);
      machine.memory.clearCode(page);
    };
    this.runInterpreter = new WebAssembly.Instance(loadInterpreterModule(), { ferry: machine.helpers() }).exports.run as () => number;
  }

  protected call(): number {
    return this.runInterpreter();
  }
  protected clearCode(): void {
    this.decodeCache.clear();
  }
}

export class JitSide extends Side {
  readonly cache: CodeCache;
  private readonly translator: Translator;

  constructor(machine: Machine, readonly tier: 'baseline' | 'opt', backend: Backend, irHook?: IrHook) {
    super(machine, tier);
    const cache = (this.cache = new CodeCache(machine.wasmMemory, false));
    this.translator = new Translator(machine, cache, backend, irHook);
    machine.onCodeWrite = (page) => {
      if (cache.invalidatePage(page)) machine.memory.dataView.setBigInt64(stateAddress('codeModified'), 1n, true);
      machine.memory.clearCode(page);
    };
  }

  /** Runs exactly one translation (translating first if needed); its entry pc is `entry`. */
  protected call(): number {
    const pc = this.state.pc;
    const translation = this.cache.lookup(pc) ?? (this.tier === 'opt' ? this.translator.optimized(pc) : this.translator.baseline(pc));
    if (!translation) this.machine.memory.fetchSlow(pc); // raises the fetch fault
    this.machine.memory.dataView.setBigInt64(stateAddress('codeModified'), 0n, true);
    return this.cache.call(translation!);
  }
  protected clearCode(): void {
    this.cache.clear();
  }
}

/** Loads one machine of a check from the run options with the check's replayed inputs. */
export function loadCheckMachine(options: MachineOptions, inputs: CheckInputs, primary: boolean): Machine {
  const discard = { write() {} };
  return Machine.load({
    ...options,
    noIntervalTimer: true,
    random: inputs.random(),
    stdin: primary ? inputs.recordingStdin() : inputs.replayingStdin(),
    ...(primary ? {} : { stdout: discard, stderr: discard, strace: false }),
  });
}
