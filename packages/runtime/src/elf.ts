// ELF64 parser for RISC-V executables: header, program headers, section headers and the symbol
// table. Invariant: parseElf either returns a fully validated image (every offset and size inside
// the file, loadable segments disjoint and inside the guest address space) or throws one FerryError
// whose message starts with the file name and says what is wrong. The symbol table's bounds are
// checked up front; its entries are decoded on the first read of `symbols` (static glibc has
// thousands, and most runs never name an address).
import { FerryError, hex } from '@ferry/util';
import { readFileSync } from 'node:fs';

export const EM_RISCV = 243;
export const PT = { LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, PHDR: 6, TLS: 7, GNU_STACK: 0x6474e551 } as const;
export const PF = { X: 1, W: 2, R: 4 } as const;
const ET_EXEC = 2;
const ET_DYN = 3;
const SHT_SYMTAB = 2;
const SHF_EXECINSTR = 4;
const ELF_HEADER_SIZE = 64;
const PHDR_SIZE = 56;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
/** Loadable segments must end below this address (the stack and mmap area live above). */
export const ELF_LOAD_LIMIT = 0x7000_0000;

export interface ElfSegment {
  index: number;
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  /** sh_link: for a symbol table, the index of its string table. */
  link: number;
}

export type SymbolType = 'func' | 'object' | 'notype' | 'tls' | 'other';

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  type: SymbolType;
}

export interface ElfImage {
  path: string;
  bytes: Uint8Array;
  /** 'exec' is ET_EXEC; 'pie' is a static-PIE ET_DYN loaded at a base the loader picks. */
  kind: 'exec' | 'pie';
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  segments: ElfSegment[];
  sections: ElfSection[];
  /** Symbol values as the file holds them (not yet moved by the load base); decoded on first read. */
  readonly symbols: ElfSymbol[];
}

