// Guest addresses as error messages show them: `0x10abc <main+0x1c>`, so a user can find the spot
// with `ferry disasm` (instructions: describe-instruction.ts).
import type { Machine } from '@ferry/runtime';
import { hex } from '@ferry/util';

export function describeAddress(machine: Machine, address: bigint): string {
  const sym = address < 1n << 53n ? machine.elf.symbolAt(Number(address)) : undefined;
  if (!sym) return hex(address);
  const offset = Number(address) - sym.value;
  return `${hex(address)} <${sym.name}${offset ? `+0x${offset.toString(16)}` : ''}>`;
}
