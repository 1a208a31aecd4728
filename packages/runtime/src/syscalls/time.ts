// Clocks and sleeping: clock_gettime, clock_getres, gettimeofday, nanosleep, clock_nanosleep,
// times. Invariant: monotonic clocks come from one process-wide hrtime source, so the guest never
// sees time go backwards, and sleeps really block (the guest is single-threaded).
import { E, fail } from './errno.js';
import { type Kernel, type SyscallTable, int, sys } from './kernel.js';
import { monotonicNs, sleepNs } from './sleep.js';
import { sleepUnlessTimer } from './timers.js';

const CLOCK = {
  REALTIME: 0,
  MONOTONIC: 1,
  PROCESS_CPUTIME_ID: 2,
  THREAD_CPUTIME_ID: 3,
  MONOTONIC_RAW: 4,
  REALTIME_COARSE: 5,
  MONOTONIC_COARSE: 6,
  BOOTTIME: 7,
} as const;
const TIMER_ABSTIME = 1;
export const CLOCK_TICKS_PER_SECOND = 100;

/** Nanoseconds of a monotonic clock (the time CSR and CLOCK_MONOTONIC). */
export { monotonicNs, sleepNs };
const realtimeNs = (): bigint => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
const cpuNs = (): bigint => BigInt(Math.round(process.cpuUsage().user + process.cpuUsage().system)) * 1000n;

function clockNs(clock: number): bigint {
  switch (clock) {
    case CLOCK.REALTIME:
    case CLOCK.REALTIME_COARSE:
      return realtimeNs();
    case CLOCK.MONOTONIC:
    case CLOCK.MONOTONIC_RAW:
    case CLOCK.MONOTONIC_COARSE:
    case CLOCK.BOOTTIME:
      return monotonicNs();
    case CLOCK.PROCESS_CPUTIME_ID:
    case CLOCK.THREAD_CPUTIME_ID:
      return cpuNs();
    default:
      return BigInt(fail(E.EINVAL));
  }
}

function writeTimespec(k: Kernel, addr: bigint, ns: bigint): void {
  k.memory.write64(addr, ns / 1_000_000_000n);
  k.memory.write64(addr + 8n, ns % 1_000_000_000n);
}

export function readTimespec(k: Kernel, addr: bigint): bigint {
  const seconds = BigInt.asIntN(64, k.memory.read64(addr));
  const nanos = BigInt.asIntN(64, k.memory.read64(addr + 8n));
  if (seconds < 0n || nanos < 0n || nanos >= 1_000_000_000n) return BigInt(fail(E.EINVAL));
  return seconds * 1_000_000_000n + nanos;
}


/** Sleeps ns, cut short by the real timer firing: then EINTR, with what was left written to
 *  `remaining` (a timespec; 0: not wanted). */
function sleepFor(k: Kernel, ns: bigint, remaining: bigint): number {
  const end = monotonicNs() + (ns > 0n ? ns : 0n);
  if (!sleepUnlessTimer(k, ns > 0n ? ns : 0n)) return 0;
  if (remaining !== 0n) writeTimespec(k, remaining, end > monotonicNs() ? end - monotonicNs() : 0n);
  return fail(E.EINTR);
}

export const timeSyscalls: SyscallTable = {
  101: sys('nanosleep', ['hex', 'hex'], (k, a) => sleepFor(k, readTimespec(k, a[0]!), a[1]!)),
  113: sys('clock_gettime', ['int', 'hex'], (k, a) => {
    writeTimespec(k, a[1]!, clockNs(int(a[0]!)));
    return 0;
  }),
  114: sys('clock_getres', ['int', 'hex'], (k, a) => {
    clockNs(int(a[0]!));
    if (a[1] !== 0n) writeTimespec(k, a[1]!, 1n);
    return 0;
  }),
  115: sys('clock_nanosleep', ['int', 'int', 'hex', 'hex'], (k, a) => {
    const clock = int(a[0]!);
    const now = clockNs(clock);
    const request = readTimespec(k, a[2]!);
    const absolute = (int(a[1]!) & TIMER_ABSTIME) !== 0;
    return sleepFor(k, absolute ? request - now : request, absolute ? 0n : a[3]!);
  }),
  153: sys('times', ['hex'], (k, a) => {
    const usage = process.cpuUsage();
    const ticks = (micros: number): bigint => BigInt(Math.floor((micros * CLOCK_TICKS_PER_SECOND) / 1e6));
    if (a[0] !== 0n) {
      k.memory.write64(a[0]!, ticks(usage.user));
      k.memory.write64(a[0]! + 8n, ticks(usage.system));
      k.memory.write64(a[0]! + 16n, 0n);
      k.memory.write64(a[0]! + 24n, 0n);
    }
    return ((monotonicNs() - k.startNs) * BigInt(CLOCK_TICKS_PER_SECOND)) / 1_000_000_000n;
  }),
  169: sys('gettimeofday', ['hex', 'hex'], (k, a) => {
    if (a[0] !== 0n) {
      const ns = realtimeNs();
      k.memory.write64(a[0]!, ns / 1_000_000_000n);
      k.memory.write64(a[0]! + 8n, (ns % 1_000_000_000n) / 1000n);
    }
    if (a[1] !== 0n) k.memory.write64(a[1]!, 0n);
    return 0;
  }),
};
