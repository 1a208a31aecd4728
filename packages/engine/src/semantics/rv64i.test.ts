// RV64I semantics on T0: every base integer instruction, checked against values computed here from
// the unprivileged spec's rules with BigInt (never from the lifter). ecall is exercised by the
// corpus tests (it needs the syscall layer), so it is not tested here.
import { describe, expect, it } from 'vitest';
import { runSnippetInTier } from '../snippet.js';
import {
  DATA, allPairs, dataDword, itComputesBinaryOps, program, randomValues, run, runVectors, s32, s64, sext32, u32, u64,
  vectorProgram,
} from './harness.js';

const MIN64 = 1n << 63n;
const EDGES = [0n, 1n, 2n, 31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000_0000n,
  MIN64 - 1n, MIN64, u64(-1n), u64(-2n), u64(-32n), 0xdead_beef_f00d_cafen];
const PAIRS = [...allPairs(EDGES), ...allPairs(randomValues(7n, 8))];

const sh64 = (b: bigint) => b & 63n;
const sh32 = (b: bigint) => b & 31n;

describe('RV64I register-register operations', () => {
  itComputesBinaryOps({
    add: (a, b) => a + b,
    sub: (a, b) => a - b,
    sll: (a, b) => a << sh64(b),
    slt: (a, b) => (s64(a) < s64(b) ? 1n : 0n),
    sltu: (a, b) => (a < b ? 1n : 0n),
    xor: (a, b) => a ^ b,
    srl: (a, b) => a >> sh64(b),
    sra: (a, b) => s64(a) >> sh64(b),
    or: (a, b) => a | b,
    and: (a, b) => a & b,
    addw: (a, b) => sext32(a + b),
    subw: (a, b) => sext32(a - b),
    sllw: (a, b) => sext32(a << sh32(b)),
    srlw: (a, b) => sext32(u32(a) >> sh32(b)),
    sraw: (a, b) => sext32(s32(a) >> sh32(b)),
  }, PAIRS);
});

/** One vector per operand value; each immediate is one instruction of the body, one output each. */
function itComputesImmediateOp(name: string, immediates: readonly number[], reference: (a: bigint, imm: bigint) => bigint): void {
  const body = ['ld a1, 0(s0)', ...immediates.map((imm, k) => `${name} a0, a1, ${imm}\nsd a0, ${8 * (k + 1)}(s0)`)].join('\n');
  const values = [...EDGES, ...randomValues(11n, 4)];
  const vp = vectorProgram(body, 1, immediates.length, values.length);
  it(`${name} with immediates ${immediates.join(' ')}`, async () => {
    const results = await runVectors(vp, values.map((v) => [v]));
    const wrong: string[] = [];
    values.forEach((a, i) => immediates.forEach((imm, k) => {
      const want = u64(reference(a, BigInt(imm)));
      if (results[i]![k] !== want) wrong.push(`${name} ${a}, ${imm}: got ${results[i]![k]}, want ${want}`);
    }));
    expect(wrong).toEqual([]);
  });
}

describe('RV64I register-immediate operations', () => {
  const IMMEDIATES = [-2048, -1, 0, 1, 0x555, 2047];
  itComputesImmediateOp('addi', IMMEDIATES, (a, i) => a + i);
  itComputesImmediateOp('slti', IMMEDIATES, (a, i) => (s64(a) < i ? 1n : 0n));
  itComputesImmediateOp('sltiu', IMMEDIATES, (a, i) => (a < u64(i) ? 1n : 0n)); // the immediate is sign-extended, then compared unsigned
  itComputesImmediateOp('xori', IMMEDIATES, (a, i) => a ^ u64(i));
  itComputesImmediateOp('ori', IMMEDIATES, (a, i) => a | u64(i));
  itComputesImmediateOp('andi', IMMEDIATES, (a, i) => a & u64(i));
  itComputesImmediateOp('addiw', IMMEDIATES, (a, i) => sext32(a + i));
  itComputesImmediateOp('slli', [0, 1, 31, 32, 63], (a, s) => a << s);
  itComputesImmediateOp('srli', [0, 1, 31, 32, 63], (a, s) => a >> s);
  itComputesImmediateOp('srai', [0, 1, 31, 32, 63], (a, s) => s64(a) >> s);
  itComputesImmediateOp('slliw', [0, 1, 15, 31], (a, s) => sext32(a << s));
  itComputesImmediateOp('srliw', [0, 1, 15, 31], (a, s) => sext32(u32(a) >> s));
  itComputesImmediateOp('sraiw', [0, 1, 15, 31], (a, s) => sext32(s32(a) >> s));
});

