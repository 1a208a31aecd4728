// Filetests: text files holding test inputs and their expected outputs side by side, shared by
// every package with a text-to-text transformation (ir round trips, opt passes, wasm codegen).
// A file is a free-form header, then cases; each case is `; test: <directive>`, the input lines,
// `; expect:`, and the expected output up to the next `; test:` line (trailing blank lines ignored).
// The caller's run(input, directive) produces the actual output. FERRY_BLESS=1 rewrites the
// expected parts in place (missing `; expect:` sections are added); everything else is kept byte
// for byte. Usage in a vitest file: for each path of listFiletests(dir),
//   const { expected, actual } = checkFiletest(path, run); expect(actual).toBe(expected);
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FerryError } from '@ferry/util';

export type FiletestRun = (input: string, directive: string) => string;

export const FILETEST_BLESS_ENV = 'FERRY_BLESS';
export const blessingFiletests = (): boolean => process.env[FILETEST_BLESS_ENV] === '1';

const TEST_LINE = /^; test:(.*)$/;
const EXPECT_LINE = /^; expect:\s*$/;

export interface FiletestCase {
  directive: string;
  /** 1-based line of the `; test:` line. */
  line: number;
  input: string;
  /** Expected output without trailing blank lines; undefined when the case has no `; expect:` yet. */
  expected: string | undefined;
  /** Raw lines, kept for rewriting: the input and the expected section (with its trailing blank lines). */
  inputLines: string[];
  expectedLines: string[] | undefined;
}

export interface Filetest {
  headerLines: string[];
  cases: FiletestCase[];
}

const trimBlankTail = (lines: string[]): string[] => {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
};

export function parseFiletest(text: string): Filetest {
  const lines = text.split('\n');
  const headerLines: string[] = [];
  const cases: FiletestCase[] = [];
  let current: FiletestCase | undefined;
  lines.forEach((line, i) => {
    const test = TEST_LINE.exec(line);
    if (test) {
      current = { directive: test[1]!.trim(), line: i + 1, input: '', expected: undefined, inputLines: [], expectedLines: undefined };
      cases.push(current);
    } else if (!current) headerLines.push(line);
    else if (current.expectedLines) current.expectedLines.push(line);
    else if (EXPECT_LINE.test(line)) current.expectedLines = [];
    else current.inputLines.push(line);
  });
  for (const c of cases) {
    c.input = trimBlankTail(c.inputLines).join('\n') + '\n';
    if (c.expectedLines) c.expected = trimBlankTail(c.expectedLines).join('\n');
  }
  return { headerLines, cases };
}

/**
 * The file as it should read: each case's expected section replaced by run's actual output.
 * Returns `text` unchanged when every case matches. `source` names the file in error messages.
 */
export function blessFiletest(text: string, run: FiletestRun, source = '<filetest>'): string {
  const { headerLines, cases } = parseFiletest(text);
  if (cases.length === 0) throw new FerryError(`${source}: no '; test: <directive>' line, so no test cases`);
  const out = [...headerLines];
  cases.forEach((c) => {
    let actual: string;
    try {
      actual = run(c.input, c.directive).trimEnd();
    } catch (e) {
      throw new FerryError(`${source}:${c.line}: test '${c.directive}' failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const actualLines = actual === '' ? [] : actual.split('\n');
    if (actualLines.some((l) => TEST_LINE.test(l) || EXPECT_LINE.test(l))) {
      throw new FerryError(`${source}:${c.line}: the output of test '${c.directive}' contains a '; test:' or '; expect:' line, which a filetest cannot hold`);
    }
    out.push(`; test: ${c.directive}`);
    if (c.expectedLines !== undefined) {
      out.push(...c.inputLines, '; expect:');
      out.push(...(c.expected === actual ? c.expectedLines : [...actualLines, '']));
    } else {
      out.push(...trimBlankTail(c.inputLines), '; expect:', ...actualLines, '');
    }
  });
  return out.join('\n');
}

/**
 * Runs one filetest file. `expected` is the file's text, `actual` the text it would have with the
 * outputs of this run; they are equal when the test passes. With FERRY_BLESS=1 the file is rewritten.
 */
export function checkFiletest(path: string, run: FiletestRun): { expected: string; actual: string } {
  const expected = readFileSync(path, 'utf8');
  const actual = blessFiletest(expected, run, path);
  if (blessingFiletests() && actual !== expected) {
    writeFileSync(path, actual);
    return { expected: actual, actual };
  }
  return { expected, actual };
}

/** The `*.ir` files (or another extension) in a directory, sorted by name. */
export function listFiletests(dir: string, extension = '.ir'): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(extension))
    .sort()
    .map((f) => join(dir, f));
}
