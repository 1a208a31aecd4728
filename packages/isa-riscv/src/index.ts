export * from './mnemonics.js';
export * from './types.js';
export * from './table.js';
export * from './decode.js';
export * from './encode.js';
export * from './disasm.js';
export * from './csr-names.js';
export * from './asm.js';
