// Zicsr semantics on T0 for the user-mode CSRs: fflags, frm, fcsr (read-write, fcsr = frm << 5 |
// fflags, fields masked to their width), cycle / instret / time (read-only counters), every
// register and immediate form, the "rs1 = x0 (or zimm = 0) does not write" rule, and SIGILL for
// unknown CSRs and writes to read-only ones. Expected values are the spec's, written out. The JIT
// tiers (which lift constant fflags/frm/fcsr accesses specially) must leave the same state as T0.
import { describe, expect, it } from 'vitest';
import { program, run, runTrapping, type RunInput } from './harness.js';
import { runSnippetInTier } from '../snippet.js';

const SIGILL_STATUS = 128 + 4;

const FLOAT_CSRS = program(`
    csrrw a0, fflags, a1     # old fflags; writes the low 5 bits of a1
    csrrs a2, fflags, zero   # reads without writing
    csrrc a3, fflags, a4     # clears bits 0 and 2
    csrrs t0, fflags, t1     # sets bit 4
    csrrw a5, frm, a6        # frm is 3 bits
    csrrs a7, fcsr, zero     # frm << 5 | fflags
    csrrwi t2, fcsr, 0x1f    # writes fflags = 31, frm = 0
    csrrs t3, fcsr, zero
    csrrci t4, fflags, 3
    csrrsi t5, frm, 5
    csrrsi t6, fflags, 0     # zimm = 0: no write
    csrrci s2, frm, 0        # zimm = 0: no write
    csrrw s3, fcsr, s4       # bits above 7 are ignored
    csrrs s5, frm, zero
    csrrs s6, fflags, zero
  `);
const FLOAT_CSRS_INPUT: RunInput = { fflags: 0b01010, frm: 3, x: { 11: 0xffe3n, 14: 0b101n, 6: 0b10000n, 16: 0xfcn, 20: 0xabcn } };
const X0_WRITES = program('csrrw zero, frm, a1\ncsrrs a0, frm, zero\ncsrrc zero, fflags, zero\ncsrrwi zero, fflags, 7\ncsrrs a2, fflags, zero');
const X0_WRITES_INPUT: RunInput = { x: { 11: 2n }, fflags: 1 };

describe('fflags, frm and fcsr', () => {
  it('read the old value and write, set or clear the new one', async () => {
    const r = await run(FLOAT_CSRS, FLOAT_CSRS_INPUT);
    expect(r.x[10]).toBe(0b01010n);
    expect(r.x[12]).toBe(0b00011n); // 0xffe3 & 31
    expect(r.x[13]).toBe(0b00011n); // csrrc returns the value before clearing
    expect(r.x[5]).toBe(0b00010n); // after clearing bits 0 and 2
    expect(r.x[15]).toBe(3n);
    expect(r.x[17]).toBe((4n << 5n) | 0b10010n); // frm = 0xfc & 7 = 4; fflags = 2 | 16
    expect(r.x[7]).toBe((4n << 5n) | 0b10010n);
    expect(r.x[28]).toBe(0x1fn);
    expect(r.x[29]).toBe(0x1fn);
    expect(r.x[30]).toBe(0n);
    expect(r.x[31]).toBe(0b11100n);
    expect(r.x[18]).toBe(5n);
    expect(r.x[19]).toBe((5n << 5n) | 0b11100n);
    expect(r.x[21]).toBe(5n); // 0xabc >> 5 & 7
    expect(r.x[22]).toBe(0x1cn); // 0xabc & 31
    expect(r.frm).toBe(5);
    expect(r.fflags).toBe(0x1c);
  });
  it('write with rd = x0 and leave x0 zero', async () => {
    const r = await run(X0_WRITES, X0_WRITES_INPUT);
    expect(r.x[10]).toBe(2n);
    expect(r.x[12]).toBe(7n);
  });
});

describe('counters', () => {
  const p = program(`
    csrrs a0, instret, zero
    csrrs a1, cycle, zero
    csrrs a2, time, zero
    nop
    nop
    csrrs a3, instret, zero
    csrrs a4, cycle, zero
    csrrs a5, time, zero
    csrrsi a6, instret, 0    # a zero immediate does not write, so this is a legal read
    csrrci a7, time, 0
  `);
  it('instret and cycle increase with retired instructions; time does not go back', async () => {
    const r = await run(p);
    expect(r.x[13]! > r.x[10]!).toBe(true);
    expect(r.x[14]! > r.x[11]!).toBe(true);
    expect(r.x[15]! >= r.x[12]!).toBe(true);
    expect(r.x[16]! > r.x[13]!).toBe(true);
    expect(r.x[17]! >= r.x[15]!).toBe(true);
  });
});

describe('illegal CSR accesses', () => {
  const CASES: Record<string, string> = {
    'an unknown CSR': 'csrrs a0, mstatus, zero',
    'a vector CSR': 'csrrs a0, vl, zero',
    'a write to cycle': 'csrrw zero, cycle, a1',
    'a set on instret with rs1 != x0 (even if its value is 0)': 'csrrs a0, instret, a1',
    'an immediate write to time': 'csrrwi a0, time, 0',
    'a nonzero immediate set on cycle': 'csrrsi a0, cycle, 1',
  };
  for (const [what, source] of Object.entries(CASES)) {
    const p = program(`li a0, 7\n${source}`);
    it(`stops with SIGILL on ${what}`, async () => {
      const r = await runTrapping(p, { x: { 11: 0n } });
      expect(r.status).toBe(SIGILL_STATUS);
      expect(r.message).toMatch(/illegal instruction/);
      expect(r.x[10]).toBe(7n); // the faulting instruction did not write rd
    });
  }
});

describe.each(['baseline', 'opt'] as const)('fflags, frm and fcsr in the %s tier', (tier) => {
  it.each([['every form', FLOAT_CSRS, FLOAT_CSRS_INPUT], ['rd = x0', X0_WRITES, X0_WRITES_INPUT]] as const)('%s: same state as T0', async (_, p, input) => {
    const want = await run(p, input);
    const got = await runSnippetInTier({ ...input, code: p.code }, tier);
    expect({ x: got.x, fflags: got.fflags, frm: got.frm, message: got.message }).toEqual({ x: want.x, fflags: want.fflags, frm: want.frm, message: undefined });
  });
});
