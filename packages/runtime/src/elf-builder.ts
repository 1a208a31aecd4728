// Builds small ELF64 files in memory, so tests (here and in other packages) can load programs
// and malformed inputs without a cross toolchain. Invariant: with default options the result is a
// valid static RV64 executable; every field can be overridden to produce a broken one on purpose.
import { EM_RISCV, PT } from './elf.js';

export interface BuiltSegment {
  type?: number;
  /** PF_R = 4, PF_W = 2, PF_X = 1. */
  flags: number;
  vaddr: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  memsz?: number;
  /** Overrides the computed file offset / size (to build broken files). */
  offset?: number;
  filesz?: number;
}

export interface BuiltSymbol {
  name: string;
  value: number;
  size: number;
  type: 'func' | 'object';
}

export interface ElfBuildOptions {
  elfClass?: number;
  data?: number;
  type?: number;
  machine?: number;
  entry: number;
  segments: BuiltSegment[];
  symbols?: BuiltSymbol[];
  /** A section named .text covering [start, end), marked executable. */
  textSection?: { start: number; end: number };
}

const align = (n: number, to: number): number => Math.ceil(n / to) * to;

export function buildElf(options: ElfBuildOptions): Uint8Array {
  const segments = options.segments;
  const phoff = 64;
  let cursor = align(phoff + segments.length * 56, 16);
  const placed = segments.map((s) => {
    const offset = cursor;
    cursor = align(cursor + s.data.length, 16);
    return offset;
  });

  // Sections: null, .text, .symtab, .strtab, .shstrtab (only when symbols or text are asked for).
  const withSections = options.symbols !== undefined || options.textSection !== undefined;
  const strtab: number[] = [0];
  const shstrtab: number[] = [0];
  const addString = (table: number[], s: string): number => {
    const at = table.length;
    table.push(...Buffer.from(s, 'utf8'), 0);
    return at;
  };
  const symtab = new DataView(new ArrayBuffer(24 * ((options.symbols?.length ?? 0) + 1)));
  (options.symbols ?? []).forEach((symbol, i) => {
    const at = 24 * (i + 1);
    symtab.setUint32(at, addString(strtab, symbol.name), true);
    symtab.setUint8(at + 4, (1 << 4) | (symbol.type === 'func' ? 2 : 1));
    symtab.setUint16(at + 6, 1, true);
    symtab.setBigUint64(at + 8, BigInt(symbol.value), true);
    symtab.setBigUint64(at + 16, BigInt(symbol.size), true);
  });
  const names = ['.text', '.symtab', '.strtab', '.shstrtab'].map((n) => addString(shstrtab, n));
  const symtabOffset = cursor;
  const strtabOffset = align(symtabOffset + symtab.byteLength, 8);
  const shstrtabOffset = align(strtabOffset + strtab.length, 8);
  const shoff = align(shstrtabOffset + shstrtab.length, 8);
  const total = withSections ? shoff + 5 * 64 : cursor;

  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, options.elfClass ?? 2, options.data ?? 1, 1, 0]);
  view.setUint16(16, options.type ?? 2, true);
  view.setUint16(18, options.machine ?? EM_RISCV, true);
  view.setUint32(20, 1, true);
  view.setBigUint64(24, BigInt(options.entry), true);
  view.setBigUint64(32, BigInt(phoff), true);
  view.setBigUint64(40, BigInt(withSections ? shoff : 0), true);
  view.setUint16(52, 64, true);
  view.setUint16(54, 56, true);
  view.setUint16(56, segments.length, true);
  view.setUint16(58, 64, true);
  view.setUint16(60, withSections ? 5 : 0, true);
  view.setUint16(62, withSections ? 4 : 0, true);
  segments.forEach((s, i) => {
    const at = phoff + i * 56;
    view.setUint32(at, s.type ?? PT.LOAD, true);
    view.setUint32(at + 4, s.flags, true);
    view.setBigUint64(at + 8, BigInt(s.offset ?? placed[i]!), true);
    view.setBigUint64(at + 16, BigInt(s.vaddr), true);
    view.setBigUint64(at + 24, BigInt(s.vaddr), true);
    view.setBigUint64(at + 32, BigInt(s.filesz ?? s.data.length), true);
    view.setBigUint64(at + 40, BigInt(s.memsz ?? s.data.length), true);
    view.setBigUint64(at + 48, 0x1000n, true);
    bytes.set(s.data, placed[i]!);
  });
  if (withSections) {
    bytes.set(new Uint8Array(symtab.buffer), symtabOffset);
    bytes.set(strtab, strtabOffset);
    bytes.set(shstrtab, shstrtabOffset);
    const text = options.textSection ?? { start: 0, end: 0 };
    const sections = [
      { name: names[0]!, type: 1, flags: 6, addr: text.start, offset: 0, size: text.end - text.start, link: 0, entsize: 0 },
      { name: names[1]!, type: 2, flags: 0, addr: 0, offset: symtabOffset, size: symtab.byteLength, link: 3, entsize: 24 },
      { name: names[2]!, type: 3, flags: 0, addr: 0, offset: strtabOffset, size: strtab.length, link: 0, entsize: 0 },
      { name: names[3]!, type: 3, flags: 0, addr: 0, offset: shstrtabOffset, size: shstrtab.length, link: 0, entsize: 0 },
    ];
    sections.forEach((s, i) => {
      const at = shoff + (i + 1) * 64;
      view.setUint32(at, s.name, true);
      view.setUint32(at + 4, s.type, true);
      view.setBigUint64(at + 8, BigInt(s.flags), true);
      view.setBigUint64(at + 16, BigInt(s.addr), true);
      view.setBigUint64(at + 24, BigInt(s.offset), true);
      view.setBigUint64(at + 32, BigInt(s.size), true);
      view.setUint32(at + 40, s.link, true);
      view.setBigUint64(at + 56, BigInt(s.entsize), true);
    });
  }
  return bytes;
}

/** Little-endian bytes of 32-bit instruction words. */
export function instructionBytes(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}
