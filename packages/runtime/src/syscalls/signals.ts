// Signals, process-wide (guest threads share one disposition table and blocked set): rt_sigaction
// records dispositions, rt_sigprocmask keeps the blocked set, kill to the process and tkill/tgkill
// to the running thread apply the action (a signal for another thread stops the run). Invariant: a signal is
// acted on only when unblocked; default "terminate" (and "core") actions end the process with
// status 128+signal; guest handlers run on return from the syscall (signal-frame.ts).
import { FerryError, hex } from '@ferry/util';
import { E, fail } from './errno.js';
import { enterHandler, returnFromHandler } from './signal-frame.js';
import { sleepUnlessTimer } from './timers.js';
import { type Kernel, ProcessExit, type SyscallTable, int, sys } from './kernel.js';

export const SIG = { HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, URG: 23, WINCH: 28 } as const;
const SIGNAL_NAMES = new Map<number, string>(Object.entries(SIG).map(([name, n]) => [n, `SIG${name}`]));
export const signalName = (n: number): string => SIGNAL_NAMES.get(n) ?? `signal ${n}`;

const SIG_DFL = 0n;
const SIG_IGN = 1n;
const IGNORED_BY_DEFAULT = new Set<number>([SIG.CHLD, SIG.CONT, SIG.URG, SIG.WINCH]);
const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIG_SETMASK = 2;
const UNBLOCKABLE = (1n << BigInt(SIG.KILL - 1)) | (1n << BigInt(SIG.STOP - 1));
const bit = (signal: number): bigint => 1n << BigInt(signal - 1);

/** Apply a signal's disposition now (it is not blocked). */
function deliver(k: Kernel, signal: number): void {
  const action = k.signalActions.get(signal);
  const handler = action?.handler ?? SIG_DFL;
  if (handler === SIG_IGN || (handler === SIG_DFL && IGNORED_BY_DEFAULT.has(signal))) return;
  if (handler !== SIG_DFL) {
    k.handlersToRun.push(signal);
    return;
  }
  throw new ProcessExit(128 + signal, signal);
}

/** Raise a signal at the process: deliver now, or leave pending while blocked. */
export function raise(k: Kernel, signal: number): number {
  if (signal === 0) return 0;
  if (signal < 1 || signal > 64) return fail(E.EINVAL);
  if (k.blockedSignals & bit(signal)) {
    k.pendingSignals.add(signal);
    return 0;
  }
  deliver(k, signal);
  return 0;
}

/** Push frames for the handlers raised during this syscall; the last pushed runs first. */
export function runSignalHandlers(k: Kernel): void {
  while (k.handlersToRun.length > 0) enterHandler(k, k.handlersToRun.shift()!);
}

function deliverUnblocked(k: Kernel): void {
  for (const signal of [...k.pendingSignals].sort((x, y) => x - y)) {
    if (k.blockedSignals & bit(signal)) continue;
    k.pendingSignals.delete(signal);
    deliver(k, signal);
  }
}

/** struct sigaction on RISC-V Linux: handler, flags, mask (no sa_restorer), 24 bytes. */
function sigaction(k: Kernel, signal: number, act: bigint, old: bigint): number {
  if (signal < 1 || signal > 64) return fail(E.EINVAL);
  const current = k.signalActions.get(signal) ?? { handler: SIG_DFL, flags: 0n, mask: 0n };
  if (act !== 0n) {
    if (signal === SIG.KILL || signal === SIG.STOP) return fail(E.EINVAL);
    const next = { handler: k.memory.read64(act), flags: k.memory.read64(act + 8n), mask: k.memory.read64(act + 16n) };
    if (old !== 0n) writeAction(k, old, current);
    k.signalActions.set(signal, next);
    return 0;
  }
  if (old !== 0n) writeAction(k, old, current);
  return 0;
}

function writeAction(k: Kernel, addr: bigint, action: { handler: bigint; flags: bigint; mask: bigint }): void {
  k.memory.write64(addr, action.handler);
  k.memory.write64(addr + 8n, action.flags);
  k.memory.write64(addr + 16n, action.mask);
}

