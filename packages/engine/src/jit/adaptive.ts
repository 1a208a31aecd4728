// The adaptive tier: T0 interprets first; branch targets T0 reports hot are compiled to baseline
// blocks right away on the main thread (the direct wasm writer: cheap, no binaryen); translations
// where budget samples show time being spent are recompiled as optimized regions in the compile
// worker when the controller's cost model says it pays. Translated code is entered whenever the pc
// has a translation (T0 exits with ExitCode.translated on a branch to one). Optimized compiles never
// block the main thread; finished modules are installed between slices. The compilers (lifter,
// passes, wasm writer: jit/compilers.ts) are handed in when the first code gets hot: until then
// the executor runs T0 alone and, at the first exit that needs a compile, sets wantsCompilers
// and keeps the request for attachCompilers to replay. The worker (and binaryen in it) starts
// with the first baseline compile, so runs that stay in T0 never pay for either.
import { stateAddress } from '@ferry/abi';
import type { GuestBlock, LiftHints } from '@ferry/lift-riscv';
import type { Machine } from '@ferry/runtime';
import { ExitCode } from '@ferry/abi';
import { nowMs } from '../clock.js';
import { enableCompilationHints } from '../wasm-flags.js';
import type { CompileCounters } from '../stats.js';
import { CodeCache, pagesOf } from './code-cache.js';
import { baselineLinks } from './links.js';
import { liveCodeImage } from './live-code.js';
import type { PipelineName } from '@ferry/opt';
import type { CompileClient, CompileOptions } from './compile-client.js';
import { TieringController } from './controller.js';
import type { Compilers } from './index.js';

const T0_SLICE = 1n << 20n;
/** Instructions T0 runs first without its taken-branch hooks (hot counts, jump-cache checks),
 *  while there is no translation: a run this short (hello: 20 k) runs as in the interp tier
 *  (hello, engine ms, median of 15: 11.4 -> 8.9, interp tier 8.7). The slice is still a sample
 *  of T0's speed: leaving it out (or a warm-up of 2^20) raised the hot threshold the controller
 *  derives from it, and short runs lost up to 20% (bench_interp 1500, bench_matmul 64). */
const T0_WARMUP = 1n << 15n;
/** Instructions per slice of translated code: budget exits are the samples the controller sees.
 *  2^22 for slices entered in baseline code was measured and not kept (docs/design-notes.md):
 *  long runs gained up to 5%, but adaptive json 2000 lost 11% to the opt compiles the extra
 *  samples asked for. */
const JIT_SLICE = 1n << 24n;
/** Exits of translated code to the same untranslated pc before a baseline batch is compiled
 *  there. Each miss costs a return to the engine and one run of the target in T0; a batch costs
 *  1-10 ms of cold compile. With 2, one hot block pulled in module after module of code that
 *  barely ran (bench_sort 20000: 256 blocks in 19 modules, 175 ms of compile for a 46 ms program
 *  in T0). Adaptive, 3 runs each, 2 -> 32 (engine wall, ms): sort 20000 224-252 -> 128-162,
 *  sha256 2048 411-459 -> 307-327, interp 2000 273-288 -> 192-229, matmul 200 334-339 ->
 *  232-247, nbody 50000 248-264 -> 195-220, json 2000 1057-1132 -> 918-965, sort 2000000
 *  781-809 -> 713-767; lz 8192 and the full-size runs within noise. */
const MISSES_BEFORE_COMPILE = 32;
/** Enclosing-loop candidates requestOpt tries (each a region discovery, ~0.1-0.4 ms). */
const MAX_ENCLOSING_TRIES = 3;

interface Unit {
  pc: bigint;
  pages: number[];
  insns: number;
}
/** An optimized compile in the worker. */
interface Pending {
  tier: 'opt';
  units: Unit[];
  epochs: Map<number, number>;
  /** Main-thread time spent discovering the regions (part of their compile time). */
  discoveryMs: number;
}

export class AdaptiveExecutor {
  readonly controller = new TieringController();
  readonly counters: Record<'baseline' | 'opt', CompileCounters> = {
    baseline: { modules: 0, functions: 0, guestInsns: 0, compileMs: 0 },
    opt: { modules: 0, functions: 0, guestInsns: 0, compileMs: 0 },
  };
  /** Guest instructions and wall time per tier of the slices' entry. */
  readonly executed: Record<'interp' | 'baseline' | 'opt' | 'aot', { insns: bigint; ms: number }> = {
    interp: { insns: 0n, ms: 0 },
    baseline: { insns: 0n, ms: 0 },
    opt: { insns: 0n, ms: 0 },
    aot: { insns: 0n, ms: 0 },
  };
  private client?: CompileClient;
  private readonly pending = new Map<number, Pending>();
  /** Entry pcs with a compile in flight, per tier (baseline compiles finish before returning). */
  private readonly requested = { opt: new Set<bigint>() };
  private readonly misses = new Map<bigint, number>();
  /** Bumped when a page's code is invalidated, so results compiled from old bytes are dropped. */
  private readonly pageEpoch = new Map<number, number>();
  /** Compiles asked for before the compilers were attached, in order. */
  private readonly deferred: (() => void)[] = [];

