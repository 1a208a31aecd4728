// SVG bar chart of speed normalized to Q (qemu-riscv64 = 1×) on a log scale: one group per
// benchmark, one bar per column (W, N and every Ferry tier), a geomean group at the end.
// Invariant: a missing ratio draws no bar but an "n/a" mark, so absence is visible; the output
// is a standalone, well-formed SVG document.
import type { BenchResults } from './harness.js';
import { countedMs, formatRatio } from './tables.js';
import { geomean, speedRatio } from './stats.js';
import { escapeXml } from './xml.js';

export interface ChartSeries {
  id: string;
  values: (number | undefined)[];
}

export interface ChartData {
  title: string;
  groups: string[];
  series: ChartSeries[];
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#9c755f', '#bab0ac'];

/** Speed vs Q per benchmark for every column but Q, plus a geomean group. */
export function speedChartData(results: BenchResults): ChartData {
  const others = results.columns.filter((c) => c.id !== 'Q');
  const series = others.map((column) => {
    const values = results.benchmarks.map((b) => speedRatio(countedMs(b, 'Q'), countedMs(b, column.id)));
    return { id: column.id, values: [...values, geomean(values)] };
  });
  return { title: `Speed relative to qemu-riscv64 (Q = 1×, log scale, size ${results.options.size})`, groups: [...results.benchmarks.map((b) => b.name), 'geomean'], series };
}

const round = (v: number) => Math.round(v * 10) / 10;

export function renderChart(data: ChartData): string {
  const barWidth = 16;
  const groupGap = 28;
  const groupWidth = Math.max(1, data.series.length) * barWidth + groupGap;
  const left = 64;
  const top = 56;
  const plotHeight = 280;
  const width = left + Math.max(1, data.groups.length) * groupWidth + 24;
  const height = top + plotHeight + 90;
  const values = data.series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && v > 0 && Number.isFinite(v));
  const lowDecade = Math.floor(Math.log10(Math.min(1, ...values)));
  const highDecade = Math.max(lowDecade + 1, Math.ceil(Math.log10(Math.max(1, ...values))));
  const y = (v: number) => top + plotHeight * (1 - (Math.log10(v) - lowDecade) / (highDecade - lowDecade));
  const bottom = top + plotHeight;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<title>${escapeXml(data.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(data.title)}</text>`);
  for (let decade = lowDecade; decade <= highDecade; decade++) {
    const value = 10 ** decade;
    const at = round(y(value));
    const label = decade >= 0 ? `${value.toFixed(0)}×` : `${value.toFixed(-decade)}×`;
    out.push(`<line x1="${left}" y1="${at}" x2="${width - 16}" y2="${at}" stroke="${decade === 0 ? '#333333' : '#dddddd'}" stroke-width="${decade === 0 ? 1.5 : 1}"/>`);
    out.push(`<text x="${left - 6}" y="${at + 4}" text-anchor="end">${escapeXml(label)}</text>`);
  }
  out.push(`<text x="${width - 18}" y="${round(y(1)) - 4}" text-anchor="end" fill="#333333">Q (qemu-riscv64)</text>`);
  data.groups.forEach((group, g) => {
    const groupLeft = left + g * groupWidth + groupGap / 2;
    data.series.forEach((series, s) => {
      const value = series.values[g];
      const x = groupLeft + s * barWidth;
      const color = COLORS[s % COLORS.length]!;
      if (value === undefined || !(value > 0)) {
        out.push(`<text x="${x + barWidth / 2}" y="${bottom - 4}" text-anchor="middle" font-size="8" fill="#999999">n/a</text>`);
        return;
      }
      const barTop = round(y(value));
      out.push(`<rect x="${x}" y="${barTop}" width="${barWidth - 2}" height="${round(bottom - barTop)}" fill="${color}"><title>${escapeXml(`${group} ${series.id}: ${formatRatio(value)}× Q`)}</title></rect>`);
      out.push(`<text x="${x + barWidth / 2 - 1}" y="${barTop - 3}" text-anchor="middle" font-size="8">${escapeXml(formatRatio(value))}</text>`);
    });
    const labelX = groupLeft + (data.series.length * barWidth) / 2;
    out.push(`<text x="${labelX}" y="${bottom + 16}" text-anchor="end" transform="rotate(-30 ${labelX} ${bottom + 16})">${escapeXml(group)}</text>`);
  });
  data.series.forEach((series, s) => {
    const x = left + s * 90;
    out.push(`<rect x="${x}" y="32" width="12" height="12" fill="${COLORS[s % COLORS.length]}"/>`);
    out.push(`<text x="${x + 16}" y="42">${escapeXml(series.id)}</text>`);
  });
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#333333"/>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
