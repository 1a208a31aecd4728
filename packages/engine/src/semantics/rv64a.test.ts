// RV64A semantics on T0 (one hart): LR/SC reservations (success, failure after an intervening SC,
// SC with no reservation or to another address) and every AMO in both widths, checked against the
// spec's read-modify-write with BigInt: rd = old value (sign-extended for .w), memory = op(old, rs2).
import { describe, expect, it } from 'vitest';
import { DATA, allPairs, dataDword, hex64, program, randomValues, run, s32, s64, sext32, u32, u64, vectorBatches } from './harness.js';

describe('LR/SC', () => {
  const p = program(`
    lr.d a0, (s1)
    sc.d a1, a2, (s1)        # reservation held: stores, rd = 0
    sc.d a3, a4, (s1)        # the previous SC dropped it: fails, rd = 1
    sc.w a5, a4, (s2)        # never reserved: fails
    lr.w a6, (s2)            # sign-extends the loaded word
    sc.w.aqrl a7, a2, (s2)   # succeeds, stores the low word only
    lr.w.aq t0, (s3)
    sc.w t1, a4, (s2)        # reservation on s3, store to s2: fails
    lr.d.aqrl t2, (s1)
    sc.d.rl t3, a4, (s1)     # succeeds
  `);
  it('succeed only while the reservation made by LR on that address is held', async () => {
    const data = new Uint8Array(64);
    const view = new DataView(data.buffer);
    view.setBigUint64(0, 0x1111_2222_3333_4444n, true);
    view.setBigUint64(8, 0xaaaa_bbbb_8765_4321n, true);
    view.setBigUint64(16, 0x55n, true);
    const r = await run(p, { x: { 9: DATA, 18: DATA + 8n, 19: DATA + 16n, 12: 0x0102_0304_0506_0708n, 14: 0xf0f0_f0f0_f0f0_f0f0n }, data });
    expect(r.x[10]).toBe(0x1111_2222_3333_4444n);
    expect([r.x[11], r.x[13], r.x[15]]).toEqual([0n, 1n, 1n]);
    expect(r.x[16]).toBe(0xffff_ffff_8765_4321n);
    expect(r.x[17]).toBe(0n);
    expect(r.x[5]).toBe(0x55n);
    expect(r.x[6]).toBe(1n);
    expect(r.x[7]).toBe(0x0102_0304_0506_0708n);
    expect(r.x[28]).toBe(0n);
    expect(dataDword(r.data, 0)).toBe(0xf0f0_f0f0_f0f0_f0f0n);
    expect(dataDword(r.data, 8)).toBe(0xaaaa_bbbb_0506_0708n);
  });
});

type Combine = (old: bigint, operand: bigint) => bigint;
const OPS: Record<string, { w: Combine; d: Combine }> = {
  amoswap: { w: (_o, v) => v, d: (_o, v) => v },
  amoadd: { w: (o, v) => o + v, d: (o, v) => o + v },
  amoxor: { w: (o, v) => o ^ v, d: (o, v) => o ^ v },
  amoand: { w: (o, v) => o & v, d: (o, v) => o & v },
  amoor: { w: (o, v) => o | v, d: (o, v) => o | v },
  amomin: { w: (o, v) => (s32(o) < s32(v) ? o : v), d: (o, v) => (s64(o) < s64(v) ? o : v) },
  amomax: { w: (o, v) => (s32(o) > s32(v) ? o : v), d: (o, v) => (s64(o) > s64(v) ? o : v) },
  amominu: { w: (o, v) => (u32(o) < u32(v) ? o : v), d: (o, v) => (o < v ? o : v) },
  amomaxu: { w: (o, v) => (u32(o) > u32(v) ? o : v), d: (o, v) => (o > v ? o : v) },
};

// Memory words carry distinct upper halves so .w must leave bytes 4..7 alone; rs2 values carry
// upper-half garbage that .w must ignore.
const EDGES = [0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0x8000_0001n, 0xffff_ffffn, 1n << 63n, (1n << 63n) - 1n, u64(-1n),
  0x1234_5678_8000_0000n, 0xffff_ffff_7fff_ffffn];
const PAIRS = [...allPairs(EDGES), ...allPairs(randomValues(5n, 5))];

describe('AMOs', () => {
  for (const [op, combine] of Object.entries(OPS)) {
    for (const width of ['w', 'd'] as const) {
      const name = `${op}.${width}`;
      // Slots: memory word, rs2 | rd, memory afterwards.
      const batches = vectorBatches(`ld a2, 8(s0)\n${name} a0, a2, (s0)\nsd a0, 16(s0)\nld a3, 0(s0)\nsd a3, 24(s0)`, 2, 2, PAIRS);
      it(`${name}: rd = old value, memory = ${op}(old, rs2)`, async () => {
        const results = await batches.run();
        const wrong: string[] = [];
        PAIRS.forEach(([memory, operand], i) => {
          const [rd, after] = results[i]!;
          const want = width === 'd'
            ? [memory, u64(combine.d(memory, operand))]
            : [sext32(memory), (memory & ~0xffff_ffffn) | u32(combine.w(memory, operand))];
          if (rd !== want[0] || after !== want[1]) {
            wrong.push(`${name} mem ${hex64(memory)} rs2 ${hex64(operand)}: got ${hex64(rd!)}/${hex64(after!)}, want ${hex64(want[0]!)}/${hex64(want[1]!)}`);
          }
        });
        expect(wrong.slice(0, 8)).toEqual([]);
      });
    }
  }
  const aliasing = program('amoadd.d a1, a1, (s1)\namoswap.w zero, a2, (s2)');
  it('read rs2 before writing rd when they are the same register; rd = x0 still stores', async () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setBigUint64(0, 40n, true);
    const r = await run(aliasing, { x: { 9: DATA, 11: 2n, 12: 0x9999n, 18: DATA + 8n }, data });
    expect(r.x[11]).toBe(40n);
    expect(dataDword(r.data, 0)).toBe(42n);
    expect(dataDword(r.data, 8)).toBe(0x9999n);
  });
});
