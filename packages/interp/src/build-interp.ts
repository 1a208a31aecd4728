// `npm run build` step: writes the T0 interpreter artifacts (dist/interp*.wasm, artifact.ts) so that
// running a program never loads binaryen.
import { writeFileSync } from 'node:fs';
import { buildInterpreter, type BuildOptions } from './build.js';
import { INTERPRETER_ARTIFACTS, type InterpreterVariant } from './artifact.js';

const VARIANTS: Record<InterpreterVariant, BuildOptions> = {
  superops: {},
  plain: { superops: null },
  profile: { superops: null, successors: null, countSuccessors: true, countPcs: true },
};

for (const [variant, options] of Object.entries(VARIANTS) as [InterpreterVariant, BuildOptions][]) {
  const started = performance.now();
  const { binary } = buildInterpreter(options);
  writeFileSync(INTERPRETER_ARTIFACTS[variant], binary);
  console.log(`interp: wrote ${INTERPRETER_ARTIFACTS[variant].pathname} (${binary.length} bytes) in ${Math.round(performance.now() - started)} ms`);
}