/** Read and parse an ELF file; every failure (missing file included) is a FerryError. */
export function readElfFile(path: string): ElfImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code ?? String(error)})`;
    throw new FerryError(`${path}: ${why}`);
  }
  return parseElf(bytes, path);
}

export function parseElf(bytes: Uint8Array, path: string): ElfImage {
  const fail = (problem: string): never => {
    throw new FerryError(`${path}: ${problem}`);
  };
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    fail('not an ELF file');
  }
  if (bytes.length < 6) fail(`truncated ELF header (${bytes.length} bytes)`);
  if (bytes[4] === 1) fail('32-bit ELF (ELFCLASS32): Ferry runs RV64 only');
  if (bytes[4] !== 2) fail(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) fail('big-endian or unknown data encoding: Ferry runs little-endian RV64 only');
  if (bytes.length < ELF_HEADER_SIZE) fail(`truncated ELF header (${bytes.length} of ${ELF_HEADER_SIZE} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number, what: string): number => {
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} ${hex(value)} is absurdly large`);
    return Number(value);
  };

  const type = u16(16);
  const machine = u16(18);
  if (machine !== EM_RISCV) fail(`not a RISC-V ELF (machine ${machine})`);
  if (type !== ET_EXEC && type !== ET_DYN) {
    fail(`not an executable (ELF type ${type}${type === 1 ? ', a relocatable object: link it' : ''})`);
  }
  const entry = u64(24, 'entry point');
  const phoff = u64(32, 'program header offset');
  const shoff = u64(40, 'section header offset');
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);
  const shstrndx = u16(62);
  if (phnum === 0) fail('no program headers (not an executable)');
  if (phentsize !== PHDR_SIZE) fail(`program header size ${phentsize}, expected ${PHDR_SIZE}`);
  if (phoff + phnum * PHDR_SIZE > bytes.length) fail('program headers extend past end of file');

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    const segment: ElfSegment = {
      index: i,
      type: u32(at),
      flags: u32(at + 4),
      offset: u64(at + 8, `segment ${i} offset`),
      vaddr: u64(at + 16, `segment ${i} address`),
      filesz: u64(at + 32, `segment ${i} file size`),
      memsz: u64(at + 40, `segment ${i} memory size`),
      align: u64(at + 48, `segment ${i} alignment`),
    };
    segments.push(segment);
    if (segment.type === PT.INTERP) {
      const end = Math.min(bytes.length, segment.offset + segment.filesz);
      const interp = Buffer.from(bytes.subarray(segment.offset, end)).toString('latin1').replace(/\0.*$/s, '');
      fail(`dynamically linked (interpreter ${interp || '?'}): rebuild with -static`);
    }
  }
  const loads = segments.filter((s) => s.type === PT.LOAD);
  if (loads.length === 0) fail('no loadable (PT_LOAD) segments');
  for (const s of segments) {
    if (s.type !== PT.LOAD && s.type !== PT.TLS && s.type !== PT.PHDR) continue;
    const where = `segment ${s.index} (${hex(s.vaddr)})`;
    if (s.offset + s.filesz > bytes.length) {
      fail(`${where} extends past end of file (offset ${hex(s.offset)} + size ${hex(s.filesz)} > file size ${hex(bytes.length)})`);
    }
    if (s.filesz > s.memsz) fail(`${where} has file size ${hex(s.filesz)} larger than its memory size ${hex(s.memsz)}`);
    if (s.type === PT.LOAD && s.vaddr + s.memsz > ELF_LOAD_LIMIT) {
      fail(`${where} is absurdly large: it ends at ${hex(s.vaddr + s.memsz)}, beyond the guest load limit ${hex(ELF_LOAD_LIMIT)}`);
    }
  }
  const sorted = [...loads].sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.vaddr + prev.memsz > cur.vaddr) {
      fail(
        `segments ${prev.index} and ${cur.index} overlap ` +
          `(${hex(prev.vaddr)}..${hex(prev.vaddr + prev.memsz)} and ${hex(cur.vaddr)}..${hex(cur.vaddr + cur.memsz)})`,
      );
    }
  }
  const inExecutable = loads.some((s) => s.flags & PF.X && entry >= s.vaddr && entry < s.vaddr + s.memsz);
  if (!inExecutable) fail(`entry point ${hex(entry)} is not inside an executable segment`);

  const sections = parseSections(bytes, view, shoff, shentsize, shnum, shstrndx, fail);
  const symbolTable = locateSymbolTable(bytes, sections, fail);
  let symbols: ElfSymbol[] | undefined;
  return {
    path,
    bytes,
    kind: type === ET_EXEC ? 'exec' : 'pie',
    entry,
    phoff,
    phentsize,
    phnum,
    segments,
    sections,
    get symbols(): ElfSymbol[] {
      return (symbols ??= symbolTable ? decodeSymbols(bytes, view, symbolTable) : []);
    },
  };
}

const utf8 = new TextDecoder();

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  let ascii = true;
  for (; end < bytes.length && bytes[end] !== 0; end++) if (bytes[end]! >= 0x80) ascii = false;
  if (!ascii) return utf8.decode(bytes.subarray(at, end));
  let text = '';
  for (let i = at; i < end; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

function parseSections(
  bytes: Uint8Array,
  view: DataView,
  shoff: number,
  shentsize: number,
  shnum: number,
  shstrndx: number,
  fail: (problem: string) => never,
): ElfSection[] {
  if (shoff === 0 || shnum === 0) return [];
  if (shentsize !== SHDR_SIZE) fail(`section header size ${shentsize}, expected ${SHDR_SIZE}`);
  if (shoff + shnum * SHDR_SIZE > bytes.length) fail('section headers extend past end of file');
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SHDR_SIZE;
    raw.push({
      nameOffset: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      flags: Number(view.getBigUint64(at + 8, true) & 0xffffffffn),
      addr: Number(view.getBigUint64(at + 16, true)),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
      link: view.getUint32(at + 40, true),
    });
  }
  const names = raw[shstrndx];
  return raw.map((s) => ({
    name: names && names.offset + s.nameOffset < bytes.length ? cString(bytes, names.offset + s.nameOffset) : '',
    type: s.type,
    flags: s.flags,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
    link: s.link,
  }));
}

interface SymbolTable {
  symtab: ElfSection;
  strtab: ElfSection;
}

/** The symbol table and its string table, both checked to lie inside the file; none without one. */
function locateSymbolTable(bytes: Uint8Array, sections: ElfSection[], fail: (problem: string) => never): SymbolTable | undefined {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) return undefined;
  const strtab = sections[symtab.link];
  if (!strtab) return fail('symbol table has no string table');
  if (symtab.offset + symtab.size > bytes.length || strtab.offset + strtab.size > bytes.length) {
    fail('symbol table extends past end of file');
  }
  return { symtab, strtab };
}

function decodeSymbols(bytes: Uint8Array, view: DataView, { symtab, strtab }: SymbolTable): ElfSymbol[] {
  const symbols: ElfSymbol[] = [];
  for (let at = symtab.offset; at + SYM_SIZE <= symtab.offset + symtab.size; at += SYM_SIZE) {
    const nameOffset = view.getUint32(at, true);
    const info = view.getUint8(at + 4);
    const sectionIndex = view.getUint16(at + 6, true);
    if (nameOffset === 0 || sectionIndex === 0 || nameOffset >= strtab.size) continue;
    const kind = info & 0xf;
    const type: SymbolType | undefined =
      kind === 0 ? 'notype' : kind === 1 ? 'object' : kind === 2 ? 'func' : kind === 6 ? 'tls' : kind === 3 || kind === 4 ? undefined : 'other';
    if (!type) continue;
    symbols.push({
      name: cString(bytes, strtab.offset + nameOffset),
      value: Number(view.getBigUint64(at + 8, true)),
      size: Number(view.getBigUint64(at + 16, true)),
      type,
    });
  }
  return symbols;
}

/** Address ranges of executable sections (or executable segments when there are no sections). */
export function executableRanges(image: ElfImage, base: number): { name: string; start: number; end: number }[] {
  const fromSections = image.sections
    .filter((s) => s.flags & SHF_EXECINSTR && s.size > 0)
    .map((s) => ({ name: s.name, start: s.addr + base, end: s.addr + s.size + base }));
  if (fromSections.length > 0) return fromSections;
  return image.segments
    .filter((s) => s.type === PT.LOAD && s.flags & PF.X)
    .map((s) => ({ name: `segment ${s.index}`, start: s.vaddr + base, end: s.vaddr + s.memsz + base }));
}
