// The corpus with T0 superoperators and exit coalescing turned off (the comparison runs of
// --no-superops / --no-coalesce): the same output as with them on (corpus-<tier>.test.ts) and as
// qemu. The opt tier's coalescing is covered by the exit-cluster tests (superops.test.ts).
import { corpusTests } from './testing/corpus-cases.js';

corpusTests('interp', { superops: false, coalesce: false });
corpusTests('interp', { coalesce: false });
corpusTests('baseline', { coalesce: false });
corpusTests('adaptive', { superops: false, coalesce: false });
