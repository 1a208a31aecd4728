// Stores into code that is running: every tier must see the new instruction when the store hits
// the translation it is executing, even when the store is not the first of its block or region
// (the optimizing tier's passes once merged the codeModified check of the second store into the
// first's, so the stale instruction ran).
import { describe, expect, it } from 'vitest';
import { assemble } from '@ferry/isa-riscv';
import { runSnippetInTier, SNIPPET_CODE, SNIPPET_DATA } from './snippet.js';
import { TIERS } from './tiers.js';

/** `addi a0, zero, 40`, stored over the instruction at `patch`. */
const LI_A0_FORTY = (40 << 20) | (10 << 7) | 0x13;

/** Two stores, the second rewriting the instruction right after it; a0 is 40 if the new
 *  instruction ran, 1 if stale code did. `patch` is at a fixed offset: the code before it is
 *  uncompressed and li of these constants assembles to lui + addi. */
function program(storesBefore: number): Uint8Array {
  const source = (patch: bigint) => `
    li t0, ${patch}
    li t2, ${LI_A0_FORTY}
    ${Array.from({ length: storesBefore }, (_, i) => `sd t2, ${8 * i}(s0)`).join('\n')}
    sw t2, 0(t0)
  patch:
    addi a0, zero, 1
    ebreak
  `;
  const first = assemble(source(BigInt(SNIPPET_CODE) + 0x124n), BigInt(SNIPPET_CODE));
  const patch = first.labels.get('patch')!;
  const { bytes, labels } = assemble(source(patch), BigInt(SNIPPET_CODE));
  expect(labels.get('patch')).toBe(patch);
  return bytes;
}

describe('a store into the running translation', () => {
  for (const tier of TIERS) {
    it.each([0, 1, 3])(`runs the rewritten instruction in ${tier} (%i stores before it)`, async (storesBefore) => {
      const r = await runSnippetInTier({ code: program(storesBefore), writableCode: true, x: { 8: BigInt(SNIPPET_DATA) } }, tier);
      expect(r.message).toBeUndefined();
      expect(r.x[10]).toBe(40n);
      // two li (lui + addi each), the stores, sw, the patched addi, ebreak
      expect(r.instructions).toBe(BigInt(4 + storesBefore + 3));
    });
  }
});
