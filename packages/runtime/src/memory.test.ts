// GuestMemory: shadow-table entries follow map/protect/unmap, faults name address, access and pc,
// page-crossing slow paths and CODE-page invalidation behave as the abi contract says.
import { GUEST_PAGE_SIZE, INITIAL_WASM_PAGES, PageFlag, shadowHost, WASM_PAGE } from '@ferry/abi';
import { describe, expect, it } from 'vitest';
import { GuestFault } from './fault.js';
import { GuestMemory, Prot } from './memory.js';

const PAGE = GUEST_PAGE_SIZE;
const entryOf = (m: GuestMemory, addr: number): number => m.shadowTable[addr / PAGE]!;
/** The host address backing the page holding guest address addr (the entry holds an addend). */
const hostOf = (m: GuestMemory, addr: number): number => shadowHost(addr / PAGE, entryOf(m, addr));
const PROT_FLAGS = PageFlag.READ | PageFlag.WRITE | PageFlag.EXEC;

function faultOf(action: () => unknown): GuestFault {
  try {
    action();
  } catch (error) {
    if (error instanceof GuestFault) return error;
    throw error;
  }
  throw new Error('expected a GuestFault');
}

describe('GuestMemory mapping and the shadow table', () => {
  it('backs a mapped page on first touch and mirrors its protection in the entry', () => {
    const m = new GuestMemory();
    expect(m.map(0x10000, PAGE, Prot.READ | Prot.WRITE)).toBe(true);
    expect(entryOf(m, 0x10000)).toBe(0); // not yet backed: the fast path falls to the slow path
    m.write32(0x10010, 0xdeadbeef);
    const entry = entryOf(m, 0x10000);
    expect(entry & 0x3f).toBe(PageFlag.READ | PageFlag.WRITE | PageFlag.PRESENT);
    const host = hostOf(m, 0x10000);
    expect(new DataView(m.wasmMemory.buffer).getUint32(host + 0x10, true)).toBe(0xdeadbeef);

    expect(m.protect(0x10000, PAGE, Prot.READ)).toBe(true);
    expect(entryOf(m, 0x10000) & PROT_FLAGS).toBe(PageFlag.READ);
    expect(m.read32(0x10010)).toBe(0xdeadbeef);

    m.unmap(0x10000, PAGE);
    expect(entryOf(m, 0x10000)).toBe(0);
    expect(m.isMapped(0x10000)).toBe(false);
    expect(m.mappedBytes).toBe(0);
  });

  it('reuses freed host pages zeroed', () => {
    const m = new GuestMemory();
    m.map(0x20000, PAGE, Prot.READ | Prot.WRITE);
    m.write64(0x20000, 0x1122334455667788n);
    const host = hostOf(m, 0x20000);
    m.unmap(0x20000, PAGE);
    m.map(0x50000, PAGE, Prot.READ | Prot.WRITE);
    expect(m.read64(0x50000)).toBe(0n);
    expect(hostOf(m, 0x50000)).toBe(host);
  });

  it('keeps the addend in the entry: i32(guest) + (entry & ~0xfff) is the host address, after a move too', () => {
    const m = new GuestMemory();
    // One page low in the guest space (backed above it) and one at the top of the reach (backed below it).
    for (const guest of [0x1000, 0x7fff_f000]) {
      m.map(guest, PAGE, Prot.READ | Prot.WRITE);
      m.write32(guest + 0x7fc, guest >>> 4);
      const entry = entryOf(m, guest);
      const viaAddend = ((guest + 0x7fc) + (entry & ~0xfff)) >>> 0;
      expect(viaAddend).toBe(hostOf(m, guest) + 0x7fc);
      expect(new DataView(m.wasmMemory.buffer).getUint32(viaAddend, true)).toBe(guest >>> 4);
    }
    m.move(0x1000, 0x7000_0000, PAGE);
    const moved = entryOf(m, 0x7000_0000);
    expect(moved & PageFlag.PRESENT).toBe(PageFlag.PRESENT);
    const viaAddend = ((0x7000_07fc + (moved & ~0xfff)) >>> 0);
    expect(new DataView(m.wasmMemory.buffer).getUint32(viaAddend, true)).toBe(0x100);
    expect(m.read32(0x7000_07fc)).toBe(0x100);
  });

  it('grows the wasm memory on demand and keeps views fresh', () => {
    const m = new GuestMemory();
    const before = m.wasmMemory.buffer.byteLength;
    expect(before).toBe(INITIAL_WASM_PAGES * WASM_PAGE);
    const pages = 600;
    m.map(0x100000, pages * PAGE, Prot.READ | Prot.WRITE);
    for (let i = 0; i < pages; i++) m.write32(0x100000 + i * PAGE, i);
    expect(m.wasmMemory.buffer.byteLength).toBeGreaterThan(before);
    for (let i = 0; i < pages; i++) expect(m.read32(0x100000 + i * PAGE)).toBe(i);
  });

  it('refuses mappings beyond the memory cap without changing anything', () => {
    const m = new GuestMemory({ memLimit: 1 << 20 });
    expect(m.map(0x10000, 2 << 20, Prot.READ)).toBe(false);
    expect(m.mappedBytes).toBe(0);
    expect(m.map(0x10000, 1 << 20, Prot.READ)).toBe(true);
    expect(m.map(0x800000, PAGE, Prot.READ)).toBe(false);
  });

  it('finds free ranges top-down', () => {
    const m = new GuestMemory();
    m.map(0x70000, 4 * PAGE, Prot.READ);
    expect(m.findFreeRange(2 * PAGE, 0x74000, 0x10000)).toBe(0x6e000);
    expect(m.findFreeRange(2 * PAGE, 0x80000, 0x10000)).toBe(0x7e000);
    expect(m.findFreeRange(0x70000, 0x74000, 0x10000)).toBeUndefined();
  });
});

