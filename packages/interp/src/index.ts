// @ferry/interp: the T0 tier. At run time only the prebuilt module is loaded (artifact.ts);
// build.ts, which needs binaryen, runs at build time.
export { loadInterpreterModule, INTERPRETER_ARTIFACT, INTERPRETER_ARTIFACTS, type InterpreterVariant } from './artifact.js';
