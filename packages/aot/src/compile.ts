// Whole-binary translation: discovers the guest's code, cuts it into regions, lifts each with
// the T2 lifter and IR passes, and compiles them all into one wasm module (binaryen, loaded
// lazily) with the manifest appended as a custom section. The lifter, the IR passes and discovery
// are imported when a compile starts, so `@ferry/aot` loads light for runs that only load modules.
// Invariant: the manifest's entries are exactly the module's table slots, entry i (by pc) in slot
// i, each the translation of its pc, made from the pages it lists; the options recorded are the
// ones used.
import { createHash } from 'node:crypto';
import type { Func } from '@ferry/ir';
import { pagesOf, sameModuleLinks } from '@ferry/engine';
import type { Discovery } from './discover.js';
import type { GuestImage } from './guest-image.js';
import { type AotManifest, customSection, encodeManifest, MANIFEST_SECTION, manifestEntries } from './manifest.js';
import { DEFAULT_TRANSLATION_OPTIONS, describeOptions, type TranslationOptions } from './options.js';
import { placeFunctionsInTable } from './table-placement.js';
import { FERRY_AOT_VERSION } from './version.js';

/** binaryen passes for AOT-scale modules: local clean-ups that pay for themselves in size and
 *  V8 compile time at a fraction of -O2's cost (see packages/aot/README.md). */
const QUICK_WASM_PASSES = ['simplify-locals-nostructure', 'vacuum', 'remove-unused-brs', 'merge-blocks', 'coalesce-locals', 'vacuum'];
/** IR passes, one round each (the `opt` pipeline repeats up to four rounds). */
const QUICK_IR_PASSES = ['reg-forward', 'const-fold', 'copy-prop', 'narrow', 'dce'];

export interface AotSummary {
  functions: number;
  leaders: number;
  regions: number;
  jumpTables: Discovery['jumpTables'];
  /** Distinct guest instructions compiled, and their bytes. */
  guestInsns: number;
  guestBytes: number;
  /** Bytes of the executable segments. */
  executableBytes: number;
  /** Instructions compiled counting duplicates (code shared by regions is compiled into each). */
  compiledInsns: number;
  wasmBytes: number;
  ms: { discover: number; lift: number; compile: number; total: number };
}

export interface AotResult {
  binary: Uint8Array;
  manifest: AotManifest;
  summary: AotSummary;
}

export interface CompileAotOptions {
  translation?: TranslationOptions;
  /** pcs a profiled run entered (ferry run --profile-out). */
  profile?: Iterable<bigint>;
  /** Called as regions are lifted, and once per later phase. */
  onProgress?: (phase: 'lift' | 'compile', done: number, total: number) => void;
}


export async function compileAot(image: GuestImage, options: CompileAotOptions = {}): Promise<AotResult> {
  const translation = options.translation ?? DEFAULT_TRANSLATION_OPTIONS;
  const started = performance.now();
  const [{ liftRegion }, { runPipeline }, { discoverCode }, { planRegions }] = await Promise.all([
    import('@ferry/lift-riscv'), import('@ferry/opt'), import('./discover.js'), import('./regions.js'),
  ]);
  const discovery = discoverCode(image, options.profile ?? []);
  const regions = planRegions(image, discovery, translation.limits);
  const discovered = performance.now();

  const funcs: Func[] = [];
  const covered = new Map<bigint, number>();
  let compiledInsns = 0;
  regions.forEach((region, i) => {
    const func = liftRegion(region.blocks);
    if (translation.ir === 'opt') runPipeline(func, 'opt');
    else if (translation.ir === 'quick') runPipeline(func, QUICK_IR_PASSES);
    funcs.push(func);
    for (const b of region.blocks) for (const insn of b.insns) covered.set(insn.pc, insn.size);
    compiledInsns += region.insns;
    if (i % 64 === 0 || i === regions.length - 1) options.onProgress?.('lift', i + 1, regions.length);
  });
  const lifted = performance.now();

  options.onProgress?.('compile', 0, 1);
  const pages = regions.map((r) => pagesOf(r.blocks));
  const links = sameModuleLinks(regions.map((r, i) => ({ pc: r.entry, pages: pages[i]! })));
  let compiled: { binary: Uint8Array; exports: readonly string[] };
  if (translation.wasm === 'direct') {
    const { compileDirectModule } = await import('@ferry/backend-wasm/baseline');
    compiled = compileDirectModule(funcs, { promoteRegisters: true, links });
  } else {
    const { compileJitModule } = await import('@ferry/backend-wasm');
    const passes = translation.wasm === 'O2' ? undefined : translation.wasm === 'quick' ? QUICK_WASM_PASSES : [];
    compiled = compileJitModule(funcs, { promoteRegisters: true, links, ...(passes ? { passes } : {}) });
  }
  options.onProgress?.('compile', 1, 1);

  // Table slot i holds the translation of the i-th entry by pc (the manifest's order).
  const order = regions.map((r, i) => ({ pc: r.entry, exportName: compiled.exports[i]!, insns: r.insns, pages: pages[i]! }));
  order.sort((a, b) => (a.pc < b.pc ? -1 : a.pc > b.pc ? 1 : 0));
  const entries = manifestEntries(order);
  const placed = placeFunctionsInTable(compiled.binary, order.map((e) => e.exportName));
  const manifest: AotManifest = {
    version: FERRY_AOT_VERSION,
    options: describeOptions(translation),
    contentHash: image.contentHash(),
    codeHash: createHash('sha256').update(placed).digest('hex'),
    source: image.path,
    entries,
  };
  const section = customSection(MANIFEST_SECTION, encodeManifest(manifest));
  const binary = new Uint8Array(placed.length + section.length);
  binary.set(placed);
  binary.set(section, placed.length);
  const finished = performance.now();
  let guestBytes = 0;
  for (const size of covered.values()) guestBytes += size;
  return {
    binary,
    manifest,
    summary: {
      functions: discovery.functions.size,
      leaders: discovery.leaders.size,
      regions: regions.length,
      jumpTables: discovery.jumpTables,
      guestInsns: covered.size,
      guestBytes,
      executableBytes: image.executable.reduce((n, r) => n + Number(r.end - r.start), 0),
      compiledInsns,
      wasmBytes: binary.length,
      ms: { discover: discovered - started, lift: lifted - discovered, compile: finished - lifted, total: finished - started },
    },
  };
}
