// Turns benchmark results into report tables (plain rows of text), shared by the markdown
// report on stdout/README and the HTML report: wall times, speed ratios vs Q/W/N with a
// geomean row, Ferry tier details (start-up, MIPS, JIT cost, memory) and `hello` start-up.
// Invariant: a missing number prints "n/a", an unavailable column "not available", a failed
// one "ERROR"; ratios are computed only between two counted medians.
import type { BenchResults, BenchmarkResult, CellResult } from './harness.js';
import { geomeanOfRatios, mips, relativeSpread, speedRatio } from './stats.js';

export interface Table {
  title: string;
  note?: string;
  headers: string[];
  rows: string[][];
  /** How many leading columns hold text (left-aligned); the rest are numbers. Default 1. */
  textColumns?: number;
}

export const NA = 'n/a';

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return NA;
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined) return NA;
  return ratio >= 10 ? ratio.toFixed(1) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2);
}

function formatNumber(value: number | undefined, digits = 1): string {
  return value === undefined ? NA : value.toFixed(digits);
}

function formatMiB(kib: number | undefined): string {
  return kib === undefined ? NA : (kib / 1024).toFixed(1);
}

export function cellOf(benchmark: BenchmarkResult, column: string): CellResult | undefined {
  return benchmark.cells.find((c) => c.column === column);
}

/** Median wall time that counts, or undefined (unavailable, failed, or no samples). */
export function countedMs(benchmark: BenchmarkResult, column: string): number | undefined {
  const cell = cellOf(benchmark, column);
  return cell && cell.error === undefined && cell.unavailable === undefined ? cell.wallMs?.median : undefined;
}

function wallText(cell: CellResult | undefined): string {
  if (!cell) return NA;
  if (cell.unavailable !== undefined) return 'not available';
  if (cell.error !== undefined) return 'ERROR';
  if (!cell.wallMs) return NA;
  const spread = relativeSpread(cell.wallMs);
  return cell.wallMs.count > 1 ? `${formatMs(cell.wallMs.median)} ±${(spread * 50).toFixed(0)}%` : formatMs(cell.wallMs.median);
}

function wallTable(results: BenchResults): Table {
  return {
    title: 'Wall time (median ms, ± half the min–max spread)',
    textColumns: 2,
    headers: ['benchmark', 'size', ...results.columns.map((c) => c.id)],
    rows: results.benchmarks.map((b) => [b.name, b.args.join(' '), ...results.columns.map((c) => wallText(cellOf(b, c.id)))]),
  };
}

/** A geomean cell: the value, and (k/n) when only k of the n rows could be used. */
function geomeanText(g: ReturnType<typeof geomeanOfRatios>): string {
  return g.missing > 0 && g.used > 0 ? `${formatRatio(g.value)} (${g.used}/${g.used + g.missing})` : formatRatio(g.value);
}

/** Ratio columns: each tier vs Q, W and N; then W and N vs Q for context. */
function ratioPairs(results: BenchResults): { label: string; reference: string; subject: string }[] {
  const pairs = results.columns
    .filter((c) => c.kind === 'tier')
    .flatMap((tier) => ['Q', 'W', 'N'].map((ref) => ({ label: `${tier.id} ×${ref}`, reference: ref, subject: tier.id })));
  return [...pairs, { label: 'W ×Q', reference: 'Q', subject: 'W' }, { label: 'N ×Q', reference: 'Q', subject: 'N' }];
}

function ratioTable(results: BenchResults): Table {
  const pairs = ratioPairs(results);
  const ratios = results.benchmarks.map((b) => pairs.map((p) => speedRatio(countedMs(b, p.reference), countedMs(b, p.subject))));
  const geo = pairs.map((_, i) => geomeanOfRatios(ratios.map((row) => row[i])));
  return {
    title: 'Speed relative to the references (reference time / subject time: above 1 is faster)',
    note: 'geomean over the benchmarks where both sides were measured; (k/n) when some are missing',
    headers: ['benchmark', ...pairs.map((p) => p.label)],
    rows: [
      ...results.benchmarks.map((b, row) => [b.name, ...ratios[row]!.map(formatRatio)]),
      ['**geomean**', ...geo.map(geomeanText)],
    ],
  };
}

function tierTable(results: BenchResults): Table {
  const tiers = results.columns.filter((c) => c.kind === 'tier');
  const rows: string[][] = [];
  for (const b of results.benchmarks) {
    const qemuRss = cellOf(b, 'Q')?.maxRssKiB;
    for (const tier of tiers) {
      const cell = cellOf(b, tier.id);
      const f = cell?.ferry;
      if (!cell || !f) {
        rows.push([b.name, tier.id, wallText(cell), NA, NA, NA, NA, NA, NA, NA, NA, NA]);
        continue;
      }
      const perUnit = f.compileMs !== undefined && f.compiledUnits ? f.compileMs / f.compiledUnits : undefined;
      const rssVsQ = cell.maxRssKiB !== undefined && qemuRss ? cell.maxRssKiB / qemuRss : undefined;
      rows.push([
        b.name, tier.id, formatMs(cell.wallMs?.median), formatMs(f.runMs?.median), formatMs(f.startupMs),
        f.instructions === undefined ? NA : (f.instructions / 1e6).toFixed(1), formatNumber(f.mips),
        f.compileMs === undefined ? NA : `${formatMs(f.compileMs)} / ${f.compiledUnits ?? NA}`,
        perUnit === undefined ? NA : perUnit.toFixed(3),
        f.exits === undefined ? NA : String(f.exits), formatMiB(cell.maxRssKiB), formatRatio(rssVsQ),
      ]);
    }
  }
  return {
    title: 'Ferry tiers: start-up, steady state, JIT cost, memory',
    note: 'run = engine time from program loaded to exit; start-up = wall − run (Node, Ferry and ELF loading); MIPS over run time; compile = total ms / units (blocks or regions) when the engine reports it',
    textColumns: 2,
    headers: ['benchmark', 'tier', 'wall ms', 'run ms', 'start-up ms', 'M guest insns', 'MIPS', 'compile ms / units', 'ms per unit', 'exits', 'peak RSS MiB', 'RSS ×Q'],
    rows,
  };
}

