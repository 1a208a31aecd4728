// Syscalls on open descriptors: read/write and their vector and positional forms, lseek, close,
// dup, pipes, fcntl, ioctl, ftruncate, fsync. Invariant: every transfer goes through readFrom /
// writeTo, so each description kind behaves the same under read, readv and pread.
import { ftruncateSync, fstatSync, readSync, writeSync } from 'node:fs';
import type { FileDescription } from '../fdtable.js';
import { E, fail, hostErrno } from './errno.js';
import { type Kernel, type SyscallTable, int, long, size, sys } from './kernel.js';

export const O = {
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  ACCMODE: 3,
  CREAT: 0o100,
  EXCL: 0o200,
  NOCTTY: 0o400,
  TRUNC: 0o1000,
  APPEND: 0o2000,
  NONBLOCK: 0o4000,
  DIRECTORY: 0o200000,
  NOFOLLOW: 0o400000,
  CLOEXEC: 0o2000000,
  PATH: 0o10000000,
  TMPFILE: 0o20000000,
} as const;

/** Largest single transfer, as Linux's MAX_RW_COUNT. */
const MAX_TRANSFER = 0x7fff_f000;
const TRANSFER_CHUNK = 1 << 20;

export function readFrom(k: Kernel, d: FileDescription, length: number, position?: number): Uint8Array {
  const want = Math.min(length, MAX_TRANSFER);
  switch (d.kind) {
    case 'input': {
      const buffer = new Uint8Array(Math.min(want, TRANSFER_CHUNK));
      return buffer.subarray(0, d.source.read(buffer));
    }
    case 'file': {
      if (!d.readable) return fail(E.EBADF);
      const buffer = new Uint8Array(Math.min(want, 1 << 24));
      let got: number;
      try {
        got = readSync(d.hostFd, buffer, 0, buffer.length, position ?? d.position);
      } catch (error) {
        return fail(hostErrno(error));
      }
      if (position === undefined) d.position += got;
      return buffer.subarray(0, got);
    }
    case 'pipe': {
      if (d.end !== 'read') return fail(E.EBADF);
      const { pipe } = d;
      if (pipe.chunks.length === 0) return pipe.writers > 0 ? fail(E.EAGAIN) : new Uint8Array(0);
      const out: number[] = [];
      while (out.length < want && pipe.chunks.length > 0) {
        const chunk = pipe.chunks[0]!;
        const take = Math.min(chunk.length, want - out.length);
        out.push(...chunk.subarray(0, take));
        if (take === chunk.length) pipe.chunks.shift();
        else pipe.chunks[0] = chunk.subarray(take);
      }
      return Uint8Array.from(out);
    }
    case 'device': {
      if (d.device === 'null') return new Uint8Array(0);
      const buffer = new Uint8Array(Math.min(want, TRANSFER_CHUNK));
      if (d.device !== 'zero') k.options.random(buffer);
      return buffer;
    }
    case 'generated': {
      const at = position ?? d.position;
      const bytes = d.data.subarray(Math.min(at, d.data.length), Math.min(at + want, d.data.length));
      if (position === undefined) d.position += bytes.length;
      return bytes;
    }
    case 'dir':
      return fail(E.EISDIR);
    case 'output':
      return fail(E.EBADF);
  }
}

export function writeTo(d: FileDescription, data: Uint8Array, position?: number): number {
  switch (d.kind) {
    case 'output':
      try {
        d.sink.write(data);
      } catch (error) {
        return fail(hostErrno(error));
      }
      return data.length;
    case 'file': {
      if (!d.writable) return fail(E.EBADF);
      const append = (d.statusFlags & O.APPEND) !== 0;
      try {
        const at = position ?? (append ? Number(fstatSync(d.hostFd).size) : d.position);
        const written = writeSync(d.hostFd, data, 0, data.length, at);
        if (position === undefined) d.position = at + written;
        return written;
      } catch (error) {
        return fail(hostErrno(error));
      }
    }
    case 'pipe':
      if (d.end !== 'write') return fail(E.EBADF);
      if (d.pipe.readers === 0) return fail(E.EPIPE);
      d.pipe.chunks.push(data.slice());
      return data.length;
    case 'device':
      return data.length;
    case 'dir':
      return fail(E.EISDIR);
    case 'input':
    case 'generated':
      return fail(E.EBADF);
  }
}

interface IoVec {
  base: bigint;
  length: number;
}