  constructor(
    private readonly machine: Machine,
    private readonly cache: CodeCache,
    private readonly interpret: () => number,
    private compilers?: Compilers,
    /** Count transfers between translations in the state block (ferry run --stats). */
    private readonly countTransfers = false,
  ) {}

  /** True when some code is hot and the compilers are not attached yet: the run loop loads them
   *  (jit/index.ts loadCompilers) and calls attachCompilers before the next slice. */
  get wantsCompilers(): boolean {
    return this.compilers === undefined && this.deferred.length > 0;
  }

  /** Hands in the compilers and makes the compiles asked for while they were missing. */
  attachCompilers(compilers: Compilers): void {
    this.compilers = compilers;
    for (const compile of this.deferred.splice(0)) compile();
  }

  private compile(request: () => void): void {
    if (this.compilers) request();
    else this.deferred.push(request);
  }

  private readonly fetch = (pc: bigint): number | undefined => this.machine.memory.tryFetch(pc);

  pageInvalidated(page: number): void {
    this.pageEpoch.set(page, (this.pageEpoch.get(page) ?? 0) + 1);
  }

  /** Runs one slice in the best tier available at the current pc. */
  step(): number {
    if (this.client) this.install(this.client.poll());
    const state = this.machine.state;
    const pc = state.pc;
    const translation = this.cache.lookup(pc);
    const started = nowMs();
    const before = state.instret;
    let code: number;
    if (translation) {
      if (state.budget > JIT_SLICE) state.budget = JIT_SLICE;
      this.machine.memory.dataView.setBigInt64(stateAddress('codeModified'), 0n, true);
      code = this.cache.call(translation);
    } else {
      const warmingUp = this.executed.interp.insns === 0n && this.cache.empty;
      const slice = warmingUp ? T0_WARMUP : T0_SLICE;
      if (state.budget > slice) state.budget = slice;
      // A nonzero threshold turns on T0's hooks, which look up the jump cache.
      if (!warmingUp) this.cache.prepareJumpCache();
      this.machine.memory.dataView.setBigInt64(stateAddress('hotThreshold'), warmingUp ? 0n : BigInt(this.controller.hotThreshold()), true);
      code = this.interpret();
    }
    const ms = nowMs() - started;
    const tier = translation ? (translation.tier as 'baseline' | 'opt' | 'aot') : 'interp';
    // Preloaded (AOT) code is optimized code as far as the controller's speed estimates go.
    this.controller.observeSlice(tier === 'aot' ? 'opt' : tier, Number(state.instret - before), ms);
    this.executed[tier].insns += state.instret - before;
    this.executed[tier].ms += ms;

    this.react(code, ms);
    return code;
  }

  private react(code: number, ms: number): void {
    const pc = this.machine.state.pc;
    switch (code) {
      case ExitCode.hot:
        this.compile(() => this.requestBaseline(pc));
        break;
      case ExitCode.untranslated: {
        const n = (this.misses.get(pc) ?? 0) + 1;
        this.misses.set(pc, n);
        if (n >= MISSES_BEFORE_COMPILE) this.compile(() => this.requestBaseline(pc));
        break;
      }
      case ExitCode.budget: {
        const t = this.cache.lookup(pc);
        if (!t || t.tier !== 'baseline') break;
        this.controller.sample(pc, ms);
        if (!this.requested.opt.has(pc) && this.controller.shouldRecompile(pc, 'baseline', 'opt', Math.max(t.insns * 4, 50))) {
          this.compile(() => this.requestOpt(pc));
        }
        break;
      }
    }
  }

