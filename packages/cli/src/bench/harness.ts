// The benchmark run: for each selected corpus benchmark, every column (Q, W, N, each Ferry tier)
// runs as a child process, interleaved round by round (warm-up rounds first), and every run's
// stdout and exit status are checked against corpus/expected before its time counts. Also
// measures start-up on `hello`. Returns plain data; reports are made from it elsewhere.
// Invariant: a column with a mismatched run carries an error and no time; a missing tool or
// build makes the column "not available" with the reason; neither is ever given a number.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { type CorpusEntry, type ExpectedRun, loadCorpusLib, variantOf } from './corpus.js';
import { readFerryStats, type TierCompileCost } from './ferry-stats.js';
import { GNU_TIME, measureOnce, outputMismatch, type Sample } from './measure.js';
import { Progress } from './progress.js';
import { median, mips, summarize, type Summary } from './stats.js';
import { type Column, REFERENCE_COLUMNS, availability, ensureReferenceBuilds, invocationFor, prepareAot, qemuVersion, tierColumns } from './subjects.js';

export interface BenchOptions {
  /** Benchmarks whose name matches (default: all `bench: true` entries). */
  filter?: RegExp | undefined;
  tiers: readonly string[];
  /** Timed repetitions per column. */
  reps: number;
  /** Untimed (but checked) rounds before the timed ones. */
  warmups: number;
  size: 'small' | 'full';
  /** Kill a single run after this long. */
  timeoutMs: number;
  /** Measure `hello` start-up too. */
  startup: boolean;
  /** Build missing host/wasm references with corpus/build.sh. */
  buildReferences: boolean;
  quietProgress?: boolean;
}

export interface FerryDetail {
  instructions: number | undefined;
  /** Engine-reported run time (program loaded to exit), median. */
  runMs: Summary | undefined;
  /** Median of (wall time - engine run time): Node start, loading Ferry and the ELF. */
  startupMs: number | undefined;
  /** Guest instructions per microsecond of engine run time. */
  mips: number | undefined;
  /** Steady state: guest instructions per microsecond of the time spent inside the tier's code
   *  (slices entered in translated code; for interp, in the interpreter), leaving out start-up,
   *  compiling, waiting for the compiler and the dispatcher; median over the timed runs. */
  codeMips: number | undefined;
  compileMs: number | undefined;
  compiledUnits: number | undefined;
  firstChunkMs: number | undefined;
  exits: number | undefined;
  /** Compile time and units per tier, as the last timed run reported them (adaptive tiers). */
  compileByTier: Record<string, TierCompileCost>;
  /** The last timed run's --stats-json record, as reported. */
  lastStats: Record<string, unknown> | undefined;
}

export interface CellResult {
  column: string;
  /** Why the column could not run here (tool or build missing). */
  unavailable?: string;
  /** Why its result does not count (output mismatch, crash, timeout). */
  error?: string;
  /** Timed wall times, ms, in run order. */
  samplesMs: number[];
  wallMs?: Summary;
  /** Median peak RSS of the timed runs, KiB. */
  maxRssKiB?: number;
  ferry?: FerryDetail;
  /** aot column: ms `ferry aot` took to make the module before the runs (0: it was cached). */
  aotTranslateMs?: number;
}

export interface BenchmarkResult {
  name: string;
  variant: string;
  args: string[];
  cells: CellResult[];
}

export interface BenchResults {
  format: 'ferry-bench/1';
  startedAt: string;
  finishedAt: string;
  host: { node: string; cpus: number; cpuModel: string; qemu: string | undefined; peakRssFrom: string };
  options: { filter: string | undefined; tiers: string[]; reps: number; warmups: number; size: 'small' | 'full'; timeoutMs: number };
  columns: Column[];
  benchmarks: BenchmarkResult[];
  /** `hello` (default variant) in every column, when measured. */
  startup: BenchmarkResult | undefined;
  /** Problems that are not tied to one cell (a failed reference build). */
  notes: string[];
}

interface CellState {
  column: Column;
  result: CellResult;
  samples: Sample[];
}

/** Timed runs of `hello` per column at least, whatever --reps says. */
export const STARTUP_MIN_REPS = 5;

