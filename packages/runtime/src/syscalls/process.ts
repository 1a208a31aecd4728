// Process-level syscalls: exit, identity (pid, uids), limits, uname, sysinfo, scheduling,
// getrandom, umask, futex, and the thread-setup calls glibc makes at startup. Invariant: the guest
// is one process with one thread: futex waits can only succeed when the value differs (nobody else
// could wake them) and calls that would need a second thread answer an error.
import { FerryError, hex } from '@ferry/util';
import { E, fail } from './errno.js';
import { type Kernel, type SyscallTable, int, size, sys } from './kernel.js';
import { CloneFlag } from './threads.js';
import { readTimespec } from './time.js';
import { sleepUnlessTimer } from './timers.js';

const RLIM_INFINITY = (1n << 64n) - 1n;
const RLIMIT = { STACK: 3, NOFILE: 7, AS: 9 } as const;

function limitFor(k: Kernel, resource: number): [bigint, bigint] {
  switch (resource) {
    case RLIMIT.STACK:
      return [8n << 20n, RLIM_INFINITY];
    case RLIMIT.NOFILE:
      return [1024n, 1024n];
    case RLIMIT.AS:
      return [BigInt(k.memory.memLimit), BigInt(k.memory.memLimit)];
    default:
      return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

function prlimit(k: Kernel, pid: number, resource: number, next: bigint, old: bigint): number {
  if (pid !== 0 && pid !== k.pid) return fail(E.ESRCH);
  if (resource < 0 || resource > 15) return fail(E.EINVAL);
  if (old !== 0n) {
    const [soft, hard] = limitFor(k, resource);
    k.memory.write64(old, soft);
    k.memory.write64(old + 8n, hard);
  }
  if (next !== 0n && k.memory.read64(next) > k.memory.read64(next + 8n)) return fail(E.EINVAL);
  return 0;
}

/** struct utsname: six 65-byte fields. */
function uname(k: Kernel, addr: bigint): number {
  const fields = ['Linux', 'ferry', '6.8.0', '#1 SMP Ferry', 'riscv64', '(none)'];
  const out = new Uint8Array(65 * fields.length);
  fields.forEach((field, i) => out.set(Buffer.from(field), i * 65));
  k.memory.writeBytes(addr, out);
  return 0;
}

/** struct sysinfo (112 bytes on RV64). */
function sysinfo(k: Kernel, addr: bigint): number {
  const info = new DataView(new ArrayBuffer(112));
  info.setBigInt64(0, (process.hrtime.bigint() - k.startNs) / 1_000_000_000n, true);
  info.setBigUint64(32, BigInt(k.memory.memLimit), true);
  info.setBigUint64(40, BigInt(k.memory.memLimit - k.memory.mappedBytes), true);
  info.setUint16(80, 1, true);
  info.setUint32(104, 1, true);
  k.memory.writeBytes(addr, new Uint8Array(info.buffer));
  return 0;
}

const FUTEX = { WAIT: 0, WAKE: 1, WAIT_BITSET: 9, WAKE_BITSET: 10, CMD_MASK: 0x7f } as const;

function futex(k: Kernel, a: readonly bigint[]): number {
  const command = int(a[1]!) & FUTEX.CMD_MASK;
  const bitset = command === FUTEX.WAIT_BITSET || command === FUTEX.WAKE_BITSET ? int(a[5]!) : -1;
  switch (command) {
    case FUTEX.WAKE:
    case FUTEX.WAKE_BITSET:
      return k.threads.wake(a[0]!, int(a[2]!), bitset);
    case FUTEX.WAIT:
    case FUTEX.WAIT_BITSET: {
      if (k.memory.read32(a[0]!) !== Number(BigInt.asUintN(32, a[2]!))) return fail(E.EAGAIN);
      // WAIT's timeout is relative, WAIT_BITSET's an absolute time: either way, sleeping for the
      // relative one is as long as the wait can last here (nothing else runs meanwhile).
      const timeoutNs = a[3] === 0n ? undefined : command === FUTEX.WAIT ? readTimespec(k, a[3]!) : 0n;
      if (k.threads.wait(a[0]!, bitset, timeoutNs)) return 0;
      const interrupted = sleepUnlessTimer(k, timeoutNs, `futex wait at ${hex(a[0]!)} with no timeout in a single-threaded guest`);
      return fail(interrupted ? E.EINTR : E.ETIMEDOUT);
    }
    default:
      return fail(E.ENOSYS);
  }
}

function writeIds(k: Kernel, addrs: readonly bigint[], value: number): number {
  for (const addr of addrs) k.memory.write32(addr, value);
  return 0;
}

/** sched_getaffinity: one CPU. */
function getAffinity(k: Kernel, setSize: number, addr: bigint): number {
  if (setSize < 8 || setSize % 8 !== 0) return fail(E.EINVAL);
  k.memory.write64(addr, 1n);
  return 8;
}

export const processSyscalls: SyscallTable = {
  // exit ends the calling thread; the process ends with its last thread (or at exit_group).
  93: sys('exit', ['int'], (k, a) => (k.threads.exitThread() ? 0 : k.exit(int(a[0]!)))),
  94: sys('exit_group', ['int'], (k, a) => k.exit(int(a[0]!))),
  96: sys('set_tid_address', ['hex'], (k, a) => {
    k.threads.setClearChildTid(a[0]!);
    return k.threads.currentTid;
  }),
  98: sys('futex', ['hex', 'int', 'int', 'hex', 'hex', 'int'], (k, a) => futex(k, a)),
  99: sys('set_robust_list', ['hex', 'uint'], (_k, a) => (a[1] === 24n ? 0 : fail(E.EINVAL))),
  122: sys('sched_setaffinity', ['int', 'uint', 'hex'], () => 0),
  123: sys('sched_getaffinity', ['int', 'uint', 'hex'], (k, a) => getAffinity(k, size(a[1]!), a[2]!)),
  124: sys('sched_yield', [], (k) => {
    k.threads.yield();
    return 0;
  }),
  146: sys('setuid', ['int'], (k, a) => (int(a[0]!) === k.uid ? 0 : fail(E.EPERM))),
  148: sys('getresuid', ['hex', 'hex', 'hex'], (k, a) => writeIds(k, a.slice(0, 3), k.uid)),
  150: sys('getresgid', ['hex', 'hex', 'hex'], (k, a) => writeIds(k, a.slice(0, 3), k.gid)),
  155: sys('getpgid', ['int'], (k) => k.pid),
  156: sys('getsid', ['int'], (k) => k.pid),
  160: sys('uname', ['hex'], (k, a) => uname(k, a[0]!)),
  163: sys('getrlimit', ['int', 'hex'], (k, a) => prlimit(k, 0, int(a[0]!), 0n, a[1]!)),
  164: sys('setrlimit', ['int', 'hex'], (k, a) => prlimit(k, 0, int(a[0]!), a[1]!, 0n)),
  165: sys('getrusage', ['int', 'hex'], (k, a) => {
    const usage = process.cpuUsage();
    const out = new DataView(new ArrayBuffer(144));
    out.setBigInt64(0, BigInt(Math.floor(usage.user / 1e6)), true);
    out.setBigInt64(8, BigInt(usage.user % 1e6), true);
    out.setBigInt64(16, BigInt(Math.floor(usage.system / 1e6)), true);
    out.setBigInt64(24, BigInt(usage.system % 1e6), true);
    k.memory.writeBytes(a[1]!, new Uint8Array(out.buffer));
    return 0;
  }),
  166: sys('umask', ['oct'], (k, a) => {
    const previous = k.umask;
    k.umask = int(a[0]!) & 0o777;
    return previous;
  }),
  167: sys('prctl', ['int', 'hex', 'hex', 'hex', 'hex'], () => fail(E.EINVAL)),
  172: sys('getpid', [], (k) => k.pid),
  173: sys('getppid', [], (k) => k.ppid),
  174: sys('getuid', [], (k) => k.uid),
  175: sys('geteuid', [], (k) => k.uid),
  176: sys('getgid', [], (k) => k.gid),
  177: sys('getegid', [], (k) => k.gid),
  178: sys('gettid', [], (k) => k.threads.currentTid),
  179: sys('sysinfo', ['hex'], (k, a) => sysinfo(k, a[0]!)),
  261: sys('prlimit64', ['int', 'int', 'hex', 'hex'], (k, a) => prlimit(k, int(a[0]!), int(a[1]!), a[2]!, a[3]!)),
  278: sys('getrandom', ['hex', 'uint', 'hex'], (k, a) => {
    const bytes = new Uint8Array(Math.min(size(a[1]!), 1 << 25));
    k.options.random(bytes);
    k.memory.writeBytes(a[0]!, bytes);
    return bytes.length;
  }),
  // glibc registers rseq at startup and carries on when the kernel lacks it (as under qemu).
  293: sys('rseq', ['hex', 'uint', 'hex', 'hex'], () => fail(E.ENOSYS)),
  220: sys('clone', ['hex', 'hex', 'hex', 'hex', 'hex'], (k, a) => clone(k, a)),
  // glibc tries clone3 first and falls back to clone, which says what is missing.
  435: sys('clone3', ['hex', 'uint'], () => fail(E.ENOSYS)),
};

/** clone: threads (CLONE_THREAD with CLONE_VM, as pthread_create makes them) run one at a time
 *  (threads.ts). A new process (fork, or vfork as posix_spawn, system and popen make it) answers
 *  ENOSYS, which their callers do check, with a warning. Anything else sharing this address space
 *  stops the run with an error naming the call. */
function clone(k: Kernel, a: readonly bigint[]): number {
  const flags = a[0]!;
  if (flags & CloneFlag.THREAD) {
    if (!(flags & CloneFlag.VM)) return fail(E.EINVAL);
    return k.threads.spawn(flags, a[1]!, a[2]!, a[3]!, a[4]!);
  }
  if (!(flags & CloneFlag.VM) || flags & CloneFlag.VFORK) {
    k.warnOnce('clone', `clone (flags ${hex(flags)}) at ${hex(k.state.exitPc)}: new processes (fork) are not supported; the guest gets ENOSYS`);
    return fail(E.ENOSYS);
  }
  throw new FerryError(`clone (flags ${hex(flags)}) at ${hex(k.state.exitPc)}: a task sharing memory without being a thread is not supported`);
}
