// Every corpus program under Ferry gives exactly the stdout, stderr and exit status recorded from
// qemu-riscv64 (corpus/expected), in every tier. Benchmarks run at their small size. The opt
// tier compiles every region it meets with binaryen, which costs seconds per glibc program, so
// `npm test` runs it on a representative subset; the CI-only live comparison runs it on all.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, readExpected, repoRoot } from '../../../../scripts/corpus-lib.mjs';
import { runCaptured } from '../capture.js';
import type { RunOptions } from '../run.js';
import type { Tier } from '../tiers.js';

interface Entry { name: string; runs: Record<string, unknown> }

const OPT_SUBSET = new Set(['hello', 'int_division', 'atomics', 'fp_flags', 'self_modify', 'setjmp_longjmp', 'bench_sort']);
const inTier = (tier: Tier, name: string) => tier !== 'opt' || OPT_SUBSET.has(name);

/** Run options a corpus test can vary (T0 superoperators, exit coalescing). */
export type CorpusRunOptions = Pick<RunOptions, 'superops' | 'coalesce'>;

export async function runCorpusEntry(entry: Entry, tier: Tier, options: CorpusRunOptions = {}) {
  const prepared = prepareRun(entry, 'default');
  try {
    return await runCaptured({
      path: join(repoRoot, 'corpus', 'bin', entry.name),
      argv: prepared.argv,
      env: Object.entries(prepared.env as Record<string, string>).map(([k, v]) => `${k}=${v}`),
      dirs: prepared.tmpdir ? [{ host: prepared.tmpdir, guest: prepared.tmpdir, writable: true }] : [],
      tier,
      ...options,
      ...(prepared.stdin ? { stdin: prepared.stdin } : {}),
    });
  } finally {
    prepared.cleanup();
  }
}

/** Declares one test per corpus program for the tier (call it from a test file). */
export function corpusTests(tier: Tier, options: CorpusRunOptions = {}): void {
  const off = Object.entries(options).filter(([, on]) => on === false).map(([name]) => `--no-${name}`);
  describe(`corpus on ${tier}${off.length ? ` ${off.join(' ')}` : ''}`, () => {
    for (const entry of (loadManifest() as Entry[]).filter((e) => inTier(tier, e.name))) {
      it(entry.name, async () => {
        const expected = readExpected(entry.name, 'default');
        const result = await runCorpusEntry(entry, tier, options);
        expect(result.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
        expect(result.stderr.toString('latin1')).toBe((expected.stderr ?? Buffer.alloc(0)).toString('latin1'));
        expect(result.status).toBe(expected.status);
      });
    }
  });
}
