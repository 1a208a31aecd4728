// ppoll and pselect6 over Ferry's file descriptions. Readiness is known without asking the host:
// regular files, directories, devices and the standard streams are always ready (a read of a
// terminal may then block, as it would after a real poll said so); a pipe's read end is readable
// when it holds data or has no writer left (then also hung up), its write end always writable
// (pipes are unbounded here) and in error once no reader is left. When nothing is ready the call
// sleeps out its timeout or until the real timer fires (EINTR); with neither, nothing could ever
// become ready (no other process, and threads switch only at system calls), so the run stops
// naming the deadlock.
import { E, fail } from './errno.js';
import { type Kernel, type SyscallTable, int, sys } from './kernel.js';
import { readTimespec } from './time.js';
import { sleepUnlessTimer } from './timers.js';

const POLL = { IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, WRNORM: 0x100 } as const;
const READABLE = POLL.IN | POLL.RDNORM;
const WRITABLE = POLL.OUT | POLL.WRNORM;
const MAX_FDS = 1 << 16;

/** The poll(2) revents of fd for `events` (ERR, HUP and NVAL are reported whatever was asked). */
function readiness(k: Kernel, fd: number, events: number): number {
  let d;
  try {
    d = k.fds.get(fd);
  } catch {
    return POLL.NVAL;
  }
  if (d.kind !== 'pipe') return events & (READABLE | WRITABLE);
  const { pipe } = d;
  if (d.end === 'read') return (pipe.chunks.length > 0 ? events & READABLE : 0) | (pipe.writers === 0 ? POLL.HUP : 0);
  return (events & WRITABLE) | (pipe.readers === 0 ? POLL.ERR : 0);
}

/** Waits out the timeout (ns; undefined: none) of a call that found nothing ready, or until the
 *  real timer fires (EINTR). */
function nothingReady(k: Kernel, name: string, timeoutNs: bigint | undefined): number {
  return sleepUnlessTimer(k, timeoutNs, `${name} with no timeout and no descriptor ready`) ? fail(E.EINTR) : 0;
}

function timeout(k: Kernel, addr: bigint): bigint | undefined {
  return addr === 0n ? undefined : readTimespec(k, addr);
}

function ppoll(k: Kernel, fds: bigint, count: number, timeoutAddr: bigint): number {
  if (count < 0 || count > MAX_FDS) return fail(E.EINVAL);
  const limit = timeout(k, timeoutAddr);
  let ready = 0;
  for (let i = 0; i < count; i++) {
    const entry = fds + BigInt(i * 8);
    const fd = int(BigInt(k.memory.read32(entry)));
    const events = k.memory.read16(entry + 4n);
    const revents = fd < 0 ? 0 : readiness(k, fd, events);
    k.memory.write16(entry + 6n, revents);
    if (revents) ready++;
  }
  return ready || nothingReady(k, 'ppoll', limit);
}

/** pselect6: the three fd_set bitmaps (64-bit words) are rewritten to the ready descriptors. */
function pselect(k: Kernel, count: number, sets: [bigint, bigint, bigint], timeoutAddr: bigint): number {
  if (count < 0 || count > MAX_FDS) return fail(E.EINVAL);
  const limit = timeout(k, timeoutAddr);
  const words = Math.ceil(count / 64);
  const wants = [READABLE, WRITABLE, POLL.PRI] as const;
  const read = (set: bigint) => Array.from({ length: words }, (_, w) => (set === 0n ? 0n : k.memory.read64(set + BigInt(w * 8))));
  const asked = sets.map(read);
  const result = asked.map(() => new Array<bigint>(words).fill(0n));
  let ready = 0;
  for (let fd = 0; fd < count; fd++) {
    const bit = 1n << BigInt(fd % 64);
    const w = Math.floor(fd / 64);
    const events = wants.reduce((e, want, s) => (asked[s]![w]! & bit ? e | want : e), 0);
    if (!events) continue;
    const revents = readiness(k, fd, events);
    if (revents & POLL.NVAL) return fail(E.EBADF);
    wants.forEach((want, s) => {
      // A hang-up or error counts as readable / writable, as select reports it.
      const hit = asked[s]![w]! & bit && (revents & want || (s === 0 && revents & POLL.HUP) || (s === 1 && revents & POLL.ERR));
      if (hit) {
        result[s]![w]! |= bit;
        ready++;
      }
    });
  }
  sets.forEach((set, s) => {
    if (set !== 0n) result[s]!.forEach((word, w) => k.memory.write64(set + BigInt(w * 8), word));
  });
  return ready || nothingReady(k, 'pselect6', limit);
}

export const pollSyscalls: SyscallTable = {
  72: sys('pselect6', ['int', 'hex', 'hex', 'hex', 'hex', 'hex'], (k, a) => pselect(k, int(a[0]!), [a[1]!, a[2]!, a[3]!], a[4]!)),
  73: sys('ppoll', ['hex', 'uint', 'hex', 'hex', 'uint'], (k, a) => ppoll(k, a[0]!, int(a[1]!), a[2]!)),
};
