// GuestFault: a guest memory access the guest may not make (unmapped page, missing permission,
// address beyond the guest address space). Thrown from the slow paths, it unwinds the wasm frames
// back to the dispatcher; the runtime's own accessors throw it too and syscalls turn it into EFAULT.
import { FerryError, hex } from '@ferry/util';

export type AccessKind = 'read' | 'write' | 'fetch';
export type FaultReason = 'unmapped' | 'protection' | 'out of range';

export class GuestFault extends FerryError {
  override name = 'GuestFault';
  constructor(
    readonly address: bigint,
    readonly access: AccessKind,
    readonly pc: bigint | undefined,
    readonly reason: FaultReason,
  ) {
    const where = pc === undefined ? '' : ` at pc ${hex(pc)}`;
    super(`segmentation fault: ${access} of ${hex(address)} (${reason})${where}`);
  }
}

/** A guest string (a path, usually) ran past the length the runtime accepts; syscalls answer
 *  ENAMETOOLONG. */
export class GuestStringTooLong extends FerryError {
  override name = 'GuestStringTooLong';
  constructor(readonly address: bigint, readonly limit: number) {
    super(`guest string at ${hex(address)} is longer than ${limit} bytes`);
  }
}
