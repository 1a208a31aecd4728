// Syscall handlers driven through a Machine: registers set in the state block, a temp dir mounted,
// results read back from a0 and from the host file system.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildElf, instructionBytes } from '../elf-builder.js';
import { Machine } from '../machine.js';
import { E } from './errno.js';

const NR = {
  getcwd: 17, dup: 23, fcntl: 25, ioctl: 29, mkdirat: 34, unlinkat: 35, chdir: 49, openat: 56, close: 57,
  pipe2: 59, getdents64: 61, lseek: 62, read: 63, write: 64, readv: 65, writev: 66, pread64: 67, readlinkat: 78,
  newfstatat: 79, fstat: 80, exit_group: 94, tgkill: 131, rt_sigaction: 134, uname: 160, getpid: 172,
  brk: 214, munmap: 215, mremap: 216, mmap: 222, mprotect: 226, riscv_flush_icache: 259, renameat2: 276,
} as const;
const AT_FDCWD = -100n;
const O_RDONLY = 0n, O_WRONLY = 1n, O_RDWR = 2n, O_CREAT = 0o100n, O_DIRECTORY = 0o200000n;

let root: string;
let hostDir: string;
let stdout: string;
let stderr: string;
let m: Machine;
let scratch: bigint;

/** Perform syscall `nr` with arguments in a0..a5; returns a0 read as signed. */
function call(nr: number, ...args: bigint[]): bigint {
  m.state.setX(17, BigInt(nr));
  args.forEach((v, i) => m.state.setX(10 + i, v));
  const outcome = m.syscall();
  expect(outcome.exited).toBe(false);
  return m.state.xSigned(10);
}

/** Put a NUL-terminated string in scratch memory at offset, returning its address. */
function str(s: string, offset = 0x800): bigint {
  m.memory.writeBytes(scratch + BigInt(offset), Buffer.from(s + '\0'));
  return scratch + BigInt(offset);
}

function newMachine(dirs = [{ host: hostDir, guest: '/work', writable: true }], strace = false): Machine {
  const path = join(root, 'prog');
  writeFileSync(path, buildElf({ entry: 0x10000, segments: [{ flags: 5, vaddr: 0x10000, data: instructionBytes([0x73]) }] }));
  return Machine.load({
    path,
    argv: ['prog'],
    env: [],
    dirs,
    strace,
    memLimit: 64 << 20,
    stdout: { write: (data) => void (stdout += Buffer.from(data).toString()) },
    stderr: { write: (data) => void (stderr += Buffer.from(data).toString()) },
    stdin: { read: (into) => (into.set(Buffer.from('typed\n')), 6) },
  });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ferry-sys-'));
  hostDir = join(root, 'mnt');
  mkdirSync(hostDir);
  writeFileSync(join(hostDir, 'existing.txt'), 'existing contents\n');
  stdout = '';
  stderr = '';
  m = newMachine();
  scratch = call(NR.mmap, 0n, 0x10000n, 3n, 0x22n, -1n, 0n);
  expect(scratch).toBeGreaterThan(0n);
});
afterEach(() => {
  m.close();
  rmSync(root, { recursive: true, force: true });
});

