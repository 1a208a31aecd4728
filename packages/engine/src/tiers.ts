// The execution tiers Ferry offers, in order from cheapest to compile to fastest to run.
// Invariant: this list is the one place tiers are enumerated; `ferry run --tier`, `ferry compare`
// and the benchmark harness all take their tier list from it, so a tier added here shows up there.
// aot is the adaptive tier over a module translated ahead of time (`ferry run --tier aot` compiles
// it into the translation cache first if it is missing).
export const TIERS = ['interp', 'baseline', 'opt', 'adaptive', 'aot'] as const;
export type Tier = (typeof TIERS)[number];
