// Direct calls between the translations of one module (backend-wasm DirectLinks). A transfer to
// a constant pc that another function of the same module translates may be a return_call to it,
// skipping the jump cache and the table; the rule here keeps that right under invalidation.
import type { DirectLinks } from '@ferry/backend-wasm/baseline';
import type { CodeCache } from './code-cache.js';

/** One translation of a module to be: its entry pc and the guest pages it was made from. */
export interface ModuleUnit {
  pc: bigint;
  pages: readonly number[];
}

/** Unit `from` may call the unit entered at pc directly when that unit's pages are all among
 *  `from`'s own: invalidation drops translations by page, so the target can never be dropped
 *  while the caller lives on. A translation that replaces the target (a higher tier) must drop
 *  its direct callers, which the code cache does for the links recordingLinks recorded. A code
 *  cache that does not chain (the lockstep checker's) must not use links. */
export function sameModuleLinks(units: readonly ModuleUnit[]): DirectLinks {
  const byPc = new Map(units.map((u, i) => [u.pc, i]));
  return (from, pc) => {
    const to = byPc.get(pc);
    if (to === undefined) return undefined;
    const own = units[from]!.pages;
    return units[to]!.pages.every((p) => own.includes(p)) ? to : undefined;
  };
}

/** links, also recording per unit the pcs the backend made direct calls to (CodeCache.install's
 *  `links`). */
export function recordingLinks(links: DirectLinks, units: number): { links: DirectLinks; made: bigint[][] } {
  const made = Array.from({ length: units }, (): bigint[] => []);
  return {
    made,
    links: (from, pc) => {
      const to = links(from, pc);
      if (to !== undefined && !made[from]!.includes(pc)) made[from]!.push(pc);
      return to;
    },
  };
}

/** The links of a baseline module the code cache is about to hold, recorded for its install;
 *  none when the cache does not chain. */
export function baselineLinks(cache: CodeCache, units: readonly ModuleUnit[]): { links: DirectLinks; made: bigint[][] } | undefined {
  return cache.chains ? recordingLinks(sameModuleLinks(units), units.length) : undefined;
}
