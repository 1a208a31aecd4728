// Translated code: guest pc -> funcref-table slot, plus the jump cache in wasm memory that
// translated code consults to chain without returning (abi JUMP_CACHE), and the pages each
// translation was made from, so a store to one of them drops exactly those translations.
// Preloaded (AOT) translations wait as PendingTranslations until a lookup adopts them.
// Invariant: once the jump cache is prepared (before its first entry is written, and before T0
// looks entries up), an entry names a live translation, a pending one, or is empty (tag -1).
import type { GuestBlock } from '@ferry/lift-riscv';
import {
  GUEST_PAGE_SHIFT, JUMP_CACHE, JUMP_CACHE_ENTRIES, JUMP_CACHE_ENTRY_SIZE, JUMP_CACHE_INDEX_MASK,
} from '@ferry/abi';

export interface Translation {
  pc: bigint;
  slot: number;
  pages: number[];
  tier: string;
  /** Guest instructions it covers (for statistics). */
  insns: number;
  /** pcs whose translations (as installed when this one was) it calls directly (links.ts). */
  links?: readonly bigint[];
}

/** A translation already in the table (a preloaded module's function) not yet adopted. */
export interface PendingTranslation {
  slot: number;
  pages: number[];
  tier: string;
  insns: number;
}

/** Translations the cache adopts on first lookup (see preload.ts). */
export interface PendingTranslations {
  /** The pending translation of pc, which from now on is no longer pending. */
  take(pc: bigint): PendingTranslation | undefined;
  /** Drops the pending translations made from page; returns their pcs. */
  dropPage(page: number): bigint[];
  dropAll(): void;
}

const TABLE_CHUNK = 1024;
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

export class CodeCache {
  readonly table: WebAssembly.Table;
  private readonly byPc = new Map<bigint, Translation>();
  private readonly byPage = new Map<number, Set<Translation>>();
  /** pc -> the translations that call its translation directly. */
  private readonly linkedFrom = new Map<bigint, Set<Translation>>();
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private readonly pending: PendingTranslations[] = [];
  /** Whether the jump cache has been emptied: when the first translation is tracked or entries
   *  are seeded (every way into translated code, and every entry a drop would clear, comes
   *  after one of those), or when T0 is about to look entries up (prepareJumpCache). A run that
   *  never leaves T0 (hello) does not touch its 1 MiB (~0.7 ms). */
  private jumpCacheReady = false;

