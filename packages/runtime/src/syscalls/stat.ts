// File metadata for the guest: one StatInfo gathered from the host (or made up for virtual
// directories, devices, streams and pipes), written as RV64 `struct stat` (128 bytes,
// asm-generic) or `struct statx` (256 bytes). Invariant: both layouts come from one StatInfo.
import { type BigIntStats, fstatSync, lstatSync, statSync } from 'node:fs';
import type { FileDescription } from '../fdtable.js';
import type { GuestMemory } from '../memory.js';
import type { Resolved } from '../vfs.js';
import { hostErrno, fail } from './errno.js';
import type { Kernel } from './kernel.js';

export const S_IFMT = 0o170000;
export const S = { IFIFO: 0o010000, IFCHR: 0o020000, IFDIR: 0o040000, IFREG: 0o100000, IFLNK: 0o120000 } as const;

export interface Timestamp {
  sec: bigint;
  nsec: bigint;
}

export interface StatInfo {
  dev: bigint;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  blksize: number;
  blocks: bigint;
  atime: Timestamp;
  mtime: Timestamp;
  ctime: Timestamp;
  btime: Timestamp;
}

const split = (ns: bigint): Timestamp => ({ sec: ns / 1_000_000_000n, nsec: ns % 1_000_000_000n });
const makedev = (major: number, minor: number): bigint => BigInt((major << 8) | minor);

function fromHost(s: BigIntStats): StatInfo {
  return {
    dev: s.dev,
    ino: s.ino,
    mode: Number(s.mode),
    nlink: Number(s.nlink),
    uid: Number(s.uid),
    gid: Number(s.gid),
    rdev: s.rdev,
    size: s.size,
    blksize: Number(s.blksize),
    blocks: s.blocks,
    atime: split(s.atimeNs),
    mtime: split(s.mtimeNs),
    ctime: split(s.ctimeNs),
    btime: split(s.birthtimeNs),
  };
}

/** Metadata not backed by a host file; times are when the process started. */
function synthetic(k: Kernel, mode: number, ino: bigint, rdev = 0n): StatInfo {
  const now = split(BigInt(Date.now()) * 1_000_000n);
  return {
    dev: 0x46n,
    ino,
    mode,
    nlink: mode & S.IFDIR ? 2 : 1,
    uid: k.uid,
    gid: k.gid,
    rdev,
    size: mode & S.IFDIR ? 4096n : 0n,
    blksize: 4096,
    blocks: 0n,
    atime: now,
    mtime: now,
    ctime: now,
    btime: now,
  };
}

const DEVICE_NUMBERS = { null: [1, 3], zero: [1, 5], random: [1, 8], urandom: [1, 9] } as const;

const hashIno = (path: string): bigint => BigInt([...path].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) + 1);

export function statResolved(k: Kernel, r: Resolved, follow: boolean): StatInfo {
  switch (r.kind) {
    case 'host':
      try {
        return fromHost(follow ? statSync(r.hostPath, { bigint: true }) : lstatSync(r.hostPath, { bigint: true }));
      } catch (error) {
        return fail(hostErrno(error));
      }
    case 'virtual':
      return synthetic(k, S.IFDIR | 0o555, hashIno(r.guestPath));
    case 'device': {
      const [major, minor] = DEVICE_NUMBERS[r.device];
      return synthetic(k, S.IFCHR | 0o666, hashIno(r.guestPath), makedev(major, minor));
    }
    case 'generated':
      // Size 0, as procfs reports: readers read until end of file.
      return synthetic(k, S.IFREG | 0o444, hashIno(r.guestPath));
  }
}

export function statDescription(k: Kernel, d: FileDescription): StatInfo {
  switch (d.kind) {
    case 'file':
      try {
        return fromHost(fstatSync(d.hostFd, { bigint: true }));
      } catch (error) {
        return fail(hostErrno(error));
      }
    case 'dir':
      return d.hostPath === undefined
        ? statResolved(k, { kind: 'virtual', guestPath: d.guestPath }, true)
        : statResolved(k, { kind: 'host', guestPath: d.guestPath, hostPath: d.hostPath, mount: d.mount! }, true);
    case 'device':
      return statResolved(k, { kind: 'device', guestPath: d.guestPath, device: d.device }, true);
    case 'input':
    case 'output': {
      const tty = d.kind === 'input' ? d.source.isTTY : d.sink.isTTY;
      return tty ? synthetic(k, S.IFCHR | 0o620, 3n, makedev(136, 0)) : synthetic(k, S.IFIFO | 0o600, 4n);
    }
    case 'pipe':
      return synthetic(k, S.IFIFO | 0o600, 5n);
    case 'generated':
      return synthetic(k, S.IFREG | 0o444, hashIno(d.guestPath));
  }
}

/** struct stat (asm-generic, 128 bytes). */
export function writeStat(memory: GuestMemory, addr: bigint, s: StatInfo): void {
  const b = new DataView(new ArrayBuffer(128));
  b.setBigUint64(0, s.dev, true);
  b.setBigUint64(8, s.ino, true);
  b.setUint32(16, s.mode, true);
  b.setUint32(20, s.nlink, true);
  b.setUint32(24, s.uid, true);
  b.setUint32(28, s.gid, true);
  b.setBigUint64(32, s.rdev, true);
  b.setBigInt64(48, s.size, true);
  b.setInt32(56, s.blksize, true);
  b.setBigInt64(64, s.blocks, true);
  const times = [s.atime, s.mtime, s.ctime];
  times.forEach((t, i) => {
    b.setBigInt64(72 + i * 16, t.sec, true);
    b.setBigUint64(80 + i * 16, t.nsec, true);
  });
  memory.writeBytes(addr, new Uint8Array(b.buffer));
}

export const STATX_BASIC_STATS = 0x7ff;
const STATX_BTIME = 0x800;

/** struct statx (256 bytes). */
export function writeStatx(memory: GuestMemory, addr: bigint, s: StatInfo): void {
  const b = new DataView(new ArrayBuffer(256));
  b.setUint32(0, STATX_BASIC_STATS | STATX_BTIME, true);
  b.setUint32(4, s.blksize, true);
  b.setUint32(16, s.nlink, true);
  b.setUint32(20, s.uid, true);
  b.setUint32(24, s.gid, true);
  b.setUint16(28, s.mode, true);
  b.setBigUint64(32, s.ino, true);
  b.setBigUint64(40, s.size, true);
  b.setBigUint64(48, s.blocks, true);
  const stamp = (at: number, t: Timestamp): void => {
    b.setBigInt64(at, t.sec, true);
    b.setUint32(at + 8, Number(t.nsec), true);
  };
  stamp(64, s.atime);
  stamp(80, s.btime);
  stamp(96, s.ctime);
  stamp(112, s.mtime);
  const rdev = Number(s.rdev);
  const dev = Number(s.dev);
  b.setUint32(128, (rdev >>> 8) & 0xfff, true);
  b.setUint32(132, (rdev & 0xff) | ((rdev >>> 12) & 0xfff00), true);
  b.setUint32(136, (dev >>> 8) & 0xfff, true);
  b.setUint32(140, (dev & 0xff) | ((dev >>> 12) & 0xfff00), true);
  memory.writeBytes(addr, new Uint8Array(b.buffer));
}
