// Runs a guest program to completion on the T0 interpreter: loads it into a Machine, instantiates
// the prebuilt interpreter module against the machine's memory and helpers, and serves exits
// (system calls, fence.i, budget) until the program exits or dies. Guest faults, illegal
// instructions and ebreak end the program the way Linux would (status 128 + signal) with one
// clear line naming the guest address. Invariant: every exit leaves the state block precise.
import { ExitCode, exitCodeName } from '@ferry/abi';
import { loadInterpreterModule } from '@ferry/interp';
import { GuestFault, Machine, type MachineOptions } from '@ferry/runtime';
import { hex } from '@ferry/util';
import { DecodeCache } from './decode-cache.js';
import { describeAddress, describeInstruction } from './describe.js';
import { RunStats } from './stats.js';

export type Tier = 'interp';

export interface RunOptions extends MachineOptions {
  tier?: Tier;
  /** Stop after this many guest instructions (exit status MAX_INSNS_STATUS). */
  maxInsns?: bigint;
}

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
const CHUNK = 1n << 20n;

export function runProgram(options: RunOptions): RunResult {
  const machine = Machine.load(options);
  return runMachine(machine, options);
}

export function runMachine(machine: Machine, options: Pick<RunOptions, 'maxInsns' | 'path'>): RunResult {
  const stats = new RunStats();
  const started = performance.now();
  const cache = new DecodeCache(machine.wasmMemory);
  cache.clear();
  machine.onCodeWrite = (page: number) => {
    cache.clearPage(page);
    machine.memory.clearCode(page);
    stats.invalidations++;
  };
  const instance = new WebAssembly.Instance(loadInterpreterModule(), {
    ferry: { memory: machine.wasmMemory, ...machine.helpers() },
  });
  const run = instance.exports.run as () => number;
  const state = machine.state;
  const limit = options.maxInsns;
  const finish = (status: number, message?: string): RunResult => {
    stats.instructions = state.instret;
    stats.wallMs = performance.now() - started;
    stats.syscalls = machine.syscallCounts;
    return message === undefined ? { status, stats } : { status, message, stats };
  };
  const where = (pc: bigint) => describeAddress(machine, pc);

  for (;;) {
    const remaining = limit === undefined ? CHUNK : limit - state.instret;
    if (remaining <= 0n) return finish(MAX_INSNS_STATUS, `stopped after ${state.instret} guest instructions (--max-insns)`);
    state.budget = remaining < CHUNK ? remaining : CHUNK;
    let code: number;
    try {
      code = run();
    } catch (e) {
      if (e instanceof GuestFault) {
        stats.countExit('fault');
        return finish(128 + SIGNAL.SIGSEGV, `${e.access} of ${hex(e.address)} (${e.reason})${e.pc === undefined ? '' : ` at ${where(e.pc)}`}: segmentation fault`);
      }
      throw e;
    }
    stats.countExit(exitCodeName(code));
    switch (code) {
      case ExitCode.ecall: {
        const outcome = machine.syscall();
        if (outcome.exited) return finish(outcome.status);
        // The runtime has set state.pc (after the ecall, or into a signal handler, or back from one).
        break;
      }
      case ExitCode.budget:
        break;
      case ExitCode.fenceI:
        cache.clear();
        state.pc = state.exitPc + 4n;
        break;
      case ExitCode.illegalInstruction:
        return finish(128 + SIGNAL.SIGILL, `illegal instruction ${describeInstruction(machine, state.exitPc)} at ${where(state.exitPc)}`);
      case ExitCode.ebreak:
        return finish(128 + SIGNAL.SIGTRAP, `breakpoint (ebreak) at ${where(state.exitPc)}`);
      default:
        throw new Error(`internal error: interpreter exited with ${exitCodeName(code)} at ${hex(state.exitPc)}`);
    }
  }
}