function sigprocmask(k: Kernel, how: number, set: bigint, old: bigint, setSize: number): number {
  if (setSize !== 8) return fail(E.EINVAL);
  const previous = k.blockedSignals;
  if (set !== 0n) {
    const value = k.memory.read64(set) & ~UNBLOCKABLE;
    if (how === SIG_BLOCK) k.blockedSignals |= value;
    else if (how === SIG_UNBLOCK) k.blockedSignals &= ~value;
    else if (how === SIG_SETMASK) k.blockedSignals = value;
    else return fail(E.EINVAL);
  }
  if (old !== 0n) k.memory.write64(old, previous);
  deliverUnblocked(k);
  return 0;
}

/** rt_sigsuspend: waits with the given mask until a signal arrives, which (no other process, and
 *  guest threads switch only at calls) is a pending one or the real timer; its handler runs
 *  with the mask from before the call, which sigreturn restores. Always EINTR. */
function sigsuspend(k: Kernel, maskAddr: bigint, setSize: number): number {
  if (setSize !== 8) return fail(E.EINVAL);
  const before = k.blockedSignals;
  k.blockedSignals = k.memory.read64(maskAddr) & ~UNBLOCKABLE;
  try {
    const ready = [...k.pendingSignals].some((s) => !(k.blockedSignals & bit(s)));
    if (!ready) sleepUnlessTimer(k, undefined, `rt_sigsuspend at ${hex(k.state.exitPc)} waits for a signal that nothing can send (no timer is armed): it`);
    deliverUnblocked(k);
  } finally {
    k.blockedSignals = before;
  }
  return fail(E.EINTR);
}

/** stack_t: ss_sp, ss_flags (int, padded), ss_size; 24 bytes. */
function sigaltstack(k: Kernel, next: bigint, old: bigint): number {
  if (old !== 0n) {
    k.memory.write64(old, k.alternateStack.sp);
    k.memory.write64(old + 8n, BigInt(k.alternateStack.flags));
    k.memory.write64(old + 16n, k.alternateStack.size);
  }
  if (next !== 0n) {
    const flags = k.memory.read32(next + 8n);
    k.alternateStack = { sp: k.memory.read64(next), flags: flags === 2 ? 2 : 0, size: k.memory.read64(next + 16n) };
  }
  return 0;
}

const isSelf = (k: Kernel, pid: number): boolean => pid === k.pid || pid === 0 || pid === -1;

/** tkill/tgkill: to the running thread (raise, abort); a signal for another thread (pthread_kill,
 *  pthread_cancel) would run its handler on the wrong thread, so the run stops, naming the call. */
function raiseInThread(k: Kernel, tid: number, signal: number): number {
  if (!k.threads.has(tid)) return fail(E.ESRCH);
  if (tid !== k.threads.currentTid && signal !== 0) {
    throw new FerryError(`signal ${signalName(signal)} to thread ${tid} from thread ${k.threads.currentTid} at ${hex(k.state.exitPc)}: signals to another guest thread are not supported`);
  }
  return raise(k, signal);
}

export const signalSyscalls: SyscallTable = {
  129: sys('kill', ['int', 'int'], (k, a) => (isSelf(k, int(a[0]!)) ? raise(k, int(a[1]!)) : fail(E.ESRCH))),
  130: sys('tkill', ['int', 'int'], (k, a) => raiseInThread(k, int(a[0]!), int(a[1]!))),
  131: sys('tgkill', ['int', 'int', 'int'], (k, a) => (int(a[0]!) === k.pid ? raiseInThread(k, int(a[1]!), int(a[2]!)) : fail(E.ESRCH))),
  132: sys('sigaltstack', ['hex', 'hex'], (k, a) => sigaltstack(k, a[0]!, a[1]!)),
  134: sys('rt_sigaction', ['int', 'hex', 'hex', 'uint'], (k, a) => sigaction(k, int(a[0]!), a[1]!, a[2]!)),
  135: sys('rt_sigprocmask', ['int', 'hex', 'hex', 'uint'], (k, a) => sigprocmask(k, int(a[0]!), a[1]!, a[2]!, int(a[3]!))),
  139: sys('rt_sigreturn', [], (k) => {
    const a0 = returnFromHandler(k);
    deliverUnblocked(k);
    return a0;
  }),
  133: sys('rt_sigsuspend', ['hex', 'uint'], (k, a) => sigsuspend(k, a[0]!, int(a[1]!))),
  136: sys('rt_sigpending', ['hex', 'uint'], (k, a) => {
    let set = 0n;
    for (const signal of k.pendingSignals) set |= bit(signal);
    k.memory.write64(a[0]!, set);
    return 0;
  }),
};
