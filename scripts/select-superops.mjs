#!/usr/bin/env node
// Regenerates packages/interp/src/superops.json, the T0 interpreter's superoperators: profiles every
// corpus program (default run) on the profiling interpreter (`ferry profile`'s engine), then selects
// patterns greedily (interp superop-selection.ts: the pattern saving the most dispatches; the
// profile rewritten as if the decoder fused it; repeat) until MAX_PATTERNS or until the best saves
// less than MIN_SAVED of all dispatches. Benchmarks weigh BENCH_WEIGHT times as much as the other
// programs (whose time goes mostly to start-up code), since T0 speed is measured on them. Usage (after `npm run build`):
//   node scripts/select-superops.mjs [--programs REGEX]   then `npm run build` again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { profileProgram } from '@ferry/engine/profile';
import { SiteIndex, selectSuperops, simulateDispatches, parsePattern } from '@ferry/interp';
import { SUPEROPS_FILE } from '../packages/interp/dist/build.js';
import { loadManifest, prepareRun, ferryRunOptions, bytesReader } from './corpus-lib.mjs';

/** Handler slots left after the decoder rows (255 minus 193 rows), less a margin for new rows. */
const MAX_PATTERNS = 58;
const MIN_SAVED = 0.001;
const LENGTHS = [2, 3, 4];
const BENCH_WEIGHT = 10;

const filterAt = process.argv.indexOf('--programs');
const filter = new RegExp(filterAt > 0 ? process.argv[filterAt + 1] : '.');
const programs = [];
for (const entry of loadManifest()) {
  if (!filter.test(entry.name)) continue;
  const prepared = prepareRun(entry, 'default');
  try {
    const profile = profileProgram({
      ...ferryRunOptions(entry, prepared),
      stdout: { write() {} },
      stderr: { write() {} },
      ...(prepared.stdin ? { stdin: { read: bytesReader(prepared.stdin) } } : {}),
    });
    programs.push({ name: entry.name, index: new SiteIndex(profile.sites), weight: entry.bench ? BENCH_WEIGHT : 1 });
    console.log(`${entry.name}: ${profile.instructions} instructions, ${profile.sites.length} pcs`);
  } finally {
    prepared.cleanup();
  }
}

const started = performance.now();
const chosen = selectSuperops(programs, {
  maxPatterns: MAX_PATTERNS,
  minSaved: MIN_SAVED,
  lengths: LENGTHS,
  progress: (step) => console.log(`  ${((performance.now() - started) / 1000).toFixed(0)} s: ${step.pattern} (saves ${(step.saved * 100).toFixed(2)}%)`),
});
console.log(`selected ${chosen.length} patterns in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const parsed = chosen.map((c) => parsePattern(c.pattern));
for (const p of programs) {
  const sim = simulateDispatches(p.index, parsed);
  console.log(`${p.name.padEnd(20)} predicted dispatches per instruction ${(sim.dispatches / sim.instructions).toFixed(3)}`);
}
const set = {
  about: `T0 superoperators, tried in this order by the decoder. Chosen by scripts/select-superops.mjs over the corpus's default runs (greedy: ${LENGTHS.join('/')}-instruction patterns, benchmarks weighted ${BENCH_WEIGHT}x, at most ${MAX_PATTERNS}, stopping below ${MIN_SAVED * 100}% saved). saved: share of all dispatches the pattern removed when it was chosen.`,
  superops: chosen.map((c) => ({ pattern: c.pattern, saved: Number(c.saved.toFixed(5)) })),
};
writeFileSync(SUPEROPS_FILE, JSON.stringify(set, null, 1) + '\n');
console.log(`wrote ${SUPEROPS_FILE.pathname}`);

