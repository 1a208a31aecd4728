// parseElf on crafted images: valid static and static-PIE executables, and each malformed input
// producing exactly one FerryError that names the file.
import { FerryError } from '@ferry/util';
import { describe, expect, it } from 'vitest';
import { buildElf, instructionBytes } from './elf-builder.js';
import { PT, parseElf, readElfFile } from './elf.js';

const FILE = 'corpus/bin/x';
const CODE = instructionBytes([0x00000013, 0x00000073]); // nop; ecall
const good = (overrides: Partial<Parameters<typeof buildElf>[0]> = {}): Uint8Array =>
  buildElf({ entry: 0x10000, segments: [{ flags: 5, vaddr: 0x10000, data: CODE }], ...overrides });

/** The one FerryError parsing produces; its message must name the file. */
function parseError(bytes: Uint8Array): string {
  try {
    parseElf(bytes, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(FerryError);
    const message = (error as Error).message;
    expect(message.startsWith(`${FILE}: `)).toBe(true);
    return message;
  }
  throw new Error('expected parseElf to fail');
}

describe('parseElf accepts', () => {
  it('a static RV64 executable with symbols and sections', () => {
    const image = parseElf(
      good({ symbols: [{ name: 'main', value: 0x10000, size: 8, type: 'func' }], textSection: { start: 0x10000, end: 0x10008 } }),
      FILE,
    );
    expect(image.kind).toBe('exec');
    expect(image.entry).toBe(0x10000);
    expect(image.segments).toHaveLength(1);
    expect(image.symbols).toEqual([{ name: 'main', value: 0x10000, size: 8, type: 'func' }]);
    expect(image.sections.find((s) => s.name === '.text')).toMatchObject({ addr: 0x10000, size: 8 });
  });

  it('symbol names in UTF-8 as well as ASCII', () => {
    const symbols = [
      { name: 'grüße', value: 0x10000, size: 4, type: 'func' as const },
      { name: '_start', value: 0x10004, size: 4, type: 'func' as const },
    ];
    expect(parseElf(good({ symbols, textSection: { start: 0x10000, end: 0x10008 } }), FILE).symbols).toEqual(symbols);
  });

  it('a static-PIE (ET_DYN without PT_INTERP)', () => {
    expect(parseElf(good({ type: 3 }), FILE).kind).toBe('pie');
  });
});

describe('parseElf rejects with one clear error', () => {
  it('a file that is not ELF', () => {
    expect(parseError(Buffer.from('#!/bin/sh\necho hi\n'))).toBe(`${FILE}: not an ELF file`);
  });
  it('a 32-bit ELF', () => {
    expect(parseError(good({ elfClass: 1 }))).toContain('32-bit ELF (ELFCLASS32): Ferry runs RV64 only');
  });
  it('an x86-64 ELF', () => {
    expect(parseError(good({ machine: 62 }))).toContain('not a RISC-V ELF (machine 62)');
  });
  it('a truncated header', () => {
    expect(parseError(good().subarray(0, 40))).toContain('truncated ELF header');
  });
  it('a segment past the end of the file', () => {
    expect(parseError(good({ segments: [{ flags: 5, vaddr: 0x10000, data: CODE, filesz: 0x10000 }] }))).toContain(
      'extends past end of file',
    );
  });
  it('a symbol table past the end of the file (found before the symbols are first read)', () => {
    const bytes = good({ symbols: [{ name: 'main', value: 0x10000, size: 8, type: 'func' }] });
    const view = new DataView(bytes.buffer);
    const symtabHeader = Number(view.getBigUint64(40, true)) + 2 * 64;
    view.setBigUint64(symtabHeader + 32, BigInt(bytes.length), true);
    expect(parseError(bytes)).toContain('symbol table extends past end of file');
  });

  it('overlapping segments', () => {
    const segments = [
      { flags: 5, vaddr: 0x10000, data: CODE, memsz: 0x2000 },
      { flags: 6, vaddr: 0x11000, data: CODE },
    ];
    expect(parseError(good({ segments }))).toContain('segments 0 and 1 overlap');
  });
  it('an absurdly large segment', () => {
    expect(parseError(good({ segments: [{ flags: 5, vaddr: 0x10000, data: CODE, memsz: 2 ** 40 }] }))).toContain(
      'absurdly large',
    );
  });
  it('a dynamically linked program', () => {
    const interp = Buffer.from('/lib/ld-linux-riscv64-lp64d.so.1\0');
    const segments = [
      { type: PT.INTERP, flags: 4, vaddr: 0x200, data: interp },
      { flags: 5, vaddr: 0x10000, data: CODE },
    ];
    expect(parseError(good({ segments }))).toBe(
      `${FILE}: dynamically linked (interpreter /lib/ld-linux-riscv64-lp64d.so.1): rebuild with -static`,
    );
  });
  it('an entry point outside executable code', () => {
    expect(parseError(good({ entry: 0x20000 }))).toContain('entry point 0x20000 is not inside an executable segment');
  });
  it('a missing file', () => {
    expect(() => readElfFile('/nonexistent/ferry/prog')).toThrow(new FerryError('/nonexistent/ferry/prog: no such file'));
  });
});
