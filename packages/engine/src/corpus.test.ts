// Every corpus program under Ferry gives exactly the stdout, stderr and exit status recorded from
// qemu-riscv64 (corpus/expected). Benchmarks run at their small size.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript helper shared with the scripts
import { loadManifest, prepareRun, readExpected, repoRoot } from '../../../scripts/corpus-lib.mjs';
import { runCaptured } from './capture.js';

interface Entry { name: string; runs: Record<string, unknown> }

describe('corpus on T0', () => {
  for (const entry of loadManifest() as Entry[]) {
    it(entry.name, async () => {
      const prepared = prepareRun(entry, 'default');
      try {
        const expected = readExpected(entry.name, 'default');
        const result = await runCaptured({
          path: join(repoRoot, 'corpus', 'bin', entry.name),
          argv: prepared.argv,
          env: Object.entries(prepared.env as Record<string, string>).map(([k, v]) => `${k}=${v}`),
          dirs: prepared.tmpdir ? [{ host: prepared.tmpdir, guest: prepared.tmpdir, writable: true }] : [],
          ...(prepared.stdin ? { stdin: prepared.stdin } : {}),
        });
        expect(result.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
        expect(result.stderr.toString('latin1')).toBe((expected.stderr ?? Buffer.alloc(0)).toString('latin1'));
        expect(result.status).toBe(expected.status);
      } finally {
        prepared.cleanup();
      }
    });
  }
});
