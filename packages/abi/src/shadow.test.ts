import { describe, expect, it } from 'vitest';
import { FETCH_CHECK, LOAD_CHECK, PageFlag, shadowEntry, shadowHost, STORE_CHECK } from './shadow.js';

const { READ, WRITE, EXEC, CODE, MMIO, PRESENT } = PageFlag;
const fast = (entry: number) => ({ load: (entry & LOAD_CHECK) !== 0, store: (entry & STORE_CHECK) !== 0, fetch: (entry & FETCH_CHECK) !== 0 });

describe('shadow entries', () => {
  it('hold the addend, the page flags and PRESENT', () => {
    const entry = shadowEntry(0x10, 0x40_3000, READ | WRITE);
    expect(shadowHost(0x10, entry)).toBe(0x40_3000);
    expect(entry & (READ | WRITE | EXEC | CODE | MMIO | PRESENT)).toBe(READ | WRITE | PRESENT);
  });

  it('let an access take the fast path exactly when the page allows it', () => {
    expect(fast(0)).toEqual({ load: false, store: false, fetch: false });
    expect(fast(shadowEntry(1, 0x1000, READ))).toEqual({ load: true, store: false, fetch: false });
    expect(fast(shadowEntry(1, 0x1000, READ | WRITE))).toEqual({ load: true, store: true, fetch: false });
    expect(fast(shadowEntry(1, 0x1000, READ | EXEC))).toEqual({ load: true, store: false, fetch: true });
    // Code pages: stores go to the runtime, which invalidates the translations first.
    expect(fast(shadowEntry(1, 0x1000, READ | WRITE | EXEC | CODE))).toEqual({ load: true, store: false, fetch: true });
    expect(fast(shadowEntry(1, 0x1000, READ | WRITE | EXEC | MMIO))).toEqual({ load: false, store: false, fetch: false });
    expect(fast(shadowEntry(1, 0x1000, WRITE))).toEqual({ load: false, store: true, fetch: false });
  });

  it('derive the fast-path bits anew from the flags of an older entry', () => {
    const writable = shadowEntry(3, 0x8000, READ | WRITE);
    const code = shadowEntry(3, shadowHost(3, writable), writable | CODE);
    expect(fast(code).store).toBe(false);
    const moved = shadowEntry(7, shadowHost(3, code), code & ~CODE);
    expect(fast(moved)).toEqual({ load: true, store: true, fetch: false });
    expect(shadowHost(7, moved)).toBe(0x8000);
  });
});
