// Direct tail calls between the blocks of one baseline module (links.ts sameModuleLinks and
// recordingLinks, backend-wasm DirectLinks): which pairs may link, the code cache dropping the
// direct callers of what it drops or replaces, and that a linked transfer does what the same
// transfer through the jump cache does.
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { JUMP_CACHE, JUMP_CACHE_SIZE, STATE_BASE, STATE_SIZE } from '@ferry/abi';
import { compileBaselineModule } from '@ferry/backend-wasm/baseline';
import { discoverBlock, liftBlock, staticSuccessors, type GuestBlock } from '@ferry/lift-riscv';
import { Machine } from '@ferry/runtime';
import { CodeCache } from './code-cache.js';
import { recordingLinks, sameModuleLinks } from './links.js';
import { pagesOf } from './code-cache.js';

function load(program: string): Machine {
  const path = fileURLToPath(new URL(`../../../../corpus/bin/${program}`, import.meta.url));
  return Machine.load({ path, argv: [path], env: [], dirs: [], stdout: { write() {} }, stderr: { write() {} } });
}

describe('sameModuleLinks', () => {
  const units = [
    { pc: 0x1000n, pages: [1] },
    { pc: 0x1800n, pages: [1] },
    { pc: 0x1ffcn, pages: [1, 2] },
    { pc: 0x2400n, pages: [2] },
  ];

  it('links a target whose pages are all among the caller’s, itself included', () => {
    const links = sameModuleLinks(units);
    expect(links(0, 0x1800n)).toBe(1);
    expect(links(0, 0x1000n)).toBe(0);
    expect(links(2, 0x1000n)).toBe(0);
    expect(links(2, 0x2400n)).toBe(3);
  });

  it('does not link a target that another page’s invalidation could drop alone', () => {
    const links = sameModuleLinks(units);
    expect(links(0, 0x1ffcn)).toBeUndefined();
    expect(links(0, 0x2400n)).toBeUndefined();
    expect(links(3, 0x1ffcn)).toBeUndefined();
  });

  it('does not link a pc outside the module', () => {
    expect(sameModuleLinks(units)(0, 0x1004n)).toBeUndefined();
  });
});

describe('recordingLinks', () => {
  it('records per unit each pc it linked, once', () => {
    const { links, made } = recordingLinks(sameModuleLinks([{ pc: 0x1000n, pages: [1] }, { pc: 0x1800n, pages: [1] }]), 2);
    expect(links(0, 0x1800n)).toBe(1);
    expect(links(0, 0x1800n)).toBe(1);
    expect(links(0, 0x5000n)).toBeUndefined();
    expect(links(1, 0x1000n)).toBe(0);
    expect(made).toEqual([[0x1800n], [0x1000n]]);
  });
});

describe('the code cache drops the direct callers of what it drops or replaces', async () => {
  const wabt = await wabtInit();
  const binary = wabt.parseWat('f.wat', '(module (func (export "f") (result i32) (i32.const 7)))').toBinary({}).buffer;
  const fn = () => new WebAssembly.Instance(new WebAssembly.Module(binary)).exports.f as Function;
  const memory = () => new WebAssembly.Memory({ initial: Math.ceil((JUMP_CACHE + JUMP_CACHE_SIZE) / 65536) });
  /** a -> b -> c by direct links (a loop head c calling itself too), d apart; all on page 1. */
  function setUp(): CodeCache {
    const cache = new CodeCache(memory());
    cache.install(0x1000n, fn(), [1], 'baseline', 2, [0x1100n]);
    cache.install(0x1100n, fn(), [1], 'baseline', 2, [0x1200n]);
    cache.install(0x1200n, fn(), [1], 'baseline', 2, [0x1200n]);
    cache.install(0x1300n, fn(), [1], 'baseline', 2);
    return cache;
  }
  const live = (cache: CodeCache) => [0x1000n, 0x1100n, 0x1200n, 0x1300n].filter((pc) => cache.lookup(pc) !== undefined);

  it('a higher tier replacing a linked target drops its callers, transitively', () => {
    const cache = setUp();
    cache.install(0x1200n, fn(), [1], 'opt', 6);
    expect(live(cache)).toEqual([0x1200n, 0x1300n]);
    expect(cache.lookup(0x1200n)!.tier).toBe('opt');
  });

  it('replacing a caller leaves what it called', () => {
    const cache = setUp();
    cache.install(0x1000n, fn(), [1], 'opt', 6);
    expect(live(cache)).toEqual([0x1000n, 0x1100n, 0x1200n, 0x1300n]);
    // The new translation of a made no links: replacing b now drops nothing else.
    cache.install(0x1100n, fn(), [1], 'opt', 4);
    expect(live(cache)).toEqual([0x1000n, 0x1100n, 0x1200n, 0x1300n]);
    expect(cache.lookup(0x1000n)!.tier).toBe('opt');
  });

  it('invalidating a page drops all of them', () => {
    const cache = setUp();
    expect(cache.invalidatePage(1)).toBeGreaterThanOrEqual(4);
    expect(live(cache)).toEqual([]);
  });
});

