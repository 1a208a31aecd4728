// Shadow-table entries: one i32 per guest page at SHADOW_TABLE + 4 * (guestAddress >> 12).
// Bits 31..12 hold the page's addend: the host address of its backing minus the guest address of
// the page, modulo 2^32 (both are page-aligned); bits 5..0 the flags below. A page without a host
// backing (unmapped, or mapped and not yet touched) has entry 0; every backed entry has PRESENT.
//
// Fast paths (inlined in generated wasm):
//   load   (entry & (READ | MMIO))          == READ
//   store  (entry & (WRITE | CODE | MMIO))  == WRITE
//   fetch  (entry & (EXEC | MMIO))          == EXEC
// then host = i32(guest) + (entry & ~0xfff), provided the access does not cross the page and
// the guest address is below 2^GUEST_VA_BITS. One add, as QEMU's TLB addend: the page offset
// needs no masking.
// Anything else calls the slow-path helper, which performs the access or raises a guest fault.

export const PageFlag = {
  READ: 1,
  WRITE: 2,
  EXEC: 4,
  /** The page holds decoded or translated code: stores must invalidate it first. */
  CODE: 8,
  /** Every access goes to the runtime. */
  MMIO: 16,
  /** The page has a host backing (so a backed entry is never 0). */
  PRESENT: 32,
} as const;

export const PAGE_FLAG_BITS = 0x3f;
/** The addend bits of an entry. */
export const SHADOW_HOST_MASK = ~0xfff;

/** The entry of guest page `page` backed at host address `host` (page-aligned), with `flags`. */
export function shadowEntry(page: number, host: number, flags: number): number {
  return (((host - page * 4096) & SHADOW_HOST_MASK) | (flags & PAGE_FLAG_BITS) | PageFlag.PRESENT) >>> 0;
}

/** The host address backing guest page `page`, from its (non-zero) entry. */
export function shadowHost(page: number, entry: number): number {
  return ((entry & SHADOW_HOST_MASK) + page * 4096) >>> 0;
}

export const LOAD_CHECK = { mask: PageFlag.READ | PageFlag.MMIO, want: PageFlag.READ } as const;
export const STORE_CHECK = {
  mask: PageFlag.WRITE | PageFlag.CODE | PageFlag.MMIO,
  want: PageFlag.WRITE,
} as const;
export const FETCH_CHECK = { mask: PageFlag.EXEC | PageFlag.MMIO, want: PageFlag.EXEC } as const;
