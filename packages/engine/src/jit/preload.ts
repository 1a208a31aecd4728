// Translations made before the run (an AOT module): instantiated once against this machine's
// memory and helpers, placing its functions in a range of the code cache's table that is reserved
// for them, then adopted by the code cache lazily, the first time the engine looks a pc up. The
// jump cache is seeded with every entry at install, so translated code chains into preloaded code
// and T0 leaves for it exactly as if all were installed; the JS bookkeeping waits for a lookup.
// Invariant: every page an entry was made from is flagged CODE from install on, so a store to it
// (or fence.i) drops the entries not yet adopted along with the adopted ones, and a dropped entry
// is never adopted later.
import type { Machine } from '@ferry/runtime';
import type { CodeCache, PendingTranslation, PendingTranslations } from './code-cache.js';

/** The i32 global a preloaded module imports (from module `ferry`) as the first table slot of its
 *  functions: entry i's function goes to slot base + i by the module's element segment. */
export const PRELOADED_SLOT_BASE = 'slotBase';

export interface PreloadedCode {
  /** Tier name the translations carry in statistics ('aot'). */
  tier: string;
  /** Imports ferry.memory, ferry.table, ferry.slotBase and the helpers. */
  module: WebAssembly.Module;
  /** Guest pc of each entry, strictly ascending. */
  pcs: BigUint64Array;
  /** Guest instructions each entry covers (statistics). */
  insns: Uint32Array;
  /** Entry i was translated from pages[pageStart[i]] .. pages[pageStart[i + 1] - 1]. */
  pageStart: Uint32Array;
  pages: Float64Array;
  /** Where the module came from, for messages. */
  source: string;
}

const PENDING = 0;
const ADOPTED = 1;
const DROPPED = 2;

/** The entries of one instantiated module not yet adopted by the code cache. */
export class PreloadedTranslations implements PendingTranslations {
  private readonly status: Uint8Array;

  constructor(private readonly code: PreloadedCode, private readonly slotBase: number) {
    this.status = new Uint8Array(code.pcs.length);
  }

  take(pc: bigint): PendingTranslation | undefined {
    const i = this.indexOf(pc);
    if (i < 0 || this.status[i] !== PENDING) return undefined;
    this.status[i] = ADOPTED;
    const { pageStart, pages } = this.code;
    return { slot: this.slotBase + i, pages: Array.from(pages.subarray(pageStart[i]!, pageStart[i + 1]!)), tier: this.code.tier, insns: this.code.insns[i]! };
  }

  dropPage(page: number): bigint[] {
    const dropped: bigint[] = [];
    for (const i of this.entriesOfPage().get(page) ?? []) {
      if (this.status[i] !== PENDING) continue;
      this.status[i] = DROPPED;
      dropped.push(this.code.pcs[i]!);
    }
    return dropped;
  }

  /** page -> entries made from it, built at the first invalidation (most runs have none). */
  private byPage?: Map<number, number[]>;
  private entriesOfPage(): Map<number, number[]> {
    if (this.byPage) return this.byPage;
    const { pageStart, pages } = this.code;
    const byPage = (this.byPage = new Map<number, number[]>());
    for (let i = 0; i < this.status.length; i++) {
      for (let k = pageStart[i]!; k < pageStart[i + 1]!; k++) {
        const list = byPage.get(pages[k]!);
        if (list) list.push(i);
        else byPage.set(pages[k]!, [i]);
      }
    }
    return byPage;
  }

  dropAll(): void {
    for (let i = 0; i < this.status.length; i++) if (this.status[i] === PENDING) this.status[i] = DROPPED;
  }

  private indexOf(pc: bigint): number {
    const pcs = this.code.pcs;
    let low = 0;
    let high = pcs.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const at = pcs[mid]!;
      if (at === pc) return mid;
      if (at < pc) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }
}

/** Instantiates the module into reserved table slots, flags its pages as code, seeds the jump
 *  cache and hands the code cache its entries to adopt on lookup; returns the time taken in ms. */
export function installPreloaded(machine: Machine, cache: CodeCache, code: PreloadedCode): number {
  const started = performance.now();
  const slotBase = cache.reserveSlots(code.pcs.length);
  new WebAssembly.Instance(code.module, { ferry: { ...machine.helpers(), table: cache.table, [PRELOADED_SLOT_BASE]: slotBase } });
  const marked = new Set<number>();
  for (const page of code.pages) if (!marked.has(page)) (marked.add(page), machine.memory.markCode(page));
  cache.seedJumpCache(code.pcs, slotBase);
  cache.addPending(new PreloadedTranslations(code, slotBase));
  return performance.now() - started;
}
