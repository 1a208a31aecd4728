// RV64M semantics on T0: products (low and every high variant) and division with the spec's
// non-trapping edge cases: x / 0 = all ones, x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0, for the
// 64-bit forms and (on the sign-extended low words) the W forms. References are exact BigInt math.
import { describe, expect, it } from 'vitest';
import { allPairs, itComputesBinaryOps, program, randomValues, run, s32, s64, sext32, u32, u64 } from './harness.js';

const MIN64 = 1n << 63n;
const MIN32 = 1n << 31n;
const EDGES = [0n, 1n, 2n, 3n, 7n, u64(-1n), u64(-2n), u64(-7n), MIN64, MIN64 - 1n, MIN64 + 1n, MIN32, MIN32 - 1n,
  0xffff_ffffn, sext32(MIN32), 0x1_0000_0000n, 0xffff_ffff_0000_0001n, 0x1234_5678_9abc_def0n];
const PAIRS = [...allPairs(EDGES), ...allPairs(randomValues(99n, 10))];

/** Truncating signed division per the spec, at a given width (operands already signed). */
function divSigned(a: bigint, b: bigint, bits: number): bigint {
  if (b === 0n) return -1n;
  if (a === -(1n << BigInt(bits - 1)) && b === -1n) return a;
  return a / b; // BigInt division truncates toward zero, like RISC-V
}
function remSigned(a: bigint, b: bigint, bits: number): bigint {
  if (b === 0n) return a;
  if (a === -(1n << BigInt(bits - 1)) && b === -1n) return 0n;
  return a % b; // the remainder takes the dividend's sign, like RISC-V
}

describe('RV64M', () => {
  itComputesBinaryOps({
    mul: (a, b) => a * b,
    mulh: (a, b) => (s64(a) * s64(b)) >> 64n,
    mulhsu: (a, b) => (s64(a) * b) >> 64n,
    mulhu: (a, b) => (a * b) >> 64n,
    div: (a, b) => divSigned(s64(a), s64(b), 64),
    divu: (a, b) => (b === 0n ? u64(-1n) : a / b),
    rem: (a, b) => remSigned(s64(a), s64(b), 64),
    remu: (a, b) => (b === 0n ? a : a % b),
    mulw: (a, b) => sext32(a * b),
    divw: (a, b) => sext32(divSigned(s32(a), s32(b), 32)),
    divuw: (a, b) => sext32(u32(b) === 0n ? 0xffff_ffffn : u32(a) / u32(b)),
    remw: (a, b) => sext32(remSigned(s32(a), s32(b), 32)),
    remuw: (a, b) => sext32(u32(b) === 0n ? u32(a) : u32(a) % u32(b)),
  }, PAIRS);

  // Literal vectors from the spec's division table, independent of the references above.
  const table = program(`
    div a0, s1, zero
    rem a1, s1, zero
    divu a2, s1, zero
    remu a3, s1, zero
    div a4, s2, s3
    rem a5, s2, s3
    divw a6, s4, s3
    remw a7, s4, s3
    divuw t0, s1, zero
    remuw t1, s1, zero
    mulh t2, s2, s2
    mulhsu t3, s3, s3
    mulhu t4, s3, s3
  `);
  it('matches the spec table for division by zero and overflow', async () => {
    const r = await run(table, { x: { 9: 0x1_8000_0007n, 18: MIN64, 19: u64(-1n), 20: 0x5_8000_0000n } });
    expect(r.x.slice(10, 18)).toEqual([u64(-1n), 0x1_8000_0007n, u64(-1n), 0x1_8000_0007n, MIN64, 0n, 0xffff_ffff_8000_0000n, 0n]);
    expect(r.x[5]).toBe(u64(-1n)); // divuw by zero: 2^32 - 1, sign-extended
    expect(r.x[6]).toBe(0xffff_ffff_8000_0007n); // remuw by zero: the low word of the dividend, sign-extended
    expect(r.x[7]).toBe(1n << 62n); // MIN * MIN = 2^126
    expect(r.x[28]).toBe(u64(-1n)); // -1 * (2^64 - 1) = -(2^64 - 1): high half all ones
    expect(r.x[29]).toBe(u64(-2n)); // (2^64 - 1)^2 = 2^128 - 2^65 + 1
  });
});
