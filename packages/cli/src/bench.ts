// `ferry bench [options]` (also `npm run bench`): runs the corpus benchmarks in qemu-riscv64,
// wasm32-wasi, native and every Ferry tier side by side, prints the markdown tables and writes
// JSON, SVG and HTML reports. Exit status 1 when any run's output did not match.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { TIERS } from '@ferry/engine';
import { FerryError } from '@ferry/util';
import { repoRoot } from './bench/corpus.js';
import { type BenchResults, runBench } from './bench/harness.js';
import { resultsToMarkdown } from './bench/markdown.js';
import { hasErrors, writeReport } from './bench/output.js';

interface BenchArgs {
  filter?: string;
  tiers?: string;
  reps: number;
  warmups: number;
  quick: boolean;
  size?: 'small' | 'full';
  out?: string;
  timeout: number;
  startup: boolean;
  build: boolean;
  report?: string;
}

/** "interp,baseline" -> tier names, each checked against TIERS; "none" -> no tier. */
export function parseTierList(text: string | undefined): string[] {
  if (text === undefined) return [...TIERS];
  if (text.trim() === 'none') return [];
  const names = text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  for (const name of names) {
    if (!(TIERS as readonly string[]).includes(name)) throw new FerryError(`--tiers: unknown tier "${name}"; tiers are ${TIERS.join(', ')} (or none)`);
  }
  return names;
}

export function parseFilter(text: string | undefined): RegExp | undefined {
  if (text === undefined) return undefined;
  try {
    return new RegExp(text);
  } catch (e) {
    throw new FerryError(`--filter ${text}: not a regular expression (${(e as Error).message})`);
  }
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench',
  describe: 'benchmark every tier against qemu-riscv64 (Q), wasm32-wasi (W) and native (N)',
  builder: (y) =>
    y
      .option('filter', { type: 'string', describe: 'only benchmarks whose name matches this regular expression' })
      .option('tiers', { type: 'string', describe: `comma-separated Ferry tiers (default: all of ${TIERS.join(', ')}; "none" for references only)` })
      .option('reps', { type: 'number', default: 5, describe: 'timed repetitions per benchmark and column' })
      .option('warmups', { type: 'number', default: 1, describe: 'untimed rounds before the timed ones (output still checked)' })
      .option('quick', { type: 'boolean', default: false, describe: 'small size, 1 repetition, no warm-up' })
      .option('size', { choices: ['small', 'full'] as const, describe: 'benchmark size (default full; small with --quick)' })
      .option('out', { type: 'string', describe: 'directory for the JSON, markdown, SVG and HTML reports (default: bench/results in the repository)' })
      .option('timeout', { type: 'number', default: 900, describe: 'seconds one run may take before it is killed and reported as an error' })
      .option('startup', { type: 'boolean', default: true, describe: 'also measure hello start-up (--no-startup to skip)' })
      .option('build', { type: 'boolean', default: true, describe: 'build missing host/wasm references with corpus/build.sh (--no-build to skip)' })
      .option('report', { type: 'string', describe: 'measure nothing: re-render the reports of this results JSON file (next to it, or in --out)' }) as never,
  handler: async (argv) => {
    if (argv.report !== undefined) {
      const results = JSON.parse(readFileSync(argv.report, 'utf8')) as BenchResults;
      if (results.format !== 'ferry-bench/1') throw new FerryError(`${argv.report}: not a ferry bench results file (format ${String(results.format)})`);
      writeReport(results, argv.out === undefined ? dirname(resolve(argv.report)) : resolve(argv.out));
      process.stdout.write(resultsToMarkdown(results));
      return;
    }
    if (!(argv.reps >= 1) || !Number.isInteger(argv.reps)) throw new FerryError(`--reps ${argv.reps}: expected a whole number ≥ 1`);
    if (!(argv.warmups >= 0) || !Number.isInteger(argv.warmups)) throw new FerryError(`--warmups ${argv.warmups}: expected a whole number ≥ 0`);
    const results = await runBench({
      filter: parseFilter(argv.filter),
      tiers: parseTierList(argv.tiers),
      reps: argv.quick ? 1 : argv.reps,
      warmups: argv.quick ? 0 : argv.warmups,
      size: argv.size ?? (argv.quick ? 'small' : 'full'),
      timeoutMs: argv.timeout * 1000,
      startup: argv.startup,
      buildReferences: argv.build,
    });
    const written = writeReport(results, argv.out === undefined ? resolve(repoRoot, 'bench', 'results') : resolve(argv.out));
    process.stdout.write(resultsToMarkdown(results));
    process.stderr.write(`bench: wrote ${written.json}, ${written.markdown}, ${written.svg}, ${written.html}\n`);
    if (hasErrors(results)) {
      process.stderr.write('bench: some runs did not match the expected output (see the errors table)\n');
      process.exitCode = 1;
    }
  },
};
