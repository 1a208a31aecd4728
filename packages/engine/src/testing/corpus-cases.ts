// Every corpus program under Ferry gives exactly the stdout, stderr and exit status recorded from
// qemu-riscv64 (corpus/expected), in every tier. Benchmarks run at their small size. The opt tier
// runs each program through the built `ferry` command in a child process (a whole program compiled
// and run synchronously inside the test worker starves vitest's messaging: "Timeout calling
// onTaskUpdate"); `npm test` runs it on a representative subset, the CI-only checks on the rest.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, readExpected, repoRoot, ferryRunOptions } from '../../../../scripts/corpus-lib.mjs';
import { runCaptured } from '../capture.js';
import type { RunOptions } from '../run.js';
import type { Tier } from '../tiers.js';

interface Entry { name: string; runs: Record<string, unknown> }

/** The opt-tier programs of `npm test`; corpusTests('opt', {}, 'rest') runs the others. */
const OPT_SUBSET = new Set(['hello', 'int_division', 'fp_flags', 'fp_rounding', 'atomics', 'self_modify', 'bench_sort', 'bench_nbody']);
export type CorpusPart = 'all' | 'subset' | 'rest';
const inPart = (tier: Tier, part: CorpusPart, name: string) =>
  tier !== 'opt' || part === 'all' || (part === 'subset') === OPT_SUBSET.has(name);

/** Run options a corpus test can vary (T0 superoperators, exit coalescing). */
export type CorpusRunOptions = Pick<RunOptions, 'superops' | 'coalesce'>;

export async function runCorpusEntry(entry: Entry, tier: Tier, options: CorpusRunOptions = {}) {
  const prepared = prepareRun(entry, 'default');
  try {
    return await runCaptured({
      ...ferryRunOptions(entry, prepared),
      tier,
      ...options,
      ...(prepared.stdin ? { stdin: prepared.stdin } : {}),
    });
  } finally {
    prepared.cleanup();
  }
}

const FERRY = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

/** `ferry run` flags that turn off what options turns off (--no-superops, --no-coalesce). */
const offFlags = (options: CorpusRunOptions): string[] => Object.entries(options).filter(([, on]) => on === false).map(([name]) => `--no-${name}`);

/** The same run through `ferry run` in a child process. */
export async function runCorpusEntryInChild(entry: Entry, tier: Tier, options: CorpusRunOptions = {}): Promise<{ stdout: Buffer; stderr: Buffer; status: number }> {
  const prepared = prepareRun(entry, 'default');
  const [argv0, ...guestArgs] = prepared.argv as string[];
  const env = Object.entries(prepared.env as Record<string, string>).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
  const dirs = prepared.tmpdir ? ['--dir', `${prepared.tmpdir}:${prepared.tmpdir}:rw`] : [];
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [FERRY, 'run', '--tier', tier, ...offFlags(options), '--clear-env', ...env, ...dirs, argv0!, ...guestArgs], { cwd: repoRoot });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status: code ?? 128 + (signal ? 9 : 0) }));
      child.stdin.end(prepared.stdin ?? Buffer.alloc(0));
    });
  } finally {
    prepared.cleanup();
  }
}

/** Declares one test per corpus program for the tier (call it from a test file). */
export function corpusTests(tier: Tier, options: CorpusRunOptions = {}, part: CorpusPart = 'subset'): void {
  const off = offFlags(options);
  // Child processes (opt) run side by side; in-process runs one at a time.
  (tier === 'opt' ? describe.concurrent : describe)(`corpus on ${tier}${off.length ? ` ${off.join(' ')}` : ''}${tier === 'opt' && part !== 'all' ? ` (${part})` : ''}`, () => {
    for (const entry of (loadManifest() as Entry[]).filter((e) => inPart(tier, part, e.name))) {
      it(entry.name, { timeout: 600_000 }, async () => {
        const expected = readExpected(entry.name, 'default');
        const result = tier === 'opt' ? await runCorpusEntryInChild(entry, tier, options) : await runCorpusEntry(entry, tier, options);
        expect(result.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
        expect(result.stderr.toString('latin1')).toBe((expected.stderr ?? Buffer.alloc(0)).toString('latin1'));
        expect(result.status).toBe(expected.status);
      });
    }
  });
}
