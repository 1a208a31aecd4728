// A guest ELF as the AOT compiler sees it, at the addresses it will run at (static-PIE images
// moved by the loader's base): instruction fetch from executable segments, reads of loaded data,
// function symbols, and the content hash that ties an AOT module to these exact code bytes.
// Invariant: everything here is derived from the file alone (no Machine is loaded), and
// contentHash covers every byte a translation could have been made from: the executable
// segments' addresses, sizes and file bytes, the entry point and the load base.
import { createHash } from 'node:crypto';
import { type ElfImage, GuestLayout, PF, PT, readElfFile } from '@ferry/runtime';

export interface GuestRange {
  start: bigint;
  end: bigint;
}

export interface GuestFunctionSymbol {
  name: string;
  pc: bigint;
  size: number;
}

interface LoadedBytes {
  start: number;
  fileEnd: number;
  end: number;
  offset: number;
  executable: boolean;
}

export class GuestImage {
  readonly base: number;
  readonly entry: bigint;
  /** Executable segments, guest addresses. */
  readonly executable: GuestRange[];
  private readonly loads: LoadedBytes[];

  constructor(readonly elf: ElfImage) {
    this.base = elf.kind === 'pie' ? GuestLayout.pieBase : 0;
    this.entry = BigInt(elf.entry + this.base);
    this.loads = elf.segments
      .filter((s) => s.type === PT.LOAD && s.memsz > 0)
      .map((s) => ({
        start: s.vaddr + this.base,
        fileEnd: s.vaddr + this.base + s.filesz,
        end: s.vaddr + this.base + s.memsz,
        offset: s.offset,
        executable: (s.flags & PF.X) !== 0,
      }));
    this.executable = this.loads.filter((l) => l.executable).map((l) => ({ start: BigInt(l.start), end: BigInt(l.fileEnd) }));
  }

  static read(path: string): GuestImage {
    return new GuestImage(readElfFile(path));
  }

  get path(): string {
    return this.elf.path;
  }

  isExecutable(pc: bigint): boolean {
    return this.executable.some((r) => pc >= r.start && pc < r.end);
  }

  /** The instruction word at pc (only 16 bits where a compressed one ends its segment), or
   *  undefined outside the executable segments' file bytes. */
  readonly fetch = (pc: bigint): number | undefined => {
    const at = Number(pc);
    const l = this.loads.find((s) => s.executable && at >= s.start && at + 2 <= s.fileEnd);
    if (!l || at % 2 !== 0) return undefined;
    const bytes = this.elf.bytes;
    const o = l.offset + (at - l.start);
    const low = bytes[o]! | (bytes[o + 1]! << 8);
    if ((low & 3) !== 3) return low;
    if (at + 4 > l.fileEnd) return undefined;
    return (low | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
  };

  /** Reads `size` bytes (4 or 8, little-endian) of loaded data; undefined outside the segments. */
  readData(address: bigint, size: 4 | 8): bigint | undefined {
    const at = Number(address);
    const l = this.loads.find((s) => at >= s.start && at + size <= s.end);
    if (!l) return undefined;
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) {
      const byte = at + i < l.fileEnd ? this.elf.bytes[l.offset + (at + i - l.start)]! : 0;
      value = (value << 8n) | BigInt(byte);
    }
    return value;
  }

  /** Function symbols, moved by the load base, in address order. */
  functionSymbols(): GuestFunctionSymbol[] {
    return this.elf.symbols
      .filter((s) => s.type === 'func' && s.value !== 0)
      .map((s) => ({ name: s.name, pc: BigInt(s.value + this.base), size: s.size }))
      .sort((a, b) => (a.pc < b.pc ? -1 : a.pc > b.pc ? 1 : 0));
  }

  /** Allocated, non-executable sections (where code pointers may be stored), guest addresses. */
  dataSections(): { name: string; start: bigint; end: bigint }[] {
    const SHF_ALLOC = 2;
    const SHF_EXECINSTR = 4;
    const SHT_NOBITS = 8;
    return this.elf.sections
      .filter((s) => s.flags & SHF_ALLOC && !(s.flags & SHF_EXECINSTR) && s.type !== SHT_NOBITS && s.size > 0)
      .map((s) => ({ name: s.name, start: BigInt(s.addr + this.base), end: BigInt(s.addr + this.base + s.size) }));
  }

  private hashed?: string;

  /** sha256 (hex) over the load base, entry point and executable segments; computed once (a
   *  cached AOT run asks for it as the cache key and again to check the module's manifest). */
  contentHash(): string {
    return (this.hashed ??= this.computeContentHash());
  }

  private computeContentHash(): string {
    const hash = createHash('sha256');
    const header = new DataView(new ArrayBuffer(16));
    header.setBigUint64(0, BigInt(this.base), true);
    header.setBigUint64(8, this.entry, true);
    hash.update(new Uint8Array(header.buffer));
    for (const l of this.loads.filter((s) => s.executable)) {
      const extent = new DataView(new ArrayBuffer(24));
      extent.setBigUint64(0, BigInt(l.start), true);
      extent.setBigUint64(8, BigInt(l.fileEnd - l.start), true);
      extent.setBigUint64(16, BigInt(l.end - l.start), true);
      hash.update(new Uint8Array(extent.buffer));
      hash.update(this.elf.bytes.subarray(l.offset, l.offset + (l.fileEnd - l.start)));
    }
    return hash.digest('hex');
  }
}
