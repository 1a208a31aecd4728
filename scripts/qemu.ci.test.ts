// CI-only: re-runs every corpus entry's default variant under qemu-riscv64 and compares stdout,
// stderr and exit status with the recorded expectation in corpus/expected/. A missing
// qemu-riscv64 makes this test FAIL (never skip): the recordings cannot be trusted unverified.
import { describe, expect, it } from 'vitest';
import { haveQemu, loadManifest, readExpected, runQemu } from './corpus-lib.mjs';

const manifest = loadManifest();

describe('qemu-riscv64 reproduces the recorded corpus expectations', () => {
  it('qemu-riscv64 is installed', () => {
    expect(haveQemu(), 'qemu-riscv64 not found: apt-get install qemu-user').toBe(true);
  });

  it.each(manifest.map((e) => [e.name, e] as const))('%s (default)', (name, entry) => {
    expect(haveQemu(), 'qemu-riscv64 not found: apt-get install qemu-user').toBe(true);
    const expected = readExpected(name, 'default');
    const actual = runQemu(entry, 'default');
    expect(actual.stdout.toString('latin1')).toBe(expected.stdout.toString('latin1'));
    expect((actual.stderr ?? Buffer.alloc(0)).toString('latin1')).toBe((expected.stderr ?? Buffer.alloc(0)).toString('latin1'));
    expect(actual.status).toBe(expected.status);
  });
});
