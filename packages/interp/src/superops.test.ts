import { describe, expect, it } from 'vitest';
import { assemble, decode, type Decoded } from '@ferry/isa-riscv';
import { fusedRow, generalPattern, matchesAt, parsePattern, patternOf } from './superops.js';
import { SiteIndex, selectSuperops, sequenceCounts, simulateDispatches } from './superop-selection.js';

/** Decoded instructions of an assembly text. */
function insns(source: string): Decoded[] {
  const { bytes } = assemble(source);
  const out: Decoded[] = [];
  for (let at = 0; at < bytes.length;) {
    const word = bytes[at]! | (bytes[at + 1]! << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24);
    const d = decode(word >>> 0)!;
    out.push(d);
    at += d.size;
  }
  return out;
}

/** Profile sites for straight-line code at 0x10000, each executed `count` times. */
function sites(source: string, count: number) {
  const { bytes } = assemble(source);
  const result: { pc: bigint; count: number; word: number }[] = [];
  for (let at = 0; at < bytes.length;) {
    const word = (bytes[at]! | (bytes[at + 1]! << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
    result.push({ pc: 0x10000n + BigInt(at), count, word });
    at += (word & 3) === 3 ? 4 : 2;
  }
  return result;
}

describe('superoperator patterns', () => {
  it('name rows and register shapes, x0 apart', () => {
    expect(patternOf(insns('lui a0, 0x12345\naddi a0, a0, 0x678'))).toBe('lui rd=A; addi rd=A rs1=A');
    expect(patternOf(insns('addi a1, zero, 1\nbeq a1, zero, next\nnext:'))).toBe('addi rd=A rs1=x0; beq rs1=A rs2=x0');
    expect(patternOf(insns('fld fa0, 0(a0)\nfadd.d fa1, fa0, fa0'))).toBe('fld rd=a rs1=A; fadd.d rd=b rs1=a rs2=a');
  });
  it('generalize to distinct registers except x0 and shared fields', () => {
    expect(generalPattern(insns('lui a0, 0x12345\naddi a0, a0, 0x678'))).toBe('lui rd=A; addi rd=B rs1=C');
    expect(generalPattern(insns('c.addi a0, 1\nadd a1, a1, zero'))).toBe('c.addi rd=A rs1=A; add rd=B rs1=C rs2=x0');
  });
  it('match the sequences the decoder fuses: equal symbols equal, x0 zero, others free', () => {
    const p = parsePattern('lui rd=A; addi rd=A rs1=A');
    expect(matchesAt(p, insns('lui a0, 1\naddi a0, a0, 2'))).toBe(true);
    expect(matchesAt(p, insns('lui a0, 1\naddi a1, a0, 2'))).toBe(false);
    const general = parsePattern('lui rd=A; addi rd=B rs1=C');
    expect(matchesAt(general, insns('lui a0, 1\naddi a0, a0, 2'))).toBe(true);
    expect(matchesAt(parsePattern('addi rd=A rs1=x0; ecall'), insns('addi a7, a0, 1\necall'))).toBe(false);
  });
  it('reject unknown rows and missing register symbols, naming the pattern', () => {
    expect(() => parsePattern('lui rd=A; frobnicate rd=A')).toThrow(/frobnicate/);
    expect(() => parsePattern('add rd=A rs1=B')).toThrow(/needs a symbol for rs2/);
  });
  it('become fused rows only when every part but the last falls through without exits', () => {
    expect(fusedRow('beq rs1=A rs2=B; addi rd=A rs1=A')).toMatch(/beq cannot be followed/);
    expect(fusedRow('ecall; addi rd=A rs1=A')).toMatch(/ecall cannot be followed/);
    expect(fusedRow('csrrs rd=A rs1=x0; addi rd=A rs1=A')).toMatch(/CSR/);
    expect(fusedRow('amoadd.d rd=A rs1=B rs2=C; addi rd=A rs1=A')).toMatch(/atomic/);
  });
  it('pack operands into three register bytes and 32 immediate bits', () => {
    const row = fusedRow('lui rd=A; addi rd=A rs1=A');
    expect(typeof row).toBe('object');
    if (typeof row === 'string') return;
    expect(row.operands.map((o) => o.at)).toEqual([{ byte: 0 }, { bit: 0 }, { bit: 20 }]);
    expect(row.readOnlyPage).toBe(false);
    expect(fusedRow('sd rs1=A rs2=B; sd rs1=A rs2=C')).toMatchObject({ readOnlyPage: true });
    // Three 12-bit immediates and six registers need 3 bytes + 3 * 5 + 36 bits: too many.
    expect(fusedRow('addi rd=A rs1=B; addi rd=C rs1=D; addi rd=E rs1=F')).toMatch(/bits/);
  });
});

describe('superoperator selection', () => {
  const loop = 'top:\nlui a0, 1\naddi a0, a0, 2\nadd a1, a1, a0\nld a2, 8(a1)\nbne a2, zero, top';
  it('counts adjacent sequences by pattern, weighted by executions', () => {
    const index = new SiteIndex(sites(loop, 100));
    const pairs = sequenceCounts(index, 2);
    expect(pairs.get('lui rd=A; addi rd=A rs1=A')).toBe(100);
    expect(pairs.get('ld rd=A rs1=B; bne rs1=A rs2=x0')).toBe(100);
    expect(sequenceCounts(index, 3).get('lui rd=A; addi rd=A rs1=A; add rd=B rs1=B rs2=A')).toBe(100);
  });
  it('simulates the dispatches fusion leaves', () => {
    const index = new SiteIndex(sites(loop, 100));
    expect(simulateDispatches(index, []).dispatches).toBe(500);
    const sim = simulateDispatches(index, [parsePattern('lui rd=A; addi rd=A rs1=A'), parsePattern('add rd=A rs1=A rs2=B; ld rd=C rs1=A')]);
    expect(sim.dispatches).toBe(300);
    expect(sim.fused).toEqual([100, 100]);
  });
  it('picks the pattern that saves most first, then stops below the threshold', () => {
    const hot = new SiteIndex(sites(loop, 1000));
    const chosen = selectSuperops([{ index: hot, weight: 1 }], { maxPatterns: 4, minSaved: 0.01, lengths: [2, 3] });
    expect(chosen.length).toBeGreaterThan(0);
    // A triple saves two dispatches of five per iteration.
    expect(chosen[0]!.saved).toBeCloseTo(0.4, 5);
    const after = simulateDispatches(hot, chosen.map((c) => parsePattern(c.pattern)));
    expect(after.dispatches).toBeLessThan(5000 * 0.7);
  });
});
