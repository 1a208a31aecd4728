import { describe, expect, it } from 'vitest';
import { assemble } from '@ferry/isa-riscv';
import { runSnippet, SNIPPET_DATA } from './snippet.js';

describe('runSnippet', () => {
  it('runs straight-line code to its ebreak and reports registers and memory', () => {
    const { bytes } = assemble(`
      addi a0, zero, 40
      addi a1, a0, 2
      sd a1, 8(a2)
      ebreak
    `);
    const r = runSnippet({ code: bytes, x: { 12: BigInt(SNIPPET_DATA) } });
    expect(r.message).toBeUndefined();
    expect(r.x[10]).toBe(40n);
    expect(r.x[11]).toBe(42n);
    expect(new DataView(r.data.buffer, r.data.byteOffset).getBigUint64(8, true)).toBe(42n);
    expect(r.instructions).toBe(4n);
  });
  it('reports a fault with the guest address', () => {
    const { bytes } = assemble('ld a0, 0(zero)\nebreak');
    const r = runSnippet({ code: bytes });
    expect(r.message).toMatch(/0x0/);
    expect(r.status).toBe(139);
  });
});
