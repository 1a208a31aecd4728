// The decoder's opcode buckets over the real interpreter rows: every instruction word is in exactly
// one bucket, and the first matching row (most specific first) among the bucket's rows is the first
// matching row among all rows, so splitting the decoder by bucket changes no decode.
import { DECODE_BUCKETS, rowsInBucket } from '@ferry/backend-wasm';
import { describe, expect, it } from 'vitest';
import { interpreterDecoderRows } from './build.js';

const popcount = (x: number) => {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
};
const matches = (row: { mask: number; match: number }, word: number) => ((word & row.mask) >>> 0) === row.match >>> 0;

describe('decoder buckets', () => {
  const rows = interpreterDecoderRows().sort((a, b) => popcount(b.mask) - popcount(a.mask));

  it('put every row in some bucket, and most rows in one', () => {
    const homes = rows.map((r) => DECODE_BUCKETS.filter((b) => rowsInBucket([r], b).length).length);
    expect(homes.every((n) => n >= 1)).toBe(true);
    expect(homes.filter((n) => n === 1).length).toBeGreaterThan(rows.length * 0.9);
  });

  it('keep the first matching row of every word (each row pattern, and random words)', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    // Each row's own pattern with random don't-care bits, and plain random words.
    const words = [...rows.flatMap((r) => [0, 1, 2].map(() => ((r.match & r.mask) | (random() & ~r.mask)) >>> 0)), ...Array.from({ length: 20000 }, random)];
    for (const word of words) {
      const buckets = DECODE_BUCKETS.filter((b) => matches(b, word));
      expect(buckets.length).toBe(1);
      const first = rows.find((r) => matches(r, word));
      expect(rowsInBucket(rows, buckets[0]!).find((r) => matches(r, word))).toBe(first);
    }
  });
});
