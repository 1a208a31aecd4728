// Differential test of the baseline tier's two producers: a few hundred guest blocks lifted from
// corpus binaries are compiled by the direct wasm writer (compileBaselineModule) and by binaryen
// (compileJitModule, no passes); each block function then runs twice from the same guest state
// (registers mostly pointing into a scratch data region, so loads and stores take the inline fast
// path) and must leave the same exit code or fault, the same state block and scratch memory.
// Every writer module is also checked with WebAssembly.validate and wabt.
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATE_BASE, STATE_SIZE } from '@ferry/abi';
import { compileJitModule } from '@ferry/backend-wasm';
import { compileBaselineModule } from '@ferry/backend-wasm/baseline';
import type { Func } from '@ferry/ir';
import { discoverBlock, liftBlock, staticSuccessors, type GuestBlock } from '@ferry/lift-riscv';
import { Machine } from '@ferry/runtime';
import { CodeCache } from './code-cache.js';
import { BASELINE_BATCH } from './translator.js';

const PROGRAMS = ['hello', 'bench_sha256', 'fp_arith', 'mulh', 'atomics', 'string_routines', 'bench_nbody', 'switch_table'];
const BLOCKS_PER_PROGRAM = 48;
const SCRATCH_PAGES = 4;
const PROT_READ_WRITE = 3;

let wabt: Awaited<ReturnType<typeof wabtInit>>;
beforeAll(async () => {
  wabt = await wabtInit();
});

/** Blocks reachable from the entry and the function symbols, in discovery order. */
function discover(machine: Machine, limit: number): GuestBlock[] {
  const fetch = (pc: bigint) => machine.memory.tryFetch(pc);
  const starts = [machine.state.pc, ...machine.elf.symbols().filter((s) => s.type === 'func').map((s) => BigInt(s.value))];
  const seen = new Set(starts);
  const queue = [...starts];
  const blocks: GuestBlock[] = [];
  while (queue.length && blocks.length < limit) {
    const block = discoverBlock(fetch, queue.shift()!);
    if (!block) continue;
    blocks.push(block);
    for (const s of staticSuccessors(block)) if (!seen.has(s)) (seen.add(s), queue.push(s));
  }
  return blocks;
}

/** The time CSR differs from run to run. */
const readsClock = (func: Func) => func.blocks.some((b) => b.insts.some((i) => i.op === 'call_helper' && i.imm === 'read_time'));

/** A deterministic pseudo-random sequence (xorshift). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function validateWithWabt(binary: Uint8Array): void {
  expect(WebAssembly.validate(binary as Uint8Array<ArrayBuffer>)).toBe(true);
  const mod = wabt.readWasm(binary, { tail_call: true, sat_float_to_int: true, sign_extension: true });
  try {
    mod.validate();
  } finally {
    mod.destroy();
  }
}

describe('baseline tier: wasm writer against binaryen', () => {
  for (const program of PROGRAMS) {
    it(`${program}: same outcome for every block`, () => {
      const path = fileURLToPath(new URL(`../../../../corpus/bin/${program}`, import.meta.url));
      const machine = Machine.load({ path, argv: [path], env: [], dirs: [], stdout: { write() {} }, stderr: { write() {} } });
      const funcs = discover(machine, BLOCKS_PER_PROGRAM).map((b) => liftBlock(b)).filter((f) => !readsClock(f));
      expect(funcs.length).toBeGreaterThan(BLOCKS_PER_PROGRAM / 2);

      const memory = machine.memory;
      const size = SCRATCH_PAGES * 4096;
      const scratch = memory.findFreeRange(size, 0x7000_0000, 0x1000_0000);
      expect(scratch).toBeDefined();
      expect(memory.map(scratch!, size, PROT_READ_WRITE)).toBe(true);
      const middle = BigInt(scratch! + size / 2);

      const imports = { ferry: { ...machine.helpers(), table: new CodeCache(machine.wasmMemory).table } };
      const instantiate = (binary: Uint8Array) => new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), imports).exports;
      const next = random(program.length * 7919);
      const stateBytes = () => memory.bytes.slice(STATE_BASE, STATE_BASE + STATE_SIZE);
      let compared = 0;

      for (let i = 0; i < funcs.length; i += BASELINE_BATCH) {
        const batch = funcs.slice(i, i + BASELINE_BATCH);
        const written = compileBaselineModule(batch);
        validateWithWabt(written.binary);
        const reference = compileJitModule(batch, { passes: [] });
        const fromWriter = instantiate(written.binary);
        const fromBinaryen = instantiate(reference.binary);

        batch.forEach((func, k) => {
          // Most registers point into the scratch region (8-aligned mostly, sometimes not), the others
          // and the FP registers hold random bits (so signed and unsigned operations differ).
          const bits = () => BigInt.asUintN(64, (BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32)));
          for (let r = 1; r < 32; r++) {
            const offset = BigInt(Math.floor(next() * 2048) - 1024) & (next() < 0.8 ? ~7n : ~0n);
            machine.state.setX(r, next() < 0.7 ? middle + offset : bits());
            machine.state.setF(r, bits());
          }
          machine.state.budget = 1n << 40n;
          const initialState = stateBytes();
          const initialScratch = memory.readBytes(scratch!, size);
          const run = (fn: () => number) => {
            memory.bytes.set(initialState, STATE_BASE);
            memory.writeBytes(scratch!, initialScratch);
            let outcome: string;
            try {
              outcome = `exit ${fn()}`;
            } catch (e) {
              outcome = `threw ${(e as Error).message}`;
            }
            return { outcome, state: stateBytes(), scratch: memory.readBytes(scratch!, size) };
          };
          const a = run(fromWriter[written.exports[k]!] as () => number);
          const b = run(fromBinaryen[reference.exports[k]!] as () => number);
          expect(a.outcome, func.name).toBe(b.outcome);
          expect(Buffer.from(a.state).equals(Buffer.from(b.state)), `${func.name}: state block`).toBe(true);
          expect(Buffer.from(a.scratch).equals(Buffer.from(b.scratch)), `${func.name}: scratch memory`).toBe(true);
          compared++;
        });
      }
      expect(compared).toBe(funcs.length);
    });
  }
});
