// Syscalls that name files by path: openat, the stat family, getdents64, readlinkat, faccessat,
// unlinkat, mkdirat, renameat2, getcwd, chdir. Invariant: every path goes through Vfs.resolve
// relative to the *at directory fd, and anything that changes the host checks the mount is
// writable first (EROFS otherwise).
import {
  accessSync, chmodSync, constants, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readdirSync, readlinkSync,
  renameSync, rmdirSync, statSync, unlinkSync, utimesSync,
} from 'node:fs';
import type { DirListingEntry, FileDescription } from '../fdtable.js';
import type { Resolved } from '../vfs.js';
import { E, fail, hostErrno } from './errno.js';
import { O } from './fs-io.js';
import { AT_FDCWD, type Kernel, type SyscallTable, int, size, sys } from './kernel.js';
import { generatedContent } from './procfs.js';
import { statDescription, statResolved, writeStat, writeStatx } from './stat.js';

const AT = { SYMLINK_NOFOLLOW: 0x100, REMOVEDIR: 0x200, SYMLINK_FOLLOW: 0x400, EMPTY_PATH: 0x1000 } as const;
const DT = { UNKNOWN: 0, FIFO: 1, CHR: 2, DIR: 4, BLK: 6, REG: 8, LNK: 10, SOCK: 12 } as const;
const RENAME_NOREPLACE = 1;
const W_OK = 2;

/** The guest directory a relative path in an *at call is resolved against. */
function baseDirectory(k: Kernel, dirfd: number, path: string): string {
  if (path.startsWith('/') || dirfd === AT_FDCWD) return k.vfs.cwd;
  const d = k.fds.get(dirfd);
  return d.kind === 'dir' ? d.guestPath : fail(E.ENOTDIR);
}

function resolveAt(k: Kernel, dirfd: bigint, pathAddr: bigint, follow: boolean): Resolved {
  const path = k.memory.readCString(pathAddr);
  return k.vfs.resolve(path, follow, baseDirectory(k, int(dirfd), path));
}

function hostCall<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    return fail(hostErrno(error));
  }
}

function writableHost(r: Resolved): Extract<Resolved, { kind: 'host' }> {
  if (r.kind !== 'host' || !r.mount.writable) return fail(E.EROFS);
  return r;
}

