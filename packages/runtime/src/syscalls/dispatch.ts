// The syscall table (number -> name, argument formats, handler) assembled from the per-area
// tables, and the dispatcher: number from a7, arguments from a0..a5, result (or -errno) to a0,
// optional strace-style trace to stderr. Afterwards state.pc is where the guest continues (the
// ecall's pc + 4, or a signal handler / sigreturn target) and exitPc + 4 equals it. Invariant: each number appears in exactly one area table
// (checked when the table is built); unknown numbers answer -ENOSYS, with a warning naming the
// call the first time each comes up.
import { hex } from '@ferry/util';
import { GuestFault, GuestStringTooLong } from '../fault.js';
import { E, SyscallError, errnoName } from './errno.js';
import { ioSyscalls } from './fs-io.js';
import { pathSyscalls } from './fs-paths.js';
import { type ArgFormat, type Kernel, ProcessExit, type SyscallDef, type SyscallTable } from './kernel.js';
import { memorySyscalls } from './mm.js';
import { pollSyscalls } from './poll.js';
import { processSyscalls } from './process.js';
import { runSignalHandlers, signalName, signalSyscalls } from './signals.js';
import { timeSyscalls } from './time.js';
import { fireDueTimer, timerSyscalls } from './timers.js';

function mergeTables(...tables: SyscallTable[]): Map<number, SyscallDef> {
  const merged = new Map<number, SyscallDef>();
  for (const table of tables) {
    for (const [number, def] of Object.entries(table)) {
      if (merged.has(Number(number))) throw new Error(`internal error: syscall ${number} defined twice`);
      merged.set(Number(number), def);
    }
  }
  return new Map([...merged].sort(([a], [b]) => a - b));
}

export const SYSCALLS: ReadonlyMap<number, SyscallDef> = mergeTables(
  ioSyscalls,
  pathSyscalls,
  memorySyscalls,
  pollSyscalls,
  processSyscalls,
  signalSyscalls,
  timeSyscalls,
  timerSyscalls,
);

export const syscallName = (number: number): string => SYSCALLS.get(number)?.name ?? `syscall_${number}`;

export type SyscallOutcome = { exited: false } | { exited: true; status: number; signal?: number };

const A0 = 10;
const A7 = 17;

function formatArg(k: Kernel, format: ArgFormat, value: bigint, next: bigint | undefined): string {
  const signed = BigInt.asIntN(64, value);
  switch (format) {
    case 'int':
      return signed.toString();
    case 'uint':
      return value.toString();
    case 'hex':
      return hex(value);
    case 'oct':
      return '0' + value.toString(8);
    case 'fd':
      return BigInt.asIntN(32, value) === -100n ? 'AT_FDCWD' : BigInt.asIntN(32, value).toString();
    case 'str':
      try {
        return JSON.stringify(k.memory.readCString(value));
      } catch {
        return hex(value);
      }
    case 'buf': {
      const length = Math.min(Number(next ?? 0n), 32);
      try {
        const text = JSON.stringify(Buffer.from(k.memory.readBytes(value, length)).toString('latin1'));
        return Number(next ?? 0n) > length ? `${text}...` : text;
      } catch {
        return hex(value);
      }
    }
  }
}

/** Names of Linux riscv64 system calls Ferry does not serve (asm-generic numbering), for warnings. */
const UNSUPPORTED_NAMES: ReadonlyMap<number, string> = new Map([
  [95, 'waitid'], [198, 'socket'], [199, 'socketpair'], [200, 'bind'], [201, 'listen'], [202, 'accept'], [203, 'connect'],
  [221, 'execve'], [242, 'accept4'], [260, 'wait4'], [281, 'execveat'],
]);

function warnUnsupported(k: Kernel, number: number): void {
  const known = UNSUPPORTED_NAMES.get(number);
  const name = known ? `${known} (${number})` : `${number}`;
  k.warnOnce(`syscall ${number}`, `system call ${name} at ${hex(k.state.exitPc)} is not supported; the guest gets ENOSYS`);
}

/** How a ProcessExit ends the run. */
const ended = (exit: ProcessExit): SyscallOutcome =>
  exit.signal === undefined ? { exited: true, status: exit.status } : { exited: true, status: exit.status, signal: exit.signal };

/** Between slices of guest code (the state block exact at state.pc): fires the real timer if it
 *  is due, entering its handler (or ending the process, SIGALRM's default). */
export function pollTimers(k: Kernel): SyscallOutcome {
  if (!k.realTimer) return { exited: false };
  k.nextPc = k.state.pc;
  try {
    if (!fireDueTimer(k)) return { exited: false };
    runSignalHandlers(k);
  } catch (error) {
    if (error instanceof ProcessExit) return ended(error);
    throw error;
  }
  k.state.pc = k.nextPc;
  k.state.exitPc = k.nextPc - 4n;
  return { exited: false };
}

/** Perform the ecall described by the state block; the caller advances pc past it. */
export function dispatchSyscall(k: Kernel, strace: boolean, counts: Map<string, number>): SyscallOutcome {
  const number = Number(k.state.x(A7));
  const args = [0, 1, 2, 3, 4, 5].map((i) => k.state.x(A0 + i));
  const def = SYSCALLS.get(number);
  const name = def?.name ?? `syscall_${number}`;
  counts.set(name, (counts.get(name) ?? 0) + 1);
  const shown = strace
    ? def
      ? def.args.map((format, i) => formatArg(k, format, args[i]!, args[i + 1])).join(', ')
      : args.map((v) => hex(v)).join(', ')
    : '';
  const trace = (line: string): void => {
    if (strace) k.options.stderrSink.write(Buffer.from(line + '\n'));
  };

  k.nextPc = k.state.exitPc + 4n;
  let result: bigint;
  try {
    if (!def) warnUnsupported(k, number);
    result = def ? BigInt(def.run(k, args)) : BigInt(-E.ENOSYS);
    if (k.realTimer) fireDueTimer(k);
  } catch (error) {
    if (error instanceof ProcessExit) {
      trace(`${name}(${shown}) = ?`);
      trace(error.signal === undefined ? `+++ exited with ${error.status} +++` : `+++ killed by ${signalName(error.signal)} +++`);
      return ended(error);
    }
    if (error instanceof SyscallError) result = BigInt(-error.errno);
    else if (error instanceof GuestFault) result = BigInt(-E.EFAULT);
    else if (error instanceof GuestStringTooLong) result = BigInt(-E.ENAMETOOLONG);
    else throw error;
  }
  k.state.setX(A0, result);
  if (strace) {
    const failed = result < 0n && result >= -4095n;
    const shownResult = failed ? `-1 ${errnoName(Number(-result))}` : def?.hexResult ? hex(result) : result.toString();
    trace(`${name}(${shown}) = ${shownResult}`);
  }
  runSignalHandlers(k);
  // Leave both conventions right: pc is where to continue, and exitPc + 4 is the same place.
  k.state.pc = k.nextPc;
  k.threads.switchIfPending();
  k.state.exitPc = k.state.pc - 4n;
  return { exited: false };
}