describe('file syscalls through a writable mount', () => {
  it('writes to stdout and reads stdin', () => {
    m.memory.writeBytes(scratch, Buffer.from('hello\n'));
    expect(call(NR.write, 1n, scratch, 6n)).toBe(6n);
    expect(stdout).toBe('hello\n');
    expect(call(NR.read, 0n, scratch, 100n)).toBe(6n);
    expect(Buffer.from(m.memory.readBytes(scratch, 6)).toString()).toBe('typed\n');
  });

  it('creates, writes, seeks, reads back and stats a file', () => {
    const fd = call(NR.openat, AT_FDCWD, str('new.txt'), O_RDWR | O_CREAT, 0o644n);
    expect(fd).toBe(3n);
    m.memory.writeBytes(scratch, Buffer.from('0123456789'));
    expect(call(NR.write, fd, scratch, 10n)).toBe(10n);
    expect(call(NR.lseek, fd, 2n, 0n)).toBe(2n);
    expect(call(NR.read, fd, scratch + 0x100n, 4n)).toBe(4n);
    expect(Buffer.from(m.memory.readBytes(scratch + 0x100n, 4)).toString()).toBe('2345');
    expect(call(NR.pread64, fd, scratch + 0x100n, 3n, 7n)).toBe(3n);
    expect(Buffer.from(m.memory.readBytes(scratch + 0x100n, 3)).toString()).toBe('789');
    expect(call(NR.lseek, fd, 0n, 2n)).toBe(10n);
    expect(call(NR.fstat, fd, scratch + 0x200n)).toBe(0n);
    expect(m.memory.read64(scratch + 0x200n + 48n)).toBe(10n); // st_size
    expect(m.memory.read32(scratch + 0x200n + 16n) & 0o170000).toBe(0o100000); // S_IFREG
    expect(call(NR.close, fd)).toBe(0n);
    expect(call(NR.close, fd)).toBe(-BigInt(E.EBADF));
    expect(readFileSync(join(hostDir, 'new.txt'), 'utf8')).toBe('0123456789');
  });

  it('gathers writev and scatters readv', () => {
    const fd = call(NR.openat, AT_FDCWD, str('/work/existing.txt'), O_RDONLY, 0n);
    const iov = scratch + 0x400n;
    m.memory.write64(iov, scratch);
    m.memory.write64(iov + 8n, 8n);
    m.memory.write64(iov + 16n, scratch + 0x100n);
    m.memory.write64(iov + 24n, 100n);
    expect(call(NR.readv, fd, iov, 2n)).toBe(18n);
    expect(Buffer.from(m.memory.readBytes(scratch, 8)).toString()).toBe('existing');
    expect(Buffer.from(m.memory.readBytes(scratch + 0x100n, 10)).toString()).toBe(' contents\n');
    m.memory.write64(iov + 24n, 10n);
    expect(call(NR.writev, 1n, iov, 2n)).toBe(18n);
    expect(stdout).toBe('existing contents\n');
  });

  it('makes directories, lists them with getdents64, renames and removes entries', () => {
    expect(call(NR.mkdirat, AT_FDCWD, str('sub'), 0o755n)).toBe(0n);
    expect(call(NR.mkdirat, AT_FDCWD, str('sub'), 0o755n)).toBe(-BigInt(E.EEXIST));
    const dirfd = call(NR.openat, AT_FDCWD, str('.'), O_RDONLY | O_DIRECTORY, 0n);
    const n = Number(call(NR.getdents64, dirfd, scratch, 4096n));
    const names: string[] = [];
    for (let at = 0; at < n; ) {
      const reclen = m.memory.read16(scratch + BigInt(at + 16));
      names.push(m.memory.readCString(scratch + BigInt(at + 19)));
      at += reclen;
    }
    expect(names.sort()).toEqual(['.', '..', 'existing.txt', 'sub']);
    expect(call(NR.getdents64, dirfd, scratch, 4096n)).toBe(0n);

    expect(call(NR.renameat2, AT_FDCWD, str('existing.txt'), dirfd, str('sub/moved.txt', 0x900), 0n)).toBe(0n);
    expect(existsSync(join(hostDir, 'sub', 'moved.txt'))).toBe(true);
    expect(call(NR.unlinkat, AT_FDCWD, str('sub'), 0x200n)).toBe(-BigInt(E.ENOTEMPTY));
    expect(call(NR.unlinkat, dirfd, str('sub/moved.txt'), 0n)).toBe(0n);
    expect(call(NR.unlinkat, AT_FDCWD, str('sub'), 0x200n)).toBe(0n);
    expect(existsSync(join(hostDir, 'sub'))).toBe(false);
  });

  it('keeps the guest cwd and reports it', () => {
    mkdirSync(join(hostDir, 'inner'));
    expect(call(NR.getcwd, scratch, 256n)).toBe(6n);
    expect(m.memory.readCString(scratch)).toBe('/work');
    expect(call(NR.chdir, str('inner'))).toBe(0n);
    expect(call(NR.getcwd, scratch, 256n)).toBe(12n);
    expect(m.memory.readCString(scratch)).toBe('/work/inner');
    expect(call(NR.getcwd, scratch, 4n)).toBe(-BigInt(E.ERANGE));
    expect(call(NR.newfstatat, AT_FDCWD, str('../existing.txt'), scratch, 0n)).toBe(0n);
    expect(m.memory.read64(scratch + 48n)).toBe(18n);
  });

  it('answers ENOTTY for terminal ioctls on non-terminals and passes pipes through', () => {
    expect(call(NR.ioctl, 1n, 0x5401n, scratch)).toBe(-BigInt(E.ENOTTY));
    expect(call(NR.pipe2, scratch, 0n)).toBe(0n);
    const [readFd, writeFd] = [BigInt(m.memory.read32(scratch)), BigInt(m.memory.read32(scratch + 4n))];
    m.memory.writeBytes(scratch + 0x100n, Buffer.from('piped'));
    expect(call(NR.write, writeFd, scratch + 0x100n, 5n)).toBe(5n);
    expect(call(NR.read, readFd, scratch + 0x200n, 64n)).toBe(5n);
    expect(call(NR.read, readFd, scratch + 0x200n, 64n)).toBe(-BigInt(E.EAGAIN));
    expect(call(NR.close, writeFd)).toBe(0n);
    expect(call(NR.read, readFd, scratch + 0x200n, 64n)).toBe(0n);
    expect(call(NR.lseek, readFd, 0n, 0n)).toBe(-BigInt(E.ESPIPE));
    const copy = call(NR.dup, 1n);
    expect(call(NR.fcntl, copy, 1n, 0n)).toBe(0n);
  });

  it('answers EFAULT for bad buffers and ENAMETOOLONG for huge paths', () => {
    expect(call(NR.write, 1n, 0x5000n, 4n)).toBe(-BigInt(E.EFAULT));
    expect(call(NR.openat, AT_FDCWD, 0x1_0000_0010n, O_RDONLY, 0n)).toBe(-BigInt(E.EFAULT));
    expect(call(NR.openat, AT_FDCWD, str('a'.repeat(5000), 0x1000), O_RDONLY, 0n)).toBe(-BigInt(E.ENAMETOOLONG));
  });
  it('changes modes, times, links and (to itself) owners', () => {
    const LINKAT = 37, FCHMOD = 52, FCHMODAT = 53, FCHOWNAT = 54, UTIMENSAT = 88, UTIME_OMIT = 0x3ffffffen;
    const fd = call(NR.openat, AT_FDCWD, str('meta.txt'), O_RDWR | O_CREAT, 0o644n);
    const host = join(hostDir, 'meta.txt');
    expect(call(FCHMODAT, AT_FDCWD, str('meta.txt'), 0o600n)).toBe(0n);
    expect(statSync(host).mode & 0o777).toBe(0o600);
    expect(call(FCHMOD, fd, 0o640n)).toBe(0n);
    expect(statSync(host).mode & 0o777).toBe(0o640);
    // Access time 1000.5 s, modification time left alone; then both through the descriptor.
    const before = statSync(host).mtimeMs;
    m.memory.write64(scratch, 1000n);
    m.memory.write64(scratch + 8n, 500_000_000n);
    m.memory.write64(scratch + 16n, 0n);
    m.memory.write64(scratch + 24n, UTIME_OMIT);
    expect(call(UTIMENSAT, AT_FDCWD, str('meta.txt'), scratch, 0n)).toBe(0n);
    expect(statSync(host).atimeMs).toBe(1000500);
    expect(Math.abs(statSync(host).mtimeMs - before)).toBeLessThan(0.01); // kept (to the µs: host times pass through doubles)
    m.memory.write64(scratch + 24n, 0n);
    m.memory.write64(scratch + 16n, 2000n);
    expect(call(UTIMENSAT, fd, 0n, scratch, 0n)).toBe(0n);
    expect(statSync(host).mtimeMs).toBe(2000000);
    expect(call(LINKAT, AT_FDCWD, str('meta.txt'), AT_FDCWD, str('hard.txt', 0x900), 0n)).toBe(0n);
    expect(statSync(join(hostDir, 'hard.txt')).nlink).toBe(2);
    const me = BigInt(process.getuid?.() ?? 1000);
    expect(call(FCHOWNAT, AT_FDCWD, str('meta.txt'), me, -1n, 0n)).toBe(0n);
    expect(call(FCHOWNAT, AT_FDCWD, str('meta.txt'), me + 1n, -1n, 0n)).toBe(-BigInt(E.EPERM));
    expect(call(FCHMODAT, AT_FDCWD, str('missing.txt'), 0o600n)).toBe(-BigInt(E.ENOENT));
  });
});

