// Guest addresses and instructions as error messages show them: `0x10abc <main+0x1c>` and the
// disassembled instruction word, so a user can find the spot with `ferry disasm`.
import { decode, disassemble } from '@ferry/isa-riscv';
import type { Machine } from '@ferry/runtime';
import { hex } from '@ferry/util';

export function describeAddress(machine: Machine, address: bigint): string {
  const sym = address < 1n << 53n ? machine.elf.symbolAt(Number(address)) : undefined;
  if (!sym) return hex(address);
  const offset = Number(address) - sym.value;
  return `${hex(address)} <${sym.name}${offset ? `+0x${offset.toString(16)}` : ''}>`;
}

export function describeInstruction(machine: Machine, pc: bigint): string {
  let word: number;
  try {
    word = machine.memory.fetchSlow(pc);
  } catch {
    return '(unreadable)';
  }
  const d = decode(word);
  const size = (word & 3) === 3 ? 4 : 2;
  const bits = (size === 2 ? word & 0xffff : word >>> 0).toString(16).padStart(size * 2, '0');
  return d ? `${bits} (${disassemble(d, pc).replace('\t', ' ')})` : bits;
}
