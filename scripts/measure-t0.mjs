#!/usr/bin/env node
// Measures what superoperators and exit coalescing buy on the corpus (after `npm run build`):
//   - per benchmark: dispatches per guest instruction (counting builds of the T0 interpreter with
//     and without superoperators, built here with binaryen) and T0 speed (median of REPS runs of the
//     shipped interpreters, --superops and --no-superops), with the geomean speedup;
//   - for the exit-heavy programs: transitions per million guest instructions and wall time with
//     coalescing on and off (T0).
// Prints markdown tables. Usage: node scripts/measure-t0.mjs [--reps N] [--size default|mid|full]
// (mid: each benchmark about 0.5-2 s on T0, long enough for V8 to have optimized the interpreter).
import { join } from 'node:path';
import { DISPATCH_COUNT_EXPORT } from '@ferry/backend-wasm';
import { DecodeCache, runCaptured } from '@ferry/engine';
import { Machine } from '@ferry/runtime';
import { buildInterpreter } from '../packages/interp/dist/build.js';
import { loadManifest, prepareRun, repoRoot, ferryRunOptions, bytesReader } from './corpus-lib.mjs';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const REPS = Number(arg('--reps', '5'));
const SIZE = arg('--size', 'default');
const EXIT_PROGRAMS = ['unbuffered_writes', 'clock_pairs', 'getpid_loop'];
const manifest = loadManifest();
/** Arguments of the mid size (the manifest has default and full only). */
const MID_ARGS = {
  bench_sha256: ['8192'], bench_lz: ['2048'], bench_matmul: ['160'], bench_nbody: ['150000'],
  bench_sort: ['600000'], bench_interp: ['8000'], bench_json: ['3000'],
};

function guestOptions(entry, size) {
  const prepared = prepareRun(entry, entry.runs[size] ? size : 'default');
  const argv = size === 'mid' && MID_ARGS[entry.name] ? [prepared.argv[0], ...MID_ARGS[entry.name]] : prepared.argv;
  return {
    prepared,
    options: {
      path: join(repoRoot, 'corpus', 'bin', entry.name),
      argv,
      env: Object.entries(prepared.env).map(([k, v]) => `${k}=${v}`),
      dirs: prepared.tmpdir ? [{ host: prepared.tmpdir, guest: prepared.tmpdir, writable: true }] : [],
      ...(prepared.stdin ? { stdin: prepared.stdin } : {}),
    },
  };
}

/** Dispatches and instructions of one run on a counting build (exits served one by one). */
function countDispatches(module, entry) {
  const { prepared, options } = guestOptions(entry, SIZE);
  try {
    const machine = Machine.load({ ...options, stdout: { write() {} }, stderr: { write() {} }, ...(options.stdin ? { stdin: { read: bytesReader(options.stdin) } } : {}) });
    const cache = new DecodeCache(machine.wasmMemory);
    cache.clear();
    machine.onCodeWrite = (page) => (cache.clearPage(page), machine.memory.clearCode(page));
    const instance = new WebAssembly.Instance(module, { ferry: machine.helpers() });
    const run = instance.exports.run;
    for (;;) {
      machine.state.budget = 1n << 20n;
      let code;
      try {
        code = run();
      } catch {
        break;
      }
      if (code === 1) {
        if (machine.syscall().exited) break;
      } else if (code === 5) {
        cache.clear();
        machine.state.pc = machine.state.exitPc + 4n;
      } else if (code !== 4) break;
    }
    return { dispatches: Number(instance.exports[DISPATCH_COUNT_EXPORT].value), instructions: Number(machine.state.instret) };
  } finally {
    prepared.cleanup();
  }
}

async function timeRuns(entry, runOptions) {
  const times = [];
  let last;
  for (let i = 0; i < REPS; i++) {
    const { prepared, options } = guestOptions(entry, SIZE);
    try {
      last = await runCaptured({ ...options, tier: 'interp', ...runOptions });
      times.push(last.stats.wallMs);
    } finally {
      prepared.cleanup();
    }
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], stats: last.stats };
}

const counting = {
  on: new WebAssembly.Module(buildInterpreter({ countDispatches: true }).binary),
  off: new WebAssembly.Module(buildInterpreter({ countDispatches: true, superops: null }).binary),
};
const rows = [];
let logSum = 0;
for (const entry of manifest.filter((e) => e.bench)) {
  const on = countDispatches(counting.on, entry), off = countDispatches(counting.off, entry);
  const fast = await timeRuns(entry, { superops: true }), slow = await timeRuns(entry, { superops: false });
  const mips = (t) => Number(t.stats.instructions) / t.ms / 1000;
  logSum += Math.log(slow.ms / fast.ms);
  rows.push(`| ${entry.name} | ${(off.dispatches / off.instructions).toFixed(3)} | ${(on.dispatches / on.instructions).toFixed(3)} | ${mips(slow).toFixed(1)} | ${mips(fast).toFixed(1)} | ${(slow.ms / fast.ms).toFixed(2)}x |`);
  console.error(`${entry.name} done`);
}
console.log(`T0 superoperators (${SIZE} size, median of ${REPS} runs; dispatches from counting builds)\n`);
console.log('| benchmark | dispatches/insn without | with | T0 M insn/s without | with | speedup |');
console.log('|---|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(`\ngeomean T0 speedup: ${Math.exp(logSum / rows.length).toFixed(3)}x\n`);

console.log(`Exit coalescing on T0 (default size, median of ${REPS} runs)\n`);
console.log('| program | transitions/M insn off | on | exits served in place (on) | wall ms off | on |');
console.log('|---|---|---|---|---|---|');
for (const name of EXIT_PROGRAMS) {
  const entry = manifest.find((e) => e.name === name);
  const off = await timeRuns(entry, { coalesce: false }), on = await timeRuns(entry, { coalesce: true });
  console.log(`| ${name} | ${off.stats.transitionsPerMillion.toFixed(0)} | ${on.stats.transitionsPerMillion.toFixed(1)} | ${on.stats.exitsServedInPlace} | ${off.ms.toFixed(1)} | ${on.ms.toFixed(1)} |`);
}