function openResolved(k: Kernel, r: Resolved, flags: number, mode: number): number {
  const accessMode = flags & O.ACCMODE;
  const wantsWrite = accessMode !== O.RDONLY || (flags & O.TRUNC) !== 0;
  const closeOnExec = (flags & O.CLOEXEC) !== 0;
  const statusFlags = flags & (O.ACCMODE | O.APPEND | O.NONBLOCK);
  if ((flags & O.TMPFILE) === O.TMPFILE) return fail(E.EOPNOTSUPP);
  if (r.kind === 'device') {
    if (flags & O.DIRECTORY) return fail(E.ENOTDIR);
    return k.fds.open({ kind: 'device', device: r.device, guestPath: r.guestPath, statusFlags }, closeOnExec);
  }
  if (r.kind === 'generated') {
    if (wantsWrite || flags & O.CREAT) return fail(E.EACCES);
    if (flags & O.DIRECTORY) return fail(E.ENOTDIR);
    return k.fds.open({ kind: 'generated', guestPath: r.guestPath, data: generatedContent(k, r.file), position: 0, statusFlags }, closeOnExec);
  }
  if (r.kind === 'virtual') {
    if (wantsWrite) return fail(E.EISDIR);
    if (flags & O.CREAT && flags & O.EXCL) return fail(E.EEXIST);
    return k.fds.open({ kind: 'dir', guestPath: r.guestPath, hostPath: undefined, mount: undefined, position: 0, statusFlags }, closeOnExec);
  }
  let stat;
  try {
    stat = flags & O.NOFOLLOW ? lstatSync(r.hostPath) : statSync(r.hostPath);
  } catch (error) {
    if (hostErrno(error) !== E.ENOENT) return fail(hostErrno(error));
  }
  if (!stat) {
    if (!(flags & O.CREAT)) return fail(E.ENOENT);
    if (!r.mount.writable) return fail(E.EROFS);
  } else {
    if (flags & O.CREAT && flags & O.EXCL) return fail(E.EEXIST);
    if (stat.isSymbolicLink()) return fail(E.ELOOP);
    if (stat.isDirectory()) {
      if (wantsWrite) return fail(E.EISDIR);
      return k.fds.open(
        { kind: 'dir', guestPath: r.guestPath, hostPath: r.hostPath, mount: r.mount, position: 0, statusFlags },
        closeOnExec,
      );
    }
    if (flags & O.DIRECTORY) return fail(E.ENOTDIR);
    if (wantsWrite && !r.mount.writable) return fail(E.EROFS);
  }
  const c = constants;
  const hostAccess = accessMode === O.WRONLY ? c.O_WRONLY : accessMode === O.RDWR ? c.O_RDWR : c.O_RDONLY;
  const hostFlags =
    hostAccess |
    (flags & O.CREAT ? c.O_CREAT : 0) |
    (flags & O.EXCL ? c.O_EXCL : 0) |
    (flags & O.TRUNC && accessMode !== O.RDONLY ? c.O_TRUNC : 0) |
    (flags & O.APPEND ? c.O_APPEND : 0);
  const hostFd = hostCall(() => openSync(r.hostPath, hostFlags, mode & ~k.umask & 0o7777));
  const description = {
    kind: 'file' as const,
    hostFd,
    hostPath: r.hostPath,
    guestPath: r.guestPath,
    mount: r.mount,
    position: 0,
    readable: accessMode !== O.WRONLY,
    writable: accessMode !== O.RDONLY,
    statusFlags,
  };
  return k.fds.open(description, closeOnExec);
}

function statTarget(k: Kernel, dirfd: bigint, pathAddr: bigint, flags: number) {
  const path = k.memory.readCString(pathAddr);
  if (path === '' && flags & AT.EMPTY_PATH) {
    return int(dirfd) === AT_FDCWD ? statResolved(k, k.vfs.resolve('.'), true) : statDescription(k, k.fds.get(int(dirfd)));
  }
  const follow = (flags & AT.SYMLINK_NOFOLLOW) === 0;
  return statResolved(k, k.vfs.resolve(path, follow, baseDirectory(k, int(dirfd), path)), follow);
}

function dirType(entry: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): number {
  if (entry.isFile()) return DT.REG;
  if (entry.isDirectory()) return DT.DIR;
  if (entry.isSymbolicLink()) return DT.LNK;
  if (entry.isFIFO()) return DT.FIFO;
  if (entry.isCharacterDevice()) return DT.CHR;
  if (entry.isBlockDevice()) return DT.BLK;
  return entry.isSocket() ? DT.SOCK : DT.UNKNOWN;
}

function listDirectory(k: Kernel, d: Extract<FileDescription, { kind: 'dir' }>): DirListingEntry[] {
  const self = statDescription(k, d).ino;
  const entries: DirListingEntry[] = [
    { name: '.', ino: self, type: DT.DIR },
    { name: '..', ino: self + 1n, type: DT.DIR },
  ];
  if (d.hostPath === undefined) {
    for (const name of k.vfs.virtualChildren(d.guestPath)) {
      const child = k.vfs.resolve(`${d.guestPath}/${name}`, false);
      entries.push({ name, ino: statResolved(k, child, false).ino, type: child.kind === 'device' ? DT.CHR : child.kind === 'generated' ? DT.REG : DT.DIR });
    }
    return entries;
  }
  const hostPath = d.hostPath;
  for (const entry of hostCall(() => readdirSync(hostPath, { withFileTypes: true }))) {
    let ino = 0n;
    try {
      ino = lstatSync(`${hostPath}/${entry.name}`, { bigint: true }).ino;
    } catch {
      continue; // vanished while listing
    }
    entries.push({ name: entry.name, ino, type: dirType(entry) });
  }
  return entries;
}

/** linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name, NUL, padded to 8 bytes. */
function getdents64(k: Kernel, fd: number, addr: bigint, capacity: number): number {
  const d = k.fds.get(fd);
  if (d.kind !== 'dir') return fail(E.ENOTDIR);
  if (d.position === 0 || !d.listing) d.listing = listDirectory(k, d);
  const out: Uint8Array[] = [];
  let used = 0;
  while (d.position < d.listing.length) {
    const entry = d.listing[d.position]!;
    const name = Buffer.from(entry.name, 'utf8');
    const length = Math.ceil((19 + name.length + 1) / 8) * 8;
    if (used + length > capacity) break;
    const record = new Uint8Array(length);
    const view = new DataView(record.buffer);
    view.setBigUint64(0, entry.ino, true);
    view.setBigInt64(8, BigInt(d.position + 1), true);
    view.setUint16(16, length, true);
    view.setUint8(18, entry.type);
    record.set(name, 19);
    out.push(record);
    used += length;
    d.position++;
  }
  if (used === 0 && d.position < d.listing.length) return fail(E.EINVAL);
  if (used > 0) k.memory.writeBytes(addr, Buffer.concat(out));
  return used;
}

function readlinkat(k: Kernel, dirfd: bigint, pathAddr: bigint, buffer: bigint, capacity: number): number {
  if (capacity <= 0) return fail(E.EINVAL);
  const path = k.memory.readCString(pathAddr);
  let target: string;
  if (path === '/proc/self/exe') {
    target = k.options.executablePath;
  } else {
    const r = k.vfs.resolve(path, false, baseDirectory(k, int(dirfd), path));
    if (r.kind !== 'host') return fail(E.EINVAL);
    const raw = hostCall(() => readlinkSync(r.hostPath));
    target = raw.startsWith('/') ? (k.vfs.guestPathOf(raw) ?? raw) : raw;
  }
  const bytes = Buffer.from(target, 'utf8').subarray(0, capacity);
  k.memory.writeBytes(buffer, bytes);
  return bytes.length;
}

function faccessat(k: Kernel, a: readonly bigint[]): number {
  const mode = int(a[2]!);
  const flags = int(a[3] ?? 0n);
  const r = resolveAt(k, a[0]!, a[1]!, (flags & AT.SYMLINK_NOFOLLOW) === 0);
  if (r.kind !== 'host') {
    statResolved(k, r, true);
    if (mode & W_OK && r.kind === 'generated') return fail(E.EACCES);
    return mode & W_OK && r.kind === 'virtual' ? fail(E.EROFS) : 0;
  }
  hostCall(() => accessSync(r.hostPath, constants.F_OK));
  if (mode & W_OK && !r.mount.writable) return fail(E.EROFS);
  hostCall(() => accessSync(r.hostPath, mode & 7));
  return 0;
}

function unlinkat(k: Kernel, a: readonly bigint[]): number {
  const r = writableHost(resolveAt(k, a[0]!, a[1]!, false));
  if (r.guestPath === r.mount.guest) return fail(E.EBUSY);
  if (int(a[2]!) & AT.REMOVEDIR) hostCall(() => rmdirSync(r.hostPath));
  else hostCall(() => unlinkSync(r.hostPath));
  return 0;
}

function renameat2(k: Kernel, a: readonly bigint[]): number {
  const from = writableHost(resolveAt(k, a[0]!, a[1]!, false));
  const to = writableHost(resolveAt(k, a[2]!, a[3]!, false));
  const flags = int(a[4] ?? 0n);
  if (flags & ~RENAME_NOREPLACE) return fail(E.EINVAL);
  if (from.mount !== to.mount) return fail(E.EXDEV);
  if (flags & RENAME_NOREPLACE) {
    let exists = true;
    try {
      lstatSync(to.hostPath);
    } catch {
      exists = false;
    }
    if (exists) return fail(E.EEXIST);
  }
  hostCall(() => renameSync(from.hostPath, to.hostPath));
  return 0;
}