function readIovecs(k: Kernel, addr: bigint, count: number): IoVec[] {
  if (count < 0 || count > 1024) fail(E.EINVAL);
  const vecs: IoVec[] = [];
  for (let i = 0; i < count; i++) {
    vecs.push({ base: k.memory.read64(addr + BigInt(i * 16)), length: size(k.memory.read64(addr + BigInt(i * 16 + 8))) });
  }
  return vecs;
}

function readInto(k: Kernel, fd: number, vecs: IoVec[], position?: number): number {
  const d = k.fds.get(fd);
  const total = vecs.reduce((sum, v) => sum + v.length, 0);
  const data = readFrom(k, d, total, position);
  let done = 0;
  for (const v of vecs) {
    if (done >= data.length) break;
    const piece = data.subarray(done, done + v.length);
    k.memory.writeBytes(v.base, piece);
    done += piece.length;
  }
  return data.length;
}

function writeFrom(k: Kernel, fd: number, vecs: IoVec[], position?: number): number {
  const d = k.fds.get(fd);
  const parts = vecs.map((v) => k.memory.readBytes(v.base, Math.min(v.length, MAX_TRANSFER)));
  const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return writeTo(d, data, position);
}

const SEEK = { SET: 0, CUR: 1, END: 2 } as const;

function lseek(k: Kernel, fd: number, offset: number, whence: number): number {
  const d = k.fds.get(fd);
  if (d.kind === 'device') return 0;
  if (d.kind !== 'file' && d.kind !== 'dir' && d.kind !== 'generated') return fail(E.ESPIPE);
  const end = d.kind === 'file' ? Number(fstatSync(d.hostFd).size) : d.kind === 'generated' ? d.data.length : 0;
  const target =
    whence === SEEK.SET ? offset : whence === SEEK.CUR ? d.position + offset : whence === SEEK.END && d.kind !== 'dir' ? end + offset : -1;
  if (target < 0) return fail(E.EINVAL);
  d.position = target;
  return target;
}

const F = { DUPFD: 0, GETFD: 1, SETFD: 2, GETFL: 3, SETFL: 4, GETLK: 5, SETLK: 6, SETLKW: 7, DUPFD_CLOEXEC: 1030 } as const;
const FD_CLOEXEC = 1;

function fcntl(k: Kernel, fd: number, command: number, arg: bigint): number {
  const d = k.fds.get(fd);
  switch (command) {
    case F.DUPFD:
      return k.fds.duplicate(fd, int(arg), false);
    case F.DUPFD_CLOEXEC:
      return k.fds.duplicate(fd, int(arg), true);
    case F.GETFD:
      return k.fds.closeOnExec(fd) ? FD_CLOEXEC : 0;
    case F.SETFD:
      k.fds.setCloseOnExec(fd, (int(arg) & FD_CLOEXEC) !== 0);
      return 0;
    case F.GETFL:
      return d.statusFlags;
    case F.SETFL: {
      const changeable = O.APPEND | O.NONBLOCK;
      d.statusFlags = (d.statusFlags & ~changeable) | (int(arg) & changeable);
      return 0;
    }
    case F.GETLK:
      k.memory.write16(arg, 2); // l_type = F_UNLCK: nobody else holds a lock
      return 0;
    case F.SETLK:
    case F.SETLKW:
      return 0;
    default:
      return fail(E.EINVAL);
  }
}

const IOCTL = { TCGETS: 0x5401, TIOCGPGRP: 0x540f, TIOCGWINSZ: 0x5413, FIONBIO: 0x5421 } as const;

function isTerminal(d: FileDescription): boolean {
  return (d.kind === 'output' && d.sink.isTTY === true) || (d.kind === 'input' && d.source.isTTY === true);
}

function ioctl(k: Kernel, fd: number, request: number, arg: bigint): number {
  const d = k.fds.get(fd);
  if (request === IOCTL.FIONBIO) return 0;
  if (!isTerminal(d)) return fail(E.ENOTTY);
  switch (request) {
    case IOCTL.TCGETS: {
      // A cooked terminal: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO... (termbits.h).
      const termios = new DataView(new ArrayBuffer(36));
      termios.setUint32(0, 0x500, true);
      termios.setUint32(4, 0x5, true);
      termios.setUint32(8, 0xbf, true);
      termios.setUint32(12, 0x8a3b, true);
      k.memory.writeBytes(arg, new Uint8Array(termios.buffer));
      return 0;
    }
    case IOCTL.TIOCGWINSZ: {
      const rows = process.stdout.rows ?? 24;
      const columns = process.stdout.columns ?? 80;
      k.memory.write16(arg, rows);
      k.memory.write16(arg + 2n, columns);
      k.memory.write32(arg + 4n, 0);
      return 0;
    }
    case IOCTL.TIOCGPGRP:
      k.memory.write32(arg, k.pid);
      return 0;
    default:
      return fail(E.ENOTTY);
  }
}

