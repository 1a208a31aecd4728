// V8 flags for the wasm hints Ferry's modules carry, turned on when a run first needs them.
// Invariant: each only changes code layout or compile timing, never behaviour. Flags are
// process-wide and read when a module is decoded, so modules made earlier keep their behaviour.
import { setFlagsFromString } from 'node:v8';

const set = new Set<string>();
const setOnce = (flag: string): void => {
  if (set.has(flag)) return;
  set.add(flag);
  setFlagsFromString(flag);
};

/** Lets V8 read the branch hints JIT modules carry (the wasm writer marks every memory slow path
 *  unlikely, so TurboFan moves those paths and the spills around their helper calls out of line:
 *  adaptive bench_sort 2M and bench_json 10000 ran 4-6% faster). */
export const enableWasmHints = (): void => setOnce('--experimental-wasm-branch-hinting');

/** Lets V8 read compilation hints: the adaptive tier's optimized regions compile straight to
 *  TurboFan in the compile worker. Turned on only before the first such request, because with it
 *  V8 makes every module 60-75% slower (134 baseline modules: 29 -> 45-52 ms) even without a
 *  hints section. */
export const enableCompilationHints = (): void => setOnce('--experimental-wasm-compilation-hints');
