// CI only: the corpus programs the opt tier's `npm test` subset leaves out (corpus-opt.test.ts), so
// CI runs every corpus program in every tier, with exit coalescing on and off.
import { corpusTests } from './testing/corpus-cases.js';

corpusTests('opt', {}, 'rest');
corpusTests('opt', { coalesce: false }, 'rest');
