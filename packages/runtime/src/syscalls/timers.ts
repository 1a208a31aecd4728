// The real-time interval timer (setitimer/getitimer ITIMER_REAL, and so alarm), and waiting for
// a signal. The timer fires SIGALRM when a check finds it due: after every system call
// (dispatch), at the end of every slice of guest code (the engine's budget exits,
// Machine.endOfSlice), and when a call that waits (rt_sigsuspend, ppoll, pselect6, nanosleep, a futex
// wait in a single-threaded guest) would sleep past it, which sleeps until it is due instead and
// returns EINTR: every such call waits through sleepUnlessTimer. ITIMER_VIRTUAL and ITIMER_PROF (CPU
// time) are refused with EINVAL and a warning.
import { FerryError, hex } from '@ferry/util';
import { E, fail } from './errno.js';
import { type Kernel, type SyscallTable, int, sys } from './kernel.js';
import { SIG, raise } from './signals.js';
import { monotonicNs, sleepNs } from './sleep.js';

const ITIMER_REAL = 0;
const USEC = 1000n;
const SECOND = 1_000_000_000n;

function readTimeval(k: Kernel, addr: bigint): bigint {
  const seconds = BigInt.asIntN(64, k.memory.read64(addr));
  const micros = BigInt.asIntN(64, k.memory.read64(addr + 8n));
  if (seconds < 0n || micros < 0n || micros >= 1_000_000n) return BigInt(fail(E.EINVAL));
  return seconds * SECOND + micros * USEC;
}

function writeTimeval(k: Kernel, addr: bigint, ns: bigint): void {
  // Round up to the microsecond, as Linux does for a timer still running.
  const micros = (ns + USEC - 1n) / USEC;
  k.memory.write64(addr, micros / 1_000_000n);
  k.memory.write64(addr + 8n, micros % 1_000_000n);
}

/** struct itimerval: interval, then value (two timevals). */
function writeItimer(k: Kernel, addr: bigint): void {
  const t = k.realTimer;
  writeTimeval(k, addr, t?.intervalNs ?? 0n);
  writeTimeval(k, addr + 16n, t ? (t.dueNs > monotonicNs() ? t.dueNs - monotonicNs() : 1000n) : 0n);
}

function checkWhich(k: Kernel, which: number): void {
  if (which === ITIMER_REAL) return;
  if (which === 1 || which === 2) k.warnOnce('itimer', `interval timer ${which === 1 ? 'ITIMER_VIRTUAL' : 'ITIMER_PROF'} (CPU time) is not supported; the guest gets EINVAL`);
  fail(E.EINVAL);
}

/** Raises SIGALRM if the real timer is due, re-arming an interval timer. True when it fired. */
export function fireDueTimer(k: Kernel): boolean {
  const t = k.realTimer;
  const now = monotonicNs();
  if (!t || now < t.dueNs) return false;
  if (t.intervalNs > 0n) t.dueNs = now - t.dueNs >= t.intervalNs ? now + t.intervalNs : t.dueNs + t.intervalNs;
  else k.realTimer = undefined;
  raise(k, SIG.ALRM);
  return true;
}

/** Every call that waits waits here: sleeps `ns` (undefined: until a signal), unless the real
 *  timer comes due first: then sleeps until then and fires it. True when the timer fired (the
 *  caller returns EINTR). A wait nothing could end (no `ns` and no timer armed; there is no other
 *  process, and guest threads switch only at calls) stops the run with `forever`, which names it. */
export function sleepUnlessTimer(k: Kernel, ns: bigint | undefined, forever = 'a wait with no end'): boolean {
  const t = k.realTimer;
  if (ns === undefined && !t) throw new FerryError(`${forever} would block forever (deadlock)`);
  const now = monotonicNs();
  if (t && (ns === undefined || t.dueNs <= now + ns)) {
    if (t.dueNs > now) sleepNs(t.dueNs - now);
    return fireDueTimer(k);
  }
  if (ns !== undefined) sleepNs(ns);
  return false;
}

export const timerSyscalls: SyscallTable = {
  102: sys('getitimer', ['int', 'hex'], (k, a) => {
    checkWhich(k, int(a[0]!));
    writeItimer(k, a[1]!);
    return 0;
  }),
  103: sys('setitimer', ['int', 'hex', 'hex'], (k, a) => {
    checkWhich(k, int(a[0]!));
    const interval = a[1] === 0n ? 0n : readTimeval(k, a[1]!);
    const value = a[1] === 0n ? 0n : readTimeval(k, a[1]! + 16n);
    if (a[2] !== 0n) writeItimer(k, a[2]!);
    if (value !== 0n && k.options.intervalTimer === false) {
      throw new FerryError(`setitimer at ${hex(k.state.exitPc)}: the lockstep checker cannot follow an interval timer (its signals arrive at times the two machines do not share)`);
    }
    k.realTimer = value === 0n ? undefined : { dueNs: monotonicNs() + value, intervalNs: interval };
    return 0;
  }),
};
