// Runs a wasm32-wasi program under node:wasi: the W reference of the benchmark harness.
// Usage: node --no-warnings bench/wasi-run.mjs [--dir PATH]... <program.wasm> <argv0> [args...]
// The program sees this process's environment and each --dir PATH preopened at the same path;
// its exit code becomes this process's. Invariant: nothing but the program writes to stdout.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const words = process.argv.slice(2);
/** @type {Record<string, string>} */
const preopens = {};
while (words[0] === '--dir') {
  const dir = words[1];
  if (dir === undefined) throw new Error('wasi-run: --dir needs a path');
  preopens[dir] = dir;
  words.splice(0, 2);
}
const [file, ...args] = words;
if (file === undefined || args.length === 0) {
  process.stderr.write('usage: node bench/wasi-run.mjs [--dir PATH]... <program.wasm> <argv0> [args...]\n');
  process.exit(2);
}
const wasi = new WASI({ version: 'preview1', args, env: process.env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, /** @type {WebAssembly.Imports} */ (wasi.getImportObject()));
process.exitCode = wasi.start(instance);