  /** Compiles the block at pc and a batch of untranslated blocks near it, and installs them. */
  private requestBaseline(pc: bigint): void {
    if (this.cache.lookup(pc)) return;
    const { baselineBatch, liftBlock, liftHints, compileBaselineModule, CompileClient } = this.attached();
    // The worker starts with the first baseline compile (it loads while this runs on).
    this.client ??= new CompileClient();
    // Compile time counts everything from discovery to the installed instance.
    const started = nowMs();
    const blocks = baselineBatch(this.fetch, pc, (at) => this.cache.lookup(at) !== undefined);
    if (!blocks.length) return;
    const hints = liftHints(this.machine);
    const funcs = blocks.map((b) => liftBlock(b, hints));
    const units = blocks.map((b) => this.describe([b]));
    const linked = baselineLinks(this.cache, units);
    const compiled = compileBaselineModule(funcs, { ...(linked ? { links: linked.links } : {}), countTransfers: this.countTransfers });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(compiled.binary as Uint8Array<ArrayBuffer>), this.imports());
    this.installInstance('baseline', units, instance, compiled.exports, 0, started, undefined, linked?.made);
  }

  /** Discovers the region entered at pc and has the worker lift, optimize and compile it. */
  private requestOpt(pc: bigint): void {
    const { discoverRegion, liftHints, loopHeadersBefore, OPT_CODEGEN, OPT_PIPELINE } = this.attached();
    const started = nowMs();
    const code = liveCodeImage(this.machine);
    let blocks = discoverRegion(this.fetch, pc, undefined, undefined, code);
    if (!blocks.length) return;
    // Enter at the outermost loop around pc whose region still holds pc (loopHeadersBefore). When
    // that loop's region is on the way, nothing more is asked; when it is installed, pc is a loop
    // header inside it where budget exits land, and gets a region of its own as before.
    for (const header of loopHeadersBefore(blocks, pc).slice(0, MAX_ENCLOSING_TRIES)) {
      if (this.cache.lookup(header)?.tier === 'opt') break;
      if (this.requested.opt.has(header)) return;
      const wider = discoverRegion(this.fetch, header, undefined, undefined, code);
      if (wider.some((b) => b.pc === pc)) {
        blocks = wider;
        break;
      }
    }
    this.submit('opt', [blocks], { codegen: OPT_CODEGEN(), promoteRegisters: true, countTransfers: this.countTransfers }, OPT_PIPELINE(), liftHints(this.machine), nowMs() - started);
  }

  private attached(): Compilers {
    if (!this.compilers) throw new Error('internal error: adaptive tier compiling before its compilers were attached');
    return this.compilers;
  }

  /** The pages and size of a translation unit; marks its pages as holding code. */
  private describe(blocks: GuestBlock[]): Unit {
    const pages = pagesOf(blocks);
    for (const p of pages) this.machine.memory.markCode(p);
    return { pc: blocks[0]!.pc, pages, insns: blocks.reduce((n, b) => n + b.insns.length, 0) };
  }

  /** `discoveryMs`: the main thread's time finding the regions, counted with the compile. */
  private submit(tier: 'opt', regions: GuestBlock[][], options: CompileOptions, pipeline: PipelineName, hints: LiftHints, discoveryMs: number): void {
    const epochs = new Map<number, number>();
    const described = regions.map((blocks) => {
      const unit = this.describe(blocks);
      for (const p of unit.pages) epochs.set(p, this.pageEpoch.get(p) ?? 0);
      this.requested[tier].add(unit.pc);
      return unit;
    });
    this.client ??= new (this.attached().CompileClient)();
    enableCompilationHints();
    const id = this.client.request(regions, options, pipeline, hints);
    if (id === undefined) {
      // The compile worker is gone: stay in the lower tiers.
      for (const u of described) this.requested[tier].delete(u.pc);
      return;
    }
    this.pending.set(id, { tier, units: described, epochs, discoveryMs });
  }

  /** The imports of every translated module: helpers, memory and the code cache's table (made once). */
  private importObject?: WebAssembly.Imports;
  private imports(): WebAssembly.Imports {
    return (this.importObject ??= { ferry: { ...this.machine.helpers(), table: this.cache.table } });
  }

  /** Installs the functions of a compiled module; `stale` units (code changed meanwhile) are skipped.
   *  The compile time recorded is `offThreadMs` (the worker's part) plus the main thread's from
   *  `mainStarted` to the end of the install. */
  private installInstance(
    tier: 'baseline' | 'opt', units: Unit[], instance: WebAssembly.Instance, exports: readonly string[],
    offThreadMs: number, mainStarted: number,
    stale?: (u: Unit) => boolean,
    /** Per unit, the pcs it calls directly (recordingLinks). */
    links?: readonly bigint[][],
  ): void {
    const c = this.counters[tier];
    c.modules++;
    let insns = 0;
    units.forEach((u, i) => {
      if (stale?.(u)) return;
      this.cache.install(u.pc, instance.exports[exports[i]!] as Function, u.pages, tier, u.insns, links?.[i]);
      this.controller.forget(u.pc);
      c.functions++;
      c.guestInsns += u.insns;
      insns += u.insns;
    });
    const ms = offThreadMs + nowMs() - mainStarted;
    c.compileMs += ms;
    this.controller.observeCompile(tier, insns, ms);
  }

  private install(replies: ReturnType<CompileClient['poll']>): void {
    for (const reply of replies) {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (!p) continue;
      for (const u of p.units) this.requested[p.tier].delete(u.pc);
      if (!reply.module || !reply.exports) throw new Error(`internal error: compile worker failed: ${reply.error}`);
      const mainStarted = nowMs();
      const instance = new WebAssembly.Instance(reply.module, this.imports());
      const stale = (u: Unit) => u.pages.some((page) => (this.pageEpoch.get(page) ?? 0) !== p.epochs.get(page));
      this.installInstance(p.tier, p.units, instance, reply.exports, p.discoveryMs + reply.compileMs, mainStarted, stale);
    }
  }

  close(): void {
    void this.client?.close();
  }
}
