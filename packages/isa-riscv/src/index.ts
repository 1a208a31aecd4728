export * from './mnemonics.js';
export * from './types.js';
