// Direct calls between the translations of one module (backend-wasm DirectLinks). A transfer to
// a constant pc that another function of the same module translates may be a return_call to it,
// skipping the jump cache and the table; the rule here keeps that right under invalidation.
import type { DirectLinks } from '@ferry/backend-wasm/baseline';

/** One translation of a module to be: its entry pc and the guest pages it was made from. */
export interface ModuleUnit {
  pc: bigint;
  pages: readonly number[];
}

/** Unit `from` may call the unit entered at pc directly when that unit's pages are all among
 *  `from`'s own: invalidation drops translations by page, so the target can never be dropped
 *  while the caller lives on. A direct call keeps reaching the target's translation after a
 *  higher tier replaces it; the engine switches to the new one at the next budget exit. A code
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
