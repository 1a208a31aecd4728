// Lazy adoption of preloaded translations by the code cache: a module places its functions in
// reserved table slots; lookups adopt entries one at a time; installing over an entry, dropping
// its page or clearing the cache means it is never adopted afterwards, and the jump cache never
// names a dropped entry.
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { JUMP_CACHE, JUMP_CACHE_ENTRY_SIZE, JUMP_CACHE_INDEX_MASK, JUMP_CACHE_SIZE } from '@ferry/abi';
import { CodeCache } from './code-cache.js';
import { PRELOADED_SLOT_BASE, PreloadedTranslations, type PreloadedCode } from './preload.js';

const WAT = `(module
  (import "ferry" "table" (table 0 funcref))
  (import "ferry" "${PRELOADED_SLOT_BASE}" (global $base i32))
  (type $translation (func (result i32)))
  (func $a (result i32) (i32.const 100))
  (func $b (result i32) (i32.const 101))
  (func $c (result i32) (i32.const 102))
  (elem (global.get $base) $a $b $c))`;
/** JIT translations installed beside the preloaded ones. */
const OTHERS_WAT = `(module (func (export "seven") (result i32) (i32.const 7)) (func (export "eight") (result i32) (i32.const 8)))`;
let others: Record<'seven' | 'eight', Function>;

/** Entries at 0x1000 (page 1), 0x2000 (pages 2, 3) and 0x3000 (page 3). */
async function setUp(): Promise<{ cache: CodeCache; memory: WebAssembly.Memory }> {
  const wabt = await wabtInit();
  const binary = wabt.parseWat('preload.wat', WAT).toBinary({}).buffer;
  const othersBinary = wabt.parseWat('others.wat', OTHERS_WAT).toBinary({}).buffer;
  others = new WebAssembly.Instance(new WebAssembly.Module(othersBinary)).exports as typeof others;
  const memory = new WebAssembly.Memory({ initial: Math.ceil((JUMP_CACHE + JUMP_CACHE_SIZE) / 65536) });
  const cache = new CodeCache(memory);
  cache.install(0x9000n, others.seven, [9], 'baseline', 1); // a slot taken before the module's range
  const code: PreloadedCode = {
    tier: 'aot',
    module: new WebAssembly.Module(binary),
    pcs: BigUint64Array.from([0x1000n, 0x2000n, 0x3000n]),
    insns: Uint32Array.from([4, 5, 6]),
    pageStart: Uint32Array.from([0, 1, 3, 4]),
    pages: Float64Array.from([1, 2, 3, 3]),
    source: 'test.wasm',
  };
  const base = cache.reserveSlots(3);
  new WebAssembly.Instance(code.module, { ferry: { table: cache.table, [PRELOADED_SLOT_BASE]: base } });
  cache.seedJumpCache(code.pcs, base);
  cache.addPending(new PreloadedTranslations(code, base));
  return { cache, memory };
}

function jumpCacheTag(memory: WebAssembly.Memory, pc: bigint): bigint {
  const index = Number((pc >> 1n) & BigInt(JUMP_CACHE_INDEX_MASK));
  return new DataView(memory.buffer).getBigInt64(JUMP_CACHE + index * JUMP_CACHE_ENTRY_SIZE, true);
}

describe('preloaded translations', () => {
  it('are adopted on first lookup, with their slot, pages and size', async () => {
    const { cache, memory } = await setUp();
    expect(cache.size).toBe(1);
    expect(jumpCacheTag(memory, 0x2000n)).toBe(0x2000n); // seeded before adoption
    const t = cache.lookup(0x2000n)!;
    expect(t).toMatchObject({ pc: 0x2000n, pages: [2, 3], tier: 'aot', insns: 5 });
    expect(cache.call(t)).toBe(101);
    expect(cache.size).toBe(2);
    expect(cache.lookup(0x2000n)).toBe(t);
    expect(cache.lookup(0x2004n)).toBeUndefined();
  });

  it('dropped with their page, adopted or not, are gone for good', async () => {
    const { cache, memory } = await setUp();
    cache.lookup(0x1000n);
    expect(cache.invalidatePage(3)).toBe(2); // 0x2000 and 0x3000, both pending
    expect(jumpCacheTag(memory, 0x3000n)).toBe(-1n);
    expect(cache.lookup(0x3000n)).toBeUndefined();
    expect(cache.invalidatePage(1)).toBe(1); // 0x1000, adopted
    expect(cache.lookup(0x1000n)).toBeUndefined();
  });

  it('superseded by an install or a clear are never adopted', async () => {
    const { cache } = await setUp();
    const newer = cache.install(0x1000n, others.eight, [1], 'opt', 4);
    cache.invalidatePage(1);
    expect(cache.lookup(0x1000n)).toBeUndefined(); // not the preloaded one behind the dropped install
    expect(newer.tier).toBe('opt');
    cache.clear();
    expect(cache.lookup(0x2000n)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
