// Output checking and stats reading: a run counts only when stdout and status match exactly;
// the --stats-json record is read defensively (fields of the JIT tiers are optional).
import { describe, expect, it } from 'vitest';
import { readFerryStats } from './ferry-stats.js';
import { codeMips } from './harness.js';
import { outputMismatch } from './measure.js';

describe('outputMismatch', () => {
  const expected = { stdout: Buffer.from('sum 42\n'), status: 0 };
  it('accepts identical stdout and status', () => {
    expect(outputMismatch({ stdout: Buffer.from('sum 42\n'), stderr: Buffer.alloc(0), status: 0 }, expected)).toBeUndefined();
  });
  it('names the first differing byte and both lengths', () => {
    expect(outputMismatch({ stdout: Buffer.from('sum 43\n'), stderr: Buffer.alloc(0), status: 0 }, expected)).toBe('stdout differs from byte 5 (7 bytes, expected 7)');
    expect(outputMismatch({ stdout: Buffer.from('sum'), stderr: Buffer.alloc(0), status: 0 }, expected)).toBe('stdout differs from byte 3 (3 bytes, expected 7)');
  });
  it('reports a different exit status with the first line of stderr', () => {
    expect(outputMismatch({ stdout: Buffer.from('sum 42\n'), stderr: Buffer.from('\nferry: boom\nmore'), status: 139 }, expected)).toBe('exit status 139, expected 0 (stderr: ferry: boom)');
  });
});

describe('readFerryStats', () => {
  it('reads the interpreter record: instructions as a string, exits summed', () => {
    const numbers = readFerryStats({ instructions: '4492544', wallMs: 194.5, exits: { ecall: 14, budget: 4 }, processUptimeMs: 700 });
    expect(numbers).toMatchObject({ instructions: 4492544, runMs: 194.5, exits: 18, processUptimeMs: 700, compileMs: undefined, compiledUnits: undefined });
  });
  it('totals per-tier compile records (compileMs, functions)', () => {
    const numbers = readFerryStats({ compile: { baseline: { modules: 3, functions: 100, guestInsns: 900, compileMs: 12 }, opt: { functions: 5, compileMs: 30 } } });
    expect(numbers.compileMs).toBe(42);
    expect(numbers.compiledUnits).toBe(105);
    expect(numbers.compileByTier).toEqual({ baseline: { ms: 12, units: 100 }, opt: { ms: 30, units: 5 } });
  });
  it('reads the time and instructions of the slices entered in each tier', () => {
    const numbers = readFerryStats({ perTier: { interp: { instructions: '1000', ms: 2 }, baseline: { instructions: '6000000', ms: 3 }, opt: { instructions: '0', ms: 0 }, bad: 'x' } });
    expect(numbers.slices).toEqual({ interp: { instructions: 1000, ms: 2 }, baseline: { instructions: 6e6, ms: 3 }, opt: { instructions: 0, ms: 0 } });
    // Steady state counts translated code only: 6e6 instructions in 3 ms = 2000 M/s.
    expect(codeMips(numbers.slices)).toBe(2000);
    // An interp run: the interpreter's own slices; nothing run: no number.
    expect(codeMips({ interp: { instructions: 5e6, ms: 10 } })).toBe(500);
    expect(codeMips({})).toBeUndefined();
  });
  it('prefers top-level totals and ignores malformed fields', () => {
    const numbers = readFerryStats({ compileMs: 7, compiledUnits: 'x', wallMs: 'soon', compile: { opt: 'fast' } });
    expect(numbers.compileMs).toBe(7);
    expect(numbers.compiledUnits).toBeUndefined();
    expect(numbers.runMs).toBeUndefined();
    expect(readFerryStats(undefined).instructions).toBeUndefined();
  });
});