describe('generated files under /proc and /sys', () => {
  /** The whole file at path, read through openat and read. */
  const readAll = (path: string): string => {
    const fd = call(NR.openat, AT_FDCWD, str(path), O_RDONLY, 0n);
    expect(fd).toBeGreaterThanOrEqual(0n);
    let text = '';
    for (let n = call(NR.read, fd, scratch + 0x1000n, 100n); n > 0n; n = call(NR.read, fd, scratch + 0x1000n, 100n)) {
      text += Buffer.from(m.memory.readBytes(scratch + 0x1000n, Number(n))).toString('latin1');
    }
    expect(call(NR.close, fd)).toBe(0n);
    return text;
  };
  const names = (path: string): string[] => {
    const dirfd = call(NR.openat, AT_FDCWD, str(path), O_RDONLY | O_DIRECTORY, 0n);
    const n = Number(call(NR.getdents64, dirfd, scratch, 4096n));
    const found: string[] = [];
    for (let at = 0; at < n; at += m.memory.read16(scratch + BigInt(at + 16))) found.push(m.memory.readCString(scratch + BigInt(at + 19)));
    return found.sort();
  };

  it('describe the guest: its mappings, argv, one hart, the memory cap', () => {
    const maps = readAll('/proc/self/maps').split('\n');
    expect(maps[0]).toMatch(/^00010000-00011000 r-xp 00000000 00:00 0 +\/.*prog$/);
    expect(maps.some((l) => /^7f700000-7ff00000 rw-p 00000000 00:00 0 +\[stack\]$/.test(l))).toBe(true);
    expect(readAll('/proc/self/cmdline')).toBe('prog\0');
    expect(readAll('/proc/cpuinfo')).toContain('isa\t\t: rv64imafdc');
    expect(readAll('/proc/meminfo')).toMatch(/^MemTotal: +65536 kB\n/);
    expect(readAll('/sys/devices/system/cpu/online')).toBe('0\n');
    expect(names('/proc')).toEqual(['.', '..', 'cpuinfo', 'meminfo', 'self']);
    expect(names('/proc/self')).toEqual(['.', '..', 'cmdline', 'maps']);
  });

  it('are read-only regular files that seek', () => {
    expect(call(NR.openat, AT_FDCWD, str('/proc/cpuinfo'), O_WRONLY, 0n)).toBe(-BigInt(E.EACCES));
    expect(call(NR.openat, AT_FDCWD, str('/proc/nope'), O_RDONLY, 0n)).toBe(-BigInt(E.ENOENT));
    const fd = call(NR.openat, AT_FDCWD, str('/proc/self/cmdline'), O_RDONLY, 0n);
    expect(call(NR.fstat, fd, scratch + 0x200n)).toBe(0n);
    expect(m.memory.read32(scratch + 0x200n + 16n) & 0o170000).toBe(0o100000); // S_IFREG
    expect(call(NR.lseek, fd, 0n, 2n)).toBe(5n);
    expect(call(NR.lseek, fd, 1n, 0n)).toBe(1n);
    expect(call(NR.read, fd, scratch, 10n)).toBe(4n);
    expect(Buffer.from(m.memory.readBytes(scratch, 3)).toString()).toBe('rog');
    expect(call(NR.write, fd, scratch, 1n)).toBe(-BigInt(E.EBADF));
  });
});

