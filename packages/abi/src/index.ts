// The contract between translated code, the T0 interpreter and the JS runtime, defined once:
// where things live in the shared WebAssembly.Memory, the CPU state block, shadow-table entry
// flags, exit codes and the runtime helpers that generated code may import.
export * from './layout.js';
export * from './state.js';
export * from './shadow.js';
export * from './exits.js';
export * from './helpers.js';
