// Translations made before the run (an AOT module, a persistent cache): instantiated against this
// machine's memory, helpers and the code cache's funcref table, and installed by guest pc like any
// JIT translation. Their pages are flagged CODE, so a store to one invalidates them exactly as it
// would a JIT translation; uncovered code is left to the run's tier.
// Invariant: either every entry is installed or a FerryError names the missing export and nothing
// about the run has been decided from the module yet (install happens before the first slice).
import type { Machine } from '@ferry/runtime';
import { FerryError, hex } from '@ferry/util';
import type { CodeCache } from './code-cache.js';

export interface PreloadedEntry {
  /** Guest pc the function is the translation of. */
  pc: bigint;
  /** The module's export holding it. */
  exportName: string;
  /** Guest pages its code was translated from. */
  pages: readonly number[];
  /** Guest instructions it covers (statistics). */
  insns: number;
}

export interface PreloadedCode {
  /** Tier name the translations carry in statistics ('aot'). */
  tier: string;
  module: WebAssembly.Module;
  entries: readonly PreloadedEntry[];
  /** Where the module came from, for messages. */
  source: string;
}

/** Instantiates the module and installs every entry; returns the time taken in ms. */
export function installPreloaded(machine: Machine, cache: CodeCache, code: PreloadedCode): number {
  const started = performance.now();
  const instance = new WebAssembly.Instance(code.module, { ferry: { ...machine.helpers(), table: cache.table } });
  const marked = new Set<number>();
  for (const entry of code.entries) {
    const fn = instance.exports[entry.exportName];
    if (typeof fn !== 'function') {
      throw new FerryError(`${code.source}: the translation of ${hex(entry.pc)} names export '${entry.exportName}', which the module lacks`);
    }
    for (const page of entry.pages) {
      if (!marked.has(page)) (marked.add(page), machine.memory.markCode(page));
    }
    cache.install(entry.pc, fn, [...entry.pages], code.tier, entry.insns);
  }
  return performance.now() - started;
}