describe('baseline modules with direct links', () => {
  it('a linked transfer does what the transfer through the jump cache does', async () => {
    const machine = load('bench_sha256');
    const fetch = (pc: bigint) => machine.memory.tryFetch(pc);
    const start = BigInt(machine.elf.symbols().find((s) => s.name === 'compress')!.value);
    // compress's blocks: straight-line arithmetic, loads and stores through registers set below.
    const blocks: GuestBlock[] = [];
    const queue = [start];
    const seen = new Set(queue);
    while (queue.length && blocks.length < 24) {
      const block = discoverBlock(fetch, queue.shift()!)!;
      blocks.push(block);
      for (const s of staticSuccessors(block)) if (!seen.has(s)) (seen.add(s), queue.push(s));
    }
    const funcs = blocks.map((b) => liftBlock(b));
    const cache = new CodeCache(machine.wasmMemory);
    const links = sameModuleLinks(blocks.map((b) => ({ pc: b.pc, pages: pagesOf([b]) })));
    const linked = compileBaselineModule(funcs, { links });
    const plain = compileBaselineModule(funcs);

    const wabt = await wabtInit();
    const text = (binary: Uint8Array) => {
      const mod = wabt.readWasm(binary, { tail_call: true, sat_float_to_int: true, sign_extension: true });
      try {
        mod.validate();
        return mod.toText({});
      } finally {
        mod.destroy();
      }
    };
    expect(text(linked.binary)).toMatch(/\breturn_call \$?\w/);
    expect(text(plain.binary)).not.toMatch(/\breturn_call \$?\w/);

    const imports = { ferry: { ...machine.helpers(), table: cache.table } };
    const instantiate = (binary: Uint8Array) => new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), imports).exports;
    const withLinks = instantiate(linked.binary);
    const withoutLinks = instantiate(plain.binary);

    // Registers point into a scratch page, so the blocks' loads and stores stay on the fast path.
    const scratch = machine.memory.findFreeRange(8192, 0x7000_0000, 0x1000_0000)!;
    expect(machine.memory.map(scratch, 8192, 3)).toBe(true);
    const stateBytes = () => machine.memory.bytes.slice(STATE_BASE, STATE_BASE + STATE_SIZE);
    let chained = 0;
    for (let k = 0; k < blocks.length; k++) {
      for (let r = 1; r < 32; r++) machine.state.setX(r, BigInt(scratch + 4096 + ((r * 40) & ~7)));
      machine.state.budget = 5000n; // loops run until the budget runs out, the same in both

      const before = machine.state.instret;
      const initial = stateBytes();
      const initialScratch = machine.memory.readBytes(scratch, 8192);
      const reset = () => (machine.memory.bytes.set(initial, STATE_BASE), machine.memory.writeBytes(scratch, initialScratch));

      const outcome = (run: () => number): string => {
        try {
          return `exit ${run()}`;
        } catch (e) {
          return `threw ${(e as Error).message}`;
        }
      };
      // Both modules run chained through the jump cache (every block of the batch installed), so
      // the plain one makes through the table each transfer the linked one makes directly.
      const runChained = (exports: WebAssembly.Exports, names: string[]) => {
        cache.clear();
        blocks.forEach((block, i) => cache.install(block.pc, exports[names[i]!] as Function, pagesOf([block]), 'baseline', block.insns.length));
        reset();
        const result = outcome(exports[names[k]!] as () => number);
        return { result, state: stateBytes(), scratch: machine.memory.readBytes(scratch, 8192), retired: machine.state.instret - before };
      };
      const plainRun = runChained(withoutLinks, plain.exports);
      const linkedRun = runChained(withLinks, linked.exports);
      if (linkedRun.retired > BigInt(blocks[k]!.insns.length)) chained++;
      const where = `block ${blocks[k]!.pc.toString(16)}`;
      expect(linkedRun.result, where).toBe(plainRun.result);
      expect(Buffer.from(linkedRun.state).equals(Buffer.from(plainRun.state)), `${where}: state block`).toBe(true);
      expect(Buffer.from(linkedRun.scratch).equals(Buffer.from(plainRun.scratch)), `${where}: scratch memory`).toBe(true);
    }
    expect(chained).toBeGreaterThan(blocks.length / 2);
  });
});
