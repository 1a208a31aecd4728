// Reports made from a fixed set of results: the markdown tables (ratios, geomean, n/a for
// missing references, errors listed), and the SVG chart and HTML page, which must be
// well-formed XML naming every benchmark and tier. Also checks the XML checker itself.
import { describe, expect, it } from 'vitest';
import { renderChart, speedChartData } from './chart.js';
import type { BenchResults, BenchmarkResult, CellResult } from './harness.js';
import { resultsToHtml } from './html.js';
import { resultsToMarkdown } from './markdown.js';
import { summarize } from './stats.js';
import { REFERENCE_COLUMNS, tierColumns } from './subjects.js';
import { checkWellFormed, escapeXml } from './xml.js';

function timed(column: string, ms: number[], extra: Partial<CellResult> = {}): CellResult {
  return { column, samplesMs: ms, wallMs: summarize(ms)!, ...extra };
}

function benchmark(name: string, cells: CellResult[]): BenchmarkResult {
  return { name, variant: 'full', args: ['100'], cells };
}

const results: BenchResults = {
  format: 'ferry-bench/1',
  startedAt: '2024-01-02T03:04:05.678Z',
  finishedAt: '2024-01-02T03:14:05.678Z',
  host: { node: 'v20.0.0', cpus: 2, cpuModel: 'Test CPU <&>', qemu: 'qemu-riscv64 version 7.2', peakRssFrom: 'GNU time %M' },
  options: { filter: undefined, tiers: ['interp', 'fancy'], reps: 3, warmups: 1, size: 'full', timeoutMs: 1000 },
  columns: [...REFERENCE_COLUMNS, ...tierColumns(['interp', 'fancy'])],
  benchmarks: [
    benchmark('bench_alpha', [
      timed('Q', [100, 110, 90]), timed('W', [20, 20, 20]), timed('N', [10, 10, 10], { maxRssKiB: 2048 }),
      timed('interp', [400, 400, 400], { maxRssKiB: 65536, ferry: { instructions: 8e6, runMs: summarize([300])!, startupMs: 100, mips: 26.7, codeMips: 40, compileMs: undefined, compiledUnits: undefined, firstChunkMs: undefined, exits: 12, compileByTier: {}, lastStats: undefined } }),
      timed('fancy', [50, 50, 50]),
    ]),
    benchmark('bench_beta', [
      timed('Q', [200]), { column: 'W', samplesMs: [], unavailable: 'no wasm build' }, timed('N', [20]),
      timed('interp', [800]), { column: 'fancy', samplesMs: [], error: 'timed run: stdout differs from byte 3' },
    ]),
  ],
  startup: benchmark('hello', [timed('Q', [20, 20, 20, 20, 20]), timed('W', [60, 60, 60, 60, 60]), timed('N', [1, 1, 1, 1, 1]), timed('interp', [30, 30, 30, 30, 30]), timed('fancy', [90, 90, 90, 90, 90])]),
  notes: [],
};

