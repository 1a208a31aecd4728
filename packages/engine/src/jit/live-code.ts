// The running guest as region discovery reads it to resolve switch jump tables (lift-riscv
// jump-tables.ts): data words where the guest may read them, which pcs are executable, and the
// registers as they are now, at the region's entry. Reading never faults and changes no state.
import type { CodeImage } from '@ferry/lift-riscv';
import { Prot, type Machine } from '@ferry/runtime';

export function liveCodeImage(machine: Machine): CodeImage {
  const memory = machine.memory;
  const registers = new Map<number, bigint>();
  for (let r = 1; r < 32; r++) registers.set(r, machine.state.x(r));
  const allows = (address: bigint, prot: number): boolean => {
    if (address < 0n || address > BigInt(Number.MAX_SAFE_INTEGER)) return false;
    const p = memory.protectionAt(Number(address));
    return p !== undefined && (p & prot) !== 0;
  };
  return {
    readData(address, size) {
      if (!allows(address, Prot.READ) || !allows(address + BigInt(size - 1), Prot.READ)) return undefined;
      let bytes: Uint8Array;
      try {
        bytes = memory.readBytes(address, size);
      } catch {
        return undefined;
      }
      let value = 0n;
      for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
      return value;
    },
    isExecutable: (pc) => allows(pc, Prot.EXEC),
    registers,
  };
}
