// Every compressed instruction means its base expansion: decoding a compressed word gives the
// same base mnemonic and operands as decoding the 32-bit encoding of the expanded instruction.
import { describe, expect, it } from 'vitest';
import { BASE_ROW, ROWS } from './table.js';
import { decode } from './decode.js';
import { encode } from './encode.js';
import type { Decoded } from './types.js';

const operands = (d: Decoded) => ({ rd: d.rd, rs1: d.rs1, rs2: d.rs2, rs3: d.rs3, imm: d.imm, rm: d.rm });

describe('compressed expansion', () => {
  it('decodes every compressed encoding as its 32-bit expansion', () => {
    const failures: string[] = [];
    const seen = new Set<string>();
    for (let half = 0; half < 0x10000; half++) {
      if ((half & 3) === 3) continue;
      const d = decode(half);
      if (!d) continue;
      seen.add(d.row.name);
      const baseRow = BASE_ROW.get(d.base)!;
      const expanded = decode(encode(baseRow, operands(d)));
      if (expanded?.row !== baseRow || JSON.stringify(operands(expanded)) !== JSON.stringify(operands(d))) {
        failures.push(`${half.toString(16)} ${d.row.name}: expansion decodes as ${expanded?.row.name} ${JSON.stringify(expanded && operands(expanded))}`);
      }
      if (d.size !== 2) failures.push(`${half.toString(16)}: size ${d.size}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect([...seen].sort()).toEqual(ROWS.filter((r) => r.size === 2).map((r) => r.name).sort());
  });

  it('spells out the implied operands of each expansion', () => {
    const cases: [number, string, Partial<ReturnType<typeof operands>>][] = [
      [0x0808, 'addi', { rd: 10, rs1: 2, imm: 16 }], // c.addi4spn a0,sp,16
      [0x441c, 'lw', { rd: 15, rs1: 8, imm: 8 }], // c.lw a5,8(s0)
      [0x0001, 'addi', { rd: 0, rs1: 0, imm: 0 }], // c.nop
      [0x4681, 'addi', { rd: 13, rs1: 0, imm: 0 }], // c.li a3,0
      [0x7131, 'addi', { rd: 2, rs1: 2, imm: -192 }], // c.addi16sp sp,-192
      [0x77fd, 'lui', { rd: 15, imm: -4096 }], // c.lui a5,0xfffff
      [0xbfe1, 'jal', { rd: 0, imm: -40 }], // c.j .-40
      [0xc781, 'beq', { rs1: 15, rs2: 0, imm: 8 }], // c.beqz a5,.+8
      [0x8082, 'jalr', { rd: 0, rs1: 1, imm: 0 }], // c.jr ra
      [0x9782, 'jalr', { rd: 1, rs1: 15, imm: 0 }], // c.jalr a5
      [0x84a2, 'add', { rd: 9, rs1: 0, rs2: 8 }], // c.mv s1,s0
      [0x952e, 'add', { rd: 10, rs1: 10, rs2: 11 }], // c.add a0,a1
      [0xf922, 'sd', { rs1: 2, rs2: 8, imm: 176 }], // c.sdsp s0,176(sp)
      [0x9002, 'ebreak', {}],
    ];
    for (const [half, base, expected] of cases) {
      const d = decode(half)!;
      expect(d.base, half.toString(16)).toBe(base);
      expect(operands(d), half.toString(16)).toMatchObject(expected);
    }
  });
});
