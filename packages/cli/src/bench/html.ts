// The self-contained HTML report: the same tables as the markdown report, and the speed chart
// as inline SVG. No scripts, no external files.
// Invariant: the document is well-formed XML (XHTML syntax), every text escaped.
import type { BenchResults } from './harness.js';
import { renderChart, speedChartData } from './chart.js';
import { type Table, describeRun, reportTables } from './tables.js';
import { escapeXml } from './xml.js';

function tableToHtml(table: Table): string {
  const head = `<tr>${table.headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = table.rows.map((row) => `<tr>${row.map((cell, i) => {
    const text = escapeXml(cell.replace(/\*\*/g, ''));
    const cls = cell.startsWith('ERROR') ? ' class="error"' : cell === 'not available' ? ' class="na"' : '';
    const align = i < (table.textColumns ?? 1) && i > 0 ? ' class="text"' : '';
    return i === 0 ? `<th${cls}>${text}</th>` : `<td${cls || align}>${text}</td>`;
  }).join('')}</tr>`);
  return [
    `<h2>${escapeXml(table.title.replace(/`/g, ''))}</h2>`,
    ...(table.note ? [`<p class="note">${escapeXml(table.note)}</p>`] : []),
    `<table><thead>${head}</thead><tbody>`, ...body, '</tbody></table>',
  ].join('\n');
}

export function resultsToHtml(results: BenchResults): string {
  const svg = renderChart(speedChartData(results));
  return [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    `<title>Ferry benchmarks ${escapeXml(results.startedAt)}</title>`,
    '<style>',
    'body { font-family: sans-serif; margin: 2em; color: #222222; }',
    'table { border-collapse: collapse; margin-bottom: 1.5em; }',
    'th, td { border: 1px solid #cccccc; padding: 3px 8px; text-align: right; }',
    'tbody th, td.text { text-align: left; font-weight: normal; }',
    '.error { background: #fdd; } .na { color: #999999; } .note { color: #666666; font-size: 90%; }',
    '</style>',
    '</head>',
    '<body>',
    '<h1>Ferry benchmarks</h1>',
    `<p>${escapeXml(describeRun(results))}</p>`,
    svg.trimEnd(),
    ...reportTables(results).map(tableToHtml),
    ...(results.notes.length > 0 ? ['<ul>', ...results.notes.map((n) => `<li>${escapeXml(n)}</li>`), '</ul>'] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
