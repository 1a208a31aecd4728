// V8 flags Ferry turns on when a run first needs them: the wasm hints its modules carry, and lazy
// compilation and validation for AOT modules. Invariant: each only changes code layout or compile
// timing, never behaviour. Flags are process-wide and read when a module is decoded, so modules
// made earlier keep their behaviour.
import { setFlagsFromString } from 'node:v8';

/** Set by the ferry bin (scripts/bundle-cli.mjs writes its main.js): writes the bin's V8 code
 *  cache if it needs writing. V8 stamps a code cache with the flags of the moment it is made and
 *  rejects one made after a flag changed at run time, so the cache is written before the first
 *  change. Made at exit instead, by an adaptive run, it was rejected by every later run, each
 *  compiling the whole CLI again and writing another such cache (hello: +18 ms a run). */
const beforeFlagChange = (): void => (globalThis as { __ferryBeforeV8Flags?: () => void }).__ferryBeforeV8Flags?.();

const set = new Set<string>();
/** Turns a V8 flag on once per process. */
export const setV8Flag = (flag: string): void => {
  if (set.has(flag)) return;
  if (set.size === 0) beforeFlagChange();
  set.add(flag);
  setFlagsFromString(flag);
};

/** Lets V8 read the branch hints JIT modules carry (the wasm writer marks every memory slow path
 *  unlikely, so TurboFan moves those paths and the spills around their helper calls out of line:
 *  adaptive bench_sort 2M and bench_json 10000 ran 4-6% faster). */
export const enableWasmHints = (): void => setV8Flag('--experimental-wasm-branch-hinting');

/** Lets V8 read compilation hints: the adaptive tier's optimized regions compile straight to
 *  TurboFan in the compile worker. Turned on only before the first such request, because with it
 *  V8 makes every module 60-75% slower (134 baseline modules: 29 -> 45-52 ms) even without a
 *  hints section. */
export const enableCompilationHints = (): void => setV8Flag('--experimental-wasm-compilation-hints');
