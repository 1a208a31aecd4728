// Where counting and profiling builds of the T0 interpreter keep their counters, and the names
// they export and import: the contract between the generator (threaded-handlers.ts) and whoever
// reads the counts (the engine's profiler, scripts). Imports no binaryen, so a run can read them
// without loading it (subpath @ferry/backend-wasm/counters).
import { DECODE_CACHE, DECODE_CACHE_ENTRIES, DECODE_CACHE_ENTRY_SIZE, SHADOW_TABLE } from '@ferry/abi';
import { ILLEGAL_HANDLER } from './packing.js';

/** Profiling builds count executed (previous row, row) pairs here, as u32 [previous * 256 + row],
 *  in host memory the abi leaves unused between the decode cache and the shadow table. */
export const SUCCESSOR_COUNTS = DECODE_CACHE + DECODE_CACHE_ENTRIES * DECODE_CACHE_ENTRY_SIZE;
export const SUCCESSOR_COUNTS_ROWS = ILLEGAL_HANDLER + 1;

/** Profiling builds count executions per decode-cache entry here, as u32 [slot]; an entry's count
 *  belongs to the pc in its tag (flushed through PROFILE_EVICT_IMPORT before a refill). */
export const PC_COUNTS = SUCCESSOR_COUNTS + SUCCESSOR_COUNTS_ROWS * SUCCESSOR_COUNTS_ROWS * 4;
if (PC_COUNTS + DECODE_CACHE_ENTRIES * 4 > SHADOW_TABLE) throw new Error('internal error: profile counters overlap the shadow table');

/** Counting builds: handler entries (dispatches), inlined successors and fused rows included, in
 *  this exported mutable i64 global. */
export const DISPATCH_COUNT_EXPORT = 'dispatch_count';
/** Profiling builds call this import (module "ferry") when a decode-cache entry with a nonzero
 *  execution count is about to be refilled: (evicted pc, its count). */
export const PROFILE_EVICT_IMPORT = 'profile_evict';