describe('x0', () => {
  const p = program(`
    add zero, a1, a2
    addi zero, zero, 5
    lui zero, 0x12345
    ld zero, 0(s1)
    add a0, zero, zero      # x0 reads as zero after every attempted write
    sub a3, zero, a1        # x0 as a source
    sltu a4, zero, a1
    sd zero, 8(s1)
  `);
  it('ignores writes and reads as zero', async () => {
    const data = new Uint8Array(16).fill(0xaa);
    const r = await run(p, { x: { 9: DATA, 11: 5n, 12: 7n }, data });
    expect(r.x[10]).toBe(0n);
    expect(r.x[13]).toBe(u64(-5n));
    expect(r.x[14]).toBe(1n);
    expect(dataDword(r.data, 8)).toBe(0n);
  });
});

describe('lui and auipc', () => {
  const p = program(`
    lui a0, 0x80000
    lui a1, 0xfffff
    lui a2, 0x7ffff
    here: auipc a3, 0
    auipc a4, 0xfffff
    auipc a5, 0x80000
    auipc a6, 0x7ffff
  `);
  it('sign-extend the 32-bit upper immediate and add auipc to its own pc', async () => {
    const r = await run(p);
    const here = p.labels.get('here')!;
    expect(r.x[10]).toBe(0xffff_ffff_8000_0000n);
    expect(r.x[11]).toBe(0xffff_ffff_ffff_f000n);
    expect(r.x[12]).toBe(0x7fff_f000n);
    expect(r.x[13]).toBe(here);
    expect(r.x[14]).toBe(u64(here + 4n - 0x1000n));
    expect(r.x[15]).toBe(u64(here + 8n - 0x8000_0000n));
    expect(r.x[16]).toBe(here + 12n + 0x7fff_f000n);
  });
});

describe('jal and jalr', () => {
  const p = program(`
    start: jal ra, forward
    after_jal: li a0, 99        # skipped
    forward: mv s3, ra
    base: auipc t1, 0
    jalr a1, 13(t1)             # target t1 + 13 with bit 0 cleared = t1 + 12
    link_a1: li a0, 98          # skipped
    odd_target: mv s2, t1
    addi t2, t1, 28             # t2 = address of via_rd (base + 28)
    jalr t2, 0(t2)              # rd = rs1: the target is read before the link is written
    link_t2: li a0, 97          # skipped
    via_rd: j back_done
    backward: li a4, 1
    jalr zero, 0(ra)            # return to after the backward call, no link
    back_done: jal ra, backward
    after_back: li a5, 2
  `);
  it('link the next pc, clear bit 0 of jalr targets and jump both ways', async () => {
    const r = await run(p);
    const at = (l: string) => p.labels.get(l)!;
    expect(at('via_rd')).toBe(at('base') + 28n);
    expect(r.x[19]).toBe(at('after_jal'));
    expect(r.x[1]).toBe(at('after_back'));
    expect(r.x[10]).toBe(0n);
    expect(r.x[11]).toBe(at('link_a1'));
    expect(r.x[18]).toBe(at('base'));
    expect(r.x[7]).toBe(at('link_t2'));
    expect(r.x[14]).toBe(1n);
    expect(r.x[15]).toBe(2n);
    expect(at('odd_target')).toBe(at('base') + 12n);
  });
});

