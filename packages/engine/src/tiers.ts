// The execution tiers Ferry offers, in order from cheapest to compile to fastest to run.
// Invariant: this list is the one place tiers are enumerated; `ferry run --tier`, `ferry compare`
// and the benchmark harness all take their tier list from it, so a tier added here shows up there.
export const TIERS = ['interp', 'baseline', 'opt', 'adaptive'] as const;
export type Tier = (typeof TIERS)[number];
