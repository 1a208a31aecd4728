// Memory-management syscalls: brk, mmap (anonymous and private file-backed copies), munmap,
// mprotect, madvise, mremap, riscv_flush_icache. Invariant: all of them go through GuestMemory's
// one mapping API, so the memory cap answers ENOMEM everywhere and pages holding translated code
// are invalidated before they change.
import { GUEST_PAGE_SIZE } from '@ferry/abi';
import { readSync } from 'node:fs';
import { GuestLayout } from '../layout.js';
import { GUEST_ADDRESS_LIMIT, Prot } from '../memory.js';
import { E, fail, hostErrno } from './errno.js';
import { type Kernel, type SyscallTable, int, long, size, sys } from './kernel.js';

const MAP = {
  SHARED: 0x1,
  PRIVATE: 0x2,
  SHARED_VALIDATE: 0x3,
  FIXED: 0x10,
  ANONYMOUS: 0x20,
  FIXED_NOREPLACE: 0x100000,
} as const;
const MREMAP_MAYMOVE = 1;
const MADV_DONTNEED = 4;

const pageAlignUp = (n: number): number => Math.ceil(n / GUEST_PAGE_SIZE) * GUEST_PAGE_SIZE;
const isAligned = (n: number): boolean => n % GUEST_PAGE_SIZE === 0;
/** A guest address argument, or -1 when it is beyond the guest address space. */
const address = (v: bigint): number => (v < BigInt(GUEST_ADDRESS_LIMIT) ? Number(v) : -1);

export function brk(k: Kernel, requested: bigint): number {
  const target = address(requested);
  if (target < k.brkStart) return k.brkEnd;
  const oldTop = pageAlignUp(k.brkEnd);
  const newTop = pageAlignUp(target);
  if (newTop > oldTop) {
    const free = k.memory.findFreeRange(newTop - oldTop, newTop, oldTop) === oldTop;
    if (!free || !k.memory.map(oldTop, newTop - oldTop, Prot.READ | Prot.WRITE)) return k.brkEnd;
  } else if (newTop < oldTop) {
    k.memory.unmap(newTop, oldTop - newTop);
  }
  k.brkEnd = target;
  return target;
}

function mmap(k: Kernel, a: readonly bigint[]): bigint {
  const hint = address(a[0]!);
  const length = size(a[1]!);
  const prot = int(a[2]!);
  const flags = int(a[3]!);
  const offset = long(a[5]!);
  const kind = flags & MAP.SHARED_VALIDATE;
  if (length === 0 || offset < 0 || !isAligned(offset) || kind === 0) return BigInt(fail(E.EINVAL));
  if (length > GUEST_ADDRESS_LIMIT) return BigInt(fail(E.ENOMEM));
  const span = pageAlignUp(length);

  let source: Extract<ReturnType<Kernel['fds']['get']>, { kind: 'file' }> | undefined;
  if (!(flags & MAP.ANONYMOUS)) {
    const d = k.fds.get(int(a[4]!));
    if (d.kind === 'device' && d.device === 'zero') source = undefined;
    else if (d.kind !== 'file') return BigInt(fail(E.ENODEV));
    else if (!d.readable) return BigInt(fail(E.EACCES));
    else source = d;
  }

  let start: number;
  if (flags & (MAP.FIXED | MAP.FIXED_NOREPLACE)) {
    if (hint < 0 || !isAligned(hint)) return BigInt(fail(E.EINVAL));
    if (flags & MAP.FIXED_NOREPLACE && k.memory.findFreeRange(span, hint + span, hint) !== hint) {
      return BigInt(fail(E.EEXIST));
    }
    start = hint;
  } else if (hint > 0 && isAligned(hint) && k.memory.findFreeRange(span, hint + span, Math.max(hint, GuestLayout.mmapFloor)) === hint) {
    start = hint;
  } else {
    const found = k.memory.findFreeRange(span, GuestLayout.mmapTop, Math.max(pageAlignUp(k.brkEnd), GuestLayout.mmapFloor));
    if (found === undefined) return BigInt(fail(E.ENOMEM));
    start = found;
  }
  if (!k.memory.map(start, span, prot)) return BigInt(fail(E.ENOMEM));
  if (source) {
    const bytes = new Uint8Array(length);
    let got = 0;
    try {
      for (let n = -1; n !== 0 && got < length; got += n) n = readSync(source.hostFd, bytes, got, length - got, offset + got);
    } catch (error) {
      k.memory.unmap(start, span);
      return BigInt(fail(hostErrno(error)));
    }
    k.memory.writeBytes(start, bytes.subarray(0, got), true);
  }
  return BigInt(start);
}

