// A guest instruction as error messages show it: its bits and disassembly. Apart from describe.ts
// because it needs the isa-riscv tables, whose construction costs several ms at start-up: the run
// loop loads this module only when a program meets an illegal instruction.
import { decode, disassemble } from '@ferry/isa-riscv';
import type { Machine } from '@ferry/runtime';

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
