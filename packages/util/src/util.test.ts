import { describe, expect, it } from 'vitest';
import { bitField, compareBigInt, decodeULEB128, encodeSLEB128, encodeULEB128, hex, popcount32, signExtend } from './index.js';

describe('bits', () => {
  it('sign-extends and slices', () => {
    expect(signExtend(0xfff, 12)).toBe(-1);
    expect(signExtend(0x7ff, 12)).toBe(0x7ff);
    expect(bitField(0xdeadbeef, 31, 28)).toBe(0xd);
    expect(bitField(0xdeadbeef, 31, 0)).toBe(0xdeadbeef);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(hex(-1n)).toBe('0xffffffffffffffff');
    expect(hex(0x10000)).toBe('0x10000');
    expect([10n, -1n, 9n, 1n << 64n].sort(compareBigInt)).toEqual([-1n, 9n, 10n, 1n << 64n]);
  });
  it('round-trips LEB128', () => {
    for (const v of [0n, 1n, 127n, 128n, 624485n, (1n << 63n) + 5n]) {
      expect(decodeULEB128(Uint8Array.from(encodeULEB128(v)), 0).value).toBe(v);
    }
    expect(encodeSLEB128(-1)).toEqual([0x7f]);
    expect(encodeSLEB128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});
