// The complete lift table: one lift function per base mnemonic. `satisfies` makes adding a row to
// the instruction table a type error until it is lifted here.
import type { Mnemonic } from '@ferry/isa-riscv';
import { LIFT_A } from './a.js';
import { LIFT_D } from './d.js';
import { LIFT_F } from './f.js';
import { LIFT_I } from './i.js';
import { LIFT_M } from './m.js';
import type { LiftFn } from './operands.js';
import { LIFT_ZICSR } from './zicsr.js';
import { LIFT_ZIFENCEI } from './zifencei.js';

export const LIFTERS = {
  ...LIFT_I,
  ...LIFT_M,
  ...LIFT_A,
  ...LIFT_F,
  ...LIFT_D,
  ...LIFT_ZICSR,
  ...LIFT_ZIFENCEI,
} satisfies Record<Mnemonic, LiftFn>;
