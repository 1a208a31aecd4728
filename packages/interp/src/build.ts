// Builds the T0 interpreter module (build time only; needs binaryen): the isa-riscv table becomes
// the decoder's rows, each base mnemonic's generic lift (operands as run-time values) becomes the
// case its rows execute (one threaded handler per row), and binaryen optimizes the whole once.
// Profile data (successors.json, written by the engine's T0 successor profile) says which row
// usually follows which; each such successor is inlined into its predecessor's handler.
import { readFileSync } from 'node:fs';
import { addInterpreter, WasmModuleBuilder, type DecoderRow } from '@ferry/backend-wasm';
import { ALL_MNEMONICS, ROWS, mnemonicIndex } from '@ferry/isa-riscv';
import { liftGeneric } from '@ferry/lift-riscv';

/** packages/interp/src/successors.json, from src/ (tests) or dist/ (the build step). */
export const SUCCESSORS_FILE = new URL('../src/successors.json', import.meta.url);

/** successors.json: row name -> the row name most often executed right after it. */
export interface SuccessorProfile {
  about: string;
  successors: Record<string, string>;
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

/** The profile as decoder row indexes; names no longer in the table are skipped. */
export function successorRows(profile: SuccessorProfile): Map<number, number> {
  const indexOf = new Map(ROWS.map((row, i) => [row.name, i]));
  const result = new Map<number, number>();
  for (const [name, next] of Object.entries(profile.successors)) {
    const from = indexOf.get(name), to = indexOf.get(next);
    if (from !== undefined && to !== undefined) result.set(from, to);
  }
  return result;
}

export function readSuccessorProfile(): SuccessorProfile {
  return JSON.parse(readFileSync(SUCCESSORS_FILE, 'utf8')) as SuccessorProfile;
}

export interface BuildOptions {
  /** binaryen optimize level (0 = none). */
  optimize?: number;
  /** Successor profile to inline (default: successors.json; null: none). */
  successors?: SuccessorProfile | null;
  /** A profiling build that counts executed row pairs (see backend-wasm SUCCESSOR_COUNTS). */
  countSuccessors?: boolean;
}

export function buildInterpreter(options: BuildOptions = {}): { binary: Uint8Array; text: () => string } {
  const mb = new WasmModuleBuilder();
  const cases = ALL_MNEMONICS.map((mnemonic, opcode) => ({ opcode, func: liftGeneric(mnemonic) }));
  const profile = options.successors === undefined ? readSuccessorProfile() : options.successors;
  addInterpreter(mb, interpreterDecoderRows(), cases, {
    ...(profile ? { successors: successorRows(profile) } : {}),
    countSuccessors: options.countSuccessors ?? false,
  });
  if (!mb.validate()) throw new Error('internal error: generated T0 interpreter does not validate');
  if (options.optimize ?? 2) mb.optimize(options.optimize ?? 2, 0);
  const binary = mb.emitBinary();
  return { binary, text: () => mb.emitText() };
}
