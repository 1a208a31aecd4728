// @ferry/lift-riscv: RISC-V instructions to Ferry IR, one file per extension, and (for the JIT
// tiers) discovery and lifting of whole regions.
export * from './operands.js';
export * from './lifters.js';
export * from './instruction.js';
export * from './region.js';
export * from './jump-tables.js';
