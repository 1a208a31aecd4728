// Turns guest code into installed translations: discovers a block (baseline) or region
// (optimizing) at a pc, lifts it to IR, compiles a batch through backend-wasm and installs the
// functions in the code cache. Pages holding translated code are flagged in the shadow table, so
// stores to them come back to the engine for invalidation. Modules are written directly
// (backend-wasm/baseline, no binaryen); binaryen is loaded lazily, only when the optimizing tier
// is asked to run binaryen's optimizer too (FERRY_OPT_CODEGEN=binaryen; AOT always does).
import { compileBaselineModule, compileDirectModule, type JitModule } from '@ferry/backend-wasm/baseline';
import { FFlag } from '@ferry/abi';
import type { Machine } from '@ferry/runtime';
import type { Func } from '@ferry/ir';
import {
  discoverBlock, discoverRegion, liftBlock, liftRegion, staticSuccessors, type GuestBlock, type LiftHints,
} from '@ferry/lift-riscv';
import { runPipeline, type PipelineName } from '@ferry/opt';
import { CodeCache, pagesOf, type Translation } from './code-cache.js';
import { baselineLinks } from './links.js';
import { liveCodeImage } from './live-code.js';

type Backend = typeof import('@ferry/backend-wasm');
let backendPromise: Promise<Backend> | undefined;
export const loadBackend = (): Promise<Backend> => (backendPromise ??= import('@ferry/backend-wasm'));

/** Runs the `opt` IR pipeline on a lifted region, unless FERRY_NO_OPT_PASSES=1 (for comparing
 *  the passes on and off; read at each call). Returns the function. */
function optimizeRegion(func: Func): Func {
  runPipeline(func, OPT_PIPELINE());
  return func;
}

/** The IR pipeline of the optimizing tier: `opt`, or `none` when FERRY_NO_OPT_PASSES=1. */
export const OPT_PIPELINE = (): PipelineName => (process.env.FERRY_NO_OPT_PASSES === '1' ? 'none' : 'opt');

/** How the optimizing tier turns its optimized IR into wasm: `direct` writes it without binaryen
 *  (V8's optimizing compiler does the rest; a region compiles in milliseconds), `binaryen` also runs
 *  binaryen -O2 (~10x the compile time for ~10% faster code). FERRY_OPT_CODEGEN selects; read at each call. */
export type OptCodegen = 'direct' | 'binaryen';
export const OPT_CODEGEN = (): OptCodegen => (process.env.FERRY_OPT_CODEGEN === 'binaryen' ? 'binaryen' : 'direct');

/** What the lifter may assume of the guest as it is now (speed only: the code is right either way). */
export const liftHints = (machine: Machine): LiftHints => ({ stickyNx: (machine.state.fflags & FFlag.NX) !== 0 });

/** Blocks compiled together in one baseline module at most. */
export const BASELINE_BATCH = 24;

/** The block at pc first, then untranslated blocks breadth-first through static successors and
 *  the return points of calls (where the callee comes back to), up to BASELINE_BATCH: one module
 *  for code that will likely run soon, since each module costs V8 about a millisecond to compile
 *  and instantiate whatever its size. */
export function baselineBatch(fetch: (pc: bigint) => number | undefined, pc: bigint, translated: (pc: bigint) => boolean): GuestBlock[] {
  const blocks: GuestBlock[] = [];
  const queue = [pc];
  const seen = new Set<bigint>(queue);
  while (queue.length && blocks.length < BASELINE_BATCH) {
    const block = discoverBlock(fetch, queue.shift()!);
    if (!block) continue;
    blocks.push(block);
    for (const s of [...staticSuccessors(block), ...returnPoint(block)]) {
      if (!seen.has(s) && !translated(s)) (seen.add(s), queue.push(s));
    }
  }
  return blocks;
}

/** Where a block ending in a call (jal or jalr linking ra or t0) continues when the callee returns. */
function returnPoint(block: GuestBlock): bigint[] {
  const d = block.insns[block.insns.length - 1]!.decoded;
  return d && (d.base === 'jal' || d.base === 'jalr') && (d.rd === 1 || d.rd === 5) ? [block.end] : [];
}

export interface CompileCounters {
  modules: number;
  functions: number;
  guestInsns: number;
  compileMs: number;
}

