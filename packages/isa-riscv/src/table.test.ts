// Self-checks of the instruction table: coverage of the mnemonic list, no ambiguous overlaps,
// and decode/encode being inverse on random encodings and random operand values of every row.
import { describe, expect, it } from 'vitest';
import { ALL_MNEMONICS } from './mnemonics.js';
import { BASE_ROW, ROWS, fieldRange, fieldValueBits, fieldWordBits } from './table.js';
import { decode } from './decode.js';
import { encode, type Operands } from './encode.js';
import type { Decoded, InsnRow, OperandSlot } from './types.js';

const COMPRESSED_NAMES = `c.addi4spn c.fld c.lw c.ld c.fsd c.sw c.sd c.nop c.addi c.addiw c.li c.addi16sp c.lui c.srli c.srai
  c.andi c.sub c.xor c.or c.and c.subw c.addw c.j c.beqz c.bnez c.slli c.fldsp c.lwsp c.ldsp c.jr c.mv c.ebreak
  c.jalr c.add c.fsdsp c.swsp c.sdsp`.split(/\s+/);
const SLOTS: readonly OperandSlot[] = ['rd', 'rs1', 'rs2', 'rs3', 'imm', 'rm'];

/** Deterministic pseudo-random 32-bit values (xorshift), so failures reproduce. */
function randomWords(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const operandsOf = (d: Decoded): Operands => ({ rd: d.rd, rs1: d.rs1, rs2: d.rs2, rs3: d.rs3, imm: d.imm, rm: d.rm });
const sizeMask = (row: InsnRow) => (row.size === 4 ? 0xffffffff : 0xffff);
const overlaps = (a: InsnRow, b: InsnRow) => a.size === b.size && ((a.match ^ b.match) & a.mask & b.mask) === 0;
const strictlyContains = (outer: InsnRow, inner: InsnRow) => (outer.mask & inner.mask) === inner.mask && outer.mask !== inner.mask;

describe('instruction table', () => {
  it('has exactly one 32-bit row per base mnemonic, named after it', () => {
    for (const m of ALL_MNEMONICS) {
      const rows = ROWS.filter((r) => r.size === 4 && r.base === m);
      expect(rows.map((r) => r.name), m).toEqual([m]);
      expect(BASE_ROW.get(m)).toBe(rows[0]);
    }
    expect(ROWS.filter((r) => r.size === 4)).toHaveLength(ALL_MNEMONICS.length);
  });

  it('has one row for every RV64C instruction', () => {
    expect(ROWS.filter((r) => r.size === 2).map((r) => r.name).sort()).toEqual([...COMPRESSED_NAMES].sort());
  });

  it('has rows that overlap only when one mask strictly contains the other', () => {
    for (const a of ROWS) {
      for (const b of ROWS) {
        if (a === b || !overlaps(a, b)) continue;
        expect(strictlyContains(a, b) || strictlyContains(b, a), `${a.name} overlaps ${b.name}`).toBe(true);
      }
    }
  });

  it('keeps fields off fixed bits and inside the instruction', () => {
    for (const row of ROWS) {
      expect((row.match & ~row.mask) >>> 0, row.name).toBe(0);
      for (const slot of SLOTS) {
        const spec = row.fields[slot];
        if (spec === undefined || typeof spec === 'number') continue;
        expect((fieldWordBits(spec) & row.mask) >>> 0, `${row.name}.${slot}`).toBe(0);
        expect((fieldWordBits(spec) & ~sizeMask(row)) >>> 0, `${row.name}.${slot}`).toBe(0);
      }
    }
  });

  it('marks rounding modes 5 and 6 reserved exactly on rows with an rm field', () => {
    for (const row of ROWS) expect(row.reservedValues?.rm ?? [], row.name).toEqual(typeof row.fields.rm === 'object' ? [5, 6] : []);
  });

  it('gives compressed rows the flags of their base instruction', () => {
    for (const row of ROWS.filter((r) => r.size === 2)) expect(row.flags, row.name).toEqual(BASE_ROW.get(row.base)!.flags);
  });
});

describe('decode and encode', () => {
  // Inner loops collect failures as text and assert once: vitest's expect is too slow for 10^5 calls.
  it('decode(encode(decode(w))) reproduces every random encoding of every row', () => {
    const next = randomWords(0x5eed);
    const failures: string[] = [];
    for (const row of ROWS) {
      let accepted = 0;
      for (let i = 0; i < 400; i++) {
        const word = ((row.match | (next() & ~row.mask)) & sizeMask(row)) >>> 0;
        const at = `${row.name} ${word.toString(16)}`;
        const d = decode(word);
        if (d === undefined) {
          // Only a reserved operand value may reject a word that matches the pattern.
          if (!(row.nonzero ?? []).length && !row.reservedValues) failures.push(`${at}: rejected`);
          continue;
        }
        if (d.row !== row) {
          if (!strictlyContains(d.row, row)) failures.push(`${at}: decoded as ${d.row.name}`);
          continue;
        }
        accepted++;
        const again = decode(encode(row, operandsOf(d)));
        if (again?.row !== row || JSON.stringify(operandsOf(again)) !== JSON.stringify(operandsOf(d))) failures.push(`${at}: re-encoding gives ${again?.row.name}`);
      }
      if (accepted < 100) failures.push(`${row.name}: only ${accepted} random words accepted`);
    }
    expect(failures).toEqual([]);
  });

  it('encodes random operand values and decodes them back', () => {
    const next = randomWords(0xfeed);
    const failures: string[] = [];
    for (const row of ROWS) {
      let checked = 0;
      for (let i = 0; i < 300; i++) {
        const ops: { [K in OperandSlot]?: number } = {};
        for (const slot of SLOTS) {
          const spec = row.fields[slot];
          if (spec === undefined) continue;
          if (typeof spec === 'number') { ops[slot] = spec; continue; }
          const sharing = SLOTS.find((s) => s !== slot && ops[s] !== undefined && row.fields[s] === spec);
          if (sharing) { ops[slot] = ops[sharing]; continue; } // c.addi: rd and rs1 are one field
          const { min, max } = fieldRange(spec);
          const alignment = fieldValueBits(spec) & -fieldValueBits(spec);
          const raw = min + (next() % (max - min + 1));
          ops[slot] = raw - ((raw - min) % alignment);
        }
        if ((row.nonzero ?? []).some((s) => ops[s] === 0)) continue;
        if (SLOTS.some((s) => row.reservedValues?.[s]?.includes(ops[s] ?? 0))) continue;
        const d = decode(encode(row, ops));
        if (d?.row !== row) {
          if (!d || !strictlyContains(d.row, row)) failures.push(`${row.name} ${JSON.stringify(ops)}: decoded as ${d?.row.name}`);
          continue; // a more specific row (e.g. c.nop inside c.addi) claims these values
        }
        checked++;
        for (const slot of SLOTS) if (d[slot] !== (ops[slot] ?? 0)) failures.push(`${row.name}.${slot}: ${ops[slot]} decodes as ${d[slot]}`);
      }
      if (checked < 100) failures.push(`${row.name}: only ${checked} operand sets checked`);
    }
    expect(failures).toEqual([]);
  });

  it('decodes a 1 MB text section of mixed instructions in well under a second', () => {
    const next = randomWords(0xabcdef);
    const words: number[] = [];
    for (let bytes = 0; bytes < 1 << 20;) {
      const row = ROWS[next() % ROWS.length]!;
      words.push((row.match | (next() & ~row.mask)) >>> 0);
      bytes += row.size;
    }
    const start = performance.now();
    let decoded = 0;
    for (const w of words) if (decode(w)) decoded++;
    const elapsed = performance.now() - start;
    expect(decoded).toBeGreaterThan(words.length * 0.9);
    expect(elapsed).toBeLessThan(1000);
  });

  it('rejects operands that do not fit', () => {
    expect(() => encode(BASE_ROW.get('addi')!, { rd: 1, rs1: 1, imm: 2048 })).toThrow(/imm = 2048/);
    expect(() => encode(BASE_ROW.get('beq')!, { rs1: 1, rs2: 2, imm: 3 })).toThrow(/imm = 3/);
    expect(() => encode(ROWS.find((r) => r.name === 'c.jr')!, { rs1: 0 })).toThrow(/reserved/);
    expect(() => encode(ROWS.find((r) => r.name === 'c.lw')!, { rd: 3, rs1: 8, imm: 0 })).toThrow(/rd = 3/);
  });

  it('treats reserved encodings and longer instructions as illegal', () => {
    expect(decode(0x0000)).toBeUndefined(); // c.addi4spn with imm 0 (the defined illegal instruction)
    expect(decode(0x6101)).toBeUndefined(); // c.addi16sp sp,0
    expect(decode(0x6501)).toBeUndefined(); // c.lui a0,0
    expect(decode(0x8002)).toBeUndefined(); // c.jr zero
    expect(decode(0x4002)).toBeUndefined(); // c.lwsp zero
    expect(decode(0x02a55553)).toBeUndefined(); // fadd.d with rm 5
    expect(decode(0x0000001f)).toBeUndefined(); // 48-bit encoding
    expect(decode(0xffffffff)).toBeUndefined();
  });

  it('decodes fence variants and pause as fence', () => {
    for (const word of [0x0ff0000f, 0x8330000f, 0x0100000f, 0x0ff0008f]) expect(decode(word)?.base).toBe('fence');
    expect(decode(0x8330000f)?.imm).toBe(0x833);
    expect(decode(0xfff0108f)?.base).toBe('fence.i');
  });
});
