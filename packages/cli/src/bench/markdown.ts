// Renders report tables as GitHub markdown (stdout and bench/README.md).
// Invariant: a cell never breaks the table: pipes are escaped and newlines become spaces.
import type { BenchResults } from './harness.js';
import { type Table, describeRun, reportTables } from './tables.js';

function cellText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function tableToMarkdown(table: Table): string {
  const lines = [`### ${table.title}`, ''];
  if (table.note) lines.push(`_${table.note}_`, '');
  lines.push(`| ${table.headers.map(cellText).join(' | ')} |`);
  const textColumns = table.textColumns ?? 1;
  lines.push(`|${table.headers.map((_, i) => (i < textColumns ? '---' : '---:')).join('|')}|`);
  for (const row of table.rows) lines.push(`| ${row.map(cellText).join(' | ')} |`);
  return lines.join('\n');
}

export function resultsToMarkdown(results: BenchResults): string {
  const sections = [`_${describeRun(results)}_`, ...reportTables(results).map(tableToMarkdown)];
  if (results.notes.length > 0) sections.push(results.notes.map((n) => `- ${n}`).join('\n'));
  return sections.join('\n\n') + '\n';
}
