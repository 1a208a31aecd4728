// The CPU state block at STATE_BASE: every slot is 8 bytes; offsets are relative to STATE_BASE.
// Integer registers x0..x31, then FP registers f0..f31 (raw 64-bit patterns; singles NaN-boxed),
// then the scalar slots below. x0 is kept zero by whoever writes registers.
import { STATE_BASE } from './layout.js';

export const XREG_OFFSET = 0;
export const FREG_OFFSET = 32 * 8;

export const StateSlot = {
  pc: 0x200,
  /** Accrued exception flags NV DZ OF UF NX in bits 4..0 (the fflags CSR). */
  fflags: 0x208,
  /** Dynamic rounding mode, 0..7 (the frm CSR). */
  frm: 0x210,
  /** LR/SC reservation: guest address, and 1 while a reservation is held. */
  reservationAddress: 0x218,
  reservationValid: 0x220,
  /** Retired guest instructions (minstret as user mode reads it). */
  instret: 0x228,
  /** Instructions the current run may still retire before exiting with ExitCode.budget. */
  budget: 0x230,
  /** Exit record written by translated code when it returns to the runtime. */
  exitCode: 0x238,
  exitPc: 0x240,
  exitInfo: 0x248,
  /** Set to 1 by the engine when a store invalidated translated code; translated code checks it
   *  after a slow-path store and exits (ExitCode.codeModified) so no stale code runs on. */
  codeModified: 0x250,
  /** Taken-branch count at which T0 reports a branch target as hot; 0 = T0 never checks (plain
   *  interpreter tier). Set by the adaptive controller from its cost model. */
  hotThreshold: 0x258,
  /** Transfers from one translation to another that did not return to the engine, counted only
   *  by code compiled to count them (ferry run --stats): direct calls between the functions of a
   *  module, and calls through the jump cache and the shared table. */
  transfersDirect: 0x260,
  transfersChained: 0x268,
} as const;
export type StateSlotName = keyof typeof StateSlot;

export const xregOffset = (r: number): number => XREG_OFFSET + r * 8;
export const fregOffset = (r: number): number => FREG_OFFSET + r * 8;
/** Absolute host address of a state slot. */
export const stateAddress = (slot: StateSlotName): number => STATE_BASE + StateSlot[slot];

/** fflags bits, as the F extension numbers them. */
export const FFlag = { NX: 1, UF: 2, OF: 4, DZ: 8, NV: 16 } as const;

/** Rounding-mode field values; 7 in an instruction means "use frm". */
export const RoundingMode = { RNE: 0, RTZ: 1, RDN: 2, RUP: 3, RMM: 4, DYN: 7 } as const;

export const CSR = {
  fflags: 0x001,
  frm: 0x002,
  fcsr: 0x003,
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
} as const;
