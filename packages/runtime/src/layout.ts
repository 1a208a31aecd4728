// Where things go in the 31-bit guest address space (the shadow table reaches 2^GUEST_VA_BITS).
// Invariant: the regions do not overlap: ELF images end below ELF_LOAD_LIMIT (checked by the
// parser and loader), brk grows up from the end of the image, mmap regions are placed top-down
// from mmapTop, and the stack occupies [stackTop - stackSize, stackTop).
import { ELF_LOAD_LIMIT } from './elf.js';

export const GuestLayout = {
  /** Load base of a static-PIE (ET_DYN) image. */
  pieBase: 0x4000_0000,
  /** One past the highest stack byte; the initial sp is a little below it. */
  stackTop: 0x7ff0_0000,
  stackSize: 8 << 20,
  /** mmap places regions top-down below here (a 64 KiB guard gap under the stack). */
  mmapTop: 0x7ff0_0000 - (8 << 20) - 0x1_0000,
  /** No mapping is ever placed below this address (as Linux's mmap_min_addr). */
  mmapFloor: 0x1_0000,
  elfLoadLimit: ELF_LOAD_LIMIT,
  /** The page holding the signal-return trampoline (in place of the vDSO), just above the stack. */
  signalTrampoline: 0x7ff0_0000,
} as const;
