// The test assembler: every objdump sample line assembles back to its word; li sequences compute
// their value; labels, separators, comments, directives and error messages behave as documented.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { assemble } from './asm.js';
import { decode } from './decode.js';
import { disassembleBytes } from './disasm.js';
import { syntaxTokens } from './disasm.js';

const SAMPLE = new URL('./filetests/objdump-sample.txt', import.meta.url);

function words(bytes: Uint8Array): number[] {
  return disassembleBytes(bytes, 0n).map((l) => l.word);
}

/** Runs a straight-line lui/addi/addiw/slli sequence and returns the register values. */
function runLoadImmediate(bytes: Uint8Array): bigint[] {
  const x = new Array<bigint>(32).fill(0n);
  for (const line of disassembleBytes(bytes, 0n)) {
    const d = decode(line.word)!;
    const imm = BigInt(d.imm);
    let v: bigint;
    switch (d.base) {
      case 'addi': v = x[d.rs1]! + imm; break;
      case 'addiw': v = BigInt.asIntN(32, x[d.rs1]! + imm); break;
      case 'lui': v = imm; break;
      case 'slli': v = x[d.rs1]! << imm; break;
      default: throw new Error(`li emitted ${d.base}`);
    }
    if (d.rd !== 0) x[d.rd] = BigInt.asIntN(64, v);
  }
  return x;
}

describe('assembler', () => {
  it('assembles every objdump sample line back to its word', () => {
    const failures: string[] = [];
    const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    for (const line of lines) {
      const [address, word, ...rest] = line.split('\t');
      let text = rest.join('\t');
      if (text.startsWith('.') || text === 'c.unimp') continue;
      const name = text.split('\t')[0]!;
      const d = decode(parseInt(word!, 16))!;
      if (syntaxTokens(d.row.syntax).includes('target') && name === d.row.name) text = text.replace(/([0-9a-f]+)$/, '0x$1');
      try {
        const { bytes } = assemble(text, BigInt('0x' + address));
        const got = words(bytes)[0]!;
        if (got !== parseInt(word!, 16)) failures.push(`${text}: ${got.toString(16)} instead of ${word}`);
      } catch (e) {
        failures.push(`${text}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('loads any 64-bit constant with li', () => {
    const values = [0n, 1n, -1n, 2047n, -2048n, 2048n, -2049n, 0x7ffn, 0x800n, 0x12345000n, 0x7fffffffn, 0x80000000n,
      -0x80000000n, 0xffffffffn, 0x100000000n, 0x123456789abcdef0n, -0x123456789abcdef0n, 1n << 63n,
      0x7fffffffffffffffn, 0xffffffffffffffffn, 0x8000000000000800n, 0xfedcba9876543210n];
    for (const v of values) {
      const text = v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
      const { bytes } = assemble(`li a5, ${text}`);
      expect(runLoadImmediate(bytes)[15], text).toBe(BigInt.asIntN(64, v));
      expect(bytes.length, text).toBeLessThanOrEqual(32);
    }
    expect(assemble('li t0, 100').bytes.length).toBe(4);
    expect(assemble('li t0, 0x12345678').bytes.length).toBe(8);
  });

  it('resolves labels forwards and backwards, with ; separators and # comments', () => {
    const { bytes, labels } = assemble(`
      start: addi a0, zero, 3   # count
      loop: addi a0, a0, -1; bnez a0, loop
        beqz a0, done ; j start
      done: ret
    `, 0x1000n);
    expect(labels).toEqual(new Map([['start', 0x1000n], ['loop', 0x1004n], ['done', 0x1014n]]));
    expect(disassembleBytes(bytes, 0x1000n).map((l) => l.text)).toEqual([
      'addi\ta0,zero,3', 'addi\ta0,a0,-1', 'bne\ta0,zero,1004', 'beq\ta0,zero,1014', 'jal\tzero,1000', 'jalr\tzero,0(ra)',
    ]);
  });

  it('accepts register spellings, rounding modes, aq/rl suffixes, compressed and pseudo forms', () => {
    const { bytes } = assemble(`
      add x10, x11, x12; fadd.d f10, f11, f12, rtz; fadd.d fa0, fa1, fa2
      amoadd.w.aqrl a0, a1, (a2); lr.d.aq t0, (sp); sc.w zero, a0, 0(a1)
      c.addi4spn a0, sp, 16; c.ld a5, 8(s0); c.lui a5, 0xfffff; c.nop; c.ebreak
      mv a0, a1; not a0, a1; neg a0, a1; nop; fmv.d fa0, fa1; fence; fence.tso; csrr a0, frm
      c.j 0x10000; jal 0x10000; lui a0, 0x80000
    `);
    expect(disassembleBytes(bytes, 0x10000n).map((l) => l.text)).toEqual([
      'add\ta0,a1,a2', 'fadd.d\tfa0,fa1,fa2,rtz', 'fadd.d\tfa0,fa1,fa2',
      'amoadd.w.aqrl\ta0,a1,(a2)', 'lr.d.aq\tt0,(sp)', 'sc.w\tzero,a0,(a1)',
      'c.addi4spn\ta0,sp,16', 'c.ld\ta5,8(s0)', 'c.lui\ta5,0xfffff', 'c.addi\tzero,0', 'c.ebreak',
      'addi\ta0,a1,0', 'xori\ta0,a1,-1', 'sub\ta0,zero,a1', 'addi\tzero,zero,0', 'fsgnj.d\tfa0,fa1,fa1',
      'fence\tiorw,iorw', 'fence.tso', 'csrrs\ta0,frm,zero',
      'c.j\t10000', 'jal\tra,10000', 'lui\ta0,0x80000',
    ]);
  });

  it('emits .word, .half and .dword little-endian', () => {
    const { bytes } = assemble('.word 0xdeadbeef; .half -1, 0x1234; .dword 0x0102030405060708');
    expect([...bytes]).toEqual([0xef, 0xbe, 0xad, 0xde, 0xff, 0xff, 0x34, 0x12, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('names the line of every error', () => {
    expect(() => assemble('nop\nfrobnicate a0')).toThrow(/line 2 .*unknown instruction 'frobnicate'/);
    expect(() => assemble('addi a0, a9, 1')).toThrow(/line 1 .*'a9' is not an integer register/);
    expect(() => assemble('nop\n\naddi a0, a0, 5000')).toThrow(/line 3 .*imm = 5000/);
    expect(() => assemble('beq a0, a1, nowhere')).toThrow(/line 1 .*unknown label 'nowhere'/);
    expect(() => assemble('c.lw a0, 4(a7)')).toThrow(/line 1 .*rs1 = 17/);
    expect(() => assemble('x: nop\nx: nop')).toThrow(/line 2 .*defined twice/);
    expect(() => assemble('add a0, a1')).toThrow(/line 1 .*add takes operands rd,rs1,rs2, got 2/);
    expect(() => assemble('fadd.d fa0, fa1, fa2, fast')).toThrow(/not a rounding mode/);
    expect(() => assemble('c.addi16sp sp, 0')).toThrow(/reserved/);
  });
});
