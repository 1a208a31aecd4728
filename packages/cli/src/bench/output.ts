// Writes one benchmark run's files: <stem>.json (every measurement), <stem>.md (the tables),
// <stem>.svg (the speed chart) and <stem>.html (tables + inline chart), stem = start time.
// Invariant: files of different runs never overwrite each other (the stem is the timestamp).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChart, speedChartData } from './chart.js';
import type { BenchResults } from './harness.js';
import { resultsToHtml } from './html.js';
import { resultsToMarkdown } from './markdown.js';

export interface WrittenReport {
  json: string;
  markdown: string;
  svg: string;
  html: string;
}

/** "2024-05-01T12:34:56.789Z" -> "2024-05-01T12-34-56Z": sortable and safe in file names. */
export function timestampStem(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

export function writeReport(results: BenchResults, outDir: string): WrittenReport {
  mkdirSync(outDir, { recursive: true });
  const stem = join(outDir, timestampStem(results.startedAt));
  const written = { json: `${stem}.json`, markdown: `${stem}.md`, svg: `${stem}.svg`, html: `${stem}.html` };
  writeFileSync(written.json, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(written.markdown, resultsToMarkdown(results));
  writeFileSync(written.svg, renderChart(speedChartData(results)));
  writeFileSync(written.html, resultsToHtml(results));
  return written;
}

/** True when some measured run failed (unavailable columns are not failures). */
export function hasErrors(results: BenchResults): boolean {
  return [...results.benchmarks, ...(results.startup ? [results.startup] : [])].some((b) => b.cells.some((c) => c.error !== undefined));
}
