// Smoke run of the real harness through the built CLI: `ferry bench --quick` on the smallest
// benchmark with the interp tier only, and hello's start-up. References may be unavailable on the machine, but a
// measured column must have matched the recorded output, and every report file must exist.
// Also `ferry compare` on hello: one row per run, identical output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paths, repoRoot } from './corpus.js';
import { STARTUP_MIN_REPS, type BenchResults } from './harness.js';
import { checkWellFormed } from './xml.js';

describe('ferry bench --quick', () => {
  it('measures bench_matmul on interp and writes JSON, markdown, SVG and HTML', () => {
    expect(existsSync(paths.cliMain), `${paths.cliMain} missing: run npm run build`).toBe(true);
    const out = mkdtempSync(join(tmpdir(), 'ferry-bench-smoke-'));
    try {
      const started = Date.now();
      const run = spawnSync(process.execPath, [paths.cliMain, 'bench', '--quick', '--tiers', 'interp', '--filter', '^bench_matmul$', '--out', out], { cwd: repoRoot, encoding: 'utf8' });
      expect(run.stderr).not.toContain('ERROR');
      expect(run.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000);
      const files = readdirSync(out);
      for (const ext of ['.json', '.md', '.svg', '.html']) expect(files.some((f) => f.endsWith(ext))).toBe(true);
      const results = JSON.parse(readFileSync(join(out, files.find((f) => f.endsWith('.json'))!), 'utf8')) as BenchResults;
      expect(results.benchmarks.map((b) => b.name)).toEqual(['bench_matmul']);
      const cells = results.benchmarks[0]!.cells;
      expect(cells.map((c) => c.column)).toEqual(['Q', 'W', 'N', 'interp']);
      const interp = cells.find((c) => c.column === 'interp')!;
      expect(interp.samplesMs).toHaveLength(1);
      expect(interp.ferry?.instructions).toBeGreaterThan(1_000_000);
      for (const cell of cells) {
        expect(cell.error).toBeUndefined();
        if (cell.unavailable === undefined) expect(cell.wallMs!.median).toBeGreaterThan(0);
      }
      // hello's start-up: at least STARTUP_MIN_REPS runs per column, whatever --reps (here 1) says.
      const startup = results.startup!.cells.find((c) => c.column === 'interp')!;
      expect(startup.error).toBeUndefined();
      expect(startup.samplesMs).toHaveLength(STARTUP_MIN_REPS);
      expect(run.stdout).toContain(`median wall ms of ${STARTUP_MIN_REPS} runs`);
      expect(run.stdout).toContain('| bench_matmul |');
      expect(checkWellFormed(readFileSync(join(out, files.find((f) => f.endsWith('.html'))!), 'utf8'))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('ferry compare', () => {
  it('runs hello in the interp tier and qemu (when installed) and finds the output identical', () => {
    const run = spawnSync(process.execPath, [paths.cliMain, 'compare', '--tiers', 'interp', '--reps', '2', 'corpus/bin/hello', 'ignored-arg'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^run +wall ms +guest insns +MIPS/);
    expect(lines.find((l) => l.startsWith('interp '))).toMatch(/same/);
    expect(run.stdout).toContain('exit status 0, 19 bytes of stdout, identical in every run');
  });
});
