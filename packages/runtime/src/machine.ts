// Machine: one loaded guest program ready to run, the engine's handle on the runtime. It owns the
// guest memory, CPU state, fds and file system, performs ecalls, and supplies the wasm imports
// (memory + every abi HELPERS entry). Invariant: after Machine.load the state block holds the
// Linux entry state (pc = entry, sp = initial stack, everything else zero).
import { ExitCode, type HelperName, GUEST_PAGE_SIZE } from '@ferry/abi';
import { realpathSync } from 'node:fs';
import { CpuState } from './cpu-state.js';
import { type ElfImage, type ElfSymbol, executableRanges, readElfFile, parseElf } from './elf.js';
import { hostIsTerminal, hostRandomFill } from './host-devices.js';
import { FdTable, type InputSource, type OutputSink, hostInput, hostOutput } from './fdtable.js';
import { makeFpuHelpers } from './fpu/index.js';
import { GuestLayout } from './layout.js';
import { type LoadedProgram, loadElf } from './loader.js';
import { GuestMemory } from './memory.js';
import { AT, type InitialStack, RISCV_HWCAP, buildInitialStack } from './stack.js';
import { type SyscallOutcome, dispatchSyscall, pollTimers } from './syscalls/dispatch.js';
import { Kernel } from './syscalls/kernel.js';
import { CLOCK_TICKS_PER_SECOND, monotonicNs } from './syscalls/time.js';
import { type DirMapping, Vfs } from './vfs.js';

export interface MachineOptions {
  /** Host path of the guest ELF (named in messages). */
  path: string;
  /** The ELF's bytes, when they are not to be read from `path` (tests, snippets). */
  image?: Uint8Array;
  /** Guest argv, argv[0] included. */
  argv: string[];
  /** Guest environment, "K=V" strings. */
  env: string[];
  dirs: DirMapping[];
  /** Cap on guest memory in bytes (default 1 GiB). */
  memLimit?: number;
  /** Print each syscall to stderr as strace does. */
  strace?: boolean;
  /** Refuse the real-time interval timer (the lockstep checker: its signals arrive at times two
   *  machines do not share). */
  noIntervalTimer?: boolean;
  stdout?: OutputSink;
  stderr?: OutputSink;
  stdin?: InputSource;
  /** Source of AT_RANDOM, getrandom and /dev/urandom bytes (default: the host's /dev/urandom or crypto). */
  random?: (into: Uint8Array) => void;
}

export interface ExecutableRange {
  name: string;
  start: number;
  end: number;
}

/** What the loaded ELF says about itself, with addresses moved by the load base. */
export class ElfInfo {
  readonly path: string;
  readonly kind: 'exec' | 'pie';
  readonly base: number;
  readonly entry: number;
  private readonly image: ElfImage;
  /** The image's symbols moved by the load base, made on first use (most runs name no address). */
  private relocated: ElfSymbol[] | undefined;
  private readonly ranges: ExecutableRange[];

  constructor(image: ElfImage, loaded: LoadedProgram) {
    this.path = image.path;
    this.kind = image.kind;
    this.base = loaded.base;
    this.entry = loaded.entry;
    this.image = image;
    this.ranges = executableRanges(image, loaded.base);
  }

  symbols(): ElfSymbol[] {
    return (this.relocated ??= this.image.symbols.map((s) => ({ ...s, value: s.value + this.base })));
  }

  findSymbol(name: string): ElfSymbol | undefined {
    return this.symbols().find((s) => s.name === name && s.type !== 'tls');
  }

  /** The function or object symbol whose extent holds address, if any. */
  symbolAt(address: number): ElfSymbol | undefined {
    return this.symbols().find((s) => s.type !== 'tls' && address >= s.value && address < s.value + Math.max(s.size, 1));
  }

  executableRanges(): ExecutableRange[] {
    return this.ranges;
  }
}

export class Machine {
  readonly memory: GuestMemory;
  readonly state: CpuState;
  readonly elf: ElfInfo;
  readonly vfs: Vfs;
  readonly fds = new FdTable();
  readonly kernel: Kernel;
  readonly initialStack: InitialStack;
  /** Syscalls performed, by name (for --stats). */
  readonly syscallCounts = new Map<string, number>();
  exitStatus: number | undefined;
  /** Serve ecall exits in place when generated code offers them (the serve_exit helper): exit
   *  coalescing, which the engine turns on or off per run. Off: every offer is declined. */
  serveExitsInPlace = false;
  /** Exits served in place (each saved a transition to the engine and back). */
  exitsServedInPlace = 0;
  private readonly strace: boolean;

  static load(options: MachineOptions): Machine {
    return new Machine(options);
  }

