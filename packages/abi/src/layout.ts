// Host memory map of the one shared WebAssembly.Memory (all offsets are host byte addresses).
//
//   0              64 KiB unused (host null page: a stray 0 pointer never aliases guest data)
//   STATE_BASE     CPU state block (state.ts), 4 KiB
//   DECODE_CACHE   T0 decoded-instruction cache: DECODE_CACHE_ENTRIES x 16 bytes
//   SHADOW_TABLE   one i32 entry per guest page of the reachable guest address space
//   JUMP_CACHE     guest pc -> funcref-table slot of its translation (JIT tiers), JUMP_CACHE_ENTRIES x 16
//   HOT_COUNTERS   T0's taken-branch counters (adaptive tier), HOT_COUNTER_ENTRIES x u16
//   PAGE_POOL      host pages backing guest pages, handed out by the runtime; grows on demand

export const WASM_PAGE = 65536;
export const GUEST_PAGE_SHIFT = 12;
export const GUEST_PAGE_SIZE = 1 << GUEST_PAGE_SHIFT;
export const GUEST_PAGE_MASK = GUEST_PAGE_SIZE - 1;

/** Guest virtual addresses at or above 2^GUEST_VA_BITS always take the slow path (and fault).
 *  31 rather than 32: the data-access fast path then tests reach and alignment with one mask
 *  that x86-64 encodes as a sign-extended 32-bit immediate (backend-wasm guest-memory.ts). */
export const GUEST_VA_BITS = 31;
export const SHADOW_ENTRIES = 1 << (GUEST_VA_BITS - GUEST_PAGE_SHIFT);

export const STATE_BASE = 0x1_0000;
export const STATE_SIZE = 0x1000;

/** Entry: i64 tag (guest pc, or -1 when empty), i32 packed operands, i32 immediate. */
export const DECODE_CACHE = 0x2_0000;
export const DECODE_CACHE_ENTRY_SIZE = 16;
export const DECODE_CACHE_ENTRIES = 1 << 16;
/** Index of the cache slot for a guest pc: (pc >> 1) & DECODE_CACHE_INDEX_MASK. */
export const DECODE_CACHE_INDEX_MASK = DECODE_CACHE_ENTRIES - 1;

export const SHADOW_TABLE = 0x20_0000;
/** The table spans every page index of a 32-bit address (generated code indexes it with the low
 *  32 bits of the guest address, unmasked): the entries at and above SHADOW_ENTRIES are never
 *  mapped and stay 0, so an address whose low 32 bits reach past 2^GUEST_VA_BITS reads a zero
 *  entry inside the table, and the flag and reach tests send it to the slow path. */
export const SHADOW_TABLE_SIZE = (1 << (32 - GUEST_PAGE_SHIFT)) * 4;

/** Entry: i64 tag (guest pc, or -1 when empty), i32 table slot, 4 bytes unused. A cache: the
 *  engine's code map is the authority, a miss only costs a return to the dispatcher. */
export const JUMP_CACHE = SHADOW_TABLE + SHADOW_TABLE_SIZE;
export const JUMP_CACHE_ENTRY_SIZE = 16;
export const JUMP_CACHE_ENTRIES = 1 << 16;
/** Index of the slot for a guest pc: (pc >> 1) & JUMP_CACHE_INDEX_MASK. */
export const JUMP_CACHE_INDEX_MASK = JUMP_CACHE_ENTRIES - 1;
export const JUMP_CACHE_SIZE = JUMP_CACHE_ENTRIES * JUMP_CACHE_ENTRY_SIZE;

/** Index of a branch target's counter: (pc >> 1) & HOT_COUNTER_INDEX_MASK. */
export const HOT_COUNTERS = JUMP_CACHE + JUMP_CACHE_SIZE;
export const HOT_COUNTER_ENTRIES = 1 << 16;
export const HOT_COUNTER_INDEX_MASK = HOT_COUNTER_ENTRIES - 1;
export const HOT_COUNTERS_SIZE = HOT_COUNTER_ENTRIES * 2;

export const PAGE_POOL = HOT_COUNTERS + HOT_COUNTERS_SIZE;
/** Size in wasm pages of the memory before any guest page is allocated. */
export const INITIAL_WASM_PAGES = PAGE_POOL / WASM_PAGE;