  /** chain = false leaves the jump cache empty, so every translation returns to the engine at its
   *  first transfer (the lockstep checker compares state there). */
  constructor(private readonly memory: WebAssembly.Memory, private readonly chain = true) {
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: TABLE_CHUNK });
  }

  /** Empties the jump cache if nothing has yet: before T0's taken-branch hooks read it. */
  prepareJumpCache(): void {
    if (!this.jumpCacheReady) this.clearJumpCache();
  }

  /** False for the lockstep checker's cache: translations never chain (see the constructor). */
  get chains(): boolean {
    return this.chain;
  }

  get size(): number {
    return this.byPc.size;
  }

  /** No translation, installed or pending (preloaded): the jump cache has no entry. */
  get empty(): boolean {
    return this.byPc.size === 0 && this.pending.length === 0;
  }

  lookup(pc: bigint): Translation | undefined {
    return this.byPc.get(pc) ?? (this.pending.length ? this.adopt(pc) : undefined);
  }

  /** Reserves n consecutive table slots (for a preloaded module's element segment); returns the first. */
  reserveSlots(n: number): number {
    const base = this.nextSlot;
    this.nextSlot += n;
    if (this.nextSlot > this.table.length) this.table.grow(Math.ceil((this.nextSlot - this.table.length) / TABLE_CHUNK) * TABLE_CHUNK);
    return base;
  }

  /** Points the jump cache at slots base, base + 1, ... for pcs (pending translations' entries).
   *  Thousands of entries: 32-bit halves instead of a BigInt operation per entry. */
  seedJumpCache(pcs: BigUint64Array, base: number): void {
    this.prepareJumpCache();
    if (!this.chain) return;
    if (!LITTLE_ENDIAN) {
      for (let i = 0; i < pcs.length; i++) this.writeJumpCache(pcs[i]!, base + i);
      return;
    }
    const halves = new Uint32Array(pcs.buffer, pcs.byteOffset, pcs.length * 2);
    const words = new Uint32Array(this.memory.buffer, JUMP_CACHE, JUMP_CACHE_ENTRIES * (JUMP_CACHE_ENTRY_SIZE / 4));
    for (let i = 0; i < pcs.length; i++) {
      const low = halves[2 * i]!;
      const at = ((low >>> 1) & JUMP_CACHE_INDEX_MASK) * (JUMP_CACHE_ENTRY_SIZE / 4);
      words[at] = low;
      words[at + 1] = halves[2 * i + 1]!;
      words[at + 2] = base + i;
    }
  }

  addPending(source: PendingTranslations): void {
    this.pending.push(source);
  }

  private adopt(pc: bigint): Translation | undefined {
    for (const source of this.pending) {
      const p = source.take(pc);
      if (!p) continue;
      const t: Translation = { pc, slot: p.slot, pages: p.pages, tier: p.tier, insns: p.insns };
      this.track(t);
      return t;
    }
    return undefined;
  }

  /** Installs a compiled function as the translation of pc (replacing an older one, and dropping
   *  the translations that call the older one directly, so they do not bypass the new one).
   *  `links`: the pcs whose translations fn calls directly (installed or installed next). */
  install(pc: bigint, fn: Function, pages: number[], tier: string, insns: number, links: readonly bigint[] = []): Translation {
    const old = this.byPc.get(pc);
    if (old) this.remove(old);
    for (const source of this.pending) source.take(pc); // superseded: never adopted later
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    if (slot >= this.table.length) this.table.grow(TABLE_CHUNK);
    this.table.set(slot, fn);
    const t: Translation = { pc, slot, pages, tier, insns, ...(links.length ? { links } : {}) };
    this.track(t);
    for (const target of links) {
      let set = this.linkedFrom.get(target);
      if (!set) this.linkedFrom.set(target, (set = new Set()));
      set.add(t);
    }
    return t;
  }

  private track(t: Translation): void {
    const { pc, pages, slot } = t;
    this.byPc.set(pc, t);
    for (const p of pages) {
      let set = this.byPage.get(p);
      if (!set) this.byPage.set(p, (set = new Set()));
      set.add(t);
    }
    this.prepareJumpCache();
    this.writeJumpCache(pc, slot);
  }

  /** Runs t; first re-points t's jump-cache entry at it, since the entry is direct-mapped and
   *  another translation whose pc shares it may have taken it: a hot target that lost such a
   *  collision chains again instead of exiting every time (AOT modules install thousands). */
  call(t: Translation): number {
    this.writeJumpCache(t.pc, t.slot);
    return (this.table.get(t.slot) as () => number)();
  }

  /** Drops the translations made from a page, pending ones included; returns how many. */
  invalidatePage(page: number): number {
    let dropped = 0;
    for (const source of this.pending) {
      for (const pc of source.dropPage(page)) (this.clearJumpCacheEntry(pc), dropped++);
    }
    const set = this.byPage.get(page);
    if (!set) return dropped;
    const victims = [...set];
    for (const t of victims) this.remove(t);
    return dropped + victims.length;
  }

  clear(): void {
    for (const source of this.pending) source.dropAll();
    for (const t of [...this.byPc.values()]) this.remove(t);
    this.clearJumpCache();
  }

  /** Drops t, and every translation that calls it directly (they would keep calling it). */
  private remove(t: Translation): void {
    if (this.byPc.get(t.pc) !== t) return;
    this.byPc.delete(t.pc);
    for (const p of t.pages) this.byPage.get(p)?.delete(t);
    this.clearJumpCacheEntry(t.pc);
    this.table.set(t.slot, null);
    this.freeSlots.push(t.slot);
    for (const target of t.links ?? []) this.linkedFrom.get(target)?.delete(t);
    const callers = this.linkedFrom.get(t.pc);
    if (!callers) return;
    this.linkedFrom.delete(t.pc);
    for (const caller of callers) this.remove(caller);
  }

  private clearJumpCacheEntry(pc: bigint): void {
    const view = this.entryView(pc);
    if (view.getBigInt64(0, true) === pc) view.setBigInt64(0, -1n, true);
  }

  private entryView(pc: bigint): DataView {
    const index = Number((pc >> 1n) & BigInt(JUMP_CACHE_INDEX_MASK));
    return new DataView(this.memory.buffer, JUMP_CACHE + index * JUMP_CACHE_ENTRY_SIZE, JUMP_CACHE_ENTRY_SIZE);
  }

  private writeJumpCache(pc: bigint, slot: number): void {
    if (!this.chain) return;
    const view = this.entryView(pc);
    view.setBigInt64(0, pc, true);
    view.setInt32(8, slot, true);
  }

  /** Every entry empty: all bytes 0xff, so every tag reads -1 (an empty entry's slot is never read). */
  private clearJumpCache(): void {
    this.jumpCacheReady = true;
    new Uint8Array(this.memory.buffer, JUMP_CACHE, JUMP_CACHE_ENTRIES * JUMP_CACHE_ENTRY_SIZE).fill(0xff);
  }
}

export const pageOf = (address: bigint): number => Number(address >> BigInt(GUEST_PAGE_SHIFT));

/** The guest pages blocks were decoded from (an instruction may straddle two): what a
 *  translation made from them is invalidated by. */
export function pagesOf(blocks: readonly GuestBlock[]): number[] {
  const pages = new Set<number>();
  for (const b of blocks) for (const insn of b.insns) (pages.add(pageOf(insn.pc)), pages.add(pageOf(insn.pc + BigInt(insn.size) - 1n)));
  return [...pages];
}
