// Builds the T0 interpreter module (build time only; needs binaryen): the isa-riscv table becomes
// the decoder's rows, each base mnemonic's generic lift (operands as run-time values) becomes the
// case its rows execute (one threaded handler per row), and binaryen optimizes the whole once.
// Profile data (successors.json, written by the engine's T0 successor profile) says which row
// usually follows which; each such successor is inlined into its predecessor's handler. The
// superoperators (superops.json, chosen by scripts/select-superops.mjs over corpus profiles)
// become fused rows the decoder recognizes, each lifted as one sequence.
import { readFileSync } from 'node:fs';
import { addInterpreter, WasmModuleBuilder, type DecoderRow, type FusedRow } from '@ferry/backend-wasm';
import { ALL_MNEMONICS, ROWS, mnemonicIndex } from '@ferry/isa-riscv';
import { liftGeneric } from '@ferry/lift-riscv';
import { fusedRow } from './superops.js';

/** packages/interp/src/successors.json, from src/ (tests) or dist/ (the build step). */
export const SUCCESSORS_FILE = new URL('../src/successors.json', import.meta.url);

/** successors.json: handler name -> the handler most often executed right after it. A handler is
 *  named by its table row (addi, c.ldsp) or, for a superoperator, by its pattern. */
export interface SuccessorProfile {
  about: string;
  successors: Record<string, string>;
  /** The same, profiled on the plain build (no superoperators). */
  withoutSuperops?: Record<string, string>;
}

export function interpreterDecoderRows(): DecoderRow[] {
  return ROWS.map((row) => ({
    mask: row.mask,
    match: row.match,
    size: row.size,
    opcode: mnemonicIndex.get(row.base)!,
    name: row.name,
    fields: row.fields,
    ...(row.nonzero ? { nonzero: row.nonzero } : {}),
    ...(row.flags.endsBlock && !row.flags.exits ? { branch: true } : {}),
  }));
}

/** The names of the interpreter's handlers, by handler index: the table's rows, then the superoperators. */
export function handlerNames(superops: SuperopSet | null): string[] {
  return [...ROWS.map((row) => row.name), ...(superops?.superops ?? []).map((s) => s.pattern)];
}

/** The profile as handler indexes; names no longer in the table or the superoperator set are skipped. */
export function successorRows(profile: SuccessorProfile, superops: SuperopSet | null = null): Map<number, number> {
  const indexOf = new Map(handlerNames(superops).map((name, i) => [name, i]));
  const result = new Map<number, number>();
  for (const [name, next] of Object.entries(superops ? profile.successors : profile.withoutSuperops ?? profile.successors)) {
    const from = indexOf.get(name), to = indexOf.get(next);
    if (from !== undefined && to !== undefined) result.set(from, to);
  }
  return result;
}

export function readSuccessorProfile(): SuccessorProfile {
  return JSON.parse(readFileSync(SUCCESSORS_FILE, 'utf8')) as SuccessorProfile;
}

/** packages/interp/src/superops.json, from src/ (tests) or dist/ (the build step). */
export const SUPEROPS_FILE = new URL('../src/superops.json', import.meta.url);

/** superops.json: the chosen superoperator patterns (superops.ts), in the order the decoder tries them. */
export interface SuperopSet {
  about: string;
  superops: { pattern: string; [measure: string]: unknown }[];
}

export function readSuperops(): SuperopSet {
  return JSON.parse(readFileSync(SUPEROPS_FILE, 'utf8')) as SuperopSet;
}

/** The fused rows of a superoperator set; a pattern that cannot be fused is an error naming it. */
export function fusedRows(set: SuperopSet): FusedRow[] {
  return set.superops.map(({ pattern }) => {
    const row = fusedRow(pattern);
    if (typeof row === 'string') throw new Error(`${SUPEROPS_FILE.pathname}: superoperator "${pattern}" cannot be fused: ${row}`);
    return row;
  });
}

export interface BuildOptions {
  /** binaryen optimize level (0 = none). */
  optimize?: number;
  /** Successor profile to inline (default: successors.json; null: none). */
  successors?: SuccessorProfile | null;
  /** A profiling build that counts executed row pairs (see backend-wasm SUCCESSOR_COUNTS). */
  countSuccessors?: boolean;
  /** A profiling build that counts executions per pc (backend-wasm PC_COUNTS). */
  countPcs?: boolean;
  /** A counting build that counts dispatches (backend-wasm DISPATCH_COUNT_EXPORT). */
  countDispatches?: boolean;
  /** Superoperators to fuse (default: superops.json; null: none). */
  superops?: SuperopSet | null;
}

export function buildInterpreter(options: BuildOptions = {}): { binary: Uint8Array; text: () => string } {
  const mb = new WasmModuleBuilder();
  const cases = ALL_MNEMONICS.map((mnemonic, opcode) => ({ opcode, func: liftGeneric(mnemonic) }));
  const profile = options.successors === undefined ? readSuccessorProfile() : options.successors;
  const superops = options.superops === undefined ? readSuperops() : options.superops;
  addInterpreter(mb, interpreterDecoderRows(), cases, {
    ...(profile ? { successors: successorRows(profile, superops) } : {}),
    ...(superops ? { fused: fusedRows(superops) } : {}),
    countSuccessors: options.countSuccessors ?? false,
    countPcs: options.countPcs ?? false,
    countDispatches: options.countDispatches ?? false,
  });
  if (!mb.validate()) throw new Error('internal error: generated T0 interpreter does not validate');
  if (options.optimize ?? 2) mb.optimize(options.optimize ?? 2, 0);
  const binary = mb.emitBinary();
  return { binary, text: () => mb.emitText() };
}