function changeDirectory(k: Kernel, r: Resolved): number {
  if (r.kind === 'device') return fail(E.ENOTDIR);
  if (r.kind === 'host' && !hostCall(() => statSync(r.hostPath)).isDirectory()) return fail(E.ENOTDIR);
  k.vfs.cwd = r.guestPath;
  return 0;
}

/** The host path behind a descriptor (a file or a directory of a writable mount), for calls that
 *  change its metadata; EROFS when there is nothing Ferry may change behind it. */
function writableHostPathOf(k: Kernel, fd: number): string {
  const d = k.fds.get(fd);
  if ((d.kind === 'file' || d.kind === 'dir') && d.hostPath !== undefined && d.mount?.writable) return d.hostPath;
  return fail(E.EROFS);
}

/** chown and friends: the guest runs as the host user and cannot give files away; asking for the
 *  owner and group it already has (or -1: unchanged) succeeds. */
function chown(k: Kernel, uid: number, gid: number): number {
  return (uid === -1 || uid === k.uid) && (gid === -1 || gid === k.gid) ? 0 : fail(E.EPERM);
}

const UTIME_NOW = 0x3fffffffn;
const UTIME_OMIT = 0x3ffffffen;

/** utimensat: times (two timespecs, access then modification; null: both now) for the file at
 *  dirfd/path, or the descriptor itself when path is null. Node sets host times as double
 *  seconds, so a time is kept (UTIME_OMIT) or set to the microsecond, not the nanosecond. */
function utimensat(k: Kernel, a: readonly bigint[]): number {
  const flags = int(a[3]!);
  if (flags & ~(AT.SYMLINK_NOFOLLOW | AT.EMPTY_PATH)) return fail(E.EINVAL);
  const follow = a[1] === 0n || !(flags & AT.SYMLINK_NOFOLLOW);
  const path = a[1] === 0n ? writableHostPathOf(k, int(a[0]!)) : writableHost(resolveAt(k, a[0]!, a[1]!, follow)).hostPath;
  const current = hostCall(() => lstatSync(path));
  const nowSeconds = Date.now() / 1000;
  const time = (at: bigint, previous: number): number => {
    if (a[2] === 0n) return nowSeconds;
    const nanos = k.memory.read64(at + 8n);
    if (nanos === UTIME_NOW) return nowSeconds;
    if (nanos === UTIME_OMIT) return previous;
    if (nanos >= 1_000_000_000n) return fail(E.EINVAL);
    return Number(BigInt.asIntN(64, k.memory.read64(at))) + Number(nanos) / 1e9;
  };
  const atime = time(a[2]!, current.atimeMs / 1000);
  const mtime = time(a[2]! + 16n, current.mtimeMs / 1000);
  hostCall(() => (follow ? utimesSync : lutimesSync)(path, atime, mtime));
  return 0;
}

