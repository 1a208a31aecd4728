// @ferry/isa-riscv: the RV64GC instruction table and everything derived from it (decoder,
// encoder, objdump-compatible disassembler, test assembler). Invariant: encodings live only in the table.
export * from './mnemonics.js';
export * from './types.js';
export * from './table.js';
export * from './decode.js';
export * from './encode.js';
export * from './disasm.js';
export * from './csr-names.js';
export * from './asm.js';
