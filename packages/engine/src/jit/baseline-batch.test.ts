// Which blocks a baseline module holds: the requested one first, then untranslated blocks reached
// through static edges and through the return points of calls.
import { describe, expect, it } from 'vitest';
import { assemble, wordFetcher } from '@ferry/isa-riscv';
import { baselineBatch } from './translator.js';

const BASE = 0x10000n;

function fetcher(source: string): { fetch: (pc: bigint) => number | undefined; labels: Map<string, bigint> } {
  const { bytes, labels } = assemble(source, BASE);
  return { fetch: wordFetcher(bytes, BASE), labels };
}

const SOURCE = `
  entry: jal ra, callee
  back:  addi a0, a0, 1
         beqz a0, entry
         ebreak
  callee: addi a1, a1, 1
         ret`;

describe('baselineBatch', () => {
  it('takes the call target and the return point after the call', () => {
    const { fetch, labels } = fetcher(SOURCE);
    const pcs = baselineBatch(fetch, BASE, () => false).map((b) => b.pc);
    expect(pcs[0]).toBe(BASE);
    expect(pcs).toContain(labels.get('callee'));
    expect(pcs).toContain(labels.get('back'));
  });

  it('leaves out blocks already translated, but always starts with the requested one', () => {
    const { fetch, labels } = fetcher(SOURCE);
    const pcs = baselineBatch(fetch, BASE, (pc) => pc === labels.get('back') || pc === BASE).map((b) => b.pc);
    expect(pcs[0]).toBe(BASE);
    expect(pcs).not.toContain(labels.get('back'));
    expect(pcs).toContain(labels.get('callee'));
  });
});
