// Small shared helpers: bit manipulation on 64-bit values held as bigint, LEB128, assertions.
// Invariant: nothing here knows about RISC-V, IR or wasm; every other package may use it.
export * from './bits.js';
export * from './assert.js';
export * from './leb128.js';
