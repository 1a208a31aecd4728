// Shadow-table entries: one i32 per guest page at SHADOW_TABLE + 4 * (guestAddress >> 12).
// Bits 31..12 hold the host address of the page's backing (its low 12 bits are zero),
// bits 4..0 the flags below. An unmapped page has entry 0.
//
// Fast paths (inlined in generated wasm):
//   load   (entry & (READ | MMIO))          == READ
//   store  (entry & (WRITE | CODE | MMIO))  == WRITE
//   fetch  (entry & (EXEC | MMIO))          == EXEC
// then host = (entry & ~0xfff) | (guest & 0xfff), provided the access does not cross the page.
// Anything else calls the slow-path helper, which performs the access or raises a guest fault.

export const PageFlag = {
  READ: 1,
  WRITE: 2,
  EXEC: 4,
  /** The page holds decoded or translated code: stores must invalidate it first. */
  CODE: 8,
  /** Every access goes to the runtime. */
  MMIO: 16,
} as const;

export const PAGE_FLAG_BITS = 0x1f;
export const SHADOW_HOST_MASK = ~0xfff;

export const LOAD_CHECK = { mask: PageFlag.READ | PageFlag.MMIO, want: PageFlag.READ } as const;
export const STORE_CHECK = {
  mask: PageFlag.WRITE | PageFlag.CODE | PageFlag.MMIO,
  want: PageFlag.WRITE,
} as const;
export const FETCH_CHECK = { mask: PageFlag.EXEC | PageFlag.MMIO, want: PageFlag.EXEC } as const;
