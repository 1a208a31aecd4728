// Builds the T0 interpreter module (build time only; needs binaryen): the isa-riscv table becomes
// the decoder's rows, each base mnemonic's generic lift (operands as run-time values) becomes the
// case its rows execute (one threaded handler per row), and binaryen optimizes the whole once.
import { addInterpreter, WasmModuleBuilder, type DecoderRow } from '@ferry/backend-wasm';
import { ALL_MNEMONICS, ROWS, mnemonicIndex } from '@ferry/isa-riscv';
import { liftGeneric } from '@ferry/lift-riscv';

export function interpreterDecoderRows(): DecoderRow[] {
  return ROWS.map((row) => ({
    mask: row.mask,
    match: row.match,
    size: row.size,
    opcode: mnemonicIndex.get(row.base)!,
    name: row.name,
    fields: row.fields,
    ...(row.nonzero ? { nonzero: row.nonzero } : {}),
  }));
}

export interface BuildOptions {
  /** binaryen optimize level (0 = none). */
  optimize?: number;
}

export function buildInterpreter(options: BuildOptions = {}): { binary: Uint8Array; text: () => string } {
  const mb = new WasmModuleBuilder();
  const cases = ALL_MNEMONICS.map((mnemonic, opcode) => ({ opcode, func: liftGeneric(mnemonic) }));
  addInterpreter(mb, interpreterDecoderRows(), cases);
  if (!mb.validate()) throw new Error('internal error: generated T0 interpreter does not validate');
  if (options.optimize ?? 2) mb.optimize(options.optimize ?? 2, 0);
  const binary = mb.emitBinary();
  return { binary, text: () => mb.emitText() };
}
