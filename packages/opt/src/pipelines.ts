// Named pipelines: the lists of passes that run, in order, and runPipeline, which runs one with
// the verifier after each pass (always in tests) and can record the IR after each pass.
// Invariant: a pipeline only ever names registered passes; a pipeline with more than one round
// repeats until nothing changes (bounded), so its result does not depend on how many rounds
// happened to be needed.
import { printFunc, verifyOrThrow, type Func } from '@ferry/ir';
import { FerryError } from '@ferry/util';
import { getPass } from './registry.js';

export interface Pipeline {
  passes: readonly string[];
  /** Repeat the list until no pass changes anything, at most this many rounds. */
  maxRounds: number;
}

export const PIPELINES = {
  /** The optimizing tier, on each lifted region before the backend. One round: over the corpus's
   *  function-entry regions a second round shrinks the IR by 0.2% for half the first round's time;
   *  the opt tier compiles 15-20% faster (sha256 11.6 -> 9.7 ms a region) for code ~3% slower. */
  // redundant-shadow is left out: its page caches made code slower once a plain shadow lookup
  // was one add (AOT bench_sort 2M 0.81/0.81 -> 0.99/1.06 s with it, bench_json 10000
  // 0.79/0.74 -> 0.92/0.88 s; design-notes.md). It stays registered for `--passes`.
  opt: {
    passes: ['reg-forward', 'const-fold', 'copy-prop', 'narrow', 'cse', 'dce'],
    maxRounds: 1,
  },
  /** No IR passes (for comparisons). */
  none: { passes: [], maxRounds: 1 },
} as const satisfies Record<string, Pipeline>;

export type PipelineName = keyof typeof PIPELINES;

export interface RunOptions {
  /** Run the IR verifier after every pass (throws naming the pass). */
  verify?: boolean;
  /** Record the printed IR after every pass. */
  record?: boolean;
}

export interface PassRecord {
  pass: string;
  /** Printed IR after the pass (empty unless recording). */
  text: string;
  changed: boolean;
  ms: number;
}

/** Runs a named pipeline, or an explicit list of pass names once, on func in place. */
export function runPipeline(func: Func, pipeline: PipelineName | readonly string[], options: RunOptions = {}): PassRecord[] {
  const { passes, maxRounds } = typeof pipeline === 'string' ? pipelineNamed(pipeline) : { passes: pipeline, maxRounds: 1 };
  const runs = passes.map(getPass);
  const records: PassRecord[] = [];
  for (let round = 0; round < maxRounds; round++) {
    let changed = false;
    for (const pass of runs) {
      const started = performance.now();
      const passChanged = pass.run(func);
      const ms = performance.now() - started;
      changed ||= passChanged;
      if (options.verify) verifyOrThrow(func, `after pass ${pass.name}${maxRounds > 1 ? ` (round ${round + 1})` : ''}`);
      records.push({ pass: pass.name, text: options.record ? printFunc(func) : '', changed: passChanged, ms });
    }
    if (!changed) break;
  }
  return records;
}

function pipelineNamed(name: string): Pipeline {
  if (!Object.hasOwn(PIPELINES, name)) throw new FerryError(`unknown pipeline '${name}'; known pipelines: ${Object.keys(PIPELINES).join(', ')}`);
  return PIPELINES[name as PipelineName];
}
