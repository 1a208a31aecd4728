// The direct wasm binary writer: a builder.ts ModuleBuilder that encodes modules itself, for
// producers that must not load binaryen (the baseline tier on the main thread).
export { WasmWriter } from './module-writer.js';
export { ExpressionTree, type NameResolver } from './expressions.js';
export { ByteWriter } from './bytes.js';
