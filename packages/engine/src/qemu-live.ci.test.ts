// CI only: every corpus program (default variant) under Ferry and under qemu-riscv64, live, with
// identical stdout, stderr and exit status.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, repoRoot, runQemu } from '../../../scripts/corpus-lib.mjs';
import { runCaptured } from './capture.js';

interface Entry { name: string; runs: Record<string, unknown> }

describe('Ferry against live qemu-riscv64', () => {
  for (const entry of loadManifest() as Entry[]) {
    it(entry.name, async () => {
      const qemu = runQemu(entry, 'default');
      const prepared = prepareRun(entry, 'default');
      try {
        const ferry = await runCaptured({
          path: join(repoRoot, 'corpus', 'bin', entry.name),
          argv: prepared.argv,
          env: Object.entries(prepared.env as Record<string, string>).map(([k, v]) => `${k}=${v}`),
          dirs: prepared.tmpdir ? [{ host: prepared.tmpdir, guest: prepared.tmpdir, writable: true }] : [],
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
