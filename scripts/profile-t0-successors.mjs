#!/usr/bin/env node
// Regenerates packages/interp/src/successors.json, the T0 interpreter's inlining data: runs every
// corpus program (default variant) on a profiling build of the interpreter (with the current
// superoperators, so fused rows are handlers like the others) that counts executed (handler, next
// handler) pairs, weights each program equally, and keeps for each handler the one most often
// executed right after it when that follows it at least MIN_SHARE of the time; likewise for the
// plain build without superoperators (withoutSuperops), so --no-superops compares fairly.
// Usage (after `npm run build`, and after scripts/select-superops.mjs when the superoperators
// change): node scripts/profile-t0-successors.mjs, then `npm run build` again.
import { writeFileSync } from 'node:fs';
import { Machine } from '@ferry/runtime';
import { DecodeCache } from '@ferry/engine';
import { SUCCESSOR_COUNTS, SUCCESSOR_COUNTS_ROWS } from '@ferry/backend-wasm';
import { buildInterpreter, handlerNames, readSuperops, SUCCESSORS_FILE } from '../packages/interp/dist/build.js';
import { loadManifest, prepareRun, ferryRunOptions, bytesReader } from './corpus-lib.mjs';

const MIN_SHARE = 0.25;
/** Rows executed less than this fraction of all instructions (summed over programs) are left out. */
const MIN_WEIGHT = 1e-4;

const N = SUCCESSOR_COUNTS_ROWS;

/** handler name -> its most frequent successor's name, from a counting build with `superops`. */
function profileSuccessors(superops) {
  const module = new WebAssembly.Module(buildInterpreter({ countSuccessors: true, successors: null, superops }).binary);
  const names = handlerNames(superops);
  const weights = new Float64Array(N * N);
  for (const entry of loadManifest()) {
    const prepared = prepareRun(entry, 'default');
    try {
      const machine = Machine.load({
        ...ferryRunOptions(entry, prepared),
        stdout: { write() {} },
        stderr: { write() {} },
        ...(prepared.stdin ? { stdin: { read: bytesReader(prepared.stdin) } } : {}),
      });
      const counts = runCounting(machine, module);
      let total = 0;
      for (const c of counts) total += c;
      for (let i = 0; i < counts.length; i++) weights[i] += counts[i] / total;
      console.log(`${entry.name}: ${total} dispatches counted`);
    } finally {
      prepared.cleanup();
    }
  }
  const successors = {};
  const all = weights.reduce((a, b) => a + b, 0);
  for (let from = 0; from < names.length; from++) {
    let sum = 0, best = -1;
    for (let to = 0; to < names.length; to++) {
      sum += weights[from * N + to];
      if (best < 0 || weights[from * N + to] > weights[from * N + best]) best = to;
    }
    if (sum / all >= MIN_WEIGHT && weights[from * N + best] / sum >= MIN_SHARE) successors[names[from]] = names[best];
  }
  return successors;
}

const successors = profileSuccessors(readSuperops());
const withoutSuperops = profileSuccessors(null);
const profile = {
  about: `Handler (decoder row, or superoperator pattern) -> the handler most often executed right after it (>= ${MIN_SHARE * 100}% of the time), over the corpus's default runs, each program weighted equally. Regenerate with scripts/profile-t0-successors.mjs.`,
  successors,
  withoutSuperops,
};
writeFileSync(SUCCESSORS_FILE, JSON.stringify(profile, null, 1) + '\n');
console.log(`wrote ${Object.keys(successors).length} successors (${Object.keys(withoutSuperops).length} for the plain build) to ${SUCCESSORS_FILE.pathname}`);

/** Runs the machine to its end on the counting interpreter; returns the pair counts. */
function runCounting(machine, module) {
  const memory = machine.wasmMemory;
  new Uint32Array(memory.buffer, SUCCESSOR_COUNTS, N * N).fill(0);
  const cache = new DecodeCache(memory);
  cache.clear();
  machine.onCodeWrite = (page) => {
    cache.clearPage(page);
    machine.memory.clearCode(page);
  };
  const instance = new WebAssembly.Instance(module, { ferry: { memory, ...machine.helpers() } });
  const run = instance.exports.run;
  const state = machine.state;
  for (;;) {
    state.budget = 1n << 20n;
    let code;
    try {
      code = run();
    } catch {
      break; // a guest fault ends the program, as it would under Ferry
    }
    if (code === 1) {
      if (machine.syscall().exited) break;
    } else if (code === 5) {
      cache.clear();
      state.pc = state.exitPc + 4n;
    } else if (code !== 4) break;
  }
  return Uint32Array.from(new Uint32Array(memory.buffer, SUCCESSOR_COUNTS, N * N));
}

