// Test support (not part of the package build): runs GNU objdump on a RISC-V ELF and compares
// its `-d -M no-aliases` text with disassembleBytes over every executable section. Reads just
// enough of the ELF64 section headers to find those sections (the runtime owns real ELF parsing).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disassembleBytes } from '../disasm.js';
import { decode } from '../decode.js';
import { ROWS } from '../table.js';

export const OBJDUMP = 'riscv64-linux-gnu-objdump';
const SHF_EXECINSTR = 4n;

export interface ExecSection {
  name: string;
  address: bigint;
  bytes: Uint8Array;
}

/** The executable sections (SHF_EXECINSTR, with file contents) of a little-endian ELF64 file. */
export function execSections(elf: Uint8Array, fileName: string): ExecSection[] {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  if (view.getUint32(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error(`${fileName}: not a little-endian ELF64 file`);
  const shoff = Number(view.getBigUint64(0x28, true));
  const shentsize = view.getUint16(0x3a, true);
  const shnum = view.getUint16(0x3c, true);
  const shstrndx = view.getUint16(0x3e, true);
  const header = (i: number) => shoff + i * shentsize;
  const strtab = Number(view.getBigUint64(header(shstrndx) + 0x18, true));
  const nameAt = (off: number) => {
    let end = strtab + off;
    while (elf[end] !== 0) end++;
    return new TextDecoder().decode(elf.subarray(strtab + off, end));
  };
  const out: ExecSection[] = [];
  for (let i = 1; i < shnum; i++) {
    const h = header(i);
    const type = view.getUint32(h + 4, true);
    const flags = view.getBigUint64(h + 8, true);
    const SHT_NOBITS = 8;
    if ((flags & SHF_EXECINSTR) === 0n || type === SHT_NOBITS) continue;
    const offset = Number(view.getBigUint64(h + 0x18, true));
    const size = Number(view.getBigUint64(h + 0x20, true));
    out.push({ name: nameAt(view.getUint32(h, true)), address: view.getBigUint64(h + 0x10, true), bytes: elf.subarray(offset, offset + size) });
  }
  return out;
}

/** objdump text without the parts we deliberately omit: ` <sym+off>` and ` # comment`. */
export function normalizeObjdumpText(text: string): string {
  return text.replace(/\s+#.*$/, '').replace(/\s+<[^>]*>$/, '').trimEnd();
}

/** Address → normalized text of every instruction line objdump prints for the file. */
export async function objdumpLines(path: string, extraArgs: readonly string[] = []): Promise<Map<bigint, string>> {
  const args = [...extraArgs, ...(extraArgs.length ? ['-D'] : ['-d']), '-z', '-M', 'no-aliases', path];
  const { stdout: out } = await promisify(execFile)(OBJDUMP, args, { maxBuffer: 1 << 30 });
  const lines = new Map<bigint, string>();
  for (const line of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$/.exec(line);
    if (m) lines.set(BigInt('0x' + m[1]!), normalizeObjdumpText(m[2]!));
  }
  return lines;
}

export interface Comparison {
  compared: number;
  mismatches: string[];
  /** One line per distinct (mnemonic, operand shape): address, hex word, objdump text. */
  sample: Map<string, string>;
}

/** 'addi\tx,x,N' for 'addi\ta0,sp,16': registers and numbers generalized, names (CSRs, rounding modes, fence sets) kept. */
export function operandShape(text: string): string {
  const [mnemonic, operands = ''] = text.split('\t');
  const shapeOf = (op: string): string => {
    if (/^(zero|ra|sp|gp|tp|[ast]\d+)$/.test(op)) return 'x';
    if (/^f[tsa]\d+$/.test(op)) return 'f';
    const memory = /^(-?\d*)\((.+)\)$/.exec(op);
    if (memory) return `${memory[1] ? 'N' : ''}(x)`;
    if (/^-?(0x)?[0-9a-f]+$/.test(op)) return 'N';
    return op;
  };
  return `${mnemonic}\t${operands.split(',').map(shapeOf).join(',')}`;
}

/** Compares our disassembly of every executable section of `path` with objdump's. */
export async function compareWithObjdump(path: string): Promise<Comparison> {
  return compareSections(path, await objdumpLines(path), execSections(readFileSync(path), path));
}

/** Compares `perRow` random valid encodings of every table row, disassembled as a raw blob at
 *  `address`. Without an ELF symbol table objdump writes targets as 0x..., which we strip. */
export async function compareRandomEncodings(perRow: number, address: bigint, seed: number): Promise<Comparison> {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x;
  };
  const parts: Uint8Array[] = [];
  for (const row of ROWS) {
    for (let i = 0; i < perRow; i++) {
      const word = (row.match | (next() & ~row.mask)) >>> 0;
      if (decode(word)?.row !== row) continue;
      const bytes = new Uint8Array(row.size);
      for (let b = 0; b < row.size; b++) bytes[b] = (word >>> (8 * b)) & 0xff;
      parts.push(bytes);
    }
  }
  const blob = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (blob.set(p, at), at + p.length), 0);
  const path = join(mkdtempSync(join(tmpdir(), 'ferry-encodings-')), 'encodings.bin');
  writeFileSync(path, blob);
  const raw = await objdumpLines(path, ['-b', 'binary', '-m', 'riscv:rv64', `--adjust-vma=0x${address.toString(16)}`]);
  const reference = new Map([...raw].map(([a, t]) => [a, t.replace(/^((?:c\.)?(?:j|jal|b[a-z]+)\t(?:.*,)?)0x([0-9a-f]+)$/, '$1$2')]));
  return compareSections(path, reference, [{ name: 'random encodings', address, bytes: blob }]);
}

function compareSections(path: string, reference: Map<bigint, string>, sections: readonly ExecSection[]): Comparison {
  const result: Comparison = { compared: 0, mismatches: [], sample: new Map() };
  const ours = new Set<bigint>();
  for (const section of sections) {
    for (const line of disassembleBytes(section.bytes, section.address)) {
      ours.add(line.address);
      const expected = reference.get(line.address);
      result.compared++;
      if (expected !== line.text) {
        result.mismatches.push(`${path} ${section.name} ${line.address.toString(16)}: ours '${line.text}' objdump '${expected ?? '(no line)'}'`);
        continue;
      }
      const shape = operandShape(line.text);
      if (!result.sample.has(shape)) {
        const hexWord = line.size === 2 ? line.word.toString(16).padStart(4, '0') : line.word.toString(16).padStart(8, '0');
        result.sample.set(shape, `${line.address.toString(16)}\t${hexWord}\t${line.text}`);
      }
    }
  }
  for (const address of reference.keys()) {
    if (!ours.has(address)) result.mismatches.push(`${path} ${address.toString(16)}: objdump prints '${reference.get(address)}' where we have no instruction boundary`);
  }
  return result;
}