export const pathSyscalls: SyscallTable = {
  17: sys('getcwd', ['hex', 'uint'], (k, a) => {
    const bytes = Buffer.from(k.vfs.cwd + '\0', 'utf8');
    if (size(a[1]!) < bytes.length) return fail(E.ERANGE);
    k.memory.writeBytes(a[0]!, bytes);
    return bytes.length;
  }),
  34: sys('mkdirat', ['fd', 'str', 'oct'], (k, a) => {
    const r = resolveAt(k, a[0]!, a[1]!, false);
    if (r.kind === 'virtual' || r.kind === 'generated') return fail(E.EEXIST);
    const target = writableHost(r);
    hostCall(() => mkdirSync(target.hostPath, int(a[2]!) & ~k.umask & 0o7777));
    return 0;
  }),
  35: sys('unlinkat', ['fd', 'str', 'hex'], (k, a) => unlinkat(k, a)),
  37: sys('linkat', ['fd', 'str', 'fd', 'str', 'hex'], (k, a) => {
    if (int(a[4]!) & ~(AT.SYMLINK_FOLLOW | AT.EMPTY_PATH)) return fail(E.EINVAL);
    const from = writableHost(resolveAt(k, a[0]!, a[1]!, (int(a[4]!) & AT.SYMLINK_FOLLOW) !== 0));
    const to = writableHost(resolveAt(k, a[2]!, a[3]!, false));
    if (from.mount !== to.mount) return fail(E.EXDEV);
    hostCall(() => linkSync(from.hostPath, to.hostPath));
    return 0;
  }),
  48: sys('faccessat', ['fd', 'str', 'oct'], (k, a) => faccessat(k, [a[0]!, a[1]!, a[2]!, 0n])),
  49: sys('chdir', ['str'], (k, a) => changeDirectory(k, k.vfs.resolve(k.memory.readCString(a[0]!)))),
  50: sys('fchdir', ['fd'], (k, a) => {
    const d = k.fds.get(int(a[0]!));
    if (d.kind !== 'dir') return fail(E.ENOTDIR);
    k.vfs.cwd = d.guestPath;
    return 0;
  }),
  52: sys('fchmod', ['fd', 'oct'], (k, a) => {
    const path = writableHostPathOf(k, int(a[0]!));
    hostCall(() => chmodSync(path, int(a[1]!) & 0o7777));
    return 0;
  }),
  53: sys('fchmodat', ['fd', 'str', 'oct'], (k, a) => {
    const target = writableHost(resolveAt(k, a[0]!, a[1]!, true));
    hostCall(() => chmodSync(target.hostPath, int(a[2]!) & 0o7777));
    return 0;
  }),
  54: sys('fchownat', ['fd', 'str', 'int', 'int', 'hex'], (k, a) => {
    hostCall(() => lstatSync(writableHost(resolveAt(k, a[0]!, a[1]!, !(int(a[4]!) & AT.SYMLINK_NOFOLLOW))).hostPath));
    return chown(k, int(a[2]!), int(a[3]!));
  }),
  55: sys('fchown', ['fd', 'int', 'int'], (k, a) => (k.fds.get(int(a[0]!)), chown(k, int(a[1]!), int(a[2]!)))),
  56: sys('openat', ['fd', 'str', 'hex', 'oct'], (k, a) => {
    const flags = int(a[2]!);
    const r = resolveAt(k, a[0]!, a[1]!, (flags & O.NOFOLLOW) === 0);
    return openResolved(k, r, flags, int(a[3]!));
  }),
  61: sys('getdents64', ['fd', 'hex', 'uint'], (k, a) => getdents64(k, int(a[0]!), a[1]!, size(a[2]!))),
  78: sys('readlinkat', ['fd', 'str', 'hex', 'uint'], (k, a) => readlinkat(k, a[0]!, a[1]!, a[2]!, size(a[3]!))),
  79: sys('newfstatat', ['fd', 'str', 'hex', 'hex'], (k, a) => {
    writeStat(k.memory, a[2]!, statTarget(k, a[0]!, a[1]!, int(a[3]!)));
    return 0;
  }),
  80: sys('fstat', ['fd', 'hex'], (k, a) => {
    writeStat(k.memory, a[1]!, statDescription(k, k.fds.get(int(a[0]!))));
    return 0;
  }),
  81: sys('sync', [], () => 0),
  88: sys('utimensat', ['fd', 'hex', 'hex', 'hex'], (k, a) => utimensat(k, a)),
  267: sys('syncfs', ['fd'], (k, a) => (k.fds.get(int(a[0]!)), 0)),
  276: sys('renameat2', ['fd', 'str', 'fd', 'str', 'hex'], (k, a) => renameat2(k, a)),
  291: sys('statx', ['fd', 'str', 'hex', 'hex', 'hex'], (k, a) => {
    writeStatx(k.memory, a[4]!, statTarget(k, a[0]!, a[1]!, int(a[2]!)));
    return 0;
  }),
  439: sys('faccessat2', ['fd', 'str', 'oct', 'hex'], (k, a) => faccessat(k, a)),
};