export const ioSyscalls: SyscallTable = {
  23: sys('dup', ['fd'], (k, a) => k.fds.duplicate(int(a[0]!))),
  24: sys('dup3', ['fd', 'fd', 'hex'], (k, a) => {
    if (int(a[0]!) === int(a[1]!)) return fail(E.EINVAL);
    k.fds.get(int(a[0]!));
    return k.fds.duplicateTo(int(a[0]!), int(a[1]!), (int(a[2]!) & O.CLOEXEC) !== 0);
  }),
  25: sys('fcntl', ['fd', 'int', 'hex'], (k, a) => fcntl(k, int(a[0]!), int(a[1]!), a[2]!)),
  29: sys('ioctl', ['fd', 'hex', 'hex'], (k, a) => ioctl(k, int(a[0]!), int(a[1]!), a[2]!)),
  46: sys('ftruncate', ['fd', 'int'], (k, a) => {
    const d = k.fds.get(int(a[0]!));
    if (d.kind !== 'file' || !d.writable) return fail(E.EINVAL);
    if (!d.mount.writable) return fail(E.EROFS);
    if (long(a[1]!) < 0) return fail(E.EINVAL);
    try {
      ftruncateSync(d.hostFd, long(a[1]!));
    } catch (error) {
      return fail(hostErrno(error));
    }
    return 0;
  }),
  57: sys('close', ['fd'], (k, a) => {
    k.fds.close(int(a[0]!));
    return 0;
  }),
  59: sys('pipe2', ['hex', 'hex'], (k, a) => {
    const flags = int(a[1]!);
    const pipe = { chunks: [], readers: 1, writers: 1 };
    const closeOnExec = (flags & O.CLOEXEC) !== 0;
    const statusFlags = flags & O.NONBLOCK;
    const readFd = k.fds.open({ kind: 'pipe', pipe, end: 'read', statusFlags }, closeOnExec);
    const writeFd = k.fds.open({ kind: 'pipe', pipe, end: 'write', statusFlags: statusFlags | O.WRONLY }, closeOnExec);
    k.memory.write32(a[0]!, readFd);
    k.memory.write32(a[0]! + 4n, writeFd);
    return 0;
  }),
  62: sys('lseek', ['fd', 'int', 'int'], (k, a) => lseek(k, int(a[0]!), long(a[1]!), int(a[2]!))),
  63: sys('read', ['fd', 'hex', 'uint'], (k, a) => readInto(k, int(a[0]!), [{ base: a[1]!, length: size(a[2]!) }])),
  64: sys('write', ['fd', 'buf', 'uint'], (k, a) => writeFrom(k, int(a[0]!), [{ base: a[1]!, length: size(a[2]!) }])),
  65: sys('readv', ['fd', 'hex', 'int'], (k, a) => readInto(k, int(a[0]!), readIovecs(k, a[1]!, int(a[2]!)))),
  66: sys('writev', ['fd', 'hex', 'int'], (k, a) => writeFrom(k, int(a[0]!), readIovecs(k, a[1]!, int(a[2]!)))),
  67: sys('pread64', ['fd', 'hex', 'uint', 'int'], (k, a) => positional(k, a, (fd, at) => readInto(k, fd, [{ base: a[1]!, length: size(a[2]!) }], at))),
  68: sys('pwrite64', ['fd', 'buf', 'uint', 'int'], (k, a) => positional(k, a, (fd, at) => writeFrom(k, fd, [{ base: a[1]!, length: size(a[2]!) }], at))),
  82: sys('fsync', ['fd'], (k, a) => (k.fds.get(int(a[0]!)), 0)),
  83: sys('fdatasync', ['fd'], (k, a) => (k.fds.get(int(a[0]!)), 0)),
};

function positional(k: Kernel, a: readonly bigint[], transfer: (fd: number, at: number) => number): number {
  const fd = int(a[0]!);
  const at = long(a[3]!);
  const d = k.fds.get(fd);
  if (d.kind !== 'file' && d.kind !== 'device') return fail(E.ESPIPE);
  if (at < 0) return fail(E.EINVAL);
  return transfer(fd, at);
}
