// Shadow-table entries: one i32 per guest page at SHADOW_TABLE + 4 * (guestAddress >> 12).
// Bits 31..12 hold the page's addend: the host address of its backing minus the guest address of
// the page, modulo 2^32 (both are page-aligned); bits 8..0 the flags below. A page without a host
// backing (unmapped, or mapped and not yet touched) has entry 0; every backed entry has PRESENT.
//
// Besides the page's protection and state (READ .. MMIO), an entry holds one derived bit per kind
// of access that may take the fast path, so generated code tests a single bit (one `test` and one
// jump on x86-64) rather than masking and comparing:
//   load   LOAD_OK   = READ and not MMIO
//   store  STORE_OK  = WRITE and not CODE and not MMIO
//   fetch  FETCH_OK  = EXEC and not MMIO
// Entry 0 has none of them, so a page without backing always takes the slow path. Only
// shadowEntry makes entries (code that sets CODE in wasm clears STORE_OK with it).
// Then host = i32(guest) + (entry & ~0xfff), provided the access does not cross the page (data
// accesses test that they are aligned to their size, fetches that they stay in the page) and the
// guest address is below 2^GUEST_VA_BITS. One add, as QEMU's TLB addend: the page offset
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
  /** Derived by shadowEntry: loads may take the fast path. */
  LOAD_OK: 64,
  /** Derived by shadowEntry: stores may take the fast path. */
  STORE_OK: 128,
  /** Derived by shadowEntry: fetches may take the fast path. */
  FETCH_OK: 256,
} as const;

/** The flags that describe a page; the *_OK bits are derived from them. */
const PAGE_STATE_FLAGS = PageFlag.READ | PageFlag.WRITE | PageFlag.EXEC | PageFlag.CODE | PageFlag.MMIO;
export const PAGE_FLAG_BITS = 0x1ff;
/** The addend bits of an entry. */
export const SHADOW_HOST_MASK = ~0xfff;

/** The entry of guest page `page` backed at host address `host` (page-aligned), with `flags`
 *  (READ .. MMIO; any other bits, such as those of an older entry, are ignored). */
export function shadowEntry(page: number, host: number, flags: number): number {
  const state = flags & PAGE_STATE_FLAGS;
  return (((host - page * 4096) & SHADOW_HOST_MASK) | state | PageFlag.PRESENT | fastAccessBits(state)) >>> 0;
}

/** The *_OK bits of a page with these state flags. */
function fastAccessBits(state: number): number {
  if (state & PageFlag.MMIO) return 0;
  return (state & PageFlag.READ ? PageFlag.LOAD_OK : 0) |
    ((state & (PageFlag.WRITE | PageFlag.CODE)) === PageFlag.WRITE ? PageFlag.STORE_OK : 0) |
    (state & PageFlag.EXEC ? PageFlag.FETCH_OK : 0);
}

/** The host address backing guest page `page`, from its (non-zero) entry. */
export function shadowHost(page: number, entry: number): number {
  return ((entry & SHADOW_HOST_MASK) + page * 4096) >>> 0;
}

/** The entry bit that lets each kind of access take the fast path. */
export const LOAD_CHECK = PageFlag.LOAD_OK;
export const STORE_CHECK = PageFlag.STORE_OK;
export const FETCH_CHECK = PageFlag.FETCH_OK;
