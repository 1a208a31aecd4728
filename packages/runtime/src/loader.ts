// ELF loader: maps a parsed image's PT_LOAD segments into guest memory with their permissions
// (pages shared by two segments get the union), copies the file bytes, leaves bss zero, and maps
// the stack (executable only if PT_GNU_STACK asks for it). Invariant: on success every loadable
// byte is in place and brkStart is the page-aligned end of the highest segment; on failure the
// FerryError names the file.
import { GUEST_PAGE_SIZE } from '@ferry/abi';
import { FerryError, hex } from '@ferry/util';
import { type ElfImage, PF, PT } from './elf.js';
import { GuestLayout } from './layout.js';
import { type GuestMemory, Prot } from './memory.js';

export interface TlsTemplate {
  address: number;
  fileSize: number;
  memorySize: number;
  align: number;
}

export interface LoadedProgram {
  /** Amount added to every file address (0 for ET_EXEC). */
  base: number;
  entry: number;
  /** Guest address of the program headers (AT_PHDR), or 0 if they are not loaded. */
  phdrAddress: number;
  phnum: number;
  phentsize: number;
  brkStart: number;
  tls: TlsTemplate | undefined;
  stackExecutable: boolean;
}

const protOf = (flags: number): number =>
  (flags & PF.R ? Prot.READ : 0) | (flags & PF.W ? Prot.WRITE : 0) | (flags & PF.X ? Prot.EXEC : 0);

export function loadElf(image: ElfImage, memory: GuestMemory): LoadedProgram {
  const fail = (problem: string): never => {
    throw new FerryError(`${image.path}: ${problem}`);
  };
  const base = image.kind === 'pie' ? GuestLayout.pieBase : 0;
  const loads = image.segments.filter((s) => s.type === PT.LOAD && s.memsz > 0);

  const pageProt = new Map<number, number>();
  let highest = 0;
  for (const s of loads) {
    const start = s.vaddr + base;
    const end = start + s.memsz;
    if (start < GuestLayout.mmapFloor) fail(`segment ${s.index} at ${hex(start)} is below the lowest mappable address ${hex(GuestLayout.mmapFloor)}`);
    if (end > GuestLayout.elfLoadLimit) fail(`segment ${s.index} ends at ${hex(end)}, beyond the guest load limit ${hex(GuestLayout.elfLoadLimit)}`);
    for (let page = Math.floor(start / GUEST_PAGE_SIZE); page < Math.ceil(end / GUEST_PAGE_SIZE); page++) {
      pageProt.set(page, (pageProt.get(page) ?? 0) | protOf(s.flags));
    }
    highest = Math.max(highest, end);
  }
  const needed = pageProt.size * GUEST_PAGE_SIZE + GuestLayout.stackSize;
  if (needed > memory.memLimit) {
    fail(`needs ${needed} bytes of guest memory (segments plus stack), more than the limit of ${memory.memLimit}`);
  }
  for (const [page, prot] of pageProt) memory.map(page * GUEST_PAGE_SIZE, GUEST_PAGE_SIZE, prot);
  for (const s of loads) {
    if (s.filesz > 0) memory.writeBytes(s.vaddr + base, image.bytes.subarray(s.offset, s.offset + s.filesz), true);
  }

  const gnuStack = image.segments.find((s) => s.type === PT.GNU_STACK);
  const stackExecutable = gnuStack !== undefined && (gnuStack.flags & PF.X) !== 0;
  const stackProt = Prot.READ | Prot.WRITE | (stackExecutable ? Prot.EXEC : 0);
  memory.map(GuestLayout.stackTop - GuestLayout.stackSize, GuestLayout.stackSize, stackProt);

  const tlsSegment = image.segments.find((s) => s.type === PT.TLS);
  const tls = tlsSegment && {
    address: tlsSegment.vaddr + base,
    fileSize: tlsSegment.filesz,
    memorySize: tlsSegment.memsz,
    align: tlsSegment.align,
  };
  return {
    base,
    entry: image.entry + base,
    phdrAddress: phdrAddress(image, base),
    phnum: image.phnum,
    phentsize: image.phentsize,
    brkStart: Math.ceil(highest / GUEST_PAGE_SIZE) * GUEST_PAGE_SIZE,
    tls,
    stackExecutable,
  };
}

/** PT_PHDR's address if present, else the address of the loaded bytes holding the headers. */
function phdrAddress(image: ElfImage, base: number): number {
  const phdr = image.segments.find((s) => s.type === PT.PHDR);
  if (phdr) return phdr.vaddr + base;
  const holder = image.segments.find(
    (s) => s.type === PT.LOAD && image.phoff >= s.offset && image.phoff + image.phnum * image.phentsize <= s.offset + s.filesz,
  );
  return holder ? holder.vaddr + (image.phoff - holder.offset) + base : 0;
}
