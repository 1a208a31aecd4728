// The translation options of an AOT module: IR passes, binaryen passes and region size limits,
// with their defaults and the canonical text recorded in the manifest and the cache key. Kept
// apart from the compiler so that loading a module does not load the lifter.
// Invariant: describeOptions is a pure function of every field that changes the output.

export interface RegionLimits {
  maxBlocks: number;
  maxInsns: number;
  /** Shared code reaching at most this many instructions is compiled into each region using it
   *  (an epilogue) instead of becoming a region of its own. */
  duplicateBelow: number;
}

export const DEFAULT_REGION_LIMITS: RegionLimits = { maxBlocks: 48, maxInsns: 1200, duplicateBelow: 24 };

export interface TranslationOptions {
  /** IR passes per region: the full `opt` pipeline, one quick round, or none. */
  ir: 'opt' | 'quick' | 'none';
  /** How the module is made: binaryen with -O2, a cheap pass list or no passes, or the wasm
   *  writer the JIT tiers use (`direct`: no binaryen; it carries branch hints). */
  wasm: 'O2' | 'quick' | 'none' | 'direct';
  limits: RegionLimits;
}

export const DEFAULT_TRANSLATION_OPTIONS: TranslationOptions = { ir: 'quick', wasm: 'direct', limits: DEFAULT_REGION_LIMITS };

/** Canonical text of the options (recorded in the manifest and part of the cache key). */
export function describeOptions(o: TranslationOptions): string {
  return JSON.stringify({ ir: o.ir, wasm: o.wasm, maxBlocks: o.limits.maxBlocks, maxInsns: o.limits.maxInsns, duplicateBelow: o.limits.duplicateBelow });
}
