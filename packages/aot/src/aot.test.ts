// End to end on tiny assembled programs: AOT compile, load, run from the module (output, status,
// AOT coverage), the self-modifying case, and every way a module can be unusable (corrupt,
// truncated, other ELF, other version): one clear problem, and the run without it is correct.
import { describe, expect, it } from 'vitest';
import { runCaptured } from '@ferry/engine';
import { parseElf } from '@ferry/runtime';
import { compileAot } from './compile.js';
import { GuestImage } from './guest-image.js';
import { checkAotModule } from './load.js';
import { customSection, decodeManifest, encodeManifest, findCustomSection, MANIFEST_SECTION, manifestEntries } from './manifest.js';
import { tableSlotsFilled } from './table-placement.js';
import { longLoopProgram, loopProgram, overwriteBeforeFirstCallProgram, selfModifyingProgram, switchLoopProgram, undecodableModule, type TestProgram } from './testing.js';

const imageOf = (p: TestProgram, path = 'test.elf') => new GuestImage(parseElf(p.elf, path));

async function runWith(p: TestProgram, binary?: Uint8Array) {
  const image = imageOf(p);
  const load = binary ? await checkAotModule(binary, 'test.wasm', image) : undefined;
  const preloaded = load?.ok ? load.preloaded : undefined;
  const result = await runCaptured({ path: 'test.elf', image: p.elf, argv: ['test.elf'], env: [], dirs: [], tier: 'adaptive', ...(preloaded ? { preloaded } : {}) });
  return { load, result };
}

