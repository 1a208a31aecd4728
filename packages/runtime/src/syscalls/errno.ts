// Linux errno numbers (asm-generic/errno-base.h, errno.h) and the mapping from Node's host error
// codes. Invariant: syscall handlers return -E.X, never a host-specific number.

export const E = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  EFBIG: 27,
  ENOSPC: 28,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENODATA: 61,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
} as const;
export type ErrnoName = keyof typeof E;

const names = new Map<number, string>(Object.entries(E).map(([name, value]) => [value, name]));

export const errnoName = (errno: number): string => names.get(errno) ?? `E${errno}`;

/** The Linux errno for a Node fs error (by its code string), EIO when unknown. */
export function hostErrno(error: unknown): number {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOTSUP') return E.EOPNOTSUPP;
  return code !== undefined && code in E ? E[code as ErrnoName] : E.EIO;
}

/** Thrown inside handlers to return -errno from deep helpers; the dispatcher catches it. */
export class SyscallError extends Error {
  constructor(readonly errno: number) {
    super(errnoName(errno));
  }
}

export const fail = (errno: number): never => {
  throw new SyscallError(errno);
};