describe('conditional branches', () => {
  const BRANCHES: Record<string, (a: bigint, b: bigint) => boolean> = {
    beq: (a, b) => a === b,
    bne: (a, b) => a !== b,
    blt: (a, b) => s64(a) < s64(b),
    bge: (a, b) => s64(a) >= s64(b),
    bltu: (a, b) => a < b,
    bgeu: (a, b) => a >= b,
  };
  const VALUES = [0n, 1n, u64(-1n), MIN64, MIN64 - 1n, 0x8000_0000n];
  const pairs = allPairs(VALUES);
  for (const [name, taken] of Object.entries(BRANCHES)) {
    // Output 1: a forward branch (1 = taken, 2 = fell through); output 2: the same branch backward.
    const vp = vectorProgram((i) => `
      ld a1, 0(s0)
      ld a2, 8(s0)
      li a0, 0
      ${name} a1, a2, fwd_taken_${i}
      li a0, 2
      j fwd_done_${i}
      fwd_taken_${i}: li a0, 1
      fwd_done_${i}: sd a0, 16(s0)
      j bwd_start_${i}
      bwd_taken_${i}: li a0, 1
      j bwd_done_${i}
      bwd_start_${i}: li a0, 2
      ${name} a1, a2, bwd_taken_${i}
      bwd_done_${i}: sd a0, 24(s0)
    `, 2, 2, pairs.length);
    it(`${name} taken and not taken, forward and backward`, async () => {
      const results = await runVectors(vp, pairs);
      pairs.forEach(([a, b], i) => {
        const want = taken(a, b) ? 1n : 2n;
        expect(results[i], `${name} ${a}, ${b}`).toEqual([want, want]);
      });
    });
  }
});

