// @ferry/opt: IR optimization passes, one per file named after its registry key (registry.ts),
// and the named pipelines that run them (pipelines.ts), with the verifier between passes.
export * from './registry.js';
export * from './pipelines.js';
export { constFold } from './const-fold.js';
export { copyProp } from './copy-prop.js';
export { cse } from './cse.js';
export { dce } from './dce.js';
export { redundantShadow } from './redundant-shadow.js';
export { regForward } from './reg-forward.js';
