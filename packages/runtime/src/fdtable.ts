// Guest file descriptors: a table from fd numbers to shared open file descriptions (as dup makes),
// and the kinds of description the guest can hold: host stdio streams, host files, directories
// (host or virtual), in-process pipes and /dev devices. Invariant: a description's host fd is
// closed exactly once, when the last guest fd referring to it is closed.
import { closeSync, readSync, writeSync } from 'node:fs';
import { E, fail } from './syscalls/errno.js';
import type { DeviceName, Mount } from './vfs.js';

export interface OutputSink {
  write(data: Uint8Array): void;
  readonly isTTY?: boolean;
}

export interface InputSource {
  /** Fill `into` with up to its length of bytes; return how many (0 at end of input). */
  read(into: Uint8Array): number;
  readonly isTTY?: boolean;
}

/** A sink writing synchronously to a host fd, so guest output interleaves with Ferry's own. */
export function hostOutput(fd: number, isTTY = false): OutputSink {
  return {
    isTTY,
    write(data) {
      for (let done = 0; done < data.length; ) {
        try {
          done += writeSync(fd, data, done, data.length - done);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        }
      }
    },
  };
}

export function hostInput(fd: number, isTTY = false): InputSource {
  return {
    isTTY,
    read(into) {
      for (;;) {
        try {
          return readSync(fd, into, 0, into.length, null);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EOF') return 0;
          if (code !== 'EAGAIN') throw error;
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        }
      }
    },
  };
}

/** One directory entry as getdents64 reports it (d_type numbering from dirent.h). */
export interface DirListingEntry {
  name: string;
  ino: bigint;
  type: number;
}

export interface PipeBuffer {
  chunks: Uint8Array[];
  readers: number;
  writers: number;
}

export type FileDescription = { refs: number; statusFlags: number } & (
  | { kind: 'input'; source: InputSource }
  | { kind: 'output'; sink: OutputSink }
  | {
      kind: 'file';
      hostFd: number;
      hostPath: string;
      guestPath: string;
      mount: Mount;
      position: number;
      readable: boolean;
      writable: boolean;
    }
  | {
      kind: 'dir';
      guestPath: string;
      hostPath: string | undefined;
      mount: Mount | undefined;
      /** Index of the next entry getdents64 returns. */
      position: number;
      listing?: DirListingEntry[];
    }
  | { kind: 'pipe'; pipe: PipeBuffer; end: 'read' | 'write' }
  | { kind: 'device'; device: DeviceName; guestPath: string }
  /** A generated file (/proc/self/maps...): its contents as of the open. */
  | { kind: 'generated'; guestPath: string; data: Uint8Array; position: number }
);

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type NewDescription = DistributiveOmit<FileDescription, 'refs'>;

interface FdEntry {
  description: FileDescription;
  closeOnExec: boolean;
}

export const MAX_FDS = 1024;

export class FdTable {
  private readonly entries = new Map<number, FdEntry>();

  /** Install a new description at the lowest free fd >= minFd. */
  open(description: NewDescription, closeOnExec = false, minFd = 0): number {
    return this.install({ ...description, refs: 0 } as FileDescription, closeOnExec, minFd);
  }

  /** Another fd for the same description (dup). */
  duplicate(fd: number, minFd = 0, closeOnExec = false): number {
    return this.install(this.get(fd), closeOnExec, minFd);
  }

  /** dup3: make `target` refer to fd's description, closing what target held. */
  duplicateTo(fd: number, target: number, closeOnExec: boolean): number {
    const description = this.get(fd);
    if (target < 0 || target >= MAX_FDS) fail(E.EBADF);
    if (this.entries.has(target)) this.close(target);
    description.refs++;
    this.entries.set(target, { description, closeOnExec });
    return target;
  }

  get(fd: number): FileDescription {
    return this.entries.get(fd)?.description ?? fail(E.EBADF);
  }

  has(fd: number): boolean {
    return this.entries.has(fd);
  }

  closeOnExec(fd: number): boolean {
    return this.entries.get(fd)?.closeOnExec ?? fail(E.EBADF);
  }

  setCloseOnExec(fd: number, value: boolean): void {
    const entry = this.entries.get(fd) ?? fail(E.EBADF);
    entry.closeOnExec = value;
  }

  close(fd: number): void {
    const entry = this.entries.get(fd) ?? fail(E.EBADF);
    this.entries.delete(fd);
    const d = entry.description;
    if (--d.refs > 0) return;
    if (d.kind === 'file') closeSync(d.hostFd);
    if (d.kind === 'pipe') {
      if (d.end === 'read') d.pipe.readers--;
      else d.pipe.writers--;
    }
  }

  closeAll(): void {
    for (const fd of [...this.entries.keys()]) this.close(fd);
  }

  private install(description: FileDescription, closeOnExec: boolean, minFd: number): number {
    let fd = Math.max(0, minFd);
    while (this.entries.has(fd)) fd++;
    if (fd >= MAX_FDS) fail(E.EMFILE);
    description.refs++;
    this.entries.set(fd, { description, closeOnExec });
    return fd;
  }
}