describe('loads and stores', () => {
  const pattern = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 0x81) & 0xff);
  const LOADS: Record<string, [number, boolean]> = { lb: [1, true], lh: [2, true], lw: [4, true], ld: [8, true], lbu: [1, false], lhu: [2, false], lwu: [4, false] };
  const OFFSETS = [-5, -1, 0, 1, 3, 7, 9];
  const expectedLoad = (bytes: Uint8Array, at: number, size: number, signed: boolean): bigint => {
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[at + k]!);
    return signed ? u64(BigInt.asIntN(size * 8, v)) : v;
  };
  for (const [name, [size, signed]] of Object.entries(LOADS)) {
    const p = program(OFFSETS.map((o, k) => `${name} a0, ${o}(s1)\nsd a0, ${512 + 8 * k}(s1)`).join('\n'));
    it(`${name} at aligned, odd and negative offsets`, async () => {
      const r = await run(p, { x: { 9: DATA + 16n }, data: pattern });
      OFFSETS.forEach((o, k) => expect(dataDword(r.data, 16 + 512 + 8 * k), `${name} ${o}`).toBe(expectedLoad(pattern, 16 + o, size, signed)));
    });
  }
  const STORES: Record<string, number> = { sb: 1, sh: 2, sw: 4, sd: 8 };
  const VALUE = 0x8877_6655_4433_2211n;
  for (const [name, size] of Object.entries(STORES)) {
    const p = program(OFFSETS.map((o, k) => `${name} a1, ${o + 64 * k}(s1)`).join('\n'));
    it(`${name} writes exactly its ${size} low bytes at odd and negative offsets`, async () => {
      const r = await run(p, { x: { 9: DATA + 16n, 11: VALUE } });
      const want = new Uint8Array(r.data.length);
      OFFSETS.forEach((o, k) => { for (let j = 0; j < size; j++) want[16 + o + 64 * k + j] = Number((VALUE >> BigInt(8 * j)) & 0xffn); });
      expect(r.data).toEqual(want);
    });
  }
  const big = program(`
    addi s1, s1, 2047
    addi s1, s1, 1          # s1 = data + 2048: offsets -2048 and 2047 reach the page's ends
    sd a1, -2048(s1)
    sb a1, 2047(s1)
    ld a2, -2048(s1)
    lbu a3, 2047(s1)
  `);
  it('use the full 12-bit signed offset range', async () => {
    const r = await run(big, { x: { 9: DATA, 11: VALUE } });
    expect(r.x[12]).toBe(VALUE);
    expect(r.x[13]).toBe(0x11n);
    expect(r.data[4095]).toBe(0x11);
  });
  // The data page has no mapped neighbour, so the stack (8 MiB, mapped) provides a page boundary:
  // t0 = a page boundary with mapped pages on both sides.
  const STACK_PAGE_BOUNDARY_IN_T0 = 'addi t0, sp, -64\nsrli t0, t0, 12\nslli t0, t0, 12';
  const crossing = program(`
    ${STACK_PAGE_BOUNDARY_IN_T0}
    sd a1, -3(t0)
    ld a2, -3(t0)
    lw a3, -2(t0)
    lwu a4, -1(t0)
    lh a5, -1(t0)
    lhu a6, -1(t0)
    sw a7, -2(t0)
    ld s2, -8(t0)
    ld s3, 0(t0)
    sh a7, -1(t0)
    lbu s4, -1(t0)
    lbu s5, 0(t0)
  `);
  it('cross a page boundary at every width', async () => {
    const r = await run(crossing, { x: { 11: VALUE, 17: 0xa1b2_c3d4n } });
    // Bytes from boundary-3: 11 22 33 | 44 55 66 77 88.
    expect(r.x[12]).toBe(VALUE);
    expect(r.x[13]).toBe(0x5544_3322n);
    expect(r.x[14]).toBe(0x6655_4433n);
    expect(r.x[15]).toBe(0x4433n);
    expect(r.x[16]).toBe(0x4433n);
    // After sw at boundary-2: ... 11 | d4 c3 | b2 a1 | 66 77 88.
    expect(u64(r.x[18]!) >> 40n).toBe(0xc3_d411n);
    expect(r.x[19]! & 0xff_ffff_ffffn).toBe(0x88_7766_a1b2n);
    expect(r.x[20]).toBe(0xd4n);
    expect(r.x[21]).toBe(0xc3n);
  });
  // Misaligned inside one page: the fast path of translated code takes aligned accesses only
  // (backend-wasm guest-memory.ts), so these go through the slow path there; T0 and both JIT
  // tiers must agree with the byte-level reference.
  const misaligned = program(`
    sd a1, 1(s0)
    ld a2, 1(s0)
    lw a3, 3(s0)
    lwu a4, 5(s0)
    lh a5, 7(s0)
    lhu a6, 1(s0)
    sw a7, 13(s0)
    sh a7, 18(s0)
    ld s2, 12(s0)
    ld s3, 16(s0)
  `);
  // Addresses at or above 2^GUEST_VA_BITS: generated code indexes the shadow table with the low
  // 32 bits unmasked (backend-wasm guest-memory.ts), so each must read a zero entry inside the
  // table and fault as T0 does, naming the address, never trap in wasm.
  // 0x100010000's low 32 bits name the snippet's own code page: only the reach test keeps the
  // access from landing there. Bytes have a test of their own (an unsigned compare).
  const highLoads = ['-8', '0x7ffffff8', '0x80000000', '0xfffff000', '0x100010000'].flatMap((address) => ['ld', 'lbu'].map((load) =>
    [`${load} from ${address}`, program(`li a0, ${address}\n${load} a1, 0(a0)`)] as const));
  it.each(highLoads)('%s faults the same way in every tier', async (_, p) => {
    const want = await runSnippetInTier({ code: p.code }, 'interp');
    expect(want.message).toMatch(/segmentation fault/);
    for (const tier of ['baseline', 'opt'] as const) {
      const got = await runSnippetInTier({ code: p.code }, tier);
      expect({ tier, status: got.status, message: got.message }).toEqual({ tier, status: want.status, message: want.message });
    }
  });
  const misalignedInput = { x: { 8: DATA, 11: VALUE, 17: 0xa1b2_c3d4n } };
  it('misaligned inside a page at every width, in every tier', async () => {
    const r = await run(misaligned, misalignedInput);
    // Bytes from DATA+1: 11 22 33 44 55 66 77 88 (VALUE little-endian); the rest of the page is 0.
    expect(r.x[12]).toBe(VALUE);
    expect(r.x[13]).toBe(0x6655_4433n);
    expect(r.x[14]).toBe(0x8877_6655n);
    expect(r.x[15]).toBe(u64(-0x7789n));
    expect(r.x[16]).toBe(0x2211n);
    // DATA+13..16 = d4 c3 b2 a1, DATA+18..19 = d4 c3.
    expect(r.x[18]).toBe(0xc3d4_00a1_b2c3_d400n);
    expect(r.x[19]).toBe(0xc3d4_00a1n);
    for (const tier of ['baseline', 'opt'] as const) {
      const got = await runSnippetInTier({ ...misalignedInput, code: misaligned.code }, tier);
      expect({ tier, x: got.x, message: got.message }).toEqual({ tier, x: r.x, message: undefined });
    }
  });
  // Grouped accesses (backend-wasm access-groups.ts): three or more accesses off one base share
  // one guard in the optimizing tier. Each guard failure (page crossing, misaligned base, an
  // unmapped page in the span) must fall back to each member's own checked access, exactly.
  const grouped = {
    'inside one page': program(`
      sd a1, 0(s0)
      sd a7, 8(s0)
      ld a2, 0(s0)
      lw a3, 12(s0)
      sb a1, 20(s0)
      lbu a4, 20(s0)
    `),
    // Twice round a loop: the first pass makes the pages present (a page the run has not touched
    // yet has an empty shadow entry, so its guard fails), the second finds them present.
    'across a page boundary': program(`
      ${STACK_PAGE_BOUNDARY_IN_T0}
      li t3, 2
    again:
      sd a1, -16(t0)
      sd a7, -8(t0)
      sd a1, 0(t0)
      ld a2, -16(t0)
      ld a3, -8(t0)
      ld a4, 0(t0)
      addi t3, t3, -1
      bnez t3, again
    `),
    'off a misaligned base': program(`
      li t3, 2
    again:
      sd a1, 1(s0)
      sd a7, 9(s0)
      ld a2, 1(s0)
      ld a3, 9(s0)
      lw a4, 13(s0)
      lh a5, 3(s0)
      addi t3, t3, -1
      bnez t3, again
    `),
    // The first pass stays in the data page; the second reaches 16 bytes into the unmapped page
    // after it, on a page the guard has seen present.
    'into an unmapped page': program(`
      addi t0, s0, 2040
      addi t0, t0, 2024       # the data page's last 32 bytes
      li t3, 2
    again:
      sd a1, 0(t0)
      sd a7, 8(t0)
      ld a2, 0(t0)
      sd a1, 16(t0)
      addi t0, t0, 16
      addi t3, t3, -1
      bnez t3, again
    `),
    // The snippet's code page is readable, not writable: the guard must see the store's bit missing.
    'into a read-only page': program(`
      auipc t0, 0
      ld a2, 64(t0)
      sd a1, 64(t0)
      sd a1, 72(t0)
    `),
  };
  it.each(Object.entries(grouped))('grouped accesses %s give the same state and fault in every tier', async (name, p) => {
    const want = await runSnippetInTier({ ...misalignedInput, code: p.code }, 'interp');
    expect(want.message).toEqual(name.startsWith('into') ? expect.stringMatching(/segmentation fault/) : undefined);
    for (const tier of ['baseline', 'opt'] as const) {
      const got = await runSnippetInTier({ ...misalignedInput, code: p.code }, tier);
      // A fault ends the run with the message and memory as they are (registers promoted to locals
      // in a region are not written back on the way out, as the other fault tests allow).
      const seen = (r: typeof want) => (r.message === undefined ? { x: r.x, pc: r.pc, data: r.data } : { status: r.status, message: r.message, data: r.data });
      expect({ tier, ...seen(got) }).toEqual({ tier, ...seen(want) });
    }
  });
  const negative = program('lb a0, 0(s1)\nlh a1, 2(s1)\nlw a2, 4(s1)\nlwu a3, 4(s1)\nlbu a4, 0(s1)');
  it('sign-extend negative bytes, halves and words (literal vectors)', async () => {
    const data = Uint8Array.from([0x80, 0xff, 0x00, 0x80, 0xfe, 0xff, 0xff, 0xff]);
    const r = await run(negative, { x: { 9: DATA }, data });
    expect(r.x[10]).toBe(u64(-128n));
    expect(r.x[11]).toBe(u64(-0x8000n));
    expect(r.x[12]).toBe(u64(-2n));
    expect(r.x[13]).toBe(0xffff_fffen);
    expect(r.x[14]).toBe(0x80n);
  });
});

describe('fence and ebreak', () => {
  const p = program(`
    li a0, 5
    fence
    fence rw, rw
    fence.tso
    fence i, o
    addi a0, a0, 1
  `);
  // fence.i exits to the runtime, which drops decoded code and resumes after it with state intact.
  // (Code pages of a snippet are not writable, so self-modifying code is left to the corpus test.)
  const fenceI = program('li a0, 5\nli a1, 6\nfence.i\nadd a0, a0, a1\nfence.i\naddi a0, a0, 1');
  it('fence.i resumes at the next instruction with registers intact', async () => {
    const r = await run(fenceI);
    expect(r.x[10]).toBe(12n);
    expect(r.x[11]).toBe(6n);
  });
  it('fences change nothing; the ebreak stops the snippet at its own address', async () => {
    const r = await run(p);
    expect(r.x[10]).toBe(6n);
    expect(r.pc).toBe(0x10000n + BigInt(p.code.length) - 4n);
    expect(r.instructions).toBe(7n); // six instructions and the ebreak, which the snippet counts
  });
});