describe('markdown report', () => {
  const text = resultsToMarkdown(results);

  it('lists the untimed AOT translation before an aot column, and says when the module was cached', () => {
    const withAot: BenchResults = {
      ...results,
      columns: [...REFERENCE_COLUMNS, ...tierColumns(['aot'])],
      benchmarks: [
        benchmark('bench_alpha', [timed('Q', [100]), timed('aot', [50], { aotTranslateMs: 31_234 })]),
        benchmark('bench_beta', [timed('Q', [100]), timed('aot', [60], { aotTranslateMs: 0 })]),
      ],
    };
    const md = resultsToMarkdown(withAot);
    expect(md).toContain('AOT translation');
    expect(md.split('\n').filter((l) => /^\| bench_(alpha|beta) \| (31234|cached) \|$/.test(l))).toHaveLength(2);
    expect(text).not.toContain('AOT translation');
  });
  const line = (start: string) => text.split('\n').find((l) => l.startsWith(start)) ?? '';
  it('reports steady state: the speed inside a tier\'s code against Q\'s speed over its run', () => {
    const section = text.slice(text.indexOf('Steady state'));
    // Q ran 8e6 instructions in 100 ms (80 M/s); interp's code ran 40 M/s: 0.5×Q.
    expect(section.split('\n').find((l) => l.startsWith('| bench_alpha |'))).toBe('| bench_alpha | 40 | 0.50 | n/a | n/a |');
    expect(section.split('\n').find((l) => l.startsWith('| bench_beta |'))).toBe('| bench_beta | n/a | n/a | n/a | n/a |');
  });

  it('gives each tier its speed versus Q, W and N, and n/a where a side is missing', () => {
    // interp: Q 100/400, W 20/400, N 10/400; fancy: 100/50, 20/50, 10/50; then W vs Q, N vs Q.
    expect(line('| bench_alpha | 0.25')).toBe('| bench_alpha | 0.25 | 0.050 | 0.025 | 2.00 | 0.40 | 0.20 | 5.00 | 10.0 |');
    expect(line('| bench_beta | 0.25')).toBe('| bench_beta | 0.25 | n/a | 0.025 | n/a | n/a | n/a | n/a | 10.0 |');
  });
  it('has a geomean row that says how many benchmarks it covers when some are missing', () => {
    expect(line('| **geomean**')).toBe('| **geomean** | 0.25 | 0.050 (1/2) | 0.025 | 2.00 (1/2) | 0.40 (1/2) | 0.20 (1/2) | 5.00 (1/2) | 10.0 |');
  });
  it('says how many runs the start-up medians are of', () => {
    expect(text).toContain('### Start-up: `hello` end to end (median wall ms of 5 runs)');
  });
  it('lists unavailable and failed cells with their reasons, never a time', () => {
    expect(text).toContain('| bench_beta | W | not available: no wasm build |');
    expect(text).toContain('| bench_beta | fancy | ERROR: timed run: stdout differs from byte 3 |');
    expect(line('| bench_beta | 100 |')).toContain('| not available |');
    expect(line('| bench_beta | 100 |')).toContain('| ERROR |');
  });
  it('reports start-up relative to qemu and the tier details', () => {
    expect(line('| 20.0 ±0% | 60.0 ±0% |')).toBe('| 20.0 ±0% | 60.0 ±0% | 1.00 ±0% | 30.0 ±0% | 90.0 ±0% | 1.50 | 4.50 |');
    expect(line('| bench_alpha | interp | 400 |')).toBe('| bench_alpha | interp | 400 | 300 | 100 | 8.0 | 26.7 | n/a | n/a | 12 | 64.0 | n/a |');
  });
});

describe('SVG chart and HTML report', () => {
  const svg = renderChart(speedChartData(results));
  const html = resultsToHtml(results);

  it('are well-formed XML', () => {
    expect(checkWellFormed(svg)).toEqual([]);
    expect(checkWellFormed(html)).toEqual([]);
  });
  it('name every benchmark and every compared column', () => {
    for (const text of [svg, html]) {
      for (const name of ['bench_alpha', 'bench_beta', 'interp', 'fancy', 'W', 'N']) expect(text).toContain(`>${name}<`);
    }
  });
  it('chart bars are speed relative to Q, with n/a marks for missing values', () => {
    expect(speedChartData(results).series.find((s) => s.id === 'fancy')!.values).toEqual([2, undefined, 2]);
    expect(svg).toContain('>n/a<');
    expect(svg).toContain('bench_alpha fancy: 2.00× Q');
  });
  it('the HTML page inlines the chart and escapes text', () => {
    const names = new Set<string>();
    checkWellFormed(html, names);
    expect(names.has('svg')).toBe(true);
    expect(names.has('script')).toBe(false);
    expect(html).toContain('Test CPU &lt;&amp;&gt;');
  });
});

describe('XML well-formedness check', () => {
  it('accepts nesting, self-closing tags, quoted attributes, entities, comments and a doctype', () => {
    expect(checkWellFormed('<!DOCTYPE html>\n<a x="1" y=\'&amp;\'><!-- c --><b/>t &lt; &#60; &#x3c;</a>\n')).toEqual([]);
  });
  it('rejects mismatched, unclosed and stray tags', () => {
    expect(checkWellFormed('<a><b></a></b>').length).toBeGreaterThan(0);
    expect(checkWellFormed('<a><b>').length).toBeGreaterThan(0);
    expect(checkWellFormed('<a></a><b></b>')).toContain('expected one root element, found 2');
  });
  it('rejects raw ampersands, unquoted and duplicate attributes', () => {
    expect(checkWellFormed('<a>x & y</a>').length).toBeGreaterThan(0);
    expect(checkWellFormed('<a x=1></a>').length).toBeGreaterThan(0);
    expect(checkWellFormed('<a x="1" x="2"></a>').length).toBeGreaterThan(0);
  });
  it('escapeXml output is accepted as text and attribute content', () => {
    const nasty = `<"it's" & 'done'>`;
    expect(checkWellFormed(`<a t="${escapeXml(nasty)}">${escapeXml(nasty)}</a>`)).toEqual([]);
  });
});
