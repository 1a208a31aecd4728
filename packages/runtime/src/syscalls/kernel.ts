// The guest process as the syscall handlers see it: memory, registers, fds, file system, brk,
// signal dispositions, and how a handler ends the process. Also the shape of a syscall table entry
// and the argument conversions handlers share. Invariant: handlers read arguments only through
// these helpers, return a value or -errno, and end the process only by throwing ProcessExit.
import type { CpuState } from '../cpu-state.js';
import type { FdTable, OutputSink } from '../fdtable.js';
import type { GuestMemory } from '../memory.js';
import type { Vfs } from '../vfs.js';
import { GuestThreads } from './threads.js';

/** How strace prints an argument: signed/unsigned decimal, hex, fd, C string, output buffer, octal. */
export type ArgFormat = 'int' | 'uint' | 'hex' | 'fd' | 'str' | 'buf' | 'oct';

export interface SyscallDef {
  name: string;
  args: readonly ArgFormat[];
  /** Results printed in hex by strace (addresses). */
  hexResult?: boolean;
  run: (k: Kernel, a: readonly bigint[]) => number | bigint;
}
export type SyscallTable = Record<number, SyscallDef>;

export const sys = (
  name: string,
  args: readonly ArgFormat[],
  run: SyscallDef['run'],
  hexResult = false,
): SyscallDef => ({ name, args, run, hexResult });

/** Thrown by a handler to end the guest process (exit, exit_group, fatal signal). */
export class ProcessExit {
  constructor(
    readonly status: number,
    readonly signal?: number,
  ) {}
}

// ---- argument conversions (registers arrive as unsigned 64-bit bigints) ----
export const int = (v: bigint): number => Number(BigInt.asIntN(32, v));
export const long = (v: bigint): number => Number(BigInt.asIntN(64, v));
/** A size or count; huge values saturate instead of losing precision. */
export const size = (v: bigint): number => (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v));
export const AT_FDCWD = -100;

export interface SignalAction {
  handler: bigint;
  flags: bigint;
  mask: bigint;
}

export interface KernelOptions {
  stdoutSink: OutputSink;
  stderrSink: OutputSink;
  /** Guest path of the running executable (for /proc/self/exe and /proc/self/maps). */
  executablePath: string;
  /** The guest's argv (for /proc/self/cmdline). */
  argv: readonly string[];
  /** setitimer is served (false: arming a timer stops the run, for the lockstep checker). */
  intervalTimer?: boolean;
  random: (into: Uint8Array) => void;
}

export class Kernel {
  /** Keys of the warnings already written (each is written once per run). */
  private readonly warned = new Set<string>();
  brkStart = 0;
  brkEnd = 0;
  umask = 0o022;
  readonly pid = process.pid;
  readonly ppid = process.ppid;
  readonly uid = process.getuid?.() ?? 1000;
  readonly gid = process.getgid?.() ?? 1000;
  readonly signalActions = new Map<number, SignalAction>();
  blockedSignals = 0n;
  readonly pendingSignals = new Set<number>();
  alternateStack = { sp: 0n, flags: 2, size: 0n };
  /** Signals whose guest handlers run when the current syscall returns, in order. */
  readonly handlersToRun: number[] = [];
  /** Where the guest continues after the current syscall (the ecall's pc + 4 unless redirected). */
  nextPc = 0n;
  readonly startNs = process.hrtime.bigint();
  /** ITIMER_REAL (setitimer, alarm): when SIGALRM is next due (monotonic ns) and its period. */
  realTimer: { dueNs: bigint; intervalNs: bigint } | undefined;
  /** The guest's threads; the state block holds the running one's registers. */
  readonly threads: GuestThreads = new GuestThreads(this);

  constructor(
    readonly memory: GuestMemory,
    readonly state: CpuState,
    readonly vfs: Vfs,
    readonly fds: FdTable,
    readonly options: KernelOptions,
  ) {}

  /** Drop translations of a page holding code (riscv_flush_icache and friends). */
  invalidateCode(page: number): void {
    if (!this.memory.isCode(page)) return;
    if (this.memory.onCodeWrite) this.memory.onCodeWrite(page);
    this.memory.clearCode(page);
  }

  exit(status: number): never {
    throw new ProcessExit(status & 0xff);
  }

  /** Writes `ferry: warning: <message>` to the guest's stderr, the first time `key` comes up:
   *  for requests the guest gets an error for that Linux would have served. */
  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.stderrSink.write(Buffer.from(`ferry: warning: ${message}\n`));
  }
}
