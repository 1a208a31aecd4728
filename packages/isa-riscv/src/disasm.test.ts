// Disassembly against the committed objdump golden sample (filetests/objdump-sample.txt, made by
// objdump.ci.test.ts with FERRY_BLESS=1), plus the objdump behaviours that sample cannot show.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { disassembleBytes, disassembleWord, disassemble } from './disasm.js';
import { decode } from './decode.js';

const SAMPLE = new URL('./filetests/objdump-sample.txt', import.meta.url);

const bytesOf = (...halves: number[]) => new Uint8Array(new Uint16Array(halves).buffer);

describe('disassembler', () => {
  const lines = readFileSync(SAMPLE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));

  it('has a sample covering many instruction shapes', () => {
    expect(lines.length).toBeGreaterThan(150);
  });

  it('prints every sample line as objdump did', () => {
    const failures: string[] = [];
    for (const line of lines) {
      const [address, word, text] = line.split('\t', 2).concat(line.split('\t').slice(2).join('\t'));
      const ours = disassembleWord(parseInt(word!, 16), BigInt('0x' + address));
      if (ours !== text) failures.push(`${address}: ${word} ours '${ours}' objdump '${text}'`);
    }
    expect(failures).toEqual([]);
  });

  it('prints objdump names for fence forms, zero shifts and c.nop', () => {
    expect(disassembleWord(0x8330000f, 0n)).toBe('fence.tso');
    expect(disassembleWord(0x0100000f, 0n)).toBe('fence\tw,unknown');
    expect(disassembleWord(0x0ff0008f, 0n)).toBe('.4byte\t0xff0008f'); // rd set: objdump shows data
    expect(disassembleWord(0x0001, 0n)).toBe('c.addi\tzero,0');
    expect(disassembleWord(0x0502, 0n)).toBe('c.slli64\ta0');
    expect(disassembleWord(0xd2057553, 0n)).toBe('.4byte\t0xd2057553'); // fcvt.d.w with rm 7
    expect(disassembleWord(0xc2051553, 0n)).toBe('fcvt.w.d\ta0,fa0,rtz');
    expect(disassembleWord(0xc2057553, 0n)).toBe('fcvt.w.d\ta0,fa0');
  });

  it('renders a decoded instruction without its source word', () => {
    expect(disassemble(decode(0x8330000f)!, 0n)).toBe('fence.tso');
    expect(disassemble(decode(0xfe051ee3)!, 0x10044n)).toBe('bne\ta0,zero,10040');
  });

  it('reports undecodable bytes like objdump', () => {
    const lines = disassembleBytes(bytesOf(0x0000, 0xffff, 0x007b, 0x0000, 0x0411), 0x1000n);
    expect(lines.map((l) => [l.address, l.size, l.text])).toEqual([
      [0x1000n, 2, 'c.unimp'],
      [0x1002n, 2, '.2byte\t0xffff'], // reserved length encoding: one halfword
      [0x1004n, 4, '.4byte\t0x7b'],
      [0x1008n, 2, 'c.addi\ts0,4'],
    ]);
    const long = disassembleBytes(new Uint8Array([0x3f, 0, 1, 2, 3, 4, 5, 6, 0x1f, 0, 1, 2, 3, 4, 0x13]), 0n);
    expect(long.map((l) => l.text)).toEqual(['.8byte\t0x60504030201003f', '.byte\t0x1f, 0x00, 0x01, 0x02, 0x03, 0x04', '.byte\t0x13']);
  });

  it('shows reserved encodings as data where objdump still names them', () => {
    // objdump prints `c.addi16sp sp,0` and `fadd.d ...,unknown`; both are reserved, so illegal here.
    expect(disassembleWord(0x6101, 0n)).toBe('.2byte\t0x6101');
    expect(disassembleWord(0x02a55553, 0n)).toBe('.4byte\t0x2a55553');
  });

  it('wraps branch targets around the 64-bit address space', () => {
    expect(disassembleWord(0xbfe1, 0x10n)).toBe('c.j\tffffffffffffffe8');
  });
});
