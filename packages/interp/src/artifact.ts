// Where the prebuilt T0 interpreter lives, and loading it without binaryen.
import { readFileSync } from 'node:fs';

/** packages/interp/dist/interp.wasm, whether this file runs from src/ (tests) or dist/. */
export const INTERPRETER_ARTIFACT = new URL('../dist/interp.wasm', import.meta.url);

let cached: WebAssembly.Module | undefined;

export function loadInterpreterModule(): WebAssembly.Module {
  if (!cached) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(INTERPRETER_ARTIFACT);
    } catch {
      throw new Error(`the T0 interpreter has not been built (${INTERPRETER_ARTIFACT.pathname} is missing): run \`npm run build\``);
    }
    cached = new WebAssembly.Module(new Uint8Array(bytes));
  }
  return cached;
}
