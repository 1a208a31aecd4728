// ferry run --stats counts chained transfers (RunOptions.countTransfers): JIT code bumps a state
// slot per transfer that continues in translated code, a direct call inside a module or a call
// through the jump cache, beside the transitions (dispatched transfers) the engine counts.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCaptured } from './capture.js';
import type { Tier } from './tiers.js';

const path = fileURLToPath(new URL('../../../corpus/bin/bench_sort', import.meta.url));
const run = (tier: Tier, countTransfers: boolean) => runCaptured({ path, argv: [path, '20000'], env: [], dirs: [], tier, countTransfers });

describe('transfer counts (--stats)', () => {
  for (const tier of ['baseline', 'adaptive'] as const) {
    it(`${tier}: direct and jump-cache transfers are counted, and reported beside the transitions`, async () => {
      const counted = await run(tier, true);
      expect(counted.status).toBe(0);
      const transfers = counted.stats.transfers!;
      expect(transfers.direct).toBeGreaterThan(0n);
      expect(transfers.chained).toBeGreaterThan(0n);
      // Most transfers chain: a sort spends its time in loops over a few blocks.
      expect(transfers.direct + transfers.chained).toBeGreaterThan(BigInt(counted.stats.transitions) * 10n);
      expect(counted.stats.format()).toMatch(/transfers +\d+ chained without returning \(\d+ direct calls inside a module, \d+ through the jump cache\), \d+ dispatched/);
      expect(counted.stats.toJSON()).toHaveProperty('transfers');

      // The same run without counting: the same output, no counts.
      const plain = await run(tier, false);
      expect(Buffer.from(plain.stdout).equals(Buffer.from(counted.stdout))).toBe(true);
      expect(plain.stats.transfers).toBeUndefined();
      expect(plain.stats.format()).not.toMatch(/^transfers/m);
    });
  }

  it('ferry run --tier opt --stats: regions count the transfers between them', () => {
    // A child process: the opt tier compiles every region on this thread (see corpus-cases.ts).
    const cli = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
    const child = spawnSync(process.execPath, [cli, 'run', '--tier', 'opt', '--stats', path, '2000'], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    const counts = /transfers +(\d+) chained without returning \((\d+) direct calls inside a module, (\d+) through the jump cache\)/.exec(child.stderr);
    expect(counts, child.stderr).not.toBeNull();
    expect(Number(counts![3])).toBeGreaterThan(0);
  });

  it('interp: no JIT code, no counts', async () => {
    expect((await run('interp', true)).stats.transfers).toBeUndefined();
  });
});
