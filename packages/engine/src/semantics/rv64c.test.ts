// RV64C semantics on T0: every compressed row, run as compressed code and checked against the
// value its 32-bit expansion must produce (spec rules written out here): implied registers (sp, x0,
// ra), scaled and sign-extended immediates, c.jalr linking pc + 2, W forms sign-extending.
import { describe, expect, it } from 'vitest';
import { DATA, dataDword, program, run, u64 } from './harness.js';

const X = { s0: 8, s1: 9, a0: 10, a1: 11, a2: 12, a3: 13, a4: 14, a5: 15, sp: 2, ra: 1, t0: 5, t1: 6, t2: 7, t3: 28, t4: 29 } as const;

describe('compressed arithmetic', () => {
  const first = program(`
    c.li a0, -32
    c.addi a0, 31
    c.addiw a1, 1
    c.lui a2, 0xfffe0
    c.lui a5, 1
    c.srli s1, 4
    c.srai s0, 1
    c.andi a3, -16
    c.addw a4, a5
    c.nop
  `);
  it('c.li c.addi c.addiw c.lui c.srli c.srai c.andi c.addw c.nop', async () => {
    const r = await run(first, { x: { [X.s0]: 1n << 63n, [X.s1]: (1n << 63n) | 0xf0n, [X.a1]: 0x1_7fff_ffffn, [X.a3]: 0x1ffn, [X.a4]: 0x7fff_f000n } });
    expect(r.x[X.a0]).toBe(u64(-1n));
    expect(r.x[X.a1]).toBe(0xffff_ffff_8000_0000n);
    expect(r.x[X.a2]).toBe(0xffff_ffff_fffe_0000n);
    expect(r.x[X.a5]).toBe(0x1000n);
    expect(r.x[X.s1]).toBe(0x0800_0000_0000_000fn);
    expect(r.x[X.s0]).toBe(0xc000_0000_0000_0000n);
    expect(r.x[X.a3]).toBe(0x1f0n);
    expect(r.x[X.a4]).toBe(0xffff_ffff_8000_0000n);
  });
  const second = program(`
    c.sub s0, s1
    c.xor a0, a1
    c.or a2, a3
    c.and a1, a3
    c.subw a4, a5
    c.slli t0, 63
    c.mv t1, t0
    c.add t1, t2
    c.addi4spn a5, sp, 1020
    c.addi16sp sp, -512
    c.addi16sp sp, 496
  `);
  it('c.sub c.xor c.or c.and c.subw c.slli c.mv c.add c.addi4spn c.addi16sp', async () => {
    const sp = 0x7fff_0000n;
    const r = await run(second, { x: { [X.s0]: 12n, [X.s1]: 5n, [X.a0]: 0xf0f0n, [X.a1]: 0x0ff0n, [X.a2]: 0xf0f0n, [X.a3]: 0x0ff0n, [X.a4]: 0xffff_ffff_0000_0000n, [X.a5]: 1n, [X.t0]: 3n, [X.t2]: 5n, [X.sp]: sp } });
    expect(r.x[X.s0]).toBe(7n);
    expect(r.x[X.a0]).toBe(0xff00n);
    expect(r.x[X.a2]).toBe(0xfff0n);
    expect(r.x[X.a1]).toBe(0x0ff0n);
    expect(r.x[X.a4]).toBe(u64(-1n));
    expect(r.x[X.t0]).toBe(1n << 63n);
    expect(r.x[X.t1]).toBe((1n << 63n) + 5n);
    expect(r.x[X.a5]).toBe(sp + 1020n);
    expect(r.x[X.sp]).toBe(sp - 16n);
  });
});

describe('compressed loads and stores', () => {
  const p = program(`
    c.sw a0, 4(s0)
    c.sd a1, 8(s0)
    c.fsd fa0, 16(s0)
    c.lw a2, 4(s0)
    c.ld a3, 8(s0)
    c.fld fa1, 16(s0)
    c.swsp a0, 252(sp)
    c.sdsp a1, 504(sp)
    c.fsdsp fa0, 8(sp)
    c.lwsp t3, 252(sp)
    c.ldsp t4, 504(sp)
    c.fldsp ft2, 8(sp)
  `);
  it('c.sw c.sd c.fsd c.lw c.ld c.fld and the sp-relative forms use scaled offsets', async () => {
    const value = 0x1122_3344_8765_4321n;
    const fbits = 0x4009_21fb_5444_2d18n;
    const r = await run(p, { x: { [X.s0]: DATA + 2048n, [X.sp]: DATA + 1024n, [X.a0]: value, [X.a1]: ~value & u64(-1n) }, f: { 10: fbits } });
    expect(r.x[X.a2]).toBe(0xffff_ffff_8765_4321n);
    expect(r.x[X.a3]).toBe(~value & u64(-1n));
    expect(r.f[11]).toBe(fbits);
    expect(r.x[X.t3]).toBe(0xffff_ffff_8765_4321n);
    expect(r.x[X.t4]).toBe(~value & u64(-1n));
    expect(r.f[2]).toBe(fbits);
    expect(dataDword(r.data, 2048)).toBe(0x8765_4321_0000_0000n);
    expect(dataDword(r.data, 2056)).toBe(~value & u64(-1n));
    expect(dataDword(r.data, 2064)).toBe(fbits);
    expect(dataDword(r.data, 1024 + 248) >> 32n).toBe(0x8765_4321n);
    expect(dataDword(r.data, 1024 + 504)).toBe(~value & u64(-1n));
    expect(dataDword(r.data, 1024 + 8)).toBe(fbits);
  });
});

describe('compressed control transfer', () => {
  const p = program(`
    c.li a0, 0
    c.j over
    c.li a0, 1
    over: c.beqz a1, zero_taken
    c.li a0, 2
    zero_taken: c.bnez a2, nonzero_taken
    c.li a0, 3
    nonzero_taken: c.beqz a2, bad
    c.bnez a1, bad
    call: c.jalr t0
    after_call: c.j done
    bad: c.li a0, 9
    function: c.li a3, 7
    c.jr ra
    done: c.li a4, 1
    stop: c.ebreak
    c.li a4, 2
  `);
  it('c.j c.beqz c.bnez c.jalr (links pc + 2) c.jr c.ebreak', async () => {
    const at = (l: string) => p.labels.get(l)!;
    const r = await run(p, { x: { [X.a1]: 0n, [X.a2]: 5n, [X.t0]: at('function') } });
    expect(r.x[X.a0]).toBe(0n);
    expect(r.x[X.ra]).toBe(at('call') + 2n);
    expect(at('after_call')).toBe(at('call') + 2n);
    expect(r.x[X.a3]).toBe(7n);
    expect(r.x[X.a4]).toBe(1n);
    expect(r.pc).toBe(at('stop'));
  });
});
