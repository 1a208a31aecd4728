// RV64F semantics on T0: the shared FP groups (fp-ops.ts) in single precision against the exact
// reference, plus flw/fsw and fmv.x.w/fmv.w.x (transfers: no boxing checks), NaN-boxing (a single
// read from a register whose upper 32 bits are not all ones is the canonical NaN), and the reserved
// rounding modes: rm = 5 or 6, or rm = dyn with frm > 4, stop with SIGILL.
import { describe, expect, it } from 'vitest';
import { DATA, dataDword, program, run, runTrapping } from './harness.js';
import { describePrecisionOps } from './fp-ops.js';

const SIGILL_STATUS = 128 + 4;
const ONE = 0x3f80_0000n;
const BOXED = (bits: bigint) => bits | 0xffff_ffff_0000_0000n;
const CANONICAL_NAN_S = 0x7fc0_0000n;

describePrecisionOps('s');

describe('flw, fsw, fmv.x.w, fmv.w.x', () => {
  const p = program(`
    flw fa0, 5(s1)
    fsw fa0, 19(s1)
    fsw fa3, 24(s1)          # stores the low word even when fa3 is not NaN-boxed
    fmv.x.w a0, fa0
    fmv.x.w a2, fa3          # no unboxing: the low word, sign-extended
    fmv.w.x fa1, a1          # boxes the low word of a1
    fmv.x.w a3, fa1
  `);
  it('transfer bits unchanged, box loads and moves, sign-extend fmv.x.w', async () => {
    const data = new Uint8Array(64);
    new DataView(data.buffer).setUint32(5, 0xff80_0001, true); // a negative sNaN: loads must not quiet it
    const r = await run(p, { x: { 9: DATA, 11: 0x1234_5678_4049_0fdbn }, f: { 13: 0x1111_2222_8765_4321n }, data });
    expect(r.f[10]).toBe(BOXED(0xff80_0001n));
    expect(new DataView(r.data.buffer).getUint32(19, true)).toBe(0xff80_0001);
    expect(dataDword(r.data, 24) & 0xffff_ffffn).toBe(0x8765_4321n);
    expect(r.x[10]).toBe(0xffff_ffff_ff80_0001n);
    expect(r.x[12]).toBe(0xffff_ffff_8765_4321n);
    expect(r.f[11]).toBe(BOXED(0x4049_0fdbn));
    expect(r.x[13]).toBe(0x4049_0fdbn);
    expect(r.fflags).toBe(0);
  });
});

describe('NaN-boxing', () => {
  const p = program(`
    fadd.s fa0, fa1, fa2     # fa1 is not boxed: reads as the canonical NaN
    fsgnj.s ft0, fa1, fa3    # canonical NaN's magnitude, fa3's sign
    fclass.s a0, fa1
    feq.s a1, fa1, fa1       # a quiet NaN: 0, and no NV
    fcvt.d.s ft1, fa1
    fmin.s ft2, fa1, fa2     # the boxed operand wins over the (canonical, quiet) NaN
    fsgnjx.s ft3, fa2, fa4   # fa4's upper word misses one bit: unboxed, though its low word is negative
  `);
  it('reads an improperly boxed single as the canonical NaN', async () => {
    const r = await run(p, { f: { 11: ONE, 12: BOXED(ONE), 13: BOXED(0xbf80_0000n), 14: 0xffff_fffe_bf80_0000n } });
    expect(r.f[10]).toBe(BOXED(CANONICAL_NAN_S));
    expect(r.f[0]).toBe(BOXED(CANONICAL_NAN_S | 0x8000_0000n));
    expect(r.x[10]).toBe(1n << 9n);
    expect(r.x[11]).toBe(0n);
    expect(r.f[1]).toBe(0x7ff8_0000_0000_0000n);
    expect(r.f[2]).toBe(BOXED(ONE));
    expect(r.f[3]).toBe(BOXED(ONE)); // fa4 reads as +NaN: the sign of 1.0 xor 0
    expect(r.fflags).toBe(0);
  });
});

describe('reserved rounding modes', () => {
  // fadd.s fa0, fa1, fa2 with the rm field set directly (the assembler refuses 5 and 6).
  const faddWithRm = (rm: number) => ((12 << 20) | (11 << 15) | (rm << 12) | (10 << 7) | 0x53) >>> 0;
  const cases: [string, string, number][] = [
    ['rm = 5', `.word ${faddWithRm(5)}`, 0],
    ['rm = 6', `.word ${faddWithRm(6)}`, 0],
    ['dyn with frm = 5', 'fadd.s fa0, fa1, fa2, dyn', 5],
    ['dyn with frm = 6', 'fsqrt.s fa0, fa1, dyn', 6],
    ['dyn with frm = 7', 'fcvt.w.s a0, fa1, dyn', 7],
    ['dyn with frm = 5 in a fused op', 'fmadd.s fa0, fa1, fa2, fa3, dyn', 5],
  ];
  for (const [what, source, frm] of cases) {
    const p = program(`li a0, 3\n${source}`);
    it(`${what} is an illegal instruction`, async () => {
      const r = await runTrapping(p, { frm, f: { 10: BOXED(ONE) } });
      expect(r.status).toBe(SIGILL_STATUS);
      expect(r.message).toMatch(/illegal instruction/);
      expect(r.x[10]).toBe(3n);
      expect(r.f[10]).toBe(BOXED(ONE));
    });
  }
  const noRm = program('fmin.s fa0, fa1, fa2\nfsgnj.s fa3, fa1, fa2\nfadd.s fa4, fa1, fa2, rne');
  it('does not matter to instructions without a dynamic rounding mode', async () => {
    const r = await run(noRm, { frm: 7, f: { 11: BOXED(ONE), 12: BOXED(ONE) } });
    expect(r.f[10]).toBe(BOXED(ONE));
    expect(r.f[14]).toBe(BOXED(0x4000_0000n));
  });
});
