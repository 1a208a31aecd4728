// Invalidation of the T0 decoded-instruction cache (abi DECODE_CACHE): a store to a page holding
// decoded code drops that page's entries; fence.i and riscv_flush_icache drop everything.
// Invariant: an entry's tag is its pc, or -1 (never a valid pc) when empty; an empty entry's other
// bytes mean nothing (the interpreter reads them only after its tag matched).
import { DECODE_CACHE, DECODE_CACHE_ENTRIES, DECODE_CACHE_ENTRY_SIZE, GUEST_PAGE_SHIFT } from '@ferry/abi';

const EMPTY = -1n;

export class DecodeCache {
  constructor(private readonly memory: WebAssembly.Memory) {}

  private get tags(): BigInt64Array {
    return new BigInt64Array(this.memory.buffer, DECODE_CACHE, (DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE) / 8);
  }

  /** Empty every entry: all bytes 0xff, so every tag reads -1 (one fill, not 65 536 BigInt stores). */
  clear(): void {
    new Uint8Array(this.memory.buffer, DECODE_CACHE, DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE).fill(0xff);
  }

  /** Drop the entries of one guest page. Its halfword slots map to one contiguous run (mod size). */
  clearPage(page: number): void {
    const tags = this.tags;
    const stride = DECODE_CACHE_ENTRY_SIZE / 8;
    const slotsPerPage = 1 << (GUEST_PAGE_SHIFT - 1);
    const first = (page * slotsPerPage) % DECODE_CACHE_ENTRIES;
    const pageBig = BigInt(page);
    for (let k = 0; k < slotsPerPage; k++) {
      const i = ((first + k) % DECODE_CACHE_ENTRIES) * stride;
      const tag = tags[i]!;
      if (tag !== EMPTY && tag >> BigInt(GUEST_PAGE_SHIFT) === pageBig) tags[i] = EMPTY;
    }
  }
}
