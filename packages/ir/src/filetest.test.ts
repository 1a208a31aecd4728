// The shared filetest machinery: splitting cases, keeping matching files byte for byte, rewriting
// only the expected sections that differ, adding missing ones, and naming the failing case.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILETEST_BLESS_ENV, blessFiletest, checkFiletest, listFiletests, parseFiletest } from './filetest.js';

const upper = (input: string, directive: string): string => `${directive}: ${input.trim().toUpperCase()}`;

const file = `; header line
; more header

; test: shout
hello
world
; expect:
shout: HELLO
WORLD

; test: shout twice
bye
; expect:
stale output

; test: new
fresh
`;

describe('filetest', () => {
  it('splits a file into header and cases', () => {
    const { headerLines, cases } = parseFiletest(file);
    expect(headerLines).toEqual(['; header line', '; more header', '']);
    expect(cases.map((c) => [c.directive, c.line, c.input, c.expected])).toEqual([
      ['shout', 4, 'hello\nworld\n', 'shout: HELLO\nWORLD'],
      ['shout twice', 11, 'bye\n', 'stale output'],
      ['new', 16, 'fresh\n', undefined],
    ]);
  });

  it('rewrites only the sections that differ and adds missing ones', () => {
    const blessed = blessFiletest(file, upper);
    expect(blessed).toBe(`; header line
; more header

; test: shout
hello
world
; expect:
shout: HELLO
WORLD

; test: shout twice
bye
; expect:
shout twice: BYE

; test: new
fresh
; expect:
new: FRESH
`);
    expect(blessFiletest(blessed, upper)).toBe(blessed);
  });

  it('names the file, line and directive of a failing case', () => {
    const failing = (): string => {
      throw new Error('boom');
    };
    expect(() => blessFiletest(file, failing, 'x.ir')).toThrow("x.ir:4: test 'shout' failed: boom");
  });

  it('refuses output that would corrupt the file and files without cases', () => {
    expect(() => blessFiletest(file, () => '; expect:')).toThrow(/cannot hold/);
    expect(() => blessFiletest('; only a header\n', upper, 'empty.ir')).toThrow(/empty.ir: no '; test:/);
  });

  it('checkFiletest reports a mismatch, and rewrites the file only when blessing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-filetest-'));
    const path = join(dir, 'case.ir');
    writeFileSync(path, file);
    writeFileSync(join(dir, 'notes.txt'), 'not a filetest');
    expect(listFiletests(dir)).toEqual([path]);
    const saved = process.env[FILETEST_BLESS_ENV];
    try {
      delete process.env[FILETEST_BLESS_ENV];
      const failing = checkFiletest(path, upper);
      expect(failing.actual).not.toBe(failing.expected);
      expect(readFileSync(path, 'utf8')).toBe(file);
      process.env[FILETEST_BLESS_ENV] = '1';
      const blessed = checkFiletest(path, upper);
      expect(blessed.actual).toBe(blessed.expected);
      expect(readFileSync(path, 'utf8')).toBe(failing.actual);
    } finally {
      if (saved === undefined) delete process.env[FILETEST_BLESS_ENV];
      else process.env[FILETEST_BLESS_ENV] = saved;
    }
  });
});