  private constructor(options: MachineOptions) {
    const image = options.image ? parseElf(options.image, options.path) : readElfFile(options.path);
    this.strace = options.strace ?? false;
    this.memory = new GuestMemory(options.memLimit === undefined ? {} : { memLimit: options.memLimit });
    this.state = new CpuState(this.memory);
    this.vfs = new Vfs(options.dirs);
    const loaded = loadElf(image, this.memory);
    this.elf = new ElfInfo(image, loaded);

    const random = options.random ?? hostRandomFill;
    const stdout = options.stdout ?? hostOutput(1, hostIsTerminal(1));
    const stderr = options.stderr ?? hostOutput(2, hostIsTerminal(2));
    const stdin = options.stdin ?? hostInput(0, hostIsTerminal(0));
    this.fds.open({ kind: 'input', source: stdin, statusFlags: 0 });
    this.fds.open({ kind: 'output', sink: stdout, statusFlags: 1 });
    this.fds.open({ kind: 'output', sink: stderr, statusFlags: 1 });

    const executablePath = this.guestExecutablePath(options.path, options.argv[0] ?? options.path);
    this.kernel = new Kernel(this.memory, this.state, this.vfs, this.fds, {
      stdoutSink: stdout,
      stderrSink: stderr,
      executablePath,
      argv: options.argv,
      intervalTimer: !options.noIntervalTimer,
      random,
    });
    this.kernel.brkStart = loaded.brkStart;
    this.kernel.brkEnd = loaded.brkStart;

    const randomBytes = new Uint8Array(16);
    random(randomBytes);
    const k = this.kernel;
    this.initialStack = buildInitialStack(this.memory, {
      stackTop: GuestLayout.stackTop,
      argv: options.argv,
      env: options.env,
      execfn: executablePath,
      randomBytes,
      auxv: [
        [AT.PHDR, loaded.phdrAddress],
        [AT.PHENT, loaded.phentsize],
        [AT.PHNUM, loaded.phnum],
        [AT.PAGESZ, GUEST_PAGE_SIZE],
        [AT.BASE, 0],
        [AT.FLAGS, 0],
        [AT.ENTRY, loaded.entry],
        [AT.UID, k.uid],
        [AT.EUID, k.uid],
        [AT.GID, k.gid],
        [AT.EGID, k.gid],
        [AT.SECURE, 0],
        [AT.HWCAP, RISCV_HWCAP],
        [AT.CLKTCK, CLOCK_TICKS_PER_SECOND],
      ],
    });
    this.state.reset();
    this.state.setX(2, BigInt(this.initialStack.sp));
    this.state.pc = BigInt(loaded.entry);
  }

  get wasmMemory(): WebAssembly.Memory {
    return this.memory.wasmMemory;
  }

  /** Called before a store (or munmap/mprotect/flush) touches a page flagged CODE. */
  set onCodeWrite(callback: ((guestPage: number) => void) | undefined) {
    this.memory.onCodeWrite = callback;
  }
  get onCodeWrite(): ((guestPage: number) => void) | undefined {
    return this.memory.onCodeWrite;
  }

  /** At the end of a slice: a due interval timer's signal, and a guest thread switch. */
  endOfSlice(): SyscallOutcome {
    const outcome = pollTimers(this.kernel);
    if (outcome.exited) {
      this.exitStatus = outcome.status;
      return outcome;
    }
    this.kernel.threads.preempt();
    return outcome;
  }

  /** Perform the ecall in the state block (a7 = number, a0..a5 = arguments; result to a0). */
  syscall(): SyscallOutcome {
    const outcome = dispatchSyscall(this.kernel, this.strace, this.syscallCounts);
    if (outcome.exited) this.exitStatus = outcome.status;
    return outcome;
  }

  /** An exit offered in place by generated code (which has written the exit record): performs an
   *  ecall and returns 0 (continue at state.pc), or declines by returning the code. An ecall that
   *  ends the program is performed and its code returned, so the engine finds exitStatus set. */
  private serveExit(code: number): number {
    if (code !== ExitCode.ecall || !this.serveExitsInPlace) return code;
    this.exitsServedInPlace++;
    return this.syscall().exited ? code : 0;
  }

  /** Imports for module "ferry": the shared memory and every abi HELPERS entry. */
  helpers(): WebAssembly.ModuleImports {
    const memory = this.memory;
    const implementations = {
      load_slow: (address: bigint, size: number, pc: bigint): bigint => memory.loadSlow(address, size, pc),
      store_slow: (address: bigint, size: number, value: bigint, pc: bigint): void => memory.storeSlow(address, size, value, pc),
      fetch_slow: (pc: bigint): number => memory.fetchSlow(pc),
      read_time: (): bigint => monotonicNs(),
      serve_exit: (code: number): number => this.serveExit(code),
      ...makeFpuHelpers((flags) => this.state.accrueFflags(flags)),
    } satisfies Record<HelperName, (...args: never[]) => unknown>;
    return { memory: this.memory.wasmMemory, ...implementations };
  }

  /** Close every guest fd (host files included). */
  close(): void {
    this.fds.closeAll();
  }

  /** The executable's path as the guest sees it (for AT_EXECFN and /proc/self/exe). */
  private guestExecutablePath(hostPath: string, argv0: string): string {
    // Outside every mapped directory, report the absolute host path as qemu-user does: glibc
    // requires /proc/self/exe to be absolute, though the guest cannot open it.
    try {
      const real = realpathSync(hostPath);
      return this.vfs.guestPathOf(real) ?? real;
    } catch {
      return argv0.startsWith('/') ? argv0 : `/${argv0}`;
    }
  }
}
