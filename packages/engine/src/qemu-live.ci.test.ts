// CI only: every corpus program (default variant) under Ferry and under qemu-riscv64, live, with
// identical stdout, stderr and exit status.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, runQemu, ferryRunOptions } from '../../../scripts/corpus-lib.mjs';
import { runCaptured } from './capture.js';

interface Entry { name: string; runs: Record<string, unknown> }

describe('Ferry against live qemu-riscv64', () => {
  for (const entry of loadManifest() as Entry[]) {
    it(entry.name, async () => {
      const qemu = runQemu(entry, 'default');
      const prepared = prepareRun(entry, 'default');
      try {
        const ferry = await runCaptured({
          ...ferryRunOptions(entry, prepared),
          ...(prepared.stdin ? { stdin: prepared.stdin } : {}),
        });
        expect(ferry.stdout.toString('latin1')).toBe(qemu.stdout.toString('latin1'));
        expect(ferry.stderr.toString('latin1')).toBe((qemu.stderr ?? Buffer.alloc(0)).toString('latin1'));
        expect(ferry.status).toBe(qemu.status);
      } finally {
        prepared.cleanup();
      }
    });
  }
});
