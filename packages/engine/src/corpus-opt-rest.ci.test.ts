// CI only: the corpus programs the opt tier's `npm test` subset leaves out (corpus-opt.test.ts), so
// CI runs every corpus program in every tier.
import { corpusTests } from './testing/corpus-cases.js';

corpusTests('opt', {}, 'rest');