/** Test-only: rewrites a translation's IR after the tier's passes, before the backend (the
 *  lockstep checker's tests inject miscompilations through it). */
export type IrHook = (func: Func, tier: 'baseline' | 'opt') => void;

export class Translator {
  readonly counters: Record<'baseline' | 'opt', CompileCounters> = {
    baseline: { modules: 0, functions: 0, guestInsns: 0, compileMs: 0 },
    opt: { modules: 0, functions: 0, guestInsns: 0, compileMs: 0 },
  };

  constructor(
    private readonly machine: Machine,
    private readonly cache: CodeCache,
    /** The binaryen backend; needed only by the optimizing tier with FERRY_OPT_CODEGEN=binaryen. */
    private readonly backend: Backend | undefined,
    private readonly irHook?: IrHook,
    /** Count transfers between translations in the state block (ferry run --stats). */
    private readonly countTransfers = false,
  ) {}

  private readonly fetch = (pc: bigint): number | undefined => this.machine.memory.tryFetch(pc);

  /** Translates the block at pc and a batch of untranslated blocks near it (baselineBatch). */
  baseline(pc: bigint): Translation | undefined {
    const started = performance.now();
    const blocks = baselineBatch(this.fetch, pc, (at) => this.cache.lookup(at) !== undefined);
    if (!blocks.length || blocks[0]!.pc !== pc) return undefined;
    const hints = liftHints(this.machine);
    const units = blocks.map((b) => ({ blocks: [b], pages: pagesOf([b]), func: liftBlock(b, hints) }));
    const linked = baselineLinks(this.cache, units.map((u) => ({ pc: u.blocks[0]!.pc, pages: u.pages })));
    const options = { ...(linked ? { links: linked.links } : {}), countTransfers: this.countTransfers };
    this.compileAndInstall('baseline', started, units, () => compileBaselineModule(units.map((u) => u.func), options), linked?.made);
    return this.cache.lookup(pc);
  }

  /** Translates the region entered at pc as one optimized function. */
  optimized(pc: bigint): Translation | undefined {
    const started = performance.now();
    const blocks = discoverRegion(this.fetch, pc, undefined, undefined, liveCodeImage(this.machine));
    if (!blocks.length) return undefined;
    const func = optimizeRegion(liftRegion(blocks, liftHints(this.machine)));
    const backend = this.backend;
    this.compileAndInstall('opt', started, [{ blocks, pages: pagesOf(blocks), func }], () => {
      const options = { promoteRegisters: true, countTransfers: this.countTransfers };
      if (OPT_CODEGEN() === 'direct') return compileDirectModule([func], options);
      if (!backend) throw new Error('internal error: FERRY_OPT_CODEGEN=binaryen needs the binaryen backend loaded');
      return backend.compileJitModule([func], options);
    });
    return this.cache.lookup(pc);
  }

  /** The imports of every translated module: helpers, memory and the code cache's table (made once). */
  private importObject?: WebAssembly.Imports;
  private imports(): WebAssembly.Imports {
    return (this.importObject ??= { ferry: { ...this.machine.helpers(), table: this.cache.table } });
  }

  private compileAndInstall(
    tier: 'baseline' | 'opt',
    /** When discovery began: compile time counts everything from there to the installed functions. */
    started: number,
    units: { blocks: GuestBlock[]; pages: number[]; func: Func }[],
    /** Compiles the units' functions (called after the IR hook has seen them). */
    compile: () => JitModule,
    /** Per unit, the pcs its function calls directly (recordingLinks; filled by compile). */
    links?: readonly bigint[][],
  ): void {
    if (this.irHook) for (const u of units) this.irHook(u.func, tier);
    const compiled = compile();
    const instance = new WebAssembly.Instance(new WebAssembly.Module(compiled.binary as Uint8Array<ArrayBuffer>), this.imports());
    const c = this.counters[tier];
    c.modules++;
    units.forEach((u, i) => {
      const insns = u.blocks.reduce((n, b) => n + b.insns.length, 0);
      for (const p of u.pages) this.machine.memory.markCode(p);
      this.cache.install(u.blocks[0]!.pc, instance.exports[compiled.exports[i]!] as Function, u.pages, tier, insns, links?.[i]);
      c.functions++;
      c.guestInsns += insns;
    });
    c.compileMs += performance.now() - started;
  }
}
