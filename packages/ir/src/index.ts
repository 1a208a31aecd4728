// @ferry/ir: Ferry's SSA IR. Op table (ops.ts), container and builder (func.ts); printer, parser and
// verifier beside them. Values are plain numeric ids; blocks carry parameters instead of phis.
export * from './types.js';
export * from './ops.js';
export * from './func.js';
export * from './cfg.js';
export * from './printer.js';
export * from './parser.js';
export * from './verifier.js';
export * from './filetest.js';
