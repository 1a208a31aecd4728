// The corpus with T0 superoperators and exit coalescing turned off (the comparison runs of
// --no-superops / --no-coalesce): the same output as with them on (corpus-<tier>.test.ts) and as
// qemu. Superoperators exist only in T0 (interp, and adaptive's first tier); the opt tier runs its
// usual subset here and the rest in CI (corpus-opt-rest.ci.test.ts), the exit-cluster tests
// (superops.test.ts) cover clusters in every tier.
import { corpusTests } from './testing/corpus-cases.js';

corpusTests('interp', { superops: false, coalesce: false });
corpusTests('interp', { coalesce: false });
corpusTests('baseline', { coalesce: false });
corpusTests('adaptive', { superops: false, coalesce: false });
corpusTests('opt', { coalesce: false });