function munmap(k: Kernel, a: readonly bigint[]): number {
  const start = address(a[0]!);
  const length = size(a[1]!);
  if (start < 0 || !isAligned(start) || length === 0) return fail(E.EINVAL);
  k.memory.unmap(start, pageAlignUp(length));
  return 0;
}

function mprotect(k: Kernel, a: readonly bigint[]): number {
  const start = address(a[0]!);
  if (start < 0 || !isAligned(start)) return fail(E.EINVAL);
  const length = pageAlignUp(size(a[1]!));
  if (length === 0) return 0;
  return k.memory.protect(start, length, int(a[2]!)) ? 0 : fail(E.ENOMEM);
}

function madvise(k: Kernel, a: readonly bigint[]): number {
  const start = address(a[0]!);
  if (start < 0 || !isAligned(start)) return fail(E.EINVAL);
  const length = pageAlignUp(size(a[1]!));
  if (int(a[2]!) !== MADV_DONTNEED || length === 0) return 0;
  if (!k.memory.isMapped(start, length)) return fail(E.ENOMEM);
  // Private anonymous pages read back as zero after MADV_DONTNEED: replace them with fresh pages.
  for (let page = start; page < start + length; page += GUEST_PAGE_SIZE) {
    k.memory.map(page, GUEST_PAGE_SIZE, k.memory.protectionAt(page)!);
  }
  return 0;
}

function mremap(k: Kernel, a: readonly bigint[]): bigint {
  const old = address(a[0]!);
  const oldLength = pageAlignUp(size(a[1]!));
  const newLength = pageAlignUp(size(a[2]!));
  const flags = int(a[3]!);
  if (old < 0 || !isAligned(old) || newLength === 0 || flags & ~MREMAP_MAYMOVE) return BigInt(fail(E.EINVAL));
  if (!k.memory.isMapped(old, Math.max(oldLength, GUEST_PAGE_SIZE))) return BigInt(fail(E.EFAULT));
  if (newLength <= oldLength) {
    k.memory.unmap(old + newLength, oldLength - newLength);
    return BigInt(old);
  }
  const prot = k.memory.protectionAt(old)!;
  const extra = newLength - oldLength;
  if (k.memory.findFreeRange(extra, old + newLength, old + oldLength) === old + oldLength) {
    return k.memory.map(old + oldLength, extra, prot) ? BigInt(old) : BigInt(fail(E.ENOMEM));
  }
  if (!(flags & MREMAP_MAYMOVE)) return BigInt(fail(E.ENOMEM));
  const target = k.memory.findFreeRange(newLength, GuestLayout.mmapTop, Math.max(pageAlignUp(k.brkEnd), GuestLayout.mmapFloor));
  if (target === undefined || !k.memory.map(target + oldLength, extra, prot)) return BigInt(fail(E.ENOMEM));
  k.memory.move(old, target, oldLength);
  return BigInt(target);
}

function flushIcache(k: Kernel, a: readonly bigint[]): number {
  const start = address(a[0]!);
  const end = address(a[1]!);
  if (start < 0 || end < start) return fail(E.EINVAL);
  for (let page = Math.floor(start / GUEST_PAGE_SIZE); page < Math.ceil(end / GUEST_PAGE_SIZE); page++) k.invalidateCode(page);
  return 0;
}

export const memorySyscalls: SyscallTable = {
  214: sys('brk', ['hex'], (k, a) => brk(k, a[0]!), true),
  215: sys('munmap', ['hex', 'uint'], (k, a) => munmap(k, a)),
  216: sys('mremap', ['hex', 'uint', 'uint', 'hex', 'hex'], (k, a) => mremap(k, a), true),
  222: sys('mmap', ['hex', 'uint', 'hex', 'hex', 'fd', 'hex'], (k, a) => mmap(k, a), true),
  226: sys('mprotect', ['hex', 'uint', 'hex'], (k, a) => mprotect(k, a)),
  227: sys('msync', ['hex', 'uint', 'hex'], () => 0),
  228: sys('mlock', ['hex', 'uint'], () => 0),
  229: sys('munlock', ['hex', 'uint'], () => 0),
  233: sys('madvise', ['hex', 'uint', 'int'], (k, a) => madvise(k, a)),
  259: sys('riscv_flush_icache', ['hex', 'hex', 'hex'], (k, a) => flushIcache(k, a)),
};
