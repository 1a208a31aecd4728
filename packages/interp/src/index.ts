// @ferry/interp: the T0 tier. At run time only the prebuilt module is loaded (artifact.ts);
// build.ts, which needs binaryen, runs at build time; superoperator patterns and their selection
// over profiles (superops.ts, superop-selection.ts) need no binaryen.
export { loadInterpreterModule, INTERPRETER_ARTIFACT, INTERPRETER_ARTIFACTS, type InterpreterVariant } from './artifact.js';
export { matchesAt, parsePattern, patternOf, fusedRow, notFusableInside, registerFile, type ParsedPattern } from './superops.js';
export * from './superop-selection.js';