/** Runs the benchmarks and returns every measurement. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const lib = await loadCorpusLib();
  const progress = new Progress(process.stderr, options.quietProgress ?? false);
  const startedAt = new Date().toISOString();
  const manifest = lib.loadManifest();
  const selected = manifest.filter((e) => e.bench && (options.filter?.test(e.name) ?? true));
  if (selected.length === 0) throw new Error(`no benchmark matches ${options.filter ?? 'the manifest'}`);
  const hello = manifest.find((e) => e.name === 'hello');
  const columns = [...REFERENCE_COLUMNS, ...tierColumns(options.tiers)];
  const notes: string[] = [];

  if (options.buildReferences) {
    const problem = ensureReferenceBuilds([...selected, ...(options.startup && hello ? [hello] : [])], (line) => progress.note(line));
    if (problem) {
      notes.push(problem);
      progress.note(problem);
    }
  }

  const variant = variantOf(options.size);
  const benchmarks: BenchmarkResult[] = [];
  for (const [index, entry] of selected.entries()) {
    benchmarks.push(await measureEntry(entry, variant, columns, options, progress, `${index + 1}/${selected.length}`));
  }
  // hello takes ~0.1 s a run in most columns: a median of a few runs costs little, and one run
  // each was too noisy to compare the tiers (one run: adaptive 71.0 vs interp 63.6 ms; 15 runs
  // each: 100.0 vs 102.3).
  const startupOptions = { ...options, reps: Math.max(options.reps, STARTUP_MIN_REPS) };
  const startup = options.startup && hello ? await measureEntry(hello, 'default', columns, startupOptions, progress, 'start-up') : undefined;
  progress.done();
  return {
    format: 'ferry-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    host: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', qemu: qemuVersion(), peakRssFrom: GNU_TIME ? 'GNU time %M' : 'ferry --stats-json only' },
    options: { filter: options.filter?.source, tiers: [...options.tiers], reps: options.reps, warmups: options.warmups, size: options.size, timeoutMs: options.timeoutMs },
    columns,
    benchmarks,
    startup,
    notes,
  };
}

/** Measures one corpus entry's variant in every column, interleaving the columns round by round. */
export async function measureEntry(entry: CorpusEntry, variant: string, columns: readonly Column[], options: BenchOptions, progress: Progress, position: string): Promise<BenchmarkResult> {
  const lib = await loadCorpusLib();
  const spec = entry.runs[variant];
  if (!spec) throw new Error(`corpus entry ${entry.name} has no "${variant}" run`);
  let expected: ExpectedRun | undefined;
  let expectedProblem: string | undefined;
  try {
    expected = lib.readExpected(entry.name, variant);
  } catch (e) {
    expectedProblem = (e as Error).message;
  }
  const cells: CellState[] = columns.map((column) => {
    const avail = availability(column, entry);
    const result: CellResult = { column: column.id, samplesMs: [] };
    if (!avail.available) result.unavailable = avail.reason;
    else if (expectedProblem) result.error = expectedProblem;
    return { column, result, samples: [] };
  });

  for (const cell of cells) {
    if (cell.column.id !== 'aot' || cell.result.unavailable !== undefined || cell.result.error !== undefined) continue;
    progress.step(`${position} ${entry.name} (${variant}) aot: translating (untimed)`);
    const prepared = await prepareAot(entry);
    if ('error' in prepared) cell.result.error = prepared.error;
    else cell.result.aotTranslateMs = prepared.ms;
  }
  const rounds = options.warmups + options.reps;
  const scratch = mkdtempSync(join(tmpdir(), 'ferry-bench-stats-'));
  try {
    for (let round = 0; round < rounds; round++) {
      const warm = round < options.warmups;
      for (const cell of cells) {
        if (cell.result.unavailable !== undefined || cell.result.error !== undefined || !expected) continue;
        const what = warm ? `warm-up ${round + 1}/${options.warmups}` : `rep ${round - options.warmups + 1}/${options.reps}`;
        progress.step(`${position} ${entry.name} (${variant}) ${cell.column.id} ${what}`);
        const prepared = lib.prepareRun(entry, variant);
        const statsJson = join(scratch, `${cell.column.id}.json`);
        try {
          const sample = await measureOnce(invocationFor(cell.column, prepared, entry, statsJson), options.timeoutMs);
          const mismatch = outputMismatch(sample, expected);
          if (mismatch) {
            cell.result.error = `${warm ? 'warm-up' : 'timed'} run: ${mismatch}`;
            progress.note(`${entry.name} ${cell.column.id}: ${cell.result.error}`);
          } else if (!warm) {
            cell.samples.push(sample);
          }
        } catch (e) {
          cell.result.error = (e as Error).message;
          progress.note(`${entry.name} ${cell.column.id}: ${cell.result.error}`);
        } finally {
          prepared.cleanup();
          rmSync(statsJson, { force: true });
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return { name: entry.name, variant, args: spec.args, cells: cells.map(finishCell) };
}

function finishCell(cell: CellState): CellResult {
  const result = cell.result;
  if (result.error !== undefined || result.unavailable !== undefined) return { ...result, samplesMs: [] };
  result.samplesMs = cell.samples.map((s) => s.wallMs);
  const wall = summarize(result.samplesMs);
  if (wall) result.wallMs = wall;
  const rss = median(cell.samples.map((s) => s.maxRssKiB).filter((v): v is number => v !== undefined));
  if (rss !== undefined) result.maxRssKiB = rss;
  if (cell.column.kind === 'tier') result.ferry = ferryDetail(cell.samples);
  return result;
}

/** Guest instructions per µs inside translated code (every JIT and AOT tier), or inside the
 *  interpreter when nothing was translated. */
export function codeMips(slices: Record<string, { instructions: number; ms: number }>): number | undefined {
  let instructions = 0;
  let ms = 0;
  for (const [tier, s] of Object.entries(slices)) {
    if (tier === 'interp') continue;
    instructions += s.instructions;
    ms += s.ms;
  }
  if (ms === 0) ({ instructions, ms } = slices.interp ?? { instructions: 0, ms: 0 });
  return mips(instructions, ms);
}

function ferryDetail(samples: readonly Sample[]): FerryDetail {
  const runs = samples.map((s) => ({ wall: s.wallMs, numbers: readFerryStats(s.ferryStats) }));
  const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);
  const runMs = summarize(defined(runs.map((r) => r.numbers.runMs)));
  const instructions = runs.at(-1)?.numbers.instructions;
  return {
    instructions,
    runMs,
    startupMs: median(defined(runs.map((r) => (r.numbers.runMs === undefined ? undefined : r.wall - r.numbers.runMs)))),
    mips: mips(instructions, runMs?.median),
    codeMips: median(defined(runs.map((r) => codeMips(r.numbers.slices)))),
    compileMs: median(defined(runs.map((r) => r.numbers.compileMs))),
    compiledUnits: median(defined(runs.map((r) => r.numbers.compiledUnits))),
    firstChunkMs: median(defined(runs.map((r) => r.numbers.firstChunkMs))),
    exits: runs.at(-1)?.numbers.exits,
    compileByTier: runs.at(-1)?.numbers.compileByTier ?? {},
    lastStats: samples.at(-1)?.ferryStats,
  };
}