/** Steady state: the speed of each tier's own code against Q's speed over the whole run (Q's
 *  wall time includes its start-up and translation, ~10 ms of a full-size run here). */
function steadyTable(results: BenchResults): Table {
  const tiers = results.columns.filter((c) => c.kind === 'tier');
  const ratios = results.benchmarks.map((b) => tiers.map((t) => {
    const cell = cellOf(b, t.id);
    const qMips = mips(cell?.ferry?.instructions, countedMs(b, 'Q'));
    if (cell?.error !== undefined || cell?.ferry?.codeMips === undefined || qMips === undefined) return undefined;
    return cell.ferry.codeMips / qMips;
  }));
  const geo = tiers.map((_, i) => geomeanOfRatios(ratios.map((row) => row[i])));
  return {
    title: 'Steady state: speed of each tier\'s code (M guest insns/s) and ×Q',
    note: 'time inside translated code only (interp: inside the interpreter): no start-up, compiling or dispatching; ×Q against Q\'s whole run',
    headers: ['benchmark', ...tiers.flatMap((t) => [`${t.id} M/s`, `${t.id} ×Q`])],
    rows: [
      ...results.benchmarks.map((b, row) => [b.name, ...tiers.flatMap((t, i) => [formatNumber(cellOf(b, t.id)?.ferry?.codeMips, 0), formatRatio(ratios[row]![i])])]),
      ['**geomean**', ...geo.flatMap((g) => ['', geomeanText(g)])],
    ],
  };
}

function memoryTable(results: BenchResults): Table {
  return {
    title: 'Peak RSS (MiB, median)',
    headers: ['benchmark', ...results.columns.map((c) => c.id)],
    rows: results.benchmarks.map((b) => [b.name, ...results.columns.map((c) => {
      const cell = cellOf(b, c.id);
      return cell?.unavailable !== undefined ? 'not available' : cell?.error !== undefined ? 'ERROR' : formatMiB(cell?.maxRssKiB);
    })]),
  };
}

function startupTable(results: BenchResults): Table | undefined {
  const hello = results.startup;
  if (!hello) return undefined;
  const tiers = results.columns.filter((c) => c.kind === 'tier');
  const runs = Math.max(0, ...hello.cells.map((c) => c.samplesMs.length));
  return {
    title: `Start-up: \`hello\` end to end (median wall ms${runs > 1 ? ` of ${runs} runs` : ''})`,
    textColumns: 0,
    headers: [...results.columns.map((c) => c.id), ...tiers.map((t) => `${t.id} ÷ Q time`)],
    rows: [[
      ...results.columns.map((c) => wallText(cellOf(hello, c.id))),
      ...tiers.map((t) => {
        const inverse = speedRatio(countedMs(hello, t.id), countedMs(hello, 'Q'));
        return formatRatio(inverse);
      }),
    ]],
  };
}

/** How long `ferry aot` took to make each module the aot column ran from (before its runs,
 *  untimed; 0 when the bench's translation cache had it already). */
function aotTranslationTable(results: BenchResults): Table | undefined {
  const rows = results.benchmarks.flatMap((b) => {
    const ms = cellOf(b, 'aot')?.aotTranslateMs;
    return ms === undefined ? [] : [[b.name, ms === 0 ? 'cached' : formatMs(ms)]];
  });
  if (rows.length === 0) return undefined;
  return { title: 'AOT translation (ferry aot before the timed runs, not counted in them)', headers: ['benchmark', 'ms'], rows };
}

/** Every cell that failed or could not run, with the reason. */
export function problemRows(results: BenchResults): string[][] {
  const all = [...results.benchmarks, ...(results.startup ? [results.startup] : [])];
  return all.flatMap((b) =>
    b.cells.filter((c) => c.error !== undefined || c.unavailable !== undefined).map((c) => [b.name, c.column, c.error !== undefined ? `ERROR: ${c.error}` : `not available: ${c.unavailable}`]),
  );
}

export function reportTables(results: BenchResults): Table[] {
  const hasTiers = results.columns.some((c) => c.kind === 'tier');
  const tables = [wallTable(results), ratioTable(results), ...(hasTiers ? [steadyTable(results), tierTable(results)] : []), memoryTable(results)];
  const aot = aotTranslationTable(results);
  if (aot) tables.push(aot);
  const startup = startupTable(results);
  if (startup) tables.push(startup);
  const problems = problemRows(results);
  if (problems.length > 0) tables.push({ title: 'Errors and unavailable columns', headers: ['benchmark', 'column', 'reason'], rows: problems, textColumns: 3 });
  return tables;
}

/** One line saying how the numbers were taken. */
export function describeRun(results: BenchResults): string {
  const o = results.options;
  return `${results.startedAt} · size ${o.size} · ${o.reps} timed rep(s) after ${o.warmups} warm-up round(s), columns interleaved · ` +
    `Node ${results.host.node} · ${results.host.cpus} × ${results.host.cpuModel} · ${results.host.qemu ?? 'qemu-riscv64 not available'} · peak RSS from ${results.host.peakRssFrom}`;
}
