// Where the prebuilt T0 interpreters live, and loading them without binaryen. Variants: the default
// one with superoperators, a plain one without (--no-superops, for comparison), and a profiling one
// (ferry profile) that counts executions per pc and row pairs, with neither superoperators nor
// inlined successors.
import { readFileSync } from 'node:fs';

export type InterpreterVariant = 'superops' | 'plain' | 'profile';

/** packages/interp/dist/*.wasm, whether this file runs from src/ (tests) or dist/. */
export const INTERPRETER_ARTIFACTS: Readonly<Record<InterpreterVariant, URL>> = {
  superops: new URL('../dist/interp.wasm', import.meta.url),
  plain: new URL('../dist/interp-plain.wasm', import.meta.url),
  profile: new URL('../dist/interp-profile.wasm', import.meta.url),
};
export const INTERPRETER_ARTIFACT = INTERPRETER_ARTIFACTS.superops;

const cached = new Map<InterpreterVariant, WebAssembly.Module>();

export function loadInterpreterModule(variant: InterpreterVariant = 'superops'): WebAssembly.Module {
  let module = cached.get(variant);
  if (!module) {
    const file = INTERPRETER_ARTIFACTS[variant];
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new Error(`the T0 interpreter has not been built (${file.pathname} is missing): run \`npm run build\``);
    }
    module = new WebAssembly.Module(new Uint8Array(bytes));
    cached.set(variant, module);
  }
  return module;
}