describe('AOT modules', () => {
  it('runs a program from its module with the right output, and says how much ran in AOT code', async () => {
    const p = loopProgram();
    const { binary, summary, manifest } = await compileAot(imageOf(p));
    expect(summary.regions).toBeGreaterThanOrEqual(3); // _start, the return point in the loop, six
    expect([...manifest.entries.pcs]).toContain(imageOf(p).entry);
    expect(tableSlotsFilled(binary)).toBe(summary.regions);
    const { load, result } = await runWith(p, binary);
    expect(load?.ok).toBe(true);
    // Entries are adopted as the run reaches them: the run's translations are the regions it entered.
    expect(result.stats.preloaded?.translations).toBe(summary.regions);
    expect(result.stats.translations).toBeLessThanOrEqual(summary.regions);
    expect(result.status).toBe(p.status);
    expect(result.stdout.toString()).toBe(p.stdout);
    const aot = BigInt(result.stats.perTier.aot!.instructions);
    expect(aot).toBe(result.stats.instructions); // everything was entered in AOT code
    expect(result.stats.format()).toMatch(/aot coverage\s+100\.0%/);
  });

  it('comes back into AOT code after a budget exit inside a long loop (resume entries at loop headers)', async () => {
    const p = longLoopProgram();
    const { binary, manifest } = await compileAot(imageOf(p));
    const { result } = await runWith(p, binary);
    expect(result.status).toBe(42);
    expect(result.stats.exits.get('budget') ?? 0).toBeGreaterThan(0);
    expect([...manifest.entries.pcs].length).toBe(3); // _start, and the two loop headers
    expect(BigInt(result.stats.perTier.aot!.instructions)).toBe(result.stats.instructions);
    for (const counters of Object.values(result.stats.compile)) expect(counters.functions).toBe(0); // the JIT compiled nothing
  });

  it('runs the dispatch loop of a switch from its module (its cases inside the loop\'s region)', async () => {
    const p = switchLoopProgram();
    const { binary, summary } = await compileAot(imageOf(p));
    expect(summary.jumpTables).toMatchObject({ found: 1, targets: 4 });
    const { result } = await runWith(p, binary);
    expect(result.status).toBe(p.status);
    expect(BigInt(result.stats.perTier.aot!.instructions)).toBe(result.stats.instructions);
  });

  it('invalidates AOT code its program overwrites', async () => {
    const p = selfModifyingProgram();
    const { binary } = await compileAot(imageOf(p));
    const { load, result } = await runWith(p, binary);
    expect(load?.ok).toBe(true);
    expect(result.status).toBe(41);
    expect(result.stats.invalidations).toBeGreaterThan(0);
  });

  it('drops AOT code its program overwrites before ever running it', async () => {
    const p = overwriteBeforeFirstCallProgram();
    const { binary } = await compileAot(imageOf(p));
    const { load, result } = await runWith(p, binary);
    expect(load?.ok).toBe(true);
    expect(result.status).toBe(p.status);
  });

  describe('an unusable module is refused with one clear message, and the run without it is correct', () => {
    const p = loopProgram();
    const compiled = compileAot(imageOf(p));
    const stripped = async () => {
      const { binary } = await compiled;
      const payload = findCustomSection(binary, MANIFEST_SECTION)!;
      return { payload, bare: binary.subarray(0, binary.length - customSection(MANIFEST_SECTION, payload).length) };
    };
    const withManifest = (bare: Uint8Array, payload: Uint8Array) => Uint8Array.from([...bare, ...customSection(MANIFEST_SECTION, payload)]);
    const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
      ['truncated', async () => (await compiled).binary.subarray(0, Math.floor((await compiled).binary.length / 2)), /not a complete AOT module: .*past the end of the file/],
      ['not wasm at all', async () => new TextEncoder().encode('#!/bin/sh\necho hi\n'), /not a complete AOT module: not a WebAssembly module/],
      ['without a manifest', async () => (await stripped()).bare, /has no ferry\.aot manifest/],
      ['from another Ferry version', async () => withManifest((await stripped()).bare, encodeManifest({ ...(await compiled).manifest, version: '0.0.1+abi.000000000000' })), /made by Ferry 0\.0\.1.*recompile it/],
      ['with a corrupt manifest', async () => { const { bare, payload } = await stripped(); return withManifest(bare, payload.subarray(0, payload.length - 3)); }, /corrupt manifest: manifest is truncated/],
      ['with corrupt code', async () => corruptCode((await compiled).binary), /is corrupt: its code does not match the hash ferry aot recorded/],
      ['with data after the manifest', async () => Uint8Array.from([...(await compiled).binary, ...customSection('extra', Uint8Array.of(1))]), /sections after its ferry\.aot manifest/],
      // What only a Ferry bug could write: the hash matches, but V8's compile (in its background,
      // while the guest loads) fails; the run goes on without it all the same.
      ['with a hash that matches, but not valid wasm', async () => undecodableModule((await compiled).binary), /does not compile as WebAssembly/],
    ];
    for (const [name, bytes, message] of cases) {
      it(name, async () => {
        const { load, result } = await runWith(p, await bytes());
        expect(load).toMatchObject({ ok: false, problem: expect.stringMatching(message) });
        expect(result.status).toBe(p.status);
        expect(result.stdout.toString()).toBe(p.stdout);
      });
    }
    it('made from another ELF', async () => {
      const other = loopProgram('a different program\n');
      const { load, result } = await runWith(other, (await compiled).binary);
      expect(load).toMatchObject({ ok: false, problem: expect.stringMatching(/whose code differs from test\.elf.*recompile it/) });
      expect(result.stdout.toString()).toBe(other.stdout);
    });
  });

  it('manifests survive encoding and reject truncation', () => {
    const entries = manifestEntries([{ pc: 0x10400n, insns: 1, pages: [16] }, { pc: 0x10000n, insns: 3, pages: [17, 16] }]);
    expect([...entries.pcs]).toEqual([0x10000n, 0x10400n]);
    expect([...entries.pages]).toEqual([16, 17, 16]);
    const m = { version: 'v', options: '{}', contentHash: 'ab'.repeat(32), codeHash: 'cd'.repeat(32), source: 's', entries };
    const bytes = encodeManifest(m);
    expect(decodeManifest(bytes)).toEqual(m);
    expect(decodeManifest(Buffer.from(bytes))).toEqual(m); // as read from a file: slices share memory
    for (const cut of [1, 5, 40, bytes.length - 1]) expect(() => decodeManifest(bytes.subarray(0, cut))).toThrow(/truncated|FAOT/);
  });
});

/** The module with bytes in its code section overwritten (its last function body's opcodes). */
function corruptCode(binary: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(binary);
  const payload = findCustomSection(copy, MANIFEST_SECTION)!;
  const codeEnd = copy.length - customSection(MANIFEST_SECTION, payload).length;
  copy.fill(0xff, codeEnd - 16, codeEnd - 1);
  return copy;
}
