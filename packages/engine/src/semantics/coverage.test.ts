// Meta-test: every row of the instruction table (each base mnemonic and each compressed form) is
// assembled by at least one semantics test. The other files are imported inside a skipped suite,
// so their programs are assembled (program() records the rows) but their tests do not run twice.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROWS } from '@ferry/isa-riscv';
import { USED_ROW_NAMES } from './harness.js';

/** Rows exercised by other suites, with where. */
const TESTED_ELSEWHERE: ReadonlyMap<string, string> = new Map([
  ['ecall', 'the corpus tests (an ecall needs the syscall layer; corpus.test.ts runs real programs)'],
]);

const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts').sort();

describe.skip('semantics files (collected for their programs only)', async () => {
  for (const file of files) await import(`./${file}`);
});

describe('semantics coverage', () => {
  it('finds the semantics test files', () => expect(files.length).toBeGreaterThanOrEqual(7));
  it('uses every row of the isa table in some test', () => {
    const missing = ROWS.map((r) => r.name).filter((name) => !USED_ROW_NAMES.has(name) && !TESTED_ELSEWHERE.has(name));
    expect(missing).toEqual([]);
  });
});
