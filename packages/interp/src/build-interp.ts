// `npm run build` step: writes the T0 interpreter artifact (dist/interp.wasm) so that running a
// program never loads binaryen.
import { writeFileSync } from 'node:fs';
import { buildInterpreter } from './build.js';
import { INTERPRETER_ARTIFACT } from './artifact.js';

const started = performance.now();
const { binary } = buildInterpreter();
writeFileSync(INTERPRETER_ARTIFACT, binary);
console.log(`interp: wrote ${INTERPRETER_ARTIFACT.pathname} (${binary.length} bytes) in ${Math.round(performance.now() - started)} ms`);
