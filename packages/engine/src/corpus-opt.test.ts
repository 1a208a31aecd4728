// The corpus in the opt tier (see testing/corpus-cases.ts); one file per tier so they run in parallel.
import { corpusTests } from './testing/corpus-cases.js';

corpusTests('opt');
