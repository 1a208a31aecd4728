// Zifencei: fence.i returns to the runtime, which drops decoded and translated code before
// resuming at the next instruction, so later fetches see stores made before the fence.
import { ExitCode } from '@ferry/abi';
import type { MnemonicOf } from '@ferry/isa-riscv';
import type { LiftTable } from './operands.js';

export const LIFT_ZIFENCEI = {
  'fence.i': (b, o) => b.exit(ExitCode.fenceI, o.pc),
} satisfies LiftTable<MnemonicOf<'Zifencei'>>;
