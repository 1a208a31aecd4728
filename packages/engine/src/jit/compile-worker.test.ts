// The compile worker lifts, optimizes and compiles regions sent to it as guest code, the way the
// adaptive tier asks for optimized regions.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileDirectModule } from '@ferry/backend-wasm/baseline';
import { discoverRegion, liftRegion } from '@ferry/lift-riscv';
import { runPipeline } from '@ferry/opt';
import { Machine } from '@ferry/runtime';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { repoRoot } from '../../../../scripts/corpus-lib.mjs';
import { liveCodeImage } from './live-code.js';
import { CompileClient, regionBlocks, regionCode } from './compile-client.js';

const client = new CompileClient();
afterAll(() => client.close());

describe('compile worker', () => {
  it('compiles a region from its code to the module the main thread would make of it', () => {
    const path = join(repoRoot, 'corpus', 'bin', 'bench_sha256');
    const machine = Machine.load({ path, argv: [path], env: [], dirs: [] });
    const fetch = (pc: bigint) => machine.memory.tryFetch(pc);
    const blocks = discoverRegion(fetch, BigInt(machine.elf.findSymbol('compress')!.value));
    expect(blocks.length).toBeGreaterThan(1);
    const id = client.request([blocks], { codegen: 'direct', promoteRegisters: true }, 'opt');
    const [reply] = client.waitForOne(120_000);
    expect(reply?.id).toBe(id);
    expect(reply?.error).toBeUndefined();
    expect(reply?.exports).toHaveLength(1);

    const local = liftRegion(blocks);
    runPipeline(local, 'opt');
    const here = compileDirectModule([local], { promoteRegisters: true });
    expect(WebAssembly.Module.imports(reply!.module!)).toEqual(WebAssembly.Module.imports(new WebAssembly.Module(here.binary as Uint8Array<ArrayBuffer>)));
    machine.close();
  }, 180_000);

  it('answers a region whose code is missing with an error naming the block', () => {
    // A block with no instructions: its pc is sent with no words to decode.
    client.request([[{ pc: 0x1234n, insns: [], end: 0x1234n }]], { codegen: 'direct' }, 'opt');
    const [reply] = client.waitForOne(120_000);
    expect(reply?.module).toBeUndefined();
    expect(reply?.error).toMatch(/0x1234/);
  }, 180_000);

  it('sends a region with its switch targets, so the worker lifts the switch as the main thread does', () => {
    // bench_interp's main: its dispatch loop jumps through a jump table.
    const path = join(repoRoot, 'corpus', 'bin', 'bench_interp');
    const machine = Machine.load({ path, argv: [path], env: [], dirs: [] });
    const blocks = discoverRegion((pc) => machine.memory.tryFetch(pc), BigInt(machine.elf.findSymbol('main')!.value), undefined, undefined, liveCodeImage(machine));
    const jump = blocks.find((b) => b.indirectTargets);
    expect(jump?.indirectTargets?.length).toBeGreaterThan(10);
    expect(regionBlocks(regionCode(blocks))).toEqual(blocks);
    machine.close();
  });
});