describe('the real-time interval timer', () => {
  const SETITIMER = 103, GETITIMER = 102, NANOSLEEP = 101, RT_SIGSUSPEND = 133;
  const arm = (valueUs: bigint, intervalUs = 0n) => {
    m.memory.write64(scratch, intervalUs / 1_000_000n);
    m.memory.write64(scratch + 8n, intervalUs % 1_000_000n);
    m.memory.write64(scratch + 16n, valueUs / 1_000_000n);
    m.memory.write64(scratch + 24n, valueUs % 1_000_000n);
    return call(SETITIMER, 0n, scratch, scratch + 0x40n);
  };

  it('arms, reports and disarms ITIMER_REAL, and refuses the CPU-time timers with a warning', () => {
    expect(arm(5_000_000n, 250_000n)).toBe(0n);
    expect(call(GETITIMER, 0n, scratch + 0x80n)).toBe(0n);
    expect(m.memory.read64(scratch + 0x88n)).toBe(250_000n); // interval, us
    const left = m.memory.read64(scratch + 0x90n) * 1_000_000n + m.memory.read64(scratch + 0x98n);
    expect(left > 4_000_000n && left <= 5_000_000n).toBe(true);
    expect(arm(0n)).toBe(0n); // disarm; the old value comes back
    expect(m.memory.read64(scratch + 0x48n)).toBe(250_000n);
    expect(call(GETITIMER, 0n, scratch + 0x80n)).toBe(0n);
    expect(m.memory.read64(scratch + 0x90n) + m.memory.read64(scratch + 0x98n)).toBe(0n);
    expect(call(SETITIMER, 2n, scratch, 0n)).toBe(-BigInt(E.EINVAL));
    expect(stderr).toContain('ferry: warning: interval timer ITIMER_PROF (CPU time) is not supported');
  });

  it('cuts nanosleep short with EINTR and the time left, and ends the process by default', () => {
    arm(20_000n);
    m.memory.write64(scratch + 0x100n, 5n);
    m.memory.write64(scratch + 0x108n, 0n);
    const started = performance.now();
    m.state.setX(17, BigInt(NANOSLEEP));
    m.state.setX(10, scratch + 0x100n);
    m.state.setX(11, scratch + 0x110n);
    // SIGALRM's default action ends the process (128 + 14), once the sleep is cut short.
    expect(m.syscall()).toEqual({ exited: true, status: 142, signal: 14 });
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it('wakes rt_sigsuspend, which without a timer would wait forever', () => {
    m.memory.write64(scratch + 0x200n, 0n);
    const suspend = () => {
      m.state.setX(17, BigInt(RT_SIGSUSPEND));
      m.state.setX(10, scratch + 0x200n);
      m.state.setX(11, 8n);
      return m.syscall();
    };
    expect(() => suspend()).toThrow(/rt_sigsuspend at 0x[0-9a-f]+ waits for a signal that nothing can send/);
    arm(10_000n);
    expect(suspend()).toEqual({ exited: true, status: 142, signal: 14 });
  });

  it('interrupts a futex wait of a single-threaded guest, which without a timer would wait forever', () => {
    const word = scratch + 0x300n;
    m.memory.write32(word, 0);
    const wait = () => {
      m.state.setX(17, 98n);
      [word, 0n, 0n, 0n].forEach((v, i) => m.state.setX(10 + i, v));
      return m.syscall();
    };
    expect(() => wait()).toThrow(/futex wait at 0x[0-9a-f]+ with no timeout in a single-threaded guest would block forever \(deadlock\)/);
    arm(10_000n);
    expect(wait()).toEqual({ exited: true, status: 142, signal: 14 });
  });
});

describe('ppoll and pselect6', () => {
  const PPOLL = 73, PSELECT6 = 72, POLLIN = 1, POLLOUT = 4, POLLHUP = 0x10, POLLNVAL = 0x20;
  const pollfds = (...entries: [number, number][]) => {
    entries.forEach(([fd, events], i) => {
      m.memory.write32(scratch + BigInt(i * 8), fd >>> 0);
      m.memory.write16(scratch + BigInt(i * 8 + 4), events);
      m.memory.write16(scratch + BigInt(i * 8 + 6), 0xffff);
    });
    return scratch;
  };
  const revents = (i: number) => m.memory.read16(scratch + BigInt(i * 8 + 6));
  const zeroTimeout = () => {
    m.memory.write64(scratch + 0x200n, 0n);
    m.memory.write64(scratch + 0x208n, 0n);
    return scratch + 0x200n;
  };

  it('reports pipe data, hang-ups, bad descriptors and always-ready streams', () => {
    expect(call(NR.pipe2, scratch + 0x300n, 0n)).toBe(0n);
    const readEnd = m.memory.read32(scratch + 0x300n), writeEnd = m.memory.read32(scratch + 0x304n);
    pollfds([readEnd, POLLIN], [writeEnd, POLLOUT], [1, POLLOUT], [99, POLLIN], [-1, POLLIN]);
    expect(call(PPOLL, scratch, 5n, zeroTimeout(), 0n, 8n)).toBe(3n);
    expect([0, 1, 2, 3, 4].map(revents)).toEqual([0, POLLOUT, POLLOUT, POLLNVAL, 0]);
    m.memory.writeBytes(scratch + 0x400n, Buffer.from('xy'));
    expect(call(NR.write, BigInt(writeEnd), scratch + 0x400n, 2n)).toBe(2n);
    expect(call(NR.close, BigInt(writeEnd))).toBe(0n);
    pollfds([readEnd, POLLIN]);
    expect(call(PPOLL, scratch, 1n, 0n, 0n, 8n)).toBe(1n);
    expect(revents(0)).toBe(POLLIN | POLLHUP);
  });

  it('times out with nothing ready, and stops naming the deadlock without a timeout', () => {
    expect(call(NR.pipe2, scratch + 0x300n, 0n)).toBe(0n);
    const readEnd = m.memory.read32(scratch + 0x300n);
    pollfds([readEnd, POLLIN]);
    expect(call(PPOLL, scratch, 1n, zeroTimeout(), 0n, 8n)).toBe(0n);
    m.state.setX(17, BigInt(PPOLL));
    [scratch, 1n, 0n, 0n, 8n].forEach((v, i) => m.state.setX(10 + i, v));
    expect(() => m.syscall()).toThrow(/ppoll with no timeout and no descriptor ready would block forever/);
  });

  it('pselect6 rewrites the sets to the ready descriptors', () => {
    expect(call(NR.pipe2, scratch + 0x300n, 0n)).toBe(0n);
    const readEnd = m.memory.read32(scratch + 0x300n), writeEnd = m.memory.read32(scratch + 0x304n);
    const readSet = scratch + 0x500n, writeSet = scratch + 0x508n;
    m.memory.write64(readSet, 1n << BigInt(readEnd));
    m.memory.write64(writeSet, (1n << BigInt(writeEnd)) | 2n);
    const n = Math.max(readEnd, writeEnd) + 1;
    expect(call(PSELECT6, BigInt(n), readSet, writeSet, 0n, zeroTimeout(), 0n)).toBe(2n);
    expect(m.memory.read64(readSet)).toBe(0n);
    expect(m.memory.read64(writeSet)).toBe((1n << BigInt(writeEnd)) | 2n);
  });
});

describe('read-only mounts', () => {
  it('refuse every change with EROFS but allow reading', () => {
    m.close();
    m = newMachine([{ host: hostDir, guest: '/data', writable: false }]);
    scratch = call(NR.mmap, 0n, 0x10000n, 3n, 0x22n, -1n, 0n);
    expect(call(NR.openat, AT_FDCWD, str('/data/x'), O_WRONLY | O_CREAT, 0o644n)).toBe(-BigInt(E.EROFS));
    expect(call(NR.openat, AT_FDCWD, str('/data/existing.txt'), O_WRONLY, 0n)).toBe(-BigInt(E.EROFS));
    expect(call(NR.mkdirat, AT_FDCWD, str('/data/d'), 0o755n)).toBe(-BigInt(E.EROFS));
    expect(call(NR.unlinkat, AT_FDCWD, str('/data/existing.txt'), 0n)).toBe(-BigInt(E.EROFS));
    expect(call(53, AT_FDCWD, str('/data/existing.txt'), 0o600n)).toBe(-BigInt(E.EROFS)); // fchmodat
    const fd = call(NR.openat, AT_FDCWD, str('/data/existing.txt'), O_RDONLY, 0n);
    expect(call(52, fd, 0o600n)).toBe(-BigInt(E.EROFS)); // fchmod
    expect(call(NR.read, fd, scratch, 8n)).toBe(8n);
    expect(call(NR.openat, AT_FDCWD, str('/etc/passwd'), O_RDONLY, 0n)).toBe(-BigInt(E.ENOENT));
  });
});

describe('memory syscalls', () => {
  it('grows and shrinks brk', () => {
    const start = call(NR.brk, 0n);
    expect(start).toBe(BigInt(m.kernel.brkStart));
    expect(call(NR.brk, start + 0x3000n)).toBe(start + 0x3000n);
    m.memory.write64(start + 0x2ff8n, 7n);
    expect(call(NR.brk, start + 0x1000n)).toBe(start + 0x1000n);
    expect(m.memory.isMapped(Number(start) + 0x2000)).toBe(false);
  });

  it('answers ENOMEM beyond the memory cap for mmap and leaves brk unchanged', () => {
    expect(call(NR.mmap, 0n, 128n << 20n, 3n, 0x22n, -1n, 0n)).toBe(-BigInt(E.ENOMEM));
    const start = call(NR.brk, 0n);
    expect(call(NR.brk, start + (128n << 20n))).toBe(start);
  });

  it('maps private file copies, protects, remaps and unmaps', () => {
    const fd = call(NR.openat, AT_FDCWD, str('existing.txt'), O_RDONLY, 0n);
    const addr = call(NR.mmap, 0n, 0x2000n, 1n, 0x2n, fd, 0n);
    expect(m.memory.readCString(addr).trim()).toBe('existing contents');
    expect(m.memory.read8(addr + 0x1000n)).toBe(0);
    expect(() => m.memory.write8(addr, 1)).toThrow(/protection/);
    expect(call(NR.mprotect, addr, 0x1000n, 3n)).toBe(0n);
    m.memory.write8(addr, 0x45);
    const moved = call(NR.mremap, addr, 0x2000n, 0x100000n, 1n, 0n);
    expect(m.memory.read8(moved)).toBe(0x45);
    expect(call(NR.munmap, moved, 0x100000n)).toBe(0n);
    expect(m.memory.isMapped(Number(moved))).toBe(false);
    expect(call(NR.mprotect, moved, 0x1000n, 1n)).toBe(-BigInt(E.ENOMEM));
  });

  it('invalidates code pages on munmap and riscv_flush_icache', () => {
    const pages: number[] = [];
    m.onCodeWrite = (page) => {
      pages.push(page);
      m.memory.clearCode(page);
    };
    const page = Number(scratch) / 4096;
    m.memory.markCode(page);
    expect(call(NR.riscv_flush_icache, scratch, scratch + 0x10n, 0n)).toBe(0n);
    m.memory.markCode(page + 1);
    expect(call(NR.munmap, scratch + 0x1000n, 0x1000n)).toBe(0n);
    expect(pages).toEqual([page, page + 1]);
  });
});

describe('process syscalls', () => {
  it('exits with the status and traces like strace', () => {
    m.close();
    m = newMachine(undefined, true);
    m.state.setX(17, 999n);
    expect(m.syscall()).toEqual({ exited: false });
    expect(m.state.xSigned(10)).toBe(-BigInt(E.ENOSYS));
    expect(stderr).toContain('syscall_999(');
    expect(stderr).toContain(') = -1 ENOSYS');
    m.state.setX(17, BigInt(NR.exit_group));
    m.state.setX(10, 0x107n);
    expect(m.syscall()).toEqual({ exited: true, status: 7 });
    expect(stderr).toContain('exit_group(263) = ?\n+++ exited with 7 +++');
  });

  it('warns once per unsupported call, naming it, and answers ENOSYS', () => {
    expect(call(260, 0n, 0n, 0n, 0n)).toBe(-BigInt(E.ENOSYS));
    expect(call(260, 0n, 0n, 0n, 0n)).toBe(-BigInt(E.ENOSYS));
    expect(call(1234)).toBe(-BigInt(E.ENOSYS));
    expect(stderr.match(/ferry: warning: system call wait4 \(260\) at 0x[0-9a-f]+ is not supported; the guest gets ENOSYS/g)).toHaveLength(1);
    expect(stderr).toContain('ferry: warning: system call 1234 at ');
  });

  it('refuses new processes with a warning and other address-space sharing with an error', () => {
    expect(call(220, 0x1200011n, 0n, 0n, 0n, 0n)).toBe(-BigInt(E.ENOSYS)); // fork
    expect(call(220, 0x4111n, 0n, 0n, 0n, 0n)).toBe(-BigInt(E.ENOSYS)); // vfork (posix_spawn, system)
    expect(stderr).toContain('ferry: warning: clone (flags 0x1200011) at ');
    expect(() => call(220, 0x100n, 0n, 0n, 0n, 0n)).toThrow(/clone \(flags 0x100\) at 0x[0-9a-f]+: a task sharing memory without being a thread is not supported/);
    expect(call(220, 0x10000n, 0n, 0n, 0n, 0n)).toBe(-BigInt(E.EINVAL)); // CLONE_THREAD needs CLONE_VM
    expect(call(435, 0n, 88n)).toBe(-BigInt(E.ENOSYS)); // clone3: glibc falls back to clone, quietly
    expect(stderr).not.toContain('435');
  });

  describe('threads', () => {
    const PTHREAD_FLAGS = 0x3d0f00n; // glibc's pthread_create: VM FS FILES SIGHAND THREAD SYSVSEM SETTLS PARENT_SETTID CHILD_CLEARTID
    const FUTEX_WAIT = 0n, FUTEX_WAKE = 1n;
    /** The tid of the running thread and its a0..a1, pc. */
    const running = () => ({ tid: Number(call(178)), pc: m.state.pc });

    it('clone makes a thread that resumes after the ecall with a0 = 0 on its own stack and TLS', () => {
      const pid = Number(call(NR.getpid));
      m.state.exitPc = 0x10000n;
      m.state.setX(3, 0x1234n); // gp: copied
      const parentTid = scratch, childTid = scratch + 8n;
      const tid = call(220, PTHREAD_FLAGS, scratch + 0x800n, parentTid, 0x7777n, childTid);
      expect(tid).toBe(BigInt(pid + 1));
      expect(m.memory.read32(parentTid)).toBe(pid + 1);
      // The parent runs on; yielding hands the CPU to the child, which sees clone return 0.
      m.state.setX(17, 124n);
      m.state.exitPc = 0x10010n;
      m.syscall();
      expect(m.state.x(10)).toBe(0n);
      expect(m.state.x(2)).toBe(scratch + 0x800n);
      expect(m.state.x(4)).toBe(0x7777n);
      expect(m.state.x(3)).toBe(0x1234n);
      expect(m.state.pc).toBe(0x10004n);
      expect(running().tid).toBe(pid + 1);
    });

    it('futex wait sleeps until a wake, a thread exit clears and wakes its tid word, and exit of the last thread ends the process', () => {
      const pid = Number(call(NR.getpid));
      const word = scratch + 0x100n, childTid = scratch + 8n;
      m.memory.write32(childTid, 0);
      m.state.exitPc = 0x10000n;
      call(220, PTHREAD_FLAGS, scratch + 0x800n, scratch, 0n, childTid);
      m.memory.write32(word, 5);
      expect(call(98, word, FUTEX_WAIT, 4n, 0n)).toBe(-BigInt(E.EAGAIN)); // the word changed: no sleep
      // The parent sleeps on the word: the child runs.
      m.state.exitPc = 0x10020n;
      expect(call(98, word, FUTEX_WAIT, 5n, 0n)).toBe(0n); // the child's clone result
      expect(running().tid).toBe(pid + 1);
      expect(call(98, word, FUTEX_WAKE, 1n)).toBe(1n);
      // The child exits: its CLONE_CHILD_CLEARTID word is zeroed, and the parent resumes after its wait.
      m.memory.write32(childTid, pid + 1);
      expect(call(93, 0n)).toBe(0n);
      expect(m.memory.read32(childTid)).toBe(0);
      expect(running()).toEqual({ tid: pid, pc: 0x10024n });
      m.state.setX(17, 93n);
      m.state.setX(10, 3n);
      expect(m.syscall()).toEqual({ exited: true, status: 3 });
    });

    it('raises in the running thread, and stops at a signal for another thread', () => {
      const pid = call(NR.getpid);
      m.state.exitPc = 0x10000n;
      const child = call(220, PTHREAD_FLAGS, scratch + 0x800n, scratch, 0n, scratch + 8n);
      expect(call(NR.tgkill, pid, pid, 0n)).toBe(0n);
      expect(call(NR.tgkill, pid, pid + 100n, 0n)).toBe(-BigInt(E.ESRCH));
      expect(() => call(NR.tgkill, pid, child, 10n)).toThrow(/signal SIGUSR1 to thread \d+ from thread \d+ at 0x[0-9a-f]+: signals to another guest thread are not supported/);
    });

    it('names a deadlock when every thread waits', () => {
      m.state.exitPc = 0x10000n;
      call(220, PTHREAD_FLAGS, scratch + 0x800n, scratch, 0n, scratch + 8n);
      const word = scratch + 0x100n;
      m.memory.write32(word, 0);
      call(98, word, FUTEX_WAIT, 0n, 0n); // parent sleeps; the child runs
      m.state.setX(17, 98n);
      [word, FUTEX_WAIT, 0n, 0n].forEach((v, i) => m.state.setX(10 + i, v));
      expect(() => m.syscall()).toThrow(/deadlock: every guest thread waits on a futex no thread can wake/);
    });

    it('preempt gives the next runnable thread the CPU, each keeping its registers', () => {
      m.state.exitPc = 0x10000n;
      call(220, PTHREAD_FLAGS, scratch + 0x800n, scratch, 0n, scratch + 8n);
      m.state.setX(9, 111n);
      m.state.pc = 0x10040n;
      m.kernel.threads.preempt();
      expect(m.state.pc).toBe(0x10004n);
      m.state.setX(9, 222n);
      m.kernel.threads.preempt();
      expect(m.state.x(9)).toBe(111n);
      expect(m.state.pc).toBe(0x10040n);
      m.kernel.threads.preempt();
      expect(m.state.x(9)).toBe(222n);
    });
  });

  it('terminates with 128+signal when the program raises SIGABRT', () => {
    const pid = call(NR.getpid);
    m.state.setX(17, BigInt(NR.tgkill));
    [pid, pid, 6n].forEach((v, i) => m.state.setX(10 + i, v));
    expect(m.syscall()).toEqual({ exited: true, status: 134, signal: 6 });
  });

  it('ignores a signal whose disposition is SIG_IGN', () => {
    m.memory.write64(scratch, 1n); // SIG_IGN
    expect(call(NR.rt_sigaction, 10n, scratch, 0n, 8n)).toBe(0n);
    const pid = call(NR.getpid);
    expect(call(NR.tgkill, pid, pid, 10n)).toBe(0n);
  });

  it('runs a guest handler on return from the raising syscall and restores state on rt_sigreturn', () => {
    const handler = 0x10000n;
    m.memory.write64(scratch, handler);
    m.memory.write64(scratch + 8n, 0n);
    m.memory.write64(scratch + 16n, 0n);
    expect(call(NR.rt_sigaction, 10n, scratch, 0n, 8n)).toBe(0n);
    const pid = call(NR.getpid);
    const ecallPc = 0x10100n;
    m.state.exitPc = ecallPc;
    m.state.setX(9, 0x5151n);
    m.state.setF(3, 0x4000000000000000n);
    const spBefore = m.state.x(2);
    expect(call(NR.tgkill, pid, pid, 10n)).toBe(10n); // a0 = signal number for the handler
    expect(m.state.pc).toBe(handler);
    expect(m.state.exitPc + 4n).toBe(handler);
    expect(m.state.x(1)).toBe(0x7ff00000n); // the sigreturn trampoline
    const frame = m.state.x(2);
    expect(frame % 16n).toBe(0n);
    expect(frame).toBeLessThan(spBefore);
    expect(m.memory.read32(m.state.x(11))).toBe(10); // siginfo.si_signo
    expect(m.memory.fetchSlow(0x7ff00000n)).toBe(0x08b00893); // li a7, 139
    // The handler clobbers registers, then returns through the trampoline.
    m.state.setX(9, 0n);
    m.state.setF(3, 0n);
    m.state.exitPc = 0xc0000004n;
    expect(call(139)).toBe(0n); // a0 as tgkill returned it
    expect(m.state.pc).toBe(ecallPc + 4n);
    expect(m.state.x(9)).toBe(0x5151n);
    expect(m.state.f(3)).toBe(0x4000000000000000n);
    expect(m.state.x(2)).toBe(spBefore);
  });

  it('reports Linux on riscv64 from uname', () => {
    expect(call(NR.uname, scratch)).toBe(0n);
    expect(m.memory.readCString(scratch)).toBe('Linux');
    expect(m.memory.readCString(scratch + 4n * 65n)).toBe('riscv64');
  });

  it('counts syscalls by name', () => {
    call(NR.getpid);
    call(NR.getpid);
    expect(m.syscallCounts.get('getpid')).toBe(2);
    expect(m.syscallCounts.get('mmap')).toBe(1);
  });
});