describe('GuestMemory faults', () => {
  it('reports unmapped, protection and out-of-range accesses with address, kind and pc', () => {
    const m = new GuestMemory();
    const unmapped = faultOf(() => m.loadSlow(0x1234n, 4, 0x10000n));
    expect(unmapped).toMatchObject({ address: 0x1234n, access: 'read', pc: 0x10000n, reason: 'unmapped' });
    expect(unmapped.message).toContain('0x1234');
    expect(unmapped.message).toContain('pc 0x10000');

    m.map(0x30000, PAGE, Prot.READ);
    expect(faultOf(() => m.storeSlow(0x30008n, 8, 1n, 0x10004n))).toMatchObject({ access: 'write', reason: 'protection' });
    expect(faultOf(() => m.fetchSlow(0x30000n))).toMatchObject({ access: 'fetch', reason: 'protection', pc: 0x30000n });
    expect(m.tryFetch(0x30000n)).toBeUndefined();
    expect(faultOf(() => m.loadSlow(-8n, 8, 0n))).toMatchObject({ address: 0xfffffffffffffff8n, reason: 'out of range' });
    expect(faultOf(() => m.loadSlow(0x1_0000_0000n, 1, 0n)).reason).toBe('out of range');
  });
});

describe('slow paths', () => {
  it('load and store across a page boundary whose host pages are not adjacent', () => {
    const m = new GuestMemory();
    m.map(0x40000, 2 * PAGE, Prot.READ | Prot.WRITE);
    m.write8(0x41000, 0); // back the second page first, so the host pages are in reverse order
    m.write8(0x40000, 0);
    const host0 = hostOf(m, 0x40000);
    const host1 = hostOf(m, 0x41000);
    expect(host0).not.toBe(host1 - PAGE);

    m.storeSlow(0x40ffdn, 8, 0x0807060504030201n, 0n);
    expect(m.loadSlow(0x40ffdn, 8, 0n)).toBe(0x0807060504030201n);
    expect(m.loadSlow(0x40fffn, 2, 0n)).toBe(0x0403n);
    expect(m.loadSlow(0x40ffen, 4, 0n)).toBe(0x05040302n);
    const bytes = new Uint8Array(m.wasmMemory.buffer);
    expect(bytes[host0 + 0xfff]).toBe(0x03);
    expect(bytes[host1]).toBe(0x04);
    // zero-extension of loads
    m.storeSlow(0x40100n, 4, 0xfffffffen, 0n);
    expect(m.loadSlow(0x40100n, 4, 0n)).toBe(0xfffffffen);
  });

  it('does not perform half of a crossing store whose second page is read-only', () => {
    const m = new GuestMemory();
    m.map(0x40000, PAGE, Prot.READ | Prot.WRITE);
    m.map(0x41000, PAGE, Prot.READ);
    expect(faultOf(() => m.storeSlow(0x40ffcn, 8, -1n, 0x2000n))).toMatchObject({ address: 0x41000n, access: 'write' });
    expect(m.read32(0x40ffc)).toBe(0);
  });

  it('invalidates a CODE page before a store reaches it', () => {
    const m = new GuestMemory();
    m.map(0x10000, PAGE, Prot.READ | Prot.WRITE | Prot.EXEC);
    m.write32(0x10000, 0x00000013);
    m.markCode(0x10);
    expect(entryOf(m, 0x10000) & PageFlag.CODE).toBe(PageFlag.CODE);
    const seen: [number, number][] = [];
    m.onCodeWrite = (page) => {
      seen.push([page, m.read32(0x10000)]);
      m.clearCode(page);
    };
    m.storeSlow(0x10000n, 4, 0x00100093n, 0x10004n);
    expect(seen).toEqual([[0x10, 0x13]]);
    expect(entryOf(m, 0x10000) & PageFlag.CODE).toBe(0);
    expect(m.read32(0x10000)).toBe(0x00100093);
    m.storeSlow(0x10004n, 4, 1n, 0n);
    expect(seen.length).toBe(1);
  });

  it('fetches 32 bits, or only 16 when the next page is not executable', () => {
    const m = new GuestMemory();
    m.map(0x10000, PAGE, Prot.READ | Prot.WRITE | Prot.EXEC);
    m.write32(0x10ffc, 0x11223344);
    m.write16(0x10ffe, 0x4501);
    expect(m.fetchSlow(0x10ffcn)).toBe(0x45013344);
    expect(m.tryFetch(0x10ffcn)).toBe(0x45013344);
    expect(m.fetchSlow(0x10ffen)).toBe(0x4501);
    expect(m.tryFetch(0x10ffen)).toBe(0x4501);
    m.map(0x11000, PAGE, Prot.READ | Prot.EXEC);
    m.writeBytes(0x11000, Uint8Array.of(0xaa, 0xbb), true);
    expect(m.fetchSlow(0x10ffen)).toBe(0xbbaa4501);
    expect(m.tryFetch(0x10ffen)).toBe(0xbbaa4501);
    // tryFetch's in-page fast path agrees with fetchSlow, and refuses what fetchSlow refuses.
    m.write32(0x10800, 0xdeadbeef);
    expect(m.tryFetch(0x10800n)).toBe(m.fetchSlow(0x10800n));
    m.map(0x12000, PAGE, Prot.READ | Prot.WRITE);
    expect(m.tryFetch(0x12000n)).toBeUndefined();
    expect(m.tryFetch(0x13000n)).toBeUndefined();
    expect(m.tryFetch(-4n)).toBeUndefined();
    expect(m.tryFetch(1n << 40n)).toBeUndefined();
  });

  it('reads C strings and byte ranges across pages', () => {
    const m = new GuestMemory();
    m.map(0x60000, 2 * PAGE, Prot.READ | Prot.WRITE);
    m.writeBytes(0x60ffe, Buffer.from('hello\0'));
    expect(m.readCString(0x60ffe)).toBe('hello');
    expect(Buffer.from(m.readBytes(0x60ffe, 3)).toString()).toBe('hel');
    m.writeBytes(0x61ffe, Buffer.from('ab'));
    expect(faultOf(() => m.readCString(0x61ffe))).toMatchObject({ address: 0x62000n, reason: 'unmapped' });
  });
});
