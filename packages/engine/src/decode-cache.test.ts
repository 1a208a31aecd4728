// DecodeCache on a bare memory: clear empties every tag; clearPage drops one page's entries only.
import { DECODE_CACHE, DECODE_CACHE_ENTRIES, DECODE_CACHE_ENTRY_SIZE, DECODE_CACHE_INDEX_MASK, GUEST_PAGE_SHIFT } from '@ferry/abi';
import { describe, expect, it } from 'vitest';
import { DecodeCache } from './decode-cache.js';

const STRIDE = DECODE_CACHE_ENTRY_SIZE / 8;

function setup(): { cache: DecodeCache; tags: BigInt64Array } {
  const memory = new WebAssembly.Memory({ initial: (DECODE_CACHE + DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE) / 65536 });
  const tags = new BigInt64Array(memory.buffer, DECODE_CACHE, (DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE) / 8);
  return { cache: new DecodeCache(memory), tags };
}
const slot = (pc: bigint): number => Number((pc >> 1n) & BigInt(DECODE_CACHE_INDEX_MASK)) * STRIDE;

describe('DecodeCache', () => {
  it('clear makes every tag -1, whatever was there', () => {
    const { cache, tags } = setup();
    tags[slot(0x10000n)] = 0x10000n;
    tags[tags.length - STRIDE] = 42n;
    cache.clear();
    for (let i = 0; i < tags.length; i += STRIDE) if (tags[i] !== -1n) throw new Error(`tag ${i / STRIDE} is ${tags[i]}`);
  });

  it('clearPage empties the entries of that page and keeps the others', () => {
    const { cache, tags } = setup();
    cache.clear();
    const page = 0x10n;
    const inPage = [page << BigInt(GUEST_PAGE_SHIFT), (page << BigInt(GUEST_PAGE_SHIFT)) + 0xffen];
    const nextPage = (page + 1n) << BigInt(GUEST_PAGE_SHIFT);
    for (const pc of [...inPage, nextPage]) tags[slot(pc)] = pc;
    cache.clearPage(Number(page));
    expect(inPage.map((pc) => tags[slot(pc)])).toEqual([-1n, -1n]);
    expect(tags[slot(nextPage)]).toBe(nextPage);
  });
});
