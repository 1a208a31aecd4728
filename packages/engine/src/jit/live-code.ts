// The running guest as region discovery reads it to resolve switch jump tables (lift-riscv
// jump-tables.ts): data words where the guest may read them, which pcs are executable, and the
// registers as they are now, at the region's entry. Reading never faults the guest and changes
// no guest-visible state.
import type { CodeImage } from '@ferry/lift-riscv';
import { GuestFault, Prot, type Machine } from '@ferry/runtime';

export function liveCodeImage(machine: Machine): CodeImage {
  const memory = machine.memory;
  const registers = new Map<number, bigint>();
  for (let r = 1; r < 32; r++) registers.set(r, machine.state.x(r));
  return {
    readData(address, size) {
      try {
        return size === 4 ? BigInt(memory.read32(address)) : memory.read64(address);
      } catch (e) {
        if (e instanceof GuestFault) return undefined; // not readable there: no table
        throw e;
      }
    },
    isExecutable: (pc) => pc <= BigInt(Number.MAX_SAFE_INTEGER) && ((memory.protectionAt(Number(pc)) ?? 0) & Prot.EXEC) !== 0,
    registers,
  };
}
